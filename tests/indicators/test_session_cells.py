"""The sessions' cells of taux_assiduite are computed again for the actions a partial build
of the rows in force rebuilt only (indicators/session_cells.py), with the same result as
computing them all."""

from __future__ import annotations

import pytest
from ind_fixture import load_hand_fixture
from ind_kit import indicator, new_warehouse

from indicators import session_cells
from indicators.compute import compute_indicators

ALL = "SELECT * FROM marts.indicateurs ORDER BY ALL"
NEW_SESSION = (
    "INSERT INTO raw.seances (file_id, row_number, id_participant, code_action, "
    "date_seance, presence, en_vigueur) "
    "VALUES ('s2', 2, 'P1', 'A1', DATE '2025-02-20', 'absent', true)"
)


def built(con, inputs: str, previous: str | None = None, actions=()) -> None:
    """What pipelines/ingest/staging.py records of a build of the rows in force."""
    con.execute("DELETE FROM ingest.staging_state")
    con.execute(
        "INSERT INTO ingest.staging_state (inputs, built_at, reference_inputs, previous_inputs)"
        " VALUES (?, now(), 'ref', ?)",
        [inputs, previous],
    )
    con.execute("DELETE FROM ingest.staging_actions")
    for action in actions:
        con.execute("INSERT INTO ingest.staging_actions VALUES (?)", [action])


@pytest.fixture
def con(tmp_path):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    load_hand_fixture(con)
    built(con, "b1")
    assert compute_indicators(con)["cellules_seances_actions"] == "toutes"
    yield con
    con.close()


def every_cell_again(con) -> list[tuple]:
    con.execute("DELETE FROM ingest.build_state WHERE step = ?", [session_cells.STEP])
    assert compute_indicators(con)["cellules_seances_actions"] == "toutes"
    return con.execute(ALL).fetchall()


def test_a_partial_build_computes_its_actions_cells_only(con):
    con.execute(NEW_SESSION)
    built(con, "b2", previous="b1", actions=["A1"])

    assert compute_indicators(con)["cellules_seances_actions"] == 1
    # A1 in 2025: one present session (ind_fixture) and this absence -> 1 / 2
    assert indicator(con, "taux_assiduite", "2025", "action", "A1") == (50.0, 1, 2)
    # 2025 contract: 3 / 5 by hand (test_indicators_hand) and this absence -> 3 / 6
    assert indicator(con, "taux_assiduite", "2025", "contrat", "CV1") == (50.0, 3, 6)
    partial = con.execute(ALL).fetchall()
    assert partial == every_cell_again(con)


def test_the_same_rows_in_force_compute_no_cell(con):
    before = con.execute(ALL).fetchall()

    assert compute_indicators(con)["cellules_seances_actions"] == 0
    assert con.execute(ALL).fetchall() == before


def test_a_build_not_made_from_the_cells_rows_computes_them_all(con):
    con.execute(NEW_SESSION)
    built(con, "b3", previous="b2", actions=["A1"])  # b2 was never computed from

    assert compute_indicators(con)["cellules_seances_actions"] == "toutes"
    assert indicator(con, "taux_assiduite", "2025", "action", "A1") == (50.0, 1, 2)


def test_a_new_contract_start_computes_them_all(con):
    con.execute("UPDATE ref.contrat SET date_debut = DATE '2024-06-01'")
    built(con, "b2", previous="b1", actions=[])

    assert compute_indicators(con)["cellules_seances_actions"] == "toutes"
    assert con.execute(ALL).fetchall() == every_cell_again(con)
