"""A build of the rows in force after a resubmission rebuilds only the actions of the files
that changed (pipelines/ingest/staging.py), and gives exactly what a full build gives."""

from __future__ import annotations

import pytest
from ingest_kit import (
    FINANCEMENTS_HEADER,
    PARTICIPANTS_HEADER,
    SEANCES_HEADER,
    drop,
    make_warehouse,
    participant,
    rows,
    run,
)

from pipelines.ingest.staging import build_staging, last_build_scope

T0 = 1_735_689_600
TABLES = ("participants", "seances", "financements", "cross_file_warnings")
# Eight more actions of MLJ: with 11 actions, a change of up to 2 actions is rebuilt alone
# (a quarter of the contract's actions at most).
MORE_ACTIONS = ", ".join(
    f"('M{i}', 'Action {i}', 'MLJ', 'emploi_developpement_economique', 'accompagnement', "
    "DATE '2024-01-01', DATE '2027-12-31')"
    for i in range(2, 10)
)


@pytest.fixture
def wh(tmp_path):
    root, con = make_warehouse(tmp_path)
    con.execute(f"INSERT INTO ref.actions VALUES {MORE_ACTIONS}")
    yield root, con
    con.close()


def snapshot(con) -> dict[str, list[tuple]]:
    return {t: rows(con, f"SELECT * FROM staging.{t} ORDER BY ALL") for t in TABLES}


def assert_same_as_full_build(con) -> None:
    partial = snapshot(con)
    build_staging(con, force=True)
    assert last_build_scope(con) is None  # that one was full
    assert snapshot(con) == partial


def session(ident: str, action: str, day: str, presence: str = "present") -> list[str]:
    return [ident, action, day, presence]


def first_reports(write_csv, root) -> None:
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants.csv",
        PARTICIPANTS_HEADER,
        [participant("P001", "A1", "10/03/2025"), participant("P002", "A2", "11/03/2025")],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/seances.csv",
        SEANCES_HEADER,
        [
            session("P001", "A1", "12/03/2025"),
            session("P002", "A2", "12/03/2025"),
            session("P002", "A2", "19/03/2025", "absent"),
        ],
        T0 + 1,
    )
    drop(
        write_csv,
        root,
        "MLJ/2025/participants.csv",
        PARTICIPANTS_HEADER,
        [participant("P101", "M1", "05/02/2025"), participant("P102", "M2", "06/02/2025")],
        T0 + 2,
    )
    drop(
        write_csv,
        root,
        "MLJ/2025/seances.csv",
        SEANCES_HEADER,
        [session("P101", "M1", "10/02/2025"), session("P103", "M2", "10/02/2025")],
        T0 + 3,
    )
    line = ["M1", "2025", "region", "10 000", "annuelle_aap", "01/01/2025", "31/12/2025"]
    drop(write_csv, root, "MLJ/2025/financements.csv", FINANCEMENTS_HEADER, [line], T0 + 4)


def test_a_resubmitted_file_rebuilds_its_actions_only(wh, write_csv):
    root, con = wh
    first_reports(write_csv, root)
    run(con, root, "r1")
    assert last_build_scope(con) is None  # the first build is full
    # ASSO1 sends its sessions again: A2's session of 19/03 is now "present", one more in A1
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/seances_v2.csv",
        SEANCES_HEADER,
        [
            session("P001", "A1", "12/03/2025"),
            session("P001", "A1", "26/03/2025"),
            session("P002", "A2", "12/03/2025"),
            session("P002", "A2", "19/03/2025"),
        ],
        T0 + 10,
    )
    run(con, root, "r2")

    assert last_build_scope(con) == 2  # A1 and A2, of 11 actions
    assert rows(
        con,
        "SELECT code_action, date_seance::VARCHAR, presence, split_part(f.source_path, '/', 3) "
        "FROM staging.seances JOIN ingest.files AS f USING (file_id) "
        "WHERE code_action LIKE 'A%' ORDER BY ALL",
    ) == [
        ("A1", "2025-03-12", "present", "seances_v2.csv"),
        ("A1", "2025-03-26", "present", "seances_v2.csv"),
        ("A2", "2025-03-12", "present", "seances_v2.csv"),
        ("A2", "2025-03-19", "present", "seances_v2.csv"),
    ]
    # MLJ's rows were not rebuilt and are still there, with their warning (P103 not enrolled)
    assert rows(
        con,
        "SELECT valeur, regle FROM staging.cross_file_warnings ORDER BY ALL",
    ) == [("P103", "seance_sans_inscription")]
    assert_same_as_full_build(con)


def test_an_enrolment_withdrawn_warns_on_the_sessions_left(wh, write_csv):
    """A participants resubmission without P002: its sessions in A2 now have no enrolment,
    although the sessions' own file did not change."""
    root, con = wh
    first_reports(write_csv, root)
    run(con, root, "r1")
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants_v2.csv",
        PARTICIPANTS_HEADER,
        [participant("P001", "A1", "10/03/2025"), participant("P004", "A2", "11/03/2025")],
        T0 + 10,
    )
    run(con, root, "r2")

    assert last_build_scope(con) == 2
    assert rows(
        con,
        "SELECT valeur, regle, count(*) FROM staging.cross_file_warnings GROUP BY ALL ORDER BY ALL",
    ) == [("P002", "seance_sans_inscription", 2), ("P103", "seance_sans_inscription", 1)]
    assert_same_as_full_build(con)


def test_a_late_report_of_an_earlier_period_moves_every_later_report_up(wh, write_csv):
    """MLJ's 2024 report arrives after the 2025 ones: it is ranked before them, so every
    2025 report's report_order grows by one, in the actions not rebuilt as well."""
    root, con = wh
    first_reports(write_csv, root)
    run(con, root, "r1")
    orders = "SELECT DISTINCT code_action, report_order FROM staging.participants ORDER BY ALL"
    before = rows(con, orders)
    drop(
        write_csv,
        root,
        "MLJ/2024/participants.csv",
        PARTICIPANTS_HEADER,
        [participant("P101", "M1", "05/02/2024")],
        T0 + 10,
    )
    run(con, root, "r2")

    assert last_build_scope(con) == 1  # M1
    after = rows(con, orders)
    # files ranked by period then arrival, all kinds together: ASSO1's two 2025-S1 files are
    # reports 1 and 2, MLJ's 2025 participants report 3 (its sessions 4, its funding 5)
    assert before == [("A1", 1), ("A2", 1), ("M1", 3), ("M2", 3)]
    assert after == [("A1", 2), ("A2", 2), ("M1", 1), ("M1", 4), ("M2", 4)]
    assert rows(
        con,
        "SELECT date_entree::VARCHAR, report_order FROM staging.participants "
        "WHERE id_participant = 'P101' ORDER BY 1",
    ) == [("2024-02-05", 1), ("2025-02-05", 4)]
    assert_same_as_full_build(con)


def test_a_change_of_many_actions_is_one_full_build(wh, write_csv):
    root, con = wh
    first_reports(write_csv, root)
    run(con, root, "r1")
    drop(
        write_csv,
        root,
        "MLJ/2025/seances_v2.csv",
        SEANCES_HEADER,
        [session("P101", f"M{i}", "10/02/2025") for i in range(1, 6)],
        T0 + 10,
    )
    run(con, root, "r2")

    assert last_build_scope(con) is None  # M1 to M5: 5 of 11 actions, more than a quarter
    assert_same_as_full_build(con)


def test_a_reprocessed_file_that_lost_an_action_rebuilds_it(wh, write_csv):
    """Sessions in force are raw.seances' rows flagged in place: reprocessing a file deletes
    its rows at once. A2 moves to MLJ in the reference, so ASSO1's A2 session is now
    rejected: A2 is still rebuilt (the last build recorded the actions of each file's
    sessions), and the warning on that session goes with it."""
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants.csv",
        PARTICIPANTS_HEADER,
        [participant("P001", "A1", "10/03/2025")],
        T0,
    )
    sessions = [session("P001", "A1", "12/03/2025"), session("P009", "A2", "12/03/2025")]
    drop(write_csv, root, "ASSO1/2025-S1/seances.csv", SEANCES_HEADER, sessions, T0 + 1)
    run(con, root, "r1")
    warnings = "SELECT valeur, regle FROM staging.cross_file_warnings ORDER BY ALL"
    assert rows(con, warnings) == [("P009", "seance_sans_inscription")]

    con.execute("UPDATE ref.actions SET code_partenaire = 'MLJ' WHERE code_action = 'A2'")
    run(con, root, "r2", reprocess=True)

    assert last_build_scope(con) == 2  # A1 and A2, of 11 actions
    assert rows(
        con,
        "SELECT f.kind, f.rows_accepted, f.rows_rejected FROM ingest.files AS f "
        "WHERE kind = 'seances'",
    ) == [("seances", 1, 1)]
    assert rows(con, "SELECT id_participant, code_action FROM staging.seances") == [("P001", "A1")]
    assert rows(con, warnings) == []
    assert_same_as_full_build(con)
