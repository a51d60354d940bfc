"""Comparing two frozen packs: the published cells whose value, secrecy or status changed,
and why: the files received, resubmitted or refused between the two vintages, and the
reference files that changed. Reads the packs only (never the warehouse)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboards.format import format_value
from dashboards.render import render
from pipelines.revue.catalogue import COMPARISONS, MILLESIME, list_packs
from pipelines.revue.pack import TABLES, RevueRefusee, slugify

KEY = ["code_indicateur", "periode", "perimetre_type", "perimetre_code", "ventilation", "modalite"]
SCOPE_ORDER = {"contrat": 0, "pilier": 1, "partenaire": 2, "action": 3, "qpv": 4}
KINDS = {"participants": "participants", "seances": "séances", "financements": "financements"}


@dataclass(frozen=True)
class Pack:
    path: Path
    meta: dict

    @property
    def name(self) -> str:
        return self.path.name

    def table(self) -> pl.DataFrame:
        return pl.read_parquet(self.path / TABLES / "indicateurs.parquet")


def find_pack(revues: Path, wanted: str) -> Pack:
    """A pack by folder name, path or label."""
    wanted = (wanted or "").strip()
    candidates = [Path(wanted), revues / wanted]
    for c in candidates:
        if wanted and c.is_dir() and (c / MILLESIME).is_file():
            return Pack(c.resolve(), json.loads((c / MILLESIME).read_text(encoding="utf-8")))
    for meta in list_packs(revues):
        if slugify(meta.get("libelle", "")) == slugify(wanted) and slugify(wanted):
            folder = revues / meta["dossier"]
            return Pack(folder.resolve(), meta)
    known = ", ".join(m["dossier"] for m in list_packs(revues)) or "aucune"
    raise RevueRefusee(f"Revue introuvable : « {wanted} ». Revues figées : {known}.")


def _text(valeur, unite, secret) -> str:
    if valeur is None and not secret and unite is None:
        return "—"
    return format_value(valeur, unite or "nombre", bool(secret))


def changed_cells(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    cols = [*KEY, "libelle", "unite", "perimetre_libelle", "valeur", "secret", "statut"]
    joined = a.select(cols).join(b.select(cols), on=KEY, how="full", coalesce=True, suffix="_b")
    va, vb = pl.col("valeur"), pl.col("valeur_b")
    tol = 1e-9 * pl.max_horizontal(pl.lit(1.0), va.abs(), vb.abs())
    value_changed = (va.is_null() != vb.is_null()) | ((va - vb).abs() > tol).fill_null(False)
    secret_changed = pl.col("secret").fill_null(False) != pl.col("secret_b").fill_null(False)
    status_changed = pl.col("statut").fill_null("") != pl.col("statut_b").fill_null("")
    missing = pl.col("libelle").is_null() | pl.col("libelle_b").is_null()
    out = joined.filter(value_changed | secret_changed | status_changed | missing)
    return out.with_columns(
        pl.coalesce("libelle", "libelle_b").alias("libelle"),
        pl.coalesce("unite", "unite_b").alias("unite"),
        pl.coalesce("perimetre_libelle", "perimetre_libelle_b").alias("perimetre_libelle"),
        pl.col("perimetre_type").replace_strict(SCOPE_ORDER, default=9).alias("_rang"),
    ).sort("_rang", "perimetre_code", "code_indicateur", "periode", "ventilation", "modalite")


def file_changes(a: dict, b: dict) -> list[dict]:
    """Files of B's vintage that A's did not have, and what each did."""
    seen = {f["file_id"] for f in a.get("fichiers_recus", [])}
    in_force_a = {
        (f["code_partenaire"], f["periode"], f["kind"]): f["source_path"]
        for f in a.get("fichiers_en_vigueur", [])
    }
    out = []
    for f in b.get("fichiers_recus", []):
        if f["file_id"] in seen:
            continue
        slot = (f["code_partenaire"], f["periode"], f["kind"])
        if f["status"] == "refuse":
            what = "Refusé : " + (f.get("message") or "fichier inutilisable")
        elif f["status"] == "identique":
            what = "Identique à la version en vigueur : sans effet"
        elif slot in in_force_a:
            what = f"Renvoi : remplace « {in_force_a[slot]} »"
        else:
            what = "Nouveau fichier"
        out.append({**f, "effet": what, "type": KINDS.get(f["kind"], f["kind"] or "—")})
    return out


def reference_changes(a: dict, b: dict) -> list[str]:
    ra, rb = a.get("referentiel") or {}, b.get("referentiel") or {}
    return sorted(n for n in set(ra) | set(rb) if ra.get(n) != rb.get(n))


def render_comparison(a: Pack, b: Pack) -> str:
    cells = changed_cells(a.table(), b.table())
    per_indicator = (
        cells.group_by("code_indicateur", "libelle")
        .agg(pl.len().alias("n"))
        .sort("n", "code_indicateur", descending=[True, False])
        .to_dicts()
    )
    rows = [
        {
            **r,
            "texte_a": _text(r["valeur"], r["unite"], r["secret"])
            if r["secret"] is not None
            else "absent",
            "texte_b": _text(r["valeur_b"], r["unite"], r["secret_b"])
            if r["secret_b"] is not None
            else "absent",
        }
        for r in cells.iter_rows(named=True)
    ]
    return render(
        "revue/comparison.html",
        a=a,
        b=b,
        rows=rows,
        per_indicator=per_indicator,
        files=file_changes(a.meta, b.meta),
        references=reference_changes(a.meta, b.meta),
    )


def write_comparison(revues: Path, a_name: str, b_name: str) -> Path:
    a, b = find_pack(revues, a_name), find_pack(revues, b_name)
    if a.path == b.path:
        raise RevueRefusee("Choisissez deux revues différentes à comparer.")
    folder = revues / COMPARISONS
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{a.name}__{b.name}.html"
    tmp = folder / f".{target.name}.tmp"
    tmp.write_text(render_comparison(a, b), encoding="utf-8")
    os.replace(tmp, target)
    return target
