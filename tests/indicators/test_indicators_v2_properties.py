"""Property: on generated contracts, additive v2 breakdowns of counts sum to 'ensemble'.

residence, niveau_formation, prescripteur and financeur split every person (or exit, or euro)
into exactly one modality; attendance by residence may only miss the sessions of people with
no enrolment in that action. frein is not additive (tested by hand in test_indicators_v2.py).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from test_indicators_properties import computed, staging_data

from indicators.compute import compute_indicators

# (code_indicateur, ventilation) whose modalities partition the ensemble row
ADDITIVE = [
    ("beneficiaires_uniques", "residence"),
    ("beneficiaires_uniques", "niveau_formation"),
    ("nouveaux_entrants", "prescripteur"),
    ("taux_sorties_positives", "residence"),
    ("taux_sorties_positives", "niveau_formation"),
    ("taux_abandon", "residence"),
    ("taux_emploi_durable", "residence"),
    ("financement_total", "financeur"),
]

SUMS = """
SELECT e.code_indicateur, e.periode, e.perimetre_type, e.perimetre_code,
    e.numerateur, coalesce(e.denominateur, 0),
    sum(b.numerateur), coalesce(sum(b.denominateur), 0), count(b.modalite)
FROM marts.indicateurs AS e
JOIN marts.indicateurs AS b USING (code_indicateur, periode, perimetre_type, perimetre_code)
WHERE e.ventilation = 'ensemble' AND b.ventilation = ? AND e.code_indicateur = ?
GROUP BY ALL
"""


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staging_data)
def test_additive_breakdowns_sum_to_ensemble(data):
    tmp, con = computed(data)
    try:
        # referrers: give every other enrolment one, so both 'non_renseigne' and codes occur
        con.execute(
            "UPDATE staging.participants SET prescripteur = 'mission_locale' "
            "WHERE hash(id_participant || code_action) % 2 = 0"
        )
        compute_indicators(con)
        for code, ventilation in ADDITIVE:
            rows = con.execute(SUMS, [ventilation, code]).fetchall()
            assert rows, (code, ventilation)
            for *key, num, den, num_parts, den_parts, _ in rows:
                assert num_parts == num and den_parts == den, (key, ventilation)
        rows = con.execute(SUMS, ["residence", "taux_assiduite"]).fetchall()
        for *key, num, den, num_parts, den_parts, _ in rows:
            assert num_parts <= num and den_parts <= den, key
        # every session here has an enrolment in its action -> exact sums
        con.execute(
            "DELETE FROM raw.seances AS s WHERE NOT EXISTS (SELECT 1 FROM "
            "staging.participants AS p WHERE p.id_participant = s.id_participant "
            "AND p.code_action = s.code_action)"
        )
        compute_indicators(con)
        for *key, num, den, num_parts, den_parts, _ in con.execute(
            SUMS, ["residence", "taux_assiduite"]
        ).fetchall():
            assert num_parts == num and den_parts == den, key
    finally:
        con.close()
        tmp.cleanup()
