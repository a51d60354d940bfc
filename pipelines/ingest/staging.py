"""The rows in force (staging.*) from the rows of the files in force (raw.*).

One transaction: a reader sees the old rows in force or the new ones, never a mix. Every
key of staging.* holds its action (code_action), and a partner reports only its own
actions, so the rows of an action depend only on the files holding rows of that action.
A build after a resubmission therefore rebuilds only the actions of the files that entered
or left the set in force (sql/build_scope.sql): at a big city's size, a few actions out of
500 instead of 25 M sessions. A full build is done when nothing was built yet, when what
every action depends on changed (actions' dates, QPV list, the staging SQL), when asked
(`force`), or when the changed actions are more than a quarter of the contract's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ingest.registry import fetch_one

SQL_DIR = Path(__file__).parent / "sql"
RESIDENCES_SQL = SQL_DIR / "seances_residences.sql"
SCOPE_SQL = SQL_DIR / "build_scope.sql"
REPORT_ORDER_SQL = SQL_DIR / "report_order_refresh.sql"
# Removes the cross-file warnings of the actions rebuilt: a full build has emptied them
# already, and the file's joins over every session in force cost 1.6 s at a big city's size.
WARNINGS_RESET_SQL = SQL_DIR / "02_cross_file_warnings_reset.sql"
STAGING_TABLES = ("participants", "seances", "financements")
# Copied at each build; staging.seances is a view of raw.seances' rows in force, which
# 04_staging_seances.sql flags in place (migration 0012).
COPIED_TABLES = ("participants", "financements")
# Above this share of the contract's actions, one full build is cheaper than per action.
MAX_SCOPE_SHARE = 0.25

REFERENCE_INPUTS_SQL = """
SELECT md5(concat_ws('|',
    (SELECT string_agg(concat_ws(',', code_action, date_debut, date_fin), ';' ORDER BY code_action)
     FROM ref.actions),
    -- sessions' residences (seances_residences.sql)
    (SELECT string_agg(code_qpv, ';' ORDER BY code_qpv) FROM ref.qpv),
    ?))
"""
INPUTS_SQL = """
SELECT md5(concat_ws('|',
    (SELECT string_agg(concat_ws(',', file_id, run_id, status, in_force), ';' ORDER BY file_id)
     FROM ingest.files WHERE status = 'accepte'),
    ?))
"""


def staging_sql_files() -> list[Path]:
    """The staging SQL, one concern per file, run in the order of their number prefix
    (after the residences' view, RESIDENCES_SQL)."""
    return sorted(SQL_DIR.glob("[0-9][0-9]_*.sql"))


def _build_files() -> list[Path]:
    return [RESIDENCES_SQL, *staging_sql_files()]


def _scope_all(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TEMP MACRO in_build_scope(action) AS TRUE")


def _scope_of_build_actions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP MACRO in_build_scope(action) AS "
        "action IN (SELECT code_action FROM build_actions)"
    )


def fill_session_residences(con: duckdb.DuckDBPyConnection) -> None:
    """Set the sessions' reside_qpv as the rows-in-force build does, for rows in force
    written directly (tests, benchmarks)."""
    _scope_all(con)
    con.execute(RESIDENCES_SQL.read_text(encoding="utf-8"))
    con.execute("UPDATE raw.seances SET reside_qpv = NULL")  # enrolments may have changed
    con.execute(
        """
        UPDATE raw.seances AS s SET reside_qpv = r.qpv
        FROM seances_residences AS r
        WHERE s.en_vigueur AND r.id_participant = s.id_participant
            AND r.code_action = s.code_action
            AND s.date_seance >= r.debut AND s.date_seance < r.fin
        """
    )


def _reference_inputs(con: duckdb.DuckDBPyConnection) -> str:
    """Fingerprint of what every action's rows depend on: the actions' dates (cross-file
    warnings), the QPV list (sessions' residences) and the staging SQL itself."""
    sql_text = "".join(p.read_text(encoding="utf-8") for p in _build_files())
    return fetch_one(con, REFERENCE_INPUTS_SQL, [sql_text])[0]


def _inputs(con: duckdb.DuckDBPyConnection, reference: str) -> str:
    """Fingerprint of everything staging.* is derived from: the file log (a reprocessed
    file gets a new run_id) and the reference inputs."""
    return fetch_one(con, INPUTS_SQL, [reference])[0]


def _staging_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = {
        kind: fetch_one(con, f"SELECT count(*) FROM staging.{kind}")[0] for kind in STAGING_TABLES
    }
    counts["cross_file_warnings"] = fetch_one(
        con, "SELECT count(*) FROM staging.cross_file_warnings"
    )[0]
    return counts


def _changed_actions(con: duckdb.DuckDBPyConnection) -> int | None:
    """Fill build_actions with the actions to rebuild; their number, or None when a full
    build is cheaper."""
    con.execute(SCOPE_SQL.read_text(encoding="utf-8"))
    changed = fetch_one(con, "SELECT count(*) FROM build_actions")[0]
    contract = fetch_one(con, "SELECT count(*) FROM ref.actions")[0]
    return changed if changed <= MAX_SCOPE_SHARE * max(contract, 1) else None


def build_staging(con: duckdb.DuckDBPyConnection, force: bool = False) -> dict[str, int]:
    """Rebuild staging.* (all of it, or the changed actions: see the module's docstring).

    Skipped (same result, `rebuilt` = 0) when none of its inputs changed since the last
    build (last_build_scope tells how many actions the last one rebuilt).
    """
    reference = _reference_inputs(con)
    inputs = _inputs(con, reference)
    last = fetch_one(con, "SELECT inputs, reference_inputs FROM ingest.staging_state")
    if not force and last is not None and last[0] == inputs:
        return {**_staging_counts(con), "rebuilt": 0}
    con.begin()
    try:
        partial = not force and last is not None and last[1] == reference
        scope = _changed_actions(con) if partial else None
        if scope is None:
            _scope_all(con)
            for table in COPIED_TABLES:  # emptied at once, then filled
                name = f"staging.{table}"
                con.execute(f"CREATE OR REPLACE TABLE {name} AS FROM {name} LIMIT 0")
            con.execute("DELETE FROM staging.cross_file_warnings")
        else:
            _scope_of_build_actions(con)
        for sql_file in _build_files():
            if scope is None and sql_file == WARNINGS_RESET_SQL:
                continue
            con.execute(sql_file.read_text(encoding="utf-8"))
        if scope is not None:
            con.execute(REPORT_ORDER_SQL.read_text(encoding="utf-8"))
        _record_state(con, inputs, reference, last[0] if scope is not None else None)
        counts = _staging_counts(con)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return {**counts, "rebuilt": 1}


def last_build_scope(con: duckdb.DuckDBPyConnection) -> int | None:
    """Actions rebuilt by the last build; None when it was a full build."""
    previous = fetch_one(con, "SELECT previous_inputs FROM ingest.staging_state")
    if previous is None or previous[0] is None:
        return None
    return fetch_one(con, "SELECT count(*) FROM ingest.staging_actions")[0]


def _record_state(
    con: duckdb.DuckDBPyConnection, inputs: str, reference: str, previous: str | None
) -> None:
    """What this build was made from; `previous`: the build a partial one started from."""
    con.execute("DELETE FROM ingest.staging_state")
    con.execute(
        "INSERT INTO ingest.staging_state (inputs, built_at, reference_inputs, previous_inputs) "
        "VALUES (?, now(), ?, ?)",
        [inputs, reference, previous],
    )
    con.execute("DELETE FROM ingest.staging_files")
    con.execute(
        "INSERT INTO ingest.staging_files "
        "SELECT file_id, run_id FROM ingest.files WHERE in_force AND status = 'accepte'"
    )
    con.execute("DELETE FROM ingest.staging_actions")
    if previous is not None:
        con.execute("INSERT INTO ingest.staging_actions SELECT code_action FROM build_actions")
