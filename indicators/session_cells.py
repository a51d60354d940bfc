"""The sessions' cells of taux_assiduite, kept per action between computations.

assiduite.sql reads a big city's 25 M sessions once into a few thousand cells (action,
year, residence, in the contract or not, bucket): about 1 s. An action's cells depend only
on its sessions in force and the contract's start date, so after a partial build of the
rows in force (pipelines/ingest/staging.py: ingest.staging_actions) only the rebuilt
actions' cells are computed again (sql/cellules_seances.sql, into marts.cellules_seances,
in the computation's transaction). Every action's cells are computed again when the cells
were not built from the rows in force just before that build, or when the contract or the
code changed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import freshness

STEP = "cellules_seances"
CELLS_SQL = Path(__file__).parent / "sql" / "cellules_seances.sql"
STATE_SQL = "SELECT inputs, previous_inputs FROM ingest.staging_state"
EVERY_ACTION = """
SELECT code_action FROM staging.seances UNION SELECT code_action FROM marts.cellules_seances
"""


def refresh(con: duckdb.DuckDBPyConnection) -> str | int:
    """Bring marts.cellules_seances to the rows in force (ind_contrat built); returns the
    actions whose cells were computed: "toutes" or their number."""
    key = freshness.tables_fingerprint(con, ("ref.contrat",))
    built, previous = (con.execute(STATE_SQL).fetchall() or [(None, None)])[0]
    last = freshness.last_facts(con, STEP) or {}
    same = last.get("key") == key and built is not None
    if same and last.get("staging") == built:
        actions, scope = "SELECT NULL::VARCHAR AS code_action LIMIT 0", 0
    elif same and previous is not None and last.get("staging") == previous:
        actions = "SELECT code_action FROM ingest.staging_actions"
        scope = con.execute("SELECT count(*) FROM ingest.staging_actions").fetchall()[0][0]
    else:
        actions, scope = EVERY_ACTION, "toutes"
    con.execute(f"CREATE OR REPLACE TEMP TABLE ind_cellules_actions AS {actions}")
    con.execute(CELLS_SQL.read_text(encoding="utf-8"))
    freshness.record(con, STEP, "", {"key": key, "staging": built})
    return scope
