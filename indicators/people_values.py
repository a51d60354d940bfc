"""The indicator families computed from the enrolments only, reused when their inputs did
not change.

beneficiaires.sql, profil.sql and sorties.sql read the enrolments in force through the
people tables that 02_inscriptions.sql, 03_personnes.sql and 04_personnes_contrat.sql build
(ind_inscriptions, ind_personnes…), plus the periods, the scopes and the reference; nothing
else. A partner's resubmitted sessions or funding file changes none of that: the run then
reads their values from marts.valeurs_personnes (written by the last computation, in the
same transaction as marts.indicateurs) instead of building the people tables again, about
3 s of the indicators' 6 at a big city's size. Any other file that reads a people table
must be listed here (tests/indicators/test_people_values.py fails otherwise).
"""

from __future__ import annotations

import re

import duckdb

from indicators.registry import INDICATEURS
from pipelines import freshness

PREPARATION = ("02_inscriptions.sql", "03_personnes.sql", "04_personnes_contrat.sql")
FAMILIES = ("beneficiaires.sql", "profil.sql", "sorties.sql")
PEOPLE_TABLES = re.compile(r"\bind_(inscriptions|personnes\w*)\b")
STEP = "indicateurs_personnes"
# built by 00_periodes.sql and 01_perimetres.sql, which run first
SHARED_TABLES = ("ind_contrat", "ind_periodes", "ind_perimetres", "ind_action_perimetres")
# The enrolments in force, with report_order replaced by its rank among theirs: its values
# move whenever a report of an earlier period arrives, and only their order counts (the
# choice rule of 02_inscriptions.sql compares them).
ENROLMENTS_SQL = """
WITH ordre AS (
    SELECT report_order, row_number() OVER (ORDER BY report_order) AS rang_rapport
    FROM (SELECT DISTINCT report_order FROM staging.participants)
)
SELECT count(*), sum(hash(t)::HUGEINT)
FROM (
    SELECT p.* EXCLUDE (report_order), o.rang_rapport
    FROM staging.participants AS p JOIN ordre AS o USING (report_order)
) AS t
"""


def codes() -> tuple[str, ...]:
    return tuple(sorted({i.code for i in INDICATEURS if i.sql in FAMILIES}))


class PeopleValues:
    """`reuse()`, once the periods and scopes are built: True when the stored values hold
    for these inputs (then copied into ind_valeurs); `store()` after a full computation."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.inputs, self.reused = con, "", False

    def skips(self, file_name: str) -> bool:
        return self.reused and file_name in (*PREPARATION, *FAMILIES)

    def reuse(self) -> bool:
        enrolments = str(self.con.execute(ENROLMENTS_SQL).fetchall()[0])
        tables = (*freshness.REF_TABLES, *SHARED_TABLES)
        self.inputs = freshness.tables_fingerprint(self.con, tables) + enrolments
        if freshness.last_build(self.con, STEP, self.inputs) is not None:
            self.con.execute("INSERT INTO ind_valeurs SELECT * FROM marts.valeurs_personnes")
            self.reused = True
        return self.reused

    def store(self) -> None:
        if self.reused:
            return
        self.con.execute("DELETE FROM marts.valeurs_personnes")
        self.con.execute(
            "INSERT INTO marts.valeurs_personnes "
            "SELECT * FROM ind_valeurs WHERE code_indicateur IN (SELECT unnest($codes))",
            {"codes": list(codes())},
        )
        freshness.record(self.con, STEP, self.inputs)
