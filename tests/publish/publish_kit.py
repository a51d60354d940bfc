"""Hand-made rows of marts.indicateurs for the publication tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.warehouse import migrate

INDICATEURS_SCHEMA = {
    "code_indicateur": pl.String,
    "periode": pl.String,
    "perimetre_type": pl.String,
    "perimetre_code": pl.String,
    "ventilation": pl.String,
    "modalite": pl.String,
    "valeur": pl.Float64,
    "numerateur": pl.Float64,
    "denominateur": pl.Float64,
    "unite": pl.String,
}

UNITS = {"sorties": "nombre", "beneficiaires_uniques": "nombre", "nouveaux_entrants": "nombre"}


def count(code, ptype, pcode, n, vent="ensemble", mod="ensemble", periode="2025", unite=None):
    """A count row: valeur = numerateur = n, no denominator."""
    return (code, periode, ptype, pcode, vent, mod, n, n, None, unite or UNITS.get(code, "euros"))


def rate(
    code,
    ptype,
    pcode,
    num,
    den,
    vent="ensemble",
    mod="ensemble",
    periode="2025",
    unite="pourcentage",
    factor=100.0,
):
    """A share / rate / cost row: valeur = num / den * factor (empty when den = 0)."""
    valeur = None if not den else num / den * factor
    return (code, periode, ptype, pcode, vent, mod, valeur, num, den, unite)


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=INDICATEURS_SCHEMA, orient="row")


def by_key(out: pl.DataFrame) -> dict[tuple, dict]:
    """Rows keyed by (code, perimetre_code, modalite, periode)."""
    return {
        (r["code_indicateur"], r["perimetre_code"], r["modalite"], r["periode"]): r
        for r in out.iter_rows(named=True)
    }


def new_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    migrate(con)
    return con
