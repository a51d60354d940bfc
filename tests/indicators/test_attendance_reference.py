"""Property: attendance sums and the people behind them equal a direct, session-by-session
definition on generated contracts.

assiduite.sql takes shortcuts for speed (sessions grouped per person, action and year; people
in a single action with a single residence counted without de-duplication; the ASOF join only
for person-action pairs whose enrolments disagree on residence). The reference below applies
the data contract's words to every session with none of them: residence of the enrolment in
the session's action with the latest date_entree on or before the session (else the first),
sessions dated in the period (cumul: from the contract's start), count(DISTINCT id_participant).
The generated data hold sessions before the contract's start, sessions of people with no
enrolment in the action, and people enrolled twice in one action with different residences.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from test_indicators_properties import computed, staging_data

REFERENCE = """
WITH inscriptions AS (
    SELECT p.id_participant, p.code_action, p.date_entree, q.code_qpv IS NOT NULL AS qpv
    FROM staging.participants AS p
    SEMI JOIN ref.actions AS a ON a.code_action = p.code_action
    LEFT JOIN ref.qpv AS q ON q.code_qpv = p.code_qpv
),
premieres AS (
    SELECT id_participant, code_action, arg_min(qpv, date_entree) AS qpv
    FROM inscriptions
    GROUP BY ALL
),
seances AS (
    SELECT s.id_participant, s.code_action, s.date_seance, s.presence = 'present' AS present,
        CASE coalesce(e.qpv, f.qpv) WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END
            AS residence
    FROM staging.seances AS s
    ASOF LEFT JOIN inscriptions AS e
        ON e.id_participant = s.id_participant AND e.code_action = s.code_action
        AND s.date_seance >= e.date_entree
    LEFT JOIN premieres AS f
        ON f.id_participant = s.id_participant AND f.code_action = s.code_action
),
annees AS (
    SELECT DISTINCT periode, make_date(CAST(periode AS INTEGER), 1, 1) AS debut,
        make_date(CAST(periode AS INTEGER), 12, 31) AS fin
    FROM marts.indicateurs
    WHERE periode <> 'cumul'
),
periodes AS (
    SELECT * FROM annees
    UNION ALL
    SELECT 'cumul', (SELECT date_debut FROM ref.contrat), max(fin) FROM annees
),
perimetres AS (
    SELECT code_action, 'action' AS perimetre_type, code_action AS perimetre_code
    FROM ref.actions
    UNION ALL SELECT code_action, 'partenaire', code_partenaire FROM ref.actions
    UNION ALL SELECT code_action, 'pilier', pilier FROM ref.actions
    UNION ALL SELECT code_action, 'contrat', (SELECT code FROM ref.contrat) FROM ref.actions
),
lignes AS (
    SELECT per.periode, ap.perimetre_type, ap.perimetre_code, s.*
    FROM seances AS s
    JOIN periodes AS per ON s.date_seance BETWEEN per.debut AND per.fin
    JOIN perimetres AS ap USING (code_action)
)
SELECT periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    count(DISTINCT id_participant), count(*) FILTER (present), count(*)
FROM lignes
GROUP BY ALL
UNION ALL
SELECT periode, perimetre_type, perimetre_code, 'residence', residence,
    count(DISTINCT id_participant), count(*) FILTER (present), count(*)
FROM lignes
WHERE residence IS NOT NULL AND perimetre_type IN ('contrat', 'pilier')
GROUP BY ALL
ORDER BY ALL
"""

COMPUTED = """
SELECT i.periode, i.perimetre_type, i.perimetre_code, i.ventilation, i.modalite,
    p.personnes, i.numerateur, i.denominateur, p.exact
FROM marts.indicateurs AS i
JOIN marts.assiduite_personnes AS p
    USING (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite)
WHERE i.code_indicateur = 'taux_assiduite'
ORDER BY ALL
"""

# grid rows with sessions but no people row, or people rows outside the grid: must be none
ORPHAN_ROWS = """
SELECT count(*) FROM marts.indicateurs AS i
ANTI JOIN marts.assiduite_personnes AS p
    USING (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite)
WHERE i.code_indicateur = 'taux_assiduite' AND i.denominateur > 0
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staging_data)
def test_attendance_and_its_people_match_the_session_by_session_definition(data):
    tmp, con = computed(data)
    try:
        expected = con.execute(REFERENCE).fetchall()
        got = con.execute(COMPUTED).fetchall()
        seuil = con.execute("SELECT seuil_secret FROM ref.contrat").fetchall()[0][0]
        # sums exact; people exact, or a lower bound already at the secrecy threshold
        assert [(*r[:5], r[6], r[7]) for r in got] == [
            (*row[:5], float(row[6]), float(row[7])) for row in expected
        ]
        for row, ref in zip(got, expected, strict=True):
            people, exact, true_people = row[5], row[8], ref[5]
            assert people == true_people if exact else seuil <= people <= true_people, row
        assert con.execute(ORPHAN_ROWS).fetchall()[0][0] == 0
        people_rows = con.execute("SELECT count(*) FROM marts.assiduite_personnes").fetchall()
        assert people_rows[0][0] == len(expected)
    finally:
        con.close()
        tmp.cleanup()
