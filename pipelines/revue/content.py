"""What the review document reads from the warehouse, once, at freezing time.

Indicator values come only from marts.indicateurs_publies (through dashboards.data, which
also blanks secret values): secrecy is never re-derived here. Tables that later work adds
(marts.periodes, marts.completude) are read when present; a section says the data is
unavailable otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from dashboards import data as site_data
from dashboards.format import format_value

E = "ensemble"
Key = tuple[str, str, str, str, str, str]  # code, ptype, pcode, periode, ventilation, modalite


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return name in _tables(con, schema)


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema]
    ).fetchall()
    return {r[0] for r in rows}


def _columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ?",
        [schema, name],
    ).fetchall()
    return {r[0] for r in rows}


def _provisional(con: duckdb.DuckDBPyConnection) -> dict[str, bool] | None:
    if not table_exists(con, "marts", "periodes"):
        return None
    rows = con.sql("SELECT periode, coalesce(provisoire, false) FROM marts.periodes").fetchall()
    return {str(p): bool(v) for p, v in rows}


def _completude(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    if not table_exists(con, "marts", "completude"):
        return None
    return con.sql(
        """SELECT c.code_partenaire, coalesce(p.nom, c.code_partenaire) AS nom, c.periode,
                  c.type_fichier, c.date_limite, c.date_reception, c.statut
           FROM marts.completude c LEFT JOIN ref.partenaires p USING (code_partenaire)
           ORDER BY 1, 3, 4"""
    ).pl()


def _date_arrete(con: duckdb.DuckDBPyConnection, today: date) -> date:
    """The contract's date_arrete (v2, optional) when the reference carries it, else today."""
    if "date_arrete" in _columns(con, "ref", "contrat"):
        rows = con.execute("SELECT date_arrete FROM ref.contrat LIMIT 1").fetchall()
        if rows and rows[0][0] is not None:
            return rows[0][0]
    return today


def received_files(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every file ever received (accepted, refused, identical), for the vintage and the
    comparison of two reviews."""
    df = con.sql(
        """SELECT file_id, source_path, sha256, code_partenaire, periode, kind, status,
                  in_force, received_at, rows_accepted, rows_rejected, message
           FROM ingest.files ORDER BY arrival_seq, file_id"""
    ).pl()
    return df.with_columns(pl.col("received_at").dt.strftime("%Y-%m-%dT%H:%M:%S")).to_dicts()


@dataclass
class ReviewData:
    site: site_data.SiteData
    cells: dict[Key, dict]
    provisional: dict[str, bool] | None  # None: marts.periodes not computed by this version
    completude: pl.DataFrame | None
    files: list[dict]
    date_arrete: date

    @property
    def contrat_code(self) -> str | None:
        scopes = self.site.scopes["contrat"]
        return scopes[0].code if scopes else self.site.contrat.get("code")

    @property
    def periods(self) -> list[str]:
        return self.site.periods

    @property
    def years(self) -> list[str]:
        return self.site.years

    def has(self, code: str, ptype: str, ventilation: str = E) -> bool:
        return any(k[0] == code and k[1] == ptype and k[4] == ventilation for k in self.cells)

    def cell(self, code, ptype, pcode, periode, ventilation=E, modalite=E) -> dict:
        return self.cells.get((code, ptype, pcode, periode, ventilation, modalite), {})

    def text(self, code, ptype, pcode, periode, ventilation=E, modalite=E) -> str:
        """The cell as published: `s` when secret, `n.d.` when undefined, `—` when absent."""
        row = self.cell(code, ptype, pcode, periode, ventilation, modalite)
        if not row:
            return "—"
        unite = self.site.units.get(code, "nombre")
        return format_value(row.get("valeur"), unite, bool(row.get("secret")))

    def is_provisional(self, periode: str) -> bool:
        return bool(self.provisional and self.provisional.get(periode))

    def period_label(self, periode: str) -> str:
        years = self.years
        label = periode
        if periode == "cumul":
            label = f"Cumul {years[0]}–{years[-1]}" if years else "Cumul"
        return label + (" (provisoire)" if self.is_provisional(periode) else "")

    def modalities(self, code: str, ptype: str, ventilation: str) -> list[str]:
        seen = {k[5] for k in self.cells if k[0] == code and k[1] == ptype and k[4] == ventilation}
        return sorted(seen)


def load_review_data(con: duckdb.DuckDBPyConnection, today: date) -> ReviewData:
    site = site_data.load(con)
    cells = {
        (
            r["code_indicateur"],
            r["perimetre_type"],
            r["perimetre_code"],
            r["periode"],
            r["ventilation"],
            r["modalite"],
        ): r
        for r in site.rows.iter_rows(named=True)
    }
    return ReviewData(
        site=site,
        cells=cells,
        provisional=_provisional(con),
        completude=_completude(con),
        files=received_files(con),
        date_arrete=_date_arrete(con, today),
    )
