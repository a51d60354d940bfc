"""marts.cibles_publiees: target tracking with statistical secrecy applied, once.

Every output that shows a target's value reached (the site's mid-term reading and target
tables) reads this table; none re-derives secrecy. The rule: sql/cibles_publiees.sql.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SQL = Path(__file__).parent / "sql" / "cibles_publiees.sql"


def write_published_targets(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild marts.cibles_publiees from cibles_suivi and indicateurs_publies (one
    transaction); returns its row count and the number of values hidden."""
    con.begin()
    try:
        con.execute(SQL.read_text(encoding="utf-8"))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    rows, hidden = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE secret) FROM marts.cibles_publiees"
    ).fetchall()[0]
    return {"lignes": rows, "valeurs_secretes": hidden}
