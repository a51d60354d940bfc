"""What the site reads from the warehouse: published indicators, reference names, the
mid-term reading, the ingestion log and each file's warning count. Nothing here reads
partner files or staging rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import duckdb
import polars as pl

from dashboards.paths import safe_names
from indicators.registry import BY_CODE

SCOPE_TYPES = ("pilier", "partenaire", "action", "qpv")
SCOPE_TYPE_LABELS = {
    "contrat": ("Contrat", "Contrat"),
    "pilier": ("Pilier", "Piliers"),
    "partenaire": ("Partenaire", "Partenaires"),
    "action": ("Action", "Actions"),
    "qpv": ("Quartier prioritaire", "Quartiers prioritaires"),
}
PILIER_LABELS = {
    "emploi_developpement_economique": "Emploi et développement économique",
    "cohesion_sociale": "Cohésion sociale",
    "cadre_de_vie": "Cadre de vie et renouvellement urbain",
}

_PUBLISHED_COLUMNS = (
    "code_indicateur, libelle, unite, periode, perimetre_type, perimetre_code, "
    "perimetre_libelle, ventilation, modalite, valeur, secret, valeur_cible, annee_cible, "
    "valeur_attendue, statut, millesime, date_reception_max"
)

_COLUMNS_SECRET_NOT_NULL = _PUBLISHED_COLUMNS.replace(
    "secret,", "coalesce(secret, false) AS secret,"
)


@dataclass(frozen=True)
class Scope:
    type: str
    code: str
    label: str
    path: str  # page path relative to the site root


@dataclass
class SiteData:
    rows: pl.DataFrame  # published cells; valeur and statut are NULL where secret
    years: list[str]
    contrat: dict
    scopes: dict[str, list[Scope]]
    labels: dict[str, str]  # code_indicateur -> label shown (published libelle first)
    units: dict[str, str]
    actions: pl.DataFrame
    qpv: pl.DataFrame
    midterm: pl.DataFrame
    files: pl.DataFrame
    millesime: str | None = None
    date_reception_max: object = None
    extra: dict = field(default_factory=dict)
    # (v2) periods flagged provisoire in marts.periodes (data contract section 6)
    provisional: frozenset[str] = frozenset()
    # (v2) reporting calendar of ref.calendrier (None when not recorded)
    delai_remontee: int | None = None
    date_arrete: date | None = None

    @property
    def definitive_years(self) -> list[str]:
        return [y for y in self.years if y not in self.provisional]

    @property
    def lead_year(self) -> str | None:
        """The year the synthesis leads with: the latest definitive one (else the latest)."""
        definitive = self.definitive_years
        return definitive[-1] if definitive else (self.years[-1] if self.years else None)

    @property
    def latest_provisional(self) -> str | None:
        """The latest provisional year after the lead year, shown beside it."""
        later = [y for y in self.years if y in self.provisional and y != self.lead_year]
        lead = int(self.lead_year) if self.lead_year else 0
        later = [y for y in later if int(y) > lead]
        return later[-1] if later else None

    @cached_property  # read by every block of every page: the rows are scanned once
    def periods(self) -> list[str]:
        has_cumul = self.rows.filter(pl.col("periode") == "cumul").height > 0
        return self.years + (["cumul"] if has_cumul else [])


def _published(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    # Defence in depth: a secret cell never carries a value or a status to the page.
    return con.sql(
        f"""SELECT * REPLACE (
                CASE WHEN secret THEN NULL ELSE valeur END AS valeur,
                CASE WHEN secret THEN NULL ELSE statut END AS statut)
            FROM (SELECT {_COLUMNS_SECRET_NOT_NULL} FROM marts.indicateurs_publies)"""
    ).pl()


def _contrat(con: duckdb.DuckDBPyConnection) -> dict:
    row = con.execute(
        "SELECT code, libelle, date_debut, date_fin, date_mi_parcours, seuil_secret "
        "FROM ref.contrat LIMIT 1"
    ).fetchall()
    row = row[0] if row else None
    keys = ("code", "libelle", "date_debut", "date_fin", "date_mi_parcours", "seuil_secret")
    return dict(zip(keys, row, strict=True)) if row else {k: None for k in keys}


def _midterm(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Mid-term rows of marts.cibles_publiees, where secrecy is already applied (a value
    reached read on a secret cell comes with valeur_atteinte and statut NULL)."""
    return con.sql(
        """SELECT code_indicateur, perimetre_type, perimetre_code,
                  valeur_cible::DOUBLE AS valeur_cible, annee_cible::BIGINT AS annee_cible,
                  valeur_attendue::DOUBLE AS valeur_attendue,
                  valeur_atteinte::DOUBLE AS valeur_atteinte, statut, secret,
                  periode_valeur
           FROM marts.cibles_publiees WHERE periode = 'mi_parcours'
           ORDER BY perimetre_type, perimetre_code, code_indicateur"""
    ).pl()


def _provisional(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    rows = con.execute("SELECT periode FROM marts.periodes WHERE provisoire").fetchall()
    return frozenset(p for (p,) in rows)


def _calendar(con: duckdb.DuckDBPyConnection) -> tuple[int | None, date | None]:
    row = con.execute(
        "SELECT max(delai_remontee_jours), max(date_arrete) FROM ref.calendrier"
    ).fetchall()
    return row[0][0], row[0][1]


def _files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Files in force (one per partner, period and kind), for the data vintage."""
    return con.sql(
        """SELECT f.code_partenaire, p.nom, f.periode, f.periode_rang, f.kind,
                  f.received_at, f.rows_accepted, f.rows_rejected,
                  -- every warning of the file, cross-file ones included, as its report counts
                  coalesce(w.avertissements, 0) AS rows_warned
           FROM ingest.files f LEFT JOIN ref.partenaires p USING (code_partenaire)
           LEFT JOIN staging.file_warning_counts w USING (file_id)
           WHERE f.in_force
           ORDER BY f.code_partenaire, f.periode_rang, f.kind"""
    ).pl()


def _scope_label(row: dict, names: dict[tuple[str, str], str]) -> str:
    key = (row["perimetre_type"], row["perimetre_code"])
    label = row["perimetre_libelle"] or names.get(key)
    if not label and row["perimetre_type"] == "pilier":
        label = PILIER_LABELS.get(row["perimetre_code"])
    return label or row["perimetre_code"]


def load(con: duckdb.DuckDBPyConnection) -> SiteData:
    rows = _published(con)
    contrat = _contrat(con)
    actions = con.sql(
        "SELECT code_action, libelle, code_partenaire, pilier FROM ref.actions ORDER BY 1"
    ).pl()
    partenaires = con.sql("SELECT code_partenaire, nom FROM ref.partenaires").pl()
    qpv = con.sql("SELECT code_qpv, nom, commune, population FROM ref.qpv ORDER BY 1").pl()

    names: dict[tuple[str, str], str] = {}
    names.update({("action", r[0]): r[1] for r in actions.select("code_action", "libelle").rows()})
    names.update({("partenaire", r[0]): r[1] for r in partenaires.rows()})
    names.update({("qpv", r[0]): r[1] for r in qpv.select("code_qpv", "nom").rows()})

    scope_rows = (
        rows.group_by("perimetre_type", "perimetre_code")
        .agg(pl.col("perimetre_libelle").drop_nulls().first())
        .sort("perimetre_type", "perimetre_code")
    )
    scopes: dict[str, list[Scope]] = {t: [] for t in ("contrat", *SCOPE_TYPES)}
    for t in scopes:
        of_type = scope_rows.filter(pl.col("perimetre_type") == t)
        files = safe_names(of_type.get_column("perimetre_code").to_list())
        for r in of_type.iter_rows(named=True):
            path = f"{t}/{files[r['perimetre_code']]}.html"
            scopes[t].append(Scope(t, r["perimetre_code"], _scope_label(r, names), path))

    labels = {i.code: i.libelle for i in BY_CODE.values()}
    units = {i.code: i.unite for i in BY_CODE.values()}
    for code, libelle, unite in (
        rows.group_by("code_indicateur")
        .agg(pl.col("libelle").drop_nulls().first(), pl.col("unite").drop_nulls().first())
        .iter_rows()
    ):
        labels[code] = libelle or labels.get(code, code)
        units[code] = unite or units.get(code, "nombre")

    years = sorted(
        {p for p in rows.get_column("periode").unique().to_list() if p and p.isdigit()}, key=int
    )
    vintage = rows.select(
        pl.col("millesime").drop_nulls().max(), pl.col("date_reception_max").max()
    ).row(0)
    return SiteData(
        # the vintage is the same on every row and changes with any file: pages take it
        # from SiteData, so that a scope's rows (and its charts, block_cache.py) do not
        rows=rows.drop("millesime", "date_reception_max"),
        years=years,
        contrat=contrat,
        scopes=scopes,
        labels=labels,
        units=units,
        actions=actions,
        qpv=qpv,
        midterm=_midterm(con),
        files=_files(con),
        millesime=vintage[0],
        date_reception_max=vintage[1],
        provisional=_provisional(con),
        delai_remontee=_calendar(con)[0],
        date_arrete=_calendar(con)[1],
    )
