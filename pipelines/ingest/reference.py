"""Reference files of the evaluation officer: read with partner-file tolerance, check, store.

read_reference(root) reads <root>/reference/ (contrat.yaml, actions, partenaires, qpv,
cibles as .csv/.xlsx/.xls/.ods) and raises ReferenceError listing every problem
(file, row, column) in French; write_reference(con, ref) replaces ref.* at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import yaml

from indicators.registry import ALL_SCOPES, BY_CODE
from pipelines import settings
from pipelines.ingest.errors import FileRefused
from pipelines.ingest.headers import ColumnSpec
from pipelines.ingest.readers import FORMATS, read_table
from pipelines.ingest.text import fold_code_expr, remove_spaces_expr, strip_expr
from pipelines.ingest.values import on_distinct, parse_amount, parse_date, parse_int

MAX_BYTES = settings.REFERENCE_MAX_BYTES
DEFAULT_SEUIL_SECRET = settings.DEFAULT_SEUIL_SECRET
DEFAULT_DELAI_REMONTEE_JOURS = 60  # (v2) data contract section 1
RYTHMES = ("annuel", "semestriel")
DEFAULT_RYTHME = "annuel"
PARIS = ZoneInfo("Europe/Paris")


class ReferenceError(Exception):  # noqa: A001 - the name the pipeline's callers use
    """The reference is missing or invalid; the message (French) lists every problem."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(
            "Référentiel invalide :\n" + "\n".join(f"- {problem}" for problem in self.problems)
        )


@dataclass
class Reference:
    contrat: dict  # code, libelle, date_debut, date_fin, date_mi_parcours, seuil_secret
    actions: pl.DataFrame
    partenaires: pl.DataFrame  # code_partenaire, nom
    qpv: pl.DataFrame
    cibles: pl.DataFrame
    # (v2) reporting calendar: delai_remontee_jours, date_arrete (defaults applied) ...
    calendrier: dict = field(default_factory=dict)
    # ... and code_partenaire, rythme_remontee (default annuel), from partenaires.csv
    rythmes: pl.DataFrame | None = None


def _col(name, label, *synonyms, required=True, kind="text"):
    return ColumnSpec(name, label, required, synonyms), kind


# (spec, value kind) per file, in ref.* column order.
FILES: dict[str, tuple[tuple[ColumnSpec, str], ...]] = {
    "actions": (
        _col("code_action", "Code action", "Action", kind="code"),
        _col("libelle", "Libellé", "Intitulé", "Nom de l'action", required=False),
        _col("code_partenaire", "Code partenaire", "Partenaire", "Porteur", kind="code"),
        _col("pilier", "Pilier", kind="slug"),
        _col("type_action", "Type d'action", "Type", required=False),
        _col("date_debut", "Date de début", "Début", required=False, kind="date"),
        _col("date_fin", "Date de fin", "Fin", required=False, kind="date"),
    ),
    "partenaires": (
        _col("code_partenaire", "Code partenaire", "Partenaire", "Code", kind="code"),
        _col("nom", "Nom", "Nom du partenaire", "Raison sociale", required=False),
        _col(
            "rythme_remontee",
            "Rythme de remontée",
            "Rythme",
            "Rythme des bilans",
            "Périodicité",
            required=False,
            kind="rythme",
        ),
    ),
    "qpv": (
        _col("code_qpv", "Code QPV", "QPV", "Code", kind="code"),
        _col("nom", "Nom", "Nom du quartier", "Quartier", required=False),
        _col("commune", "Commune", "Ville", required=False),
        _col("population", "Population", "Habitants", "Nombre d'habitants", kind="count"),
    ),
    "cibles": (
        _col("code_indicateur", "Code indicateur", "Indicateur", kind="slug"),
        _col("perimetre_type", "Type de périmètre", kind="slug"),
        _col("perimetre_code", "Code périmètre", "Périmètre", kind="code"),
        _col("annee_reference", "Année de référence", kind="year"),
        _col("valeur_reference", "Valeur de référence", kind="number"),
        _col("annee_cible", "Année cible", kind="year"),
        _col("valeur_cible", "Valeur cible", "Cible", kind="number"),
        _col("sens", "Sens", kind="slug"),
    ),
}
OPTIONAL_FILES = {"cibles"}  # a contract may not have set targets yet

_PARSERS = {
    "text": (strip_expr, pl.Utf8, ""),
    "code": (remove_spaces_expr, pl.Utf8, ""),
    "slug": (lambda e: strip_expr(fold_code_expr(e)), pl.Utf8, ""),
    "date": (parse_date, pl.Date, "n'est pas une date lisible (attendu jj/mm/aaaa)"),
    "year": (parse_int, pl.Int32, "n'est pas une année"),
    "count": (
        lambda e: parse_int(e).pipe(lambda v: pl.when(v >= 0).then(v)),
        pl.Int32,
        "n'est pas un nombre entier positif",
    ),
    "number": (parse_amount, pl.Float64, "n'est pas un nombre lisible"),
    "rythme": (
        lambda e: strip_expr(fold_code_expr(e)).pipe(lambda v: pl.when(v.is_in(RYTHMES)).then(v)),
        pl.Utf8,
        f"n'est pas un rythme de remontée connu ({' ou '.join(RYTHMES)})",
    ),
}
DEFAULTS = {("partenaires", "rythme_remontee"): DEFAULT_RYTHME}  # optional column, empty cell


def reference_folder(root: Path) -> Path:
    """<root>/reference/, or `root` itself when it holds contrat.yaml."""
    folder = Path(root) / "reference"
    if not folder.is_dir() and (Path(root) / "contrat.yaml").exists():
        return Path(root)
    return folder


def read_reference(root: Path) -> Reference:
    """Read <root>/reference/ (or `root` itself when it holds contrat.yaml)."""
    folder = reference_folder(root)
    problems: list[str] = []
    contrat = _read_contrat(folder, problems)
    calendrier = contrat.pop("_calendrier", {})
    frames = {name: _read_file(folder, name, problems) for name in FILES}
    if not problems:
        _cross_checks(contrat, frames, problems)
    if problems:
        raise ReferenceError(problems)
    rythmes = frames["partenaires"].select("code_partenaire", "rythme_remontee")
    frames["partenaires"] = frames["partenaires"].drop("rythme_remontee")
    return Reference(contrat, **frames, calendrier=calendrier, rythmes=rythmes)


def _find(folder: Path, name: str) -> Path | None:
    for suffix in FORMATS:
        for candidate in (folder / f"{name}{suffix}", folder / f"{name}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    return None


def _read_file(folder: Path, name: str, problems: list[str]) -> pl.DataFrame:
    columns = FILES[name]
    empty = pl.DataFrame(schema={spec.name: _PARSERS[kind][1] for spec, kind in columns})
    path = _find(folder, name)
    if path is None:
        if name not in OPTIONAL_FILES:
            problems.append(f"{name}.csv : fichier absent du dossier {folder}.")
        return empty
    try:
        table = read_table(path, [spec for spec, _ in columns], MAX_BYTES)
    except FileRefused as refused:
        problems.append(f"{path.name} : {refused.message}")
        return empty
    rows = table.frame.filter(~pl.col("is_total"))
    if rows.is_empty() and name not in OPTIONAL_FILES:
        problems.append(f"{path.name} : aucune ligne sous l'en-tête.")
    parsed = []
    for spec, kind in columns:
        parser, dtype, explain = _PARSERS[kind]
        if spec.name not in rows.columns:  # optional column absent
            parsed.append(pl.lit(None, dtype).alias(spec.name))
            continue
        value = on_distinct(rows, spec.name, parser).alias(spec.name)
        header = table.header.headers[spec.name]
        bad = rows.filter(pl.col(spec.name).is_not_null() & value.is_null())
        for number, raw in bad.select("row_number", spec.name).iter_rows():
            problems.append(
                f"{path.name}, ligne {number}, colonne « {header} » : « {raw} » {explain}."
            )
        if spec.required:
            missing = rows.filter(pl.col(spec.name).is_null())["row_number"]
            problems.extend(
                f"{path.name}, ligne {n}, colonne « {header} » : valeur manquante." for n in missing
            )
        parsed.append(value)
    frame = rows.select(pl.col("row_number").alias("_ligne")).with_columns(parsed)
    for (file, column), default in DEFAULTS.items():
        if file == name:
            frame = frame.with_columns(pl.col(column).fill_null(default))
    return frame.with_columns(pl.lit(path.name).alias("_fichier"))


def _read_contrat(folder: Path, problems: list[str]) -> dict:
    path = next((p for p in (folder / "contrat.yaml", folder / "contrat.yml") if p.is_file()), None)
    if path is None:
        problems.append(f"contrat.yaml : fichier absent du dossier {folder}.")
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"contrat.yaml : illisible ({exc}).")
        return {}
    if not isinstance(data, dict):
        problems.append(
            "contrat.yaml : attendu une liste de clés (code, libelle, date_debut, ...)."
        )
        return {}
    contrat = {
        "code": str(data.get("code") or "").strip(),
        "libelle": str(data.get("libelle") or "").strip() or None,
    }
    if not contrat["code"]:
        problems.append("contrat.yaml : clé « code » manquante.")
    for key, required in (("date_debut", True), ("date_fin", True), ("date_mi_parcours", False)):
        contrat[key] = _yaml_date(data.get(key))
        if contrat[key] is None and (required or data.get(key) not in (None, "")):
            problems.append(f"contrat.yaml : « {key} » manquante ou illisible ({data.get(key)!r}).")
    seuil = data.get("seuil_secret", DEFAULT_SEUIL_SECRET)
    if seuil is None:
        seuil = DEFAULT_SEUIL_SECRET
    if isinstance(seuil, bool) or not isinstance(seuil, int) or seuil < 1:
        problems.append(f"contrat.yaml : « seuil_secret » doit être un entier ≥ 1 ({seuil!r}).")
    contrat["seuil_secret"] = seuil
    contrat["_calendrier"] = _read_calendar_keys(data, _yaml_lines(path), problems)
    start, end, middle = contrat["date_debut"], contrat["date_fin"], contrat["date_mi_parcours"]
    if start and end and end < start:
        problems.append("contrat.yaml : date_fin précède date_debut.")
    if start and end and middle and not start <= middle <= end:
        problems.append("contrat.yaml : date_mi_parcours hors de la durée du contrat.")
    return contrat


def _read_calendar_keys(data: dict, lines: dict, problems: list[str]) -> dict:
    """(v2) delai_remontee_jours (default 60) and date_arrete (default: today in Paris)."""

    def where(key: str) -> str:
        return f"contrat.yaml, ligne {lines[key]}" if key in lines else "contrat.yaml"

    delai = data.get("delai_remontee_jours")
    if delai in (None, ""):
        delai = DEFAULT_DELAI_REMONTEE_JOURS
    if isinstance(delai, bool) or not isinstance(delai, int) or delai < 0:
        problems.append(
            f"{where('delai_remontee_jours')} : « delai_remontee_jours » doit être un nombre "
            f"entier de jours ≥ 0 (valeur reçue : « {delai} »)."
        )
    calendrier = {"delai_remontee_jours": delai, "date_arrete": None}
    raw = data.get("date_arrete")
    if raw in (None, ""):
        calendrier["date_arrete"] = dt.datetime.now(PARIS).date()
        return calendrier
    calendrier["date_arrete"] = _yaml_date(raw)
    if calendrier["date_arrete"] is None:
        problems.append(
            f"{where('date_arrete')} : « date_arrete » n'est pas une date lisible "
            f"(valeur reçue : « {raw} » ; attendu jj/mm/aaaa ou aaaa-mm-jj)."
        )
    return calendrier


def _yaml_lines(path: Path) -> dict[str, int]:
    """Line (from 1) of each top-level key of a YAML mapping, for messages."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _yaml_date(value: object) -> dt.date | None:
    """YAML gives ISO dates as dates; '01/01/2024' and the like come as text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        return None
    return pl.select(parse_date(pl.lit(str(value)))).item()


def _cross_checks(contrat: dict, frames: dict[str, pl.DataFrame], problems: list[str]) -> None:
    keys = {"actions": "code_action", "partenaires": "code_partenaire", "qpv": "code_qpv"}
    for name, key in keys.items():
        frame = frames[name]
        dup = frame.filter(pl.col(key).str.to_uppercase().is_duplicated())
        for fichier, ligne, code in dup.select("_fichier", "_ligne", key).iter_rows():
            problems.append(f"{fichier}, ligne {ligne} : code « {code} » présent plusieurs fois.")
    actions, partners = frames["actions"], set(frames["partenaires"]["code_partenaire"])
    for fichier, ligne, code in (
        actions.filter(~pl.col("code_partenaire").is_in(sorted(partners)))
        .select("_fichier", "_ligne", "code_partenaire")
        .iter_rows()
    ):
        problems.append(
            f"{fichier}, ligne {ligne}, colonne « code_partenaire » : « {code} » "
            "absent de partenaires.csv."
        )
    for fichier, ligne in (
        actions.filter(pl.col("date_fin") < pl.col("date_debut"))
        .select("_fichier", "_ligne")
        .iter_rows()
    ):
        problems.append(f"{fichier}, ligne {ligne} : date_fin précède date_debut.")
    _check_cibles(contrat, frames, problems)
    for name in frames:
        frames[name] = frames[name].drop("_fichier", "_ligne", strict=False)


def _check_cibles(contrat: dict, frames: dict[str, pl.DataFrame], problems: list[str]) -> None:
    known = {
        "contrat": {contrat.get("code")},
        "pilier": set(frames["actions"]["pilier"]),
        "partenaire": set(frames["partenaires"]["code_partenaire"]),
        "action": set(frames["actions"]["code_action"]),
        "qpv": set(frames["qpv"]["code_qpv"]),
    }
    columns = ("_fichier", "_ligne", "code_indicateur", "perimetre_type", "perimetre_code", "sens")
    for fichier, ligne, code, ptype, pcode, sens in frames["cibles"].select(columns).iter_rows():
        where = f"{fichier}, ligne {ligne}"
        if code not in BY_CODE:
            problems.append(f"{where} : indicateur « {code} » inconnu du catalogue.")
        elif ptype not in ALL_SCOPES:
            problems.append(
                f"{where} : type de périmètre « {ptype} » inconnu ({', '.join(ALL_SCOPES)})."
            )
        elif ptype not in BY_CODE[code].perimetres:
            problems.append(
                f"{where} : l'indicateur {code} n'est pas calculé au périmètre {ptype}."
            )
        elif pcode not in known[ptype]:
            problems.append(f"{where} : périmètre {ptype} « {pcode} » absent du référentiel.")
        if sens not in ("hausse", "baisse"):
            problems.append(f"{where} : sens « {sens} » invalide (hausse ou baisse).")


def write_reference(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Replace every ref.* table in one transaction (the tables of the migrations must exist)."""
    contrat = pl.DataFrame(
        [
            {
                k: v
                for k, v in ref.contrat.items()
                if k not in ("delai_remontee_jours", "date_arrete")
            }
        ],
        schema={
            "code": pl.Utf8,
            "libelle": pl.Utf8,
            "date_debut": pl.Date,
            "date_fin": pl.Date,
            "date_mi_parcours": pl.Date,
            "seuil_secret": pl.Int32,
        },
    )
    calendar_schema = {"delai_remontee_jours": pl.Int32, "date_arrete": pl.Date}
    calendrier = pl.DataFrame([ref.calendrier] if ref.calendrier else [], schema=calendar_schema)
    rythmes = ref.rythmes
    if rythmes is None:
        rythmes = pl.DataFrame(schema={"code_partenaire": pl.Utf8, "rythme_remontee": pl.Utf8})
    tables = {
        "contrat": contrat,
        **{name: getattr(ref, name) for name in FILES},
        # (v2) calendar settings live in their own tables (migration 0005)
        "calendrier": calendrier,
        "rythmes": rythmes,
    }
    con.execute("BEGIN TRANSACTION")
    try:
        for name, frame in tables.items():
            columns = ", ".join(frame.columns)
            con.register("_ref_rows", frame.to_arrow())
            con.execute(f"DELETE FROM ref.{name}")
            con.execute(f"INSERT INTO ref.{name} ({columns}) SELECT {columns} FROM _ref_rows")
            con.unregister("_ref_rows")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
