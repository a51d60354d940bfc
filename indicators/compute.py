"""Compute the contract's indicators in DuckDB (data contract section 4).

The SQL lives in indicators/sql/, one concern per file; this module only loads and runs it.
Run order, discovered rather than listed here:
  1. numbered preparation files `NN_*.sql` with NN < 90 (periods, scopes, enrolments, people),
  2. the indicator files named by the registry's `sql` fields, in registry order (a file may
     read the values written by the files before it, e.g. couts.sql),
  3. numbered final files with NN >= 90 (the full grid that replaces marts.indicateurs).
Indicator files append (code_indicateur, periode, perimetre_type, perimetre_code, ventilation,
modalite, numerateur, denominateur) rows to the temp table ind_valeurs; the grid derives
valeur from the registry's unit. Adding an indicator = one registry entry + its SQL file.
"""

from __future__ import annotations

import re
from pathlib import Path
from time import perf_counter

import duckdb
import polars as pl

from indicators import session_cells
from indicators.people_values import PREPARATION, PeopleValues
from indicators.registry import INDICATEURS, MODALITES, VENTILATION_PERIMETRES

SQL_DIR = Path(__file__).parent / "sql"
FINAL_FROM = 90  # numbered files from this prefix on run after the indicator files
TARGETS_SQL = "cibles.sql"
ATTENDANCE_SQL = "assiduite.sql"
_NUMBERED = re.compile(r"^(\d{2})_.+\.sql$")

VALEURS_DDL = """
CREATE OR REPLACE TEMP TABLE ind_valeurs (
    code_indicateur VARCHAR, periode VARCHAR, perimetre_type VARCHAR, perimetre_code VARCHAR,
    ventilation VARCHAR, modalite VARCHAR, numerateur DOUBLE, denominateur DOUBLE
)
"""
CATALOGUE_SCHEMA = {
    "code_indicateur": pl.String,
    "perimetre_type": pl.String,
    "ventilation": pl.String,
    "modalite": pl.String,
    "unite": pl.String,
    "est_ratio": pl.Boolean,
    "echelle": pl.Int32,
}
CATALOGUE_DDL = """
CREATE OR REPLACE TEMP TABLE ind_catalogue (
    code_indicateur VARCHAR, perimetre_type VARCHAR, ventilation VARCHAR, modalite VARCHAR,
    unite VARCHAR, est_ratio BOOLEAN, echelle INTEGER
)
"""


def sql_files() -> list[Path]:
    """SQL files of compute_indicators, in run order (see module docstring)."""
    numbered = sorted(p for p in SQL_DIR.glob("*.sql") if _NUMBERED.match(p.name))
    prep = [p for p in numbered if not _is_final(p)]
    final = [p for p in numbered if _is_final(p)]
    names = list(dict.fromkeys(i.sql for i in INDICATEURS))
    missing = [n for n in names if not (SQL_DIR / n).is_file()]
    if missing:
        raise FileNotFoundError(f"indicator SQL files missing in {SQL_DIR}: {missing}")
    return prep + [SQL_DIR / n for n in names] + final


def catalogue_rows() -> list[tuple]:
    """One row per indicator x scope type x breakdown modality the grid must hold.

    A breakdown exists at the scope types of VENTILATION_PERIMETRES (data contract section 4).
    """
    rows = []
    for ind in INDICATEURS:
        for perimetre_type in ind.perimetres:
            for ventilation in ind.ventilations:
                if perimetre_type not in VENTILATION_PERIMETRES[ventilation]:
                    continue
                for modalite in MODALITES[ventilation]:
                    rows.append(
                        (
                            ind.code,
                            perimetre_type,
                            ventilation,
                            modalite,
                            ind.unite,
                            ind.est_ratio,
                            ind.echelle,
                        )
                    )
    return rows


def catalogue_frame() -> pl.DataFrame:
    """catalogue_rows() as a polars frame with the columns of ind_catalogue."""
    return pl.DataFrame(catalogue_rows(), schema=CATALOGUE_SCHEMA, orient="row")


def load_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the temp table ind_catalogue from the registry."""
    con.register("ind_catalogue_source", catalogue_frame())
    try:
        con.execute(CATALOGUE_DDL)
        con.execute("INSERT INTO ind_catalogue SELECT * FROM ind_catalogue_source")
    finally:
        con.unregister("ind_catalogue_source")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str):
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection
    return con.execute(sql).fetchall()[0][0]


def _require_one_contract(con: duckdb.DuckDBPyConnection) -> None:
    n = _scalar(con, "SELECT count(*) FROM ref.contrat")
    if n != 1:
        raise ValueError(f"ref.contrat must hold exactly one contract, found {n}")


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'ind\\_%' "
        "ESCAPE '\\'"
    ).fetchall()
    for (name,) in names:
        con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')


def _run_in_transaction(con: duckdb.DuckDBPyConnection, steps) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for step in steps:
            step()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _drop_temp_tables(con)


def compute_indicators(con: duckdb.DuckDBPyConnection) -> dict:
    """Recompute every indicator from staging.* and ref.*, replacing marts.indicateurs.

    Runs all SQL files in one transaction (a failure leaves the previous table in place).
    Returns a summary: rows written, periods, seconds per SQL file.
    """
    _require_one_contract(con)
    files = sql_files()
    last_indicator_file = max(i for i, p in enumerate(files) if not _is_final(p))
    secondes: dict[str, float] = {}
    summary: dict = {}

    def prepare() -> None:
        load_catalogue(con)
        con.execute(VALEURS_DDL)

    def run_file(path: Path, check_codes: bool) -> None:
        start = perf_counter()
        if path.name == PREPARATION[0]:  # periods and scopes built: the people's values?
            summary["valeurs_personnes_reprises"] = people.reuse()
        if path.name == ATTENDANCE_SQL:  # its sessions' cells, for the actions that changed
            summary["cellules_seances_actions"] = session_cells.refresh(con)
        if not people.skips(path.name):
            con.execute(path.read_text(encoding="utf-8"))
            secondes[path.name] = round(perf_counter() - start, 3)
        if check_codes:
            _reject_unknown_rows(con)

    def summarise() -> None:
        periodes = con.execute("SELECT periode FROM ind_periodes ORDER BY annuelle DESC, debut")
        summary["periodes"] = [p for (p,) in periodes.fetchall()]
        summary["derniere_annee"] = _scalar(
            con, "SELECT annee_fin FROM ind_periodes WHERE NOT annuelle"
        )
        summary["lignes"] = _scalar(con, "SELECT count(*) FROM marts.indicateurs")

    people = PeopleValues(con)
    steps = [prepare]
    for i, path in enumerate(files):
        steps.append(lambda p=path, c=(i == last_indicator_file): run_file(p, c))
    steps += [people.store, summarise]
    _run_in_transaction(con, steps)
    summary["secondes"] = secondes
    summary["secondes_total"] = round(sum(secondes.values()), 3)
    return summary


def _is_final(path: Path) -> bool:
    m = _NUMBERED.match(path.name)
    return bool(m) and int(m.group(1)) >= FINAL_FROM


def _reject_unknown_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Fail loudly when SQL wrote a code, scope type or breakdown the registry does not list."""
    unknown = con.execute(
        """
        SELECT DISTINCT code_indicateur, perimetre_type, ventilation, modalite
        FROM ind_valeurs
        ANTI JOIN ind_catalogue USING (code_indicateur, perimetre_type, ventilation, modalite)
        LIMIT 5
        """
    ).fetchall()
    if unknown:
        raise ValueError(f"indicator SQL wrote rows outside the registry catalogue: {unknown}")


def compute_targets(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild marts.cibles_suivi from ref.cibles and marts.indicateurs; returns its row count.

    Thresholds and conventions are documented at the top of indicators/sql/cibles.sql.
    """
    _require_one_contract(con)
    sql = (SQL_DIR / TARGETS_SQL).read_text(encoding="utf-8")
    _run_in_transaction(con, [lambda: con.execute(sql)])
    return _scalar(con, "SELECT count(*) FROM marts.cibles_suivi")
