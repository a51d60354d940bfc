"""The people behind attendance rows (secrecy of taux_assiduite), on hand-made contracts.

assiduite.sql counts people through 64 buckets of their id; these tests pick ids so that
two people share a bucket, to check the three outcomes by hand:
- few people, no two in a bucket: exact count;
- few people, two in a bucket (a lower bound below seuil_secret = 5): counted again exactly;
- many people (70 > 64 buckets, so buckets are shared): a lower bound of at least 5, never
  a secret, and flagged exact = false.
"""

from __future__ import annotations

from datetime import date as d

import duckdb
from ind_kit import (
    PARTICIPANT_COLUMNS,
    SEANCE_COLUMNS,
    insert,
    new_warehouse,
    write_actions,
    write_contract,
    write_qpv,
)

from indicators.compute import compute_indicators

EMP = "emploi_developpement_economique"


def _colliding_ids(n_pairs: int) -> list[tuple[str, str]]:
    """Pairs of distinct ids whose hash falls in the same bucket (hash mod 64)."""
    seen: dict[int, str] = {}
    pairs = []
    with duckdb.connect() as con:
        for i in range(1000):
            pid = f"P{i:04d}"
            bucket = con.execute("SELECT hash(?) % 64", [pid]).fetchall()[0][0]
            if bucket in seen:
                pairs.append((seen.pop(bucket), pid))
                if len(pairs) == n_pairs:
                    return pairs
            else:
                seen[bucket] = pid
    raise AssertionError("no collision found")


def _people(con, perimetre_code: str) -> tuple[int, bool]:
    rows = con.execute(
        "SELECT personnes, exact FROM marts.assiduite_personnes WHERE periode = '2025' "
        "AND perimetre_type = 'action' AND perimetre_code = ? AND ventilation = 'ensemble'",
        [perimetre_code],
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def _contract(tmp_path, sessions_by_action: dict[str, list[str]]):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    write_contract(con)
    actions = sorted(sessions_by_action)
    write_actions(con, [(a, "PA", EMP) for a in actions], ["PA"])
    write_qpv(con, {"Q1": 1000})
    enrolments, sessions = [], []
    for action, people in sessions_by_action.items():
        for pid in people:
            enrolments.append(
                (pid, action, d(2025, 1, 6), None, None, "F", 1990, "Q1", "bac", True, "PA", 1)
            )
            # two sessions each: people are counted once
            sessions += [(pid, action, d(2025, 2, 3), "present", "PA"),
                         (pid, action, d(2025, 2, 10), "absent", "PA")]  # fmt: skip
    insert(con, "staging.participants", PARTICIPANT_COLUMNS, enrolments)
    insert(con, "staging.seances", SEANCE_COLUMNS, sessions)
    compute_indicators(con)
    return con


def test_people_behind_attendance_exact_below_the_threshold_even_when_ids_share_a_bucket(
    tmp_path,
):
    (a, b), (c, e) = _colliding_ids(2)
    con = _contract(
        tmp_path,
        {
            "A1": ["Z1", "Z2"],  # two people; whatever their buckets, 2
            "A2": [a, b],  # one shared bucket: lower bound 2, counted again: 2
            "A3": [a, b, c, e],  # two shared buckets: 4 people, under seuil 5
        },
    )
    assert _people(con, "A1") == (2, True)
    assert _people(con, "A2") == (2, True)
    assert _people(con, "A3") == (4, True)
    # contract scope: the 6 distinct people, A3's four being also in A2 and A1's apart
    total = con.execute(
        "SELECT personnes FROM marts.assiduite_personnes WHERE periode = '2025' "
        "AND perimetre_type = 'contrat' AND ventilation = 'ensemble'"
    ).fetchall()
    assert total == [(6,)]
    con.close()


def test_many_people_give_a_lower_bound_at_the_threshold_and_no_secret(tmp_path):
    people = [f"M{i:03d}" for i in range(70)]  # more people than buckets
    con = _contract(tmp_path, {"A1": people})
    personnes, exact = _people(con, "A1")
    assert exact is False
    assert 5 <= personnes <= 70
    # 70 people x 2 sessions, one present each
    row = con.execute(
        "SELECT valeur, numerateur, denominateur FROM marts.indicateurs "
        "WHERE code_indicateur = 'taux_assiduite' AND periode = '2025' "
        "AND perimetre_type = 'action' AND perimetre_code = 'A1' AND ventilation = 'ensemble'"
    ).fetchall()
    assert row == [(50.0, 70.0, 140.0)]
    con.close()
