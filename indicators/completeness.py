"""Report completeness (data contract v2, section 6): marts.completude from ref.* and the
file log ingest.files. The SQL is indicators/sql/completude.sql; this module only runs it.

Run before compute_indicators: the completeness indicators (remontees.sql) and the
provisional flags of marts.periodes (95_periodes.sql) read marts.completude.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SQL = Path(__file__).parent / "sql" / "completude.sql"
STATUTS = ("recu_a_temps", "recu_en_retard", "refuse", "manquant", "attendu", "non_attendu")
# French words shown to officers, committees and partners
STATUT_LIBELLES = {
    "recu_a_temps": "Reçu à temps",
    "recu_en_retard": "Reçu en retard",
    "refuse": "Refusé",
    "manquant": "Manquant",
    "attendu": "Attendu",
    "non_attendu": "Non attendu",
}
# Reports the officer has to chase (reminder list, warning check)
A_RELANCER = ("manquant", "recu_en_retard", "refuse")


def compute_completeness(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild marts.completude in one transaction; returns the row count per status."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(SQL.read_text(encoding="utf-8"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("cmp_parametres", "cmp_attendus", "cmp_recus"):
            con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")
    counts = dict(
        con.execute("SELECT statut, count(*) FROM marts.completude GROUP BY statut").fetchall()
    )
    return {statut: int(counts.get(statut, 0)) for statut in STATUTS}
