"""build_staging: which row is in force for each key across files and periods, and the
cross-file warnings (data contract section 3)."""

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

from pipelines.ingest.staging import build_staging, staging_sql_files

T0 = 1_735_689_600
H = PARTICIPANTS_HEADER
CROSS_FILE = "('seance_sans_inscription', 'entree_avant_debut_action', 'sortie_apres_fin_action')"


@pytest.fixture
def wh(tmp_path):
    root, con = make_warehouse(tmp_path)
    yield root, con
    con.close()


def enrolments(con) -> list[tuple]:
    return rows(
        con,
        "SELECT id_participant, sexe, annee_naissance, date_sortie IS NOT NULL, s.periode, "
        "split_part(f.source_path, '/', 3) FROM staging.participants AS s "
        "JOIN ingest.files AS f USING (file_id) ORDER BY id_participant",
    )


def test_sql_files_run_in_numbered_order():
    names = [p.name for p in staging_sql_files()]
    assert names == sorted(names)
    assert names[0] == "01_report_files.sql"
    assert len(names) == 7


def test_later_period_wins_even_when_the_earlier_period_is_resubmitted_later(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants.csv",
        H,
        [participant("P001", "A2", "10/09/2025", sexe="F")],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A2", "10/09/2025", sexe="H")],
        T0 + 10,
    )
    run(con, root, "r1")
    assert enrolments(con) == [("P001", "H", 1990, False, "2025", "participants.csv")]

    # the 2025-S2 report is corrected after the 2025 report arrived: 2025 still wins
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants_v2.csv",
        H,
        [participant("P001", "A2", "10/09/2025", sexe="F", naissance="1985")],
        T0 + 20,
    )
    run(con, root, "r2")

    assert enrolments(con) == [("P001", "H", 1990, False, "2025", "participants.csv")]
    orders = rows(
        con,
        "SELECT f.periode, s.report_order, s.periode_rang FROM staging.participants s "
        "JOIN ingest.files f USING (file_id)",
    )
    assert orders == [("2025", 2, 20253)]  # S2 v2 (rank 20252) is report 1, 2025 is report 2


def test_later_report_omitting_a_key_does_not_withdraw_it(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants.csv",
        H,
        [participant("P001", "A2", "10/02/2025"), participant("P002", "A2", "11/02/2025")],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants.csv",
        H,
        [participant("P001", "A2", "10/02/2025", sortie="30/09/2025", motif="emploi_durable")],
        T0 + 10,
    )

    run(con, root, "r1")
    counts = build_staging(con)

    assert counts["participants"] == 2
    assert enrolments(con) == [
        ("P001", "F", 1990, True, "2025-S2", "participants.csv"),
        ("P002", "F", 1990, False, "2025-S1", "participants.csv"),
    ]


def test_a_rejected_row_leaves_the_earlier_version_of_its_key_in_force(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants.csv",
        H,
        [participant("P001", "A2", "10/02/2025", sexe="F")],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants.csv",
        H,
        [
            participant("P001", "A2", "10/02/2025", sexe="X"),
            participant("P002", "A2", "12/02/2025"),
        ],
        T0 + 10,
    )

    run(con, root, "r1")

    assert rows(
        con, "SELECT periode, rows_accepted, rows_rejected FROM ingest.files ORDER BY periode"
    ) == [("2025-S1", 1, 0), ("2025-S2", 1, 1)]
    assert enrolments(con) == [
        ("P001", "F", 1990, False, "2025-S1", "participants.csv"),
        ("P002", "F", 1990, False, "2025-S2", "participants.csv"),
    ]


def test_funding_key_latest_report_wins(wh, write_csv):
    root, con = wh
    line = ["A2", "2025", "region", "10 000,00 €", "annuelle_aap", "01/01/2025", "31/12/2025"]
    caf = ["A2", "2025", "caf", "5000", "annuelle_aap", "01/01/2025", "31/12/2025"]
    drop(write_csv, root, "ASSO1/2025-S1/financements.csv", FINANCEMENTS_HEADER, [line, caf], T0)
    drop(
        write_csv,
        root,
        "ASSO1/2025/financements.csv",
        FINANCEMENTS_HEADER,
        [[*line[:3], "12 000", *line[4:]]],
        T0 + 10,
    )

    run(con, root, "r1")

    assert rows(
        con,
        "SELECT financeur, montant_accorde::DOUBLE, periode FROM staging.financements ORDER BY 1",
    ) == [("caf", 5000.0, "2025-S1"), ("region", 12000.0, "2025")]


def test_cross_file_warnings_flag_rows_that_stay_in_force(wh, write_csv):
    root, con = wh
    # A1 runs from 01/01/2025 to 31/12/2025 (ingest_kit reference). The enrolments come in a
    # 2026-S1 report: an exit on 15/01/2026 may only be told once it has happened (v2 rule
    # date_apres_periode).
    drop(
        write_csv,
        root,
        "ASSO1/2026-S1/participants.csv",
        H,
        [
            participant("P001", "A1", "10/03/2025"),
            participant("P002", "A1", "15/12/2024"),  # before A1 starts
            participant("P003", "A1", "01/06/2025", sortie="15/01/2026", motif="emploi_durable"),
        ],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025/seances.csv",
        SEANCES_HEADER,
        [
            ["P001", "A1", "12/03/2025", "present"],
            ["P001", "A2", "12/03/2025", "present"],  # P001 is not enrolled in A2
            ["P009", "A1", "12/03/2025", "absent"],  # P009 is enrolled nowhere
            ["P002", "A1", "13/03/2025", "excuse"],  # enrolled in another period's report: fine
        ],
        T0 + 10,
    )

    run(con, root, "r1")
    counts = build_staging(con, force=True)  # rebuilding twice must not duplicate warnings

    warnings = rows(
        con,
        "SELECT split_part(f.source_path, '/', 2), w.row_number, w.colonne, w.valeur, w.regle "
        "FROM staging.cross_file_warnings w JOIN ingest.files f USING (file_id) "
        f"WHERE w.regle IN {CROSS_FILE}"
        " ORDER BY 1, 2",
    )
    assert warnings == [
        ("2025", 3, "id_participant", "P001", "seance_sans_inscription"),
        ("2025", 4, "id_participant", "P009", "seance_sans_inscription"),
        ("2026-S1", 3, "date_entree", "15/12/2024", "entree_avant_debut_action"),
        ("2026-S1", 4, "date_sortie", "15/01/2026", "sortie_apres_fin_action"),
    ]
    assert counts == {
        "participants": 3,
        "seances": 4,
        "financements": 0,
        "cross_file_warnings": 4,
        "rebuilt": 1,
    }
    messages = rows(
        con,
        f"SELECT message FROM staging.cross_file_warnings WHERE regle IN {CROSS_FILE} "
        "ORDER BY regle, row_number",
    )
    assert messages[0][0] == "Date d'entrée antérieure au début de l'action A1 (01/01/2025)."
    assert messages[1][0].startswith(
        "Séance de la personne « P001 » à l'action A2 sans inscription"
    )

    # P009's enrolment arrives in a corrected report: the warning goes away
    drop(
        write_csv,
        root,
        "ASSO1/2026-S1/participants_v2.csv",
        H,
        [
            participant("P001", "A1", "10/03/2025"),
            participant("P002", "A1", "15/12/2024"),
            participant("P003", "A1", "01/06/2025", sortie="15/01/2026", motif="emploi_durable"),
            participant("P009", "A1", "11/03/2025"),
        ],
        T0 + 20,
    )
    run(con, root, "r2")
    remaining = rows(
        con,
        f"SELECT valeur, regle FROM staging.cross_file_warnings WHERE regle IN {CROSS_FILE} "
        "ORDER BY regle, valeur",
    )
    assert remaining == [
        ("15/12/2024", "entree_avant_debut_action"),
        ("P001", "seance_sans_inscription"),
        ("15/01/2026", "sortie_apres_fin_action"),
    ]


def test_staging_is_rebuilt_only_when_its_inputs_change(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025")],
        T0,
    )
    run(con, root, "r1")  # builds staging once
    assert build_staging(con)["rebuilt"] == 0  # nothing new: same rows, no work
    assert build_staging(con)["participants"] == 1
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants.csv",
        H,
        [participant("P002", "A1", "10/09/2025")],
        T0 + 1,
    )
    run(con, root, "r2")
    assert rows(con, "SELECT count(*) FROM staging.participants") == [(2,)]
    con.execute("UPDATE ref.actions SET date_debut = DATE '2025-06-01' WHERE code_action = 'A1'")
    counts = build_staging(con)  # the actions' dates feed the cross-file warnings
    assert counts["rebuilt"] == 1 and counts["cross_file_warnings"] == 1  # P001 entered before


def _sessions_in_force(con) -> list[tuple]:
    """(person, day/month, presence, period of the report) of each session in force."""
    return rows(
        con,
        "SELECT id_participant, strftime(date_seance, '%d/%m'), presence, f.periode "
        "FROM staging.seances JOIN ingest.files AS f USING (file_id) ORDER BY 1, 2",
    )


def test_sessions_latest_report_wins_per_key_over_three_reports(wh, write_csv):
    """Sessions are ranked only where an action and a date appear in two files in force
    (sql/04_staging_seances.sql): the latest report wins per key, the other keys of a shared
    date keep their only report, and a date of a single file is kept as it is."""
    root, con = wh
    s1 = [["P1", "A2", "10/03/2025", "P"], ["P2", "A2", "10/03/2025", "A"]]
    s2 = [["P1", "A2", "15/09/2025", "P"], ["P3", "A2", "16/09/2025", "P"]]
    annual = [["P1", "A2", "10/03/2025", "E"], ["P1", "A2", "15/09/2025", "A"]]
    drop(write_csv, root, "ASSO1/2025-S1/seances.csv", SEANCES_HEADER, s1, T0)
    drop(write_csv, root, "ASSO1/2025-S2/seances.csv", SEANCES_HEADER, s2, T0 + 10)
    # the annual report arrives first of all, yet 2025 ranks after both semesters
    drop(write_csv, root, "ASSO1/2025/seances.csv", SEANCES_HEADER, annual, T0 - 10)
    run(con, root, "r1")

    in_force = _sessions_in_force(con)
    assert in_force == [
        ("P1", "10/03", "excuse", "2025"),
        ("P1", "15/09", "absent", "2025"),
        ("P2", "10/03", "absent", "2025-S1"),
        ("P3", "16/09", "present", "2025-S2"),
    ]


def test_sessions_repeated_at_the_edges_of_two_reports_overlap(wh, write_csv):
    """Candidates for a repeated key are the sessions of an action inside the date range
    two files in force share: a key on the first or last day of that range is still ranked,
    a key of another action on the same day is not a repeat."""
    root, con = wh
    # the annual report covers 01/06 to 30/09; the first half-year 15/03 to 30/06 (A2) and
    # 01/06 (A1): they share A2 from 01/06 to 30/06, and A1 on 01/06
    annual = [
        ["P1", "A2", "01/06/2025", "A"],
        ["P1", "A2", "30/06/2025", "A"],
        ["P2", "A2", "30/09/2025", "P"],
        ["P1", "A1", "01/06/2025", "E"],
    ]
    s1 = [
        ["P1", "A2", "15/03/2025", "P"],
        ["P1", "A2", "01/06/2025", "P"],
        ["P1", "A2", "30/06/2025", "P"],
        ["P3", "A1", "01/06/2025", "P"],
    ]
    drop(write_csv, root, "ASSO1/2025/seances.csv", SEANCES_HEADER, annual, T0)
    drop(write_csv, root, "ASSO1/2025-S1/seances.csv", SEANCES_HEADER, s1, T0 + 10)
    run(con, root, "r1")

    in_force = rows(
        con,
        "SELECT id_participant, code_action, strftime(date_seance, '%d/%m'), presence, "
        "f.periode FROM staging.seances JOIN ingest.files AS f USING (file_id) ORDER BY 1, 2, 3",
    )
    # 2025 ranks after 2025-S1: the annual report wins both edges of the shared range
    assert in_force == [
        ("P1", "A1", "01/06", "excuse", "2025"),
        ("P1", "A2", "01/06", "absent", "2025"),
        ("P1", "A2", "15/03", "present", "2025-S1"),
        ("P1", "A2", "30/06", "absent", "2025"),
        ("P2", "A2", "30/09", "present", "2025"),
        ("P3", "A1", "01/06", "present", "2025-S1"),
    ]


def test_sessions_ranked_across_three_overlapping_reports(wh, write_csv):
    """A report may hold sessions of an earlier period (reported late): the second
    half-year's file then overlaps the first's, and the annual report overlaps both. A row
    loses to a higher-ranked row of its key in any of them, the middle report winning over
    the first and losing to the annual one."""
    root, con = wh
    s1 = [["P1", "A2", "10/03/2025", "P"], ["P2", "A2", "12/03/2025", "P"]]
    s1 += [["P3", "A2", "14/03/2025", "P"]]
    s2 = [["P1", "A2", "10/03/2025", "A"], ["P2", "A2", "12/03/2025", "A"]]
    s2 += [["P4", "A2", "15/09/2025", "P"]]
    annual = [["P1", "A2", "10/03/2025", "E"], ["P3", "A2", "14/03/2025", "A"]]
    drop(write_csv, root, "ASSO1/2025/seances.csv", SEANCES_HEADER, annual, T0)
    drop(write_csv, root, "ASSO1/2025-S2/seances.csv", SEANCES_HEADER, s2, T0 + 10)
    drop(write_csv, root, "ASSO1/2025-S1/seances.csv", SEANCES_HEADER, s1, T0 + 20)
    run(con, root, "r1")

    in_force = _sessions_in_force(con)
    assert in_force == [
        ("P1", "10/03", "excuse", "2025"),
        ("P2", "12/03", "absent", "2025-S2"),
        ("P3", "14/03", "absent", "2025"),
        ("P4", "15/09", "present", "2025-S2"),
    ]
