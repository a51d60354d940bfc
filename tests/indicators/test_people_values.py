"""The enrolment-only indicator families are read back from the last computation when a
run changed sessions or funding only (indicators/people_values.py), and the result is
exactly what a full computation gives."""

from __future__ import annotations

import pytest
from ind_fixture import load_hand_fixture
from ind_kit import indicator, new_warehouse

from indicators import people_values
from indicators.compute import SQL_DIR, compute_indicators, sql_files

ALL = "SELECT * FROM marts.indicateurs ORDER BY ALL"
NEW_SESSION = (
    "INSERT INTO raw.seances (file_id, row_number, id_participant, code_action, "
    "date_seance, presence, en_vigueur) "
    "VALUES ('s2', 2, 'P1', 'A1', DATE '2025-02-20', 'absent', true)"
)


@pytest.fixture
def con(tmp_path):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    load_hand_fixture(con)
    first = compute_indicators(con)
    assert first["valeurs_personnes_reprises"] is False  # nothing stored yet
    yield con
    con.close()


def full_computation(con) -> list[tuple]:
    con.execute("DELETE FROM ingest.build_state WHERE step = ?", [people_values.STEP])
    again = compute_indicators(con)
    assert again["valeurs_personnes_reprises"] is False
    return con.execute(ALL).fetchall()


def test_a_new_session_reads_the_people_values_back_and_changes_only_attendance(con):
    before = con.execute(ALL).fetchall()
    con.execute(NEW_SESSION)

    summary = compute_indicators(con)

    assert summary["valeurs_personnes_reprises"] is True
    assert "03_personnes.sql" not in summary["secondes"]
    # A1 in 2025: one present session (ind_fixture) and this absence -> 1 / 2
    assert indicator(con, "taux_assiduite", "2025", "action", "A1") == (50.0, 1, 2)
    # the people stay as they were (10 over the contract, by hand in test_indicators_hand)
    assert indicator(con, "beneficiaires_uniques", "cumul", "contrat", "CV1") == (10, 10, None)
    after = con.execute(ALL).fetchall()
    assert after != before
    assert after == full_computation(con)


def test_a_changed_enrolment_computes_the_people_again(con):
    con.execute("UPDATE staging.participants SET sexe = 'H' WHERE id_participant = 'P1'")

    summary = compute_indicators(con)

    assert summary["valeurs_personnes_reprises"] is False
    assert con.execute(ALL).fetchall() == full_computation(con)


def test_a_session_in_a_new_year_computes_the_people_again(con):
    # 2026 becomes a period of the grid: the people are counted in it too
    con.execute(NEW_SESSION.replace("2025-02-20", "2026-01-15"))

    summary = compute_indicators(con)

    assert summary["valeurs_personnes_reprises"] is False
    assert "2026" in summary["periodes"]
    assert con.execute(ALL).fetchall() == full_computation(con)


def test_report_numbers_that_keep_their_order_read_the_people_values_back(con):
    # a late report of an earlier period renumbers every later report: same order
    con.execute("UPDATE staging.participants SET report_order = report_order * 10 + 7")

    summary = compute_indicators(con)

    assert summary["valeurs_personnes_reprises"] is True
    assert con.execute(ALL).fetchall() == full_computation(con)


def test_reports_in_another_order_compute_the_people_again(con):
    # P7's two enrolments of the same day: the most recent report describes P7
    con.execute("UPDATE staging.participants SET report_order = 100 - report_order")

    summary = compute_indicators(con)

    assert summary["valeurs_personnes_reprises"] is False
    assert con.execute(ALL).fetchall() == full_computation(con)


def test_only_the_declared_files_read_the_people_tables():
    declared = {*people_values.PREPARATION, *people_values.FAMILIES}
    readers = {
        p.name
        for p in sql_files()
        if people_values.PEOPLE_TABLES.search(p.read_text(encoding="utf-8"))
    }
    assert readers == declared
    for name in people_values.FAMILIES:  # nothing a sessions or funding file changes
        text = (SQL_DIR / name).read_text(encoding="utf-8")
        assert "staging.seances" not in text and "staging.financements" not in text, name
        assert "FROM ind_valeurs" not in text, name


def test_the_stored_values_follow_a_failed_computation_back(con, monkeypatch):
    """Stored in the computation's transaction: a failure leaves them as they were."""
    stored = con.execute("SELECT count(*) FROM marts.valeurs_personnes").fetchall()
    con.execute("UPDATE staging.participants SET sexe = 'H' WHERE id_participant = 'P1'")
    monkeypatch.setattr(people_values.PeopleValues, "store", broken_store)
    with pytest.raises(RuntimeError):
        compute_indicators(con)
    assert con.execute("SELECT count(*) FROM marts.valeurs_personnes").fetchall() == stored


def broken_store(self):
    self.con.execute("DELETE FROM marts.valeurs_personnes")
    raise RuntimeError("arrêt")
