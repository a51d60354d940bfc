"""ingest_files on real files and a real DuckDB file: archive, versions in force, idempotence,
a few files per transaction (pipelines/ingest/batch.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import duckdb
import pytest
from ingest_kit import PARTICIPANTS_HEADER, drop, in_force, make_warehouse, participant, rows, run

from pipelines.ingest import batch
from pipelines.ingest.load import ingest_files, partner_context, reference_scope
from pipelines.ingest.parse import parse_report
from pipelines.ingest.scan import scan_incoming

T0 = 1_735_689_600  # 2025-01-01, base of the files' modification times
H = PARTICIPANTS_HEADER


@pytest.fixture
def wh(tmp_path):
    root, con = make_warehouse(tmp_path)
    yield root, con
    con.close()


def count(con, table: str) -> int:
    return rows(con, f"SELECT count(*) FROM {table}")[0][0]


def staging_ids(con) -> list[tuple]:
    return rows(con, "SELECT id_participant, sexe FROM staging.participants ORDER BY 1")


def test_partner_context_comes_from_reference_tables(wh):
    _, con = wh
    ctx = partner_context(con, "ASSO1")
    assert ctx.actions_of_partner == {"A1", "A2"}
    assert ctx.all_actions == {"A1", "A2", "M1"}
    assert ctx.qpv_codes == {"QN01404M"}
    assert ctx.contract_years == (2024, 2027)
    assert reference_scope(con) == ((2024, 2027), {"ASSO1", "MLJ"})


def test_every_received_file_is_archived_with_its_sha256(wh, write_csv, tmp_path):
    root, con = wh
    good = drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025"), participant("P002", "A2", "11/03/2025")],
        T0,
    )
    (root / "incoming/INCONNU/2025").mkdir(parents=True)
    (root / "incoming/INCONNU/2025/participants.csv").write_bytes(good.read_bytes())
    (root / "incoming/ASSO1/2025/notes.txt").write_text("à relire", encoding="utf-8")
    (root / "incoming/ASSO1/2025/seances_vide.csv").write_bytes(b"")
    drop(write_csv, root, "ASSO1/2025-S1/participants.csv", ["id_participant"], [["P001"]], T0)
    secret = tmp_path / "secret.csv"
    secret.write_text("ne pas lire")
    (root / "incoming/ASSO1/2025/financements.csv").symlink_to(secret)

    summary = run(con, root, "r1")

    assert (summary.accepted, summary.refused, summary.identical) == (1, 5, 0)
    recorded = rows(
        con,
        "SELECT source_path, status, sha256, archive_path, refusal_rule FROM ingest.files "
        "ORDER BY source_path",
    )
    assert [(r[0], r[1], r[4]) for r in recorded] == [
        ("ASSO1/2025-S1/participants.csv", "refuse", "colonne_manquante"),
        ("ASSO1/2025/financements.csv", "refuse", "lien_symbolique"),
        ("ASSO1/2025/notes.txt", "refuse", "format_non_pris_en_charge"),
        ("ASSO1/2025/participants.csv", "accepte", None),
        ("ASSO1/2025/seances_vide.csv", "refuse", "fichier_vide"),
        ("INCONNU/2025/participants.csv", "refuse", "partenaire_inconnu"),
    ]
    for source, _, sha, archive_rel, _ in recorded:
        if source.endswith("financements.csv"):  # the link is neither followed nor copied
            assert archive_rel == ""
            continue
        received = (root / "incoming" / source).read_bytes()
        archived = (root / "archive" / archive_rel).read_bytes()
        assert archived == received
        assert sha == hashlib.sha256(received).hexdigest()
        assert archive_rel == f"{sha[:2]}/{sha}{os.path.splitext(source)[1]}"
    # the unknown partner's copy has the same bytes as the accepted file: one archive copy
    archived_files = [p for p in (root / "archive").rglob("*") if p.is_file()]
    assert len(archived_files) == 4
    assert in_force(con) == [("ASSO1/2025/participants.csv",)]
    assert count(con, "staging.participants") == 2


def test_identical_file_under_another_name_changes_nothing(wh, write_csv):
    root, con = wh
    v1 = drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025"), participant("P002", "A2", "11/03/2025")],
        T0,
    )
    run(con, root, "r1")
    copy = root / "incoming/ASSO1/2025/Participants copie.csv"
    copy.write_bytes(v1.read_bytes())
    os.utime(copy, (T0 + 100, T0 + 100))

    summary = run(con, root, "r2")

    assert (summary.accepted, summary.refused, summary.identical) == (0, 0, 1)
    assert rows(con, "SELECT status, in_force FROM ingest.files WHERE run_id = 'r2'") == [
        ("identique", False)
    ]
    assert in_force(con) == [("ASSO1/2025/participants.csv",)]
    assert count(con, "raw.participants") == 2
    assert staging_ids(con) == [("P001", "F"), ("P002", "F")]


def test_resubmission_replaces_the_earlier_file_as_a_whole(wh, write_csv, write_xlsx):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025"), participant("P002", "A1", "11/03/2025")],
        T0,
    )
    run(con, root, "r1")
    # v2 comes as an Excel workbook with real date and number cells
    v2_rows = [participant("P001", "A1", "", sexe="H"), participant("P003", "A2", "")]
    for row, day in zip(v2_rows, (10, 12), strict=True):
        row[2], row[6] = dt.date(2025, 3, day), 1990
    drop(write_xlsx, root, "ASSO1/2025/participants_corrige.xlsx", H, v2_rows, T0 + 100)
    run(con, root, "r2")
    # P002 was only in v1: gone; P001 now carries v2's values
    assert staging_ids(con) == [("P001", "H"), ("P003", "F")]
    assert in_force(con) == [("ASSO1/2025/participants_corrige.xlsx",)]
    assert count(con, "raw.participants") == 4  # every version's accepted rows are kept

    # the same path overwritten with new content is a new version too
    drop(
        write_xlsx,
        root,
        "ASSO1/2025/participants_corrige.xlsx",
        H,
        [participant("P004", "A2", "13/03/2025")],
        T0 + 200,
    )
    summary = run(con, root, "r3")
    assert (summary.accepted, summary.skipped) == (1, 1)
    assert staging_ids(con) == [("P004", "F")]
    assert count(con, "ingest.files") == 3


def test_refused_resubmission_keeps_the_earlier_version_in_force(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025"), participant("P002", "A1", "11/03/2025")],
        T0,
    )
    run(con, root, "r1")
    drop(write_csv, root, "ASSO1/2025/participants_v2.csv", H[:2], [["P009", "A1"]], T0 + 10)
    (root / "incoming/ASSO1/2025/participants_v3.csv").write_bytes(b"")

    summary = run(con, root, "r2")

    assert (summary.accepted, summary.refused) == (0, 2)
    refused = rows(
        con,
        "SELECT source_path, message, in_force FROM ingest.files WHERE run_id = 'r2' "
        "ORDER BY source_path",
    )
    assert refused[0][0] == "ASSO1/2025/participants_v2.csv"
    assert refused[0][1].startswith("Colonne(s) obligatoire(s) absente(s)")
    assert refused[1][1] == "Fichier vide (0 octet)."
    assert not refused[0][2] and not refused[1][2]
    assert in_force(con) == [("ASSO1/2025/participants.csv",)]
    assert staging_ids(con) == [("P001", "F"), ("P002", "F")]


def test_files_of_one_slot_in_one_run_later_mtime_then_name_wins(wh, write_csv):
    root, con = wh
    # 2025-S1: 'b' sorts after 'a' by name but 'a' is newer: 'a' wins
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants_b.csv",
        H,
        [participant("PB", "A2", "01/02/2025")],
        T0 + 10,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants_a.csv",
        H,
        [participant("PA", "A2", "01/02/2025")],
        T0 + 20,
    )
    # 2025-S2: same modification time, the name decides: 'y' wins
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants_y.csv",
        H,
        [participant("PY", "A2", "01/08/2025")],
        T0 + 30,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/participants_x.csv",
        H,
        [participant("PX", "A2", "01/08/2025")],
        T0 + 30,
    )

    run(con, root, "r1")

    order = rows(con, "SELECT source_path FROM ingest.files ORDER BY arrival_seq")
    assert [o[0].split("/")[-1] for o in order] == [
        "participants_b.csv",
        "participants_a.csv",
        "participants_x.csv",
        "participants_y.csv",
    ]
    assert in_force(con) == [
        ("ASSO1/2025-S1/participants_a.csv",),
        ("ASSO1/2025-S2/participants_y.csv",),
    ]
    assert staging_ids(con) == [("PA", "F"), ("PY", "F")]


def test_second_run_changes_nothing(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025"), participant("P001", "A1", "10/03/2025")],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025/seances.csv",
        ["id_participant", "code_action", "date_seance", "presence"],
        [["P001", "A1", "12/03/2025", "P"], ["P002", "A1", "12/03/2025", "A"]],
        T0,
    )
    drop(
        write_csv,
        root,
        "MLJ/2031/participants.csv",
        H,
        [participant("P001", "M1", "10/03/2025")],
        T0,
    )
    tables = (
        "ingest.files",
        "ingest.rejections",
        "staging.file_warnings",
        "raw.participants",
        "raw.seances",
        "staging.participants",
        "staging.seances",
    )
    first = run(con, root, "r1")
    before = {t: count(con, t) for t in tables}
    archive_before = sorted(p.name for p in (root / "archive").rglob("*"))

    second = run(con, root, "r2")

    assert (first.accepted, first.refused) == (2, 1)
    assert before == {
        "ingest.files": 3,
        "ingest.rejections": 1,  # the duplicate row of participants.csv
        "staging.file_warnings": 1,  # P002's session without enrolment
        "raw.participants": 1,
        "raw.seances": 2,
        "staging.participants": 1,
        "staging.seances": 2,
    }
    assert (second.skipped, second.file_ids) == (3, [])
    assert {t: count(con, t) for t in tables} == before
    assert sorted(p.name for p in (root / "archive").rglob("*")) == archive_before


def test_a_crash_inside_a_file_leaves_the_database_as_before(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025")],
        T0,
    )
    run(con, root, "r1")
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants_v2.csv",
        H,
        [participant("P002", "A1", "10/03/2025"), participant("P003", "A1", "10/03/2025")],
        T0 + 10,
    )
    tables = ("ingest.files", "ingest.rejections", "raw.participants")
    before = {t: count(con, t) for t in tables}

    def parse_then_break(path, kind, ctx, max_bytes):
        # a real parse whose last row violates raw.participants' NOT NULL: the insert fails
        report = parse_report(path, kind, ctx, max_bytes)
        report.accepted = report.accepted.with_columns(
            report.accepted["id_participant"].scatter(1, None)
        )
        return report

    years, partners = reference_scope(con)
    files = scan_incoming(root, years, partners, 10_000)
    with pytest.raises(duckdb.ConstraintException):
        ingest_files(con, root, files, "r2", parse=parse_then_break)

    assert {t: count(con, t) for t in tables} == before
    assert in_force(con) == [("ASSO1/2025/participants.csv",)]
    run(con, root, "r3")  # nothing was recorded, so the next run takes the file
    assert in_force(con) == [("ASSO1/2025/participants_v2.csv",)]
    assert staging_ids(con) == [("P002", "F"), ("P003", "F")]


def test_a_parser_bug_fails_the_run_and_records_nothing_of_that_file(wh, write_csv):
    """A fault of the pipeline is not the partner's: no refusal is recorded for the file, the
    run stops, and the run after the fix reads it like a new file."""
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025")],
        T0,
    )
    drop(
        write_csv,
        root,
        "ASSO1/2025/seances.csv",
        ["id_participant", "code_action", "date_seance", "presence"],
        [["P001", "A1", "12/03/2025", "P"]],
        T0 + 1,
    )

    def parse_failing_on_seances(path, kind, ctx, max_bytes):
        if kind == "seances":
            raise RuntimeError("bogue de lecture")
        return parse_report(path, kind, ctx, max_bytes)

    with pytest.raises(RuntimeError, match="bogue de lecture"):
        run(con, root, "r1", parse=parse_failing_on_seances)

    # participants (earlier mtime) was committed before the bug; seances is not recorded
    assert rows(con, "SELECT source_path, status FROM ingest.files") == [
        ("ASSO1/2025/participants.csv", "accepte")
    ]
    summary = run(con, root, "r2")  # the bug fixed: the seances file is read as new
    assert (summary.accepted, summary.skipped, summary.refused) == (1, 1, 0)
    assert count(con, "staging.seances") == 1


def test_a_corrupt_workbook_is_recorded_once_over_three_runs(wh):
    """Regression: a content refusal ('illisible') was taken for a refusal due to the
    settings and re-read, re-recorded, at every run."""
    root, con = wh
    corrupt = root / "incoming/ASSO1/2025/seances_corrompu.xlsx"
    corrupt.parent.mkdir(parents=True)
    corrupt.write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")

    summaries = [run(con, root, f"r{i}") for i in (1, 2, 3)]

    assert [(s.refused, s.skipped) for s in summaries] == [(1, 0), (0, 1), (0, 1)]
    assert rows(con, "SELECT run_id, status, refusal_rule FROM ingest.files") == [
        ("r1", "refuse", "illisible")
    ]


def test_reprocess_rereads_known_files_in_place(wh, write_csv):
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025"), participant("P005", "A3", "10/03/2025")],
        T0,
    )
    run(con, root, "r1")
    assert rows(con, "SELECT rows_accepted, rows_rejected FROM ingest.files") == [(1, 1)]
    (file_id,) = rows(con, "SELECT file_id FROM ingest.files")[0]
    # the evaluation officer adds action A3 to the reference: the row becomes valid
    con.execute(
        "INSERT INTO ref.actions VALUES ('A3', 'Forum', 'ASSO1', 'emploi_developpement_economique',"
        " 'forum', DATE '2025-01-01', DATE '2025-12-31')"
    )
    assert run(con, root, "r2").skipped == 1  # unchanged file: not re-read by default
    summary = run(con, root, "r3", reprocess=True)

    assert summary.file_ids == [file_id]
    assert rows(
        con, "SELECT file_id, rows_accepted, rows_rejected, in_force, run_id FROM ingest.files"
    ) == [(file_id, 2, 0, True, "r3")]
    assert count(con, "ingest.rejections") == 0
    assert count(con, "raw.participants") == 2
    assert staging_ids(con) == [("P001", "F"), ("P005", "F")]


def test_refusals_that_depend_on_the_reference_or_settings_are_looked_at_again(wh, write_csv):
    root, con = wh
    drop(
        write_csv, root, "NOUVEAU/2025/participants.csv", H, [participant("P1", "N1", "10/03/2025")]
    )
    first = run(con, root, "r1")
    assert (first.refused, first.accepted) == (1, 0)  # NOUVEAU is not in partenaires.csv yet
    again = run(con, root, "r2")
    assert again.skipped == 1  # still unknown: nothing new, no new record
    con.execute("INSERT INTO ref.partenaires VALUES ('NOUVEAU', 'Nouvelle association')")
    con.execute(
        "INSERT INTO ref.actions VALUES ('N1', 'Accueil', 'NOUVEAU', 'cohesion_sociale', "
        "'accueil', DATE '2024-01-01', DATE '2027-12-31')"
    )
    third = run(con, root, "r3")
    assert (third.accepted, third.skipped) == (1, 0)
    assert in_force(con) == [("NOUVEAU/2025/participants.csv",)]
    assert rows(con, "SELECT id_participant FROM staging.participants") == [("P1",)]


def test_a_file_name_that_is_not_utf8_is_refused_not_fatal(wh, write_csv):
    root, con = wh
    drop(write_csv, root, "ASSO1/2025/participants.csv", H, [participant("P1", "A1", "10/03/2025")])
    folder = os.fsencode(root / "incoming" / "ASSO1" / "2025")
    with open(os.path.join(folder, b"seances_pr\xe9sences.csv"), "wb") as handle:  # Latin-1 é
        handle.write(b"id_participant;code_action;date_seance;presence\r\n")
    summary = run(con, root, "r1")
    assert (summary.accepted, summary.refused) == (1, 1)
    ((path, rule, message),) = rows(
        con, "SELECT source_path, refusal_rule, message FROM ingest.files WHERE status='refuse'"
    )
    assert path == "ASSO1/2025/seances_pr\ufffdsences.csv" and rule == "nom_illisible"
    assert message.startswith("Nom de fichier illisible")


def test_a_file_still_being_written_is_left_for_the_next_run(wh, write_csv):
    root, con = wh
    path = drop(
        write_csv, root, "ASSO1/2025/participants.csv", H, [participant("P1", "A1", "10/03/2025")]
    )
    years, partners = reference_scope(con)
    files = scan_incoming(root, years, partners, 10 * 1024 * 1024)
    with open(path, "ab") as handle:  # the partner's copy goes on after the scan
        handle.write(b"P2;A1;11/03/2025;;;F;1990;QN01404M;bac;oui;;\r\n")
    summary = ingest_files(con, root, files, "r1")
    assert (summary.skipped, summary.accepted) == (1, 0)
    assert rows(con, "SELECT count(*) FROM ingest.files") == [(0,)]
    assert not list((root / "archive").rglob("*.csv"))  # nothing kept under a wrong sha256
    again = run(con, root, "r2")
    assert again.accepted == 1 and again.rows_accepted == 2


def test_the_files_stage_defers_checkpoints_and_gives_the_setting_back(wh, write_csv):
    """Commits of a few files, without one checkpoint per commit (pipelines/warehouse.py,
    few_checkpoints); the connection's setting is DuckDB's own again afterwards."""
    root, con = wh
    default = rows(con, "SELECT current_setting('checkpoint_threshold')")
    seen = []

    def parse_and_look(path, kind, ctx, max_bytes):
        seen.append(rows(con, "SELECT current_setting('checkpoint_threshold')")[0][0])
        return parse_report(path, kind, ctx, max_bytes)

    drop(write_csv, root, "ASSO1/2025/participants.csv", H, [participant("P1", "A1", "10/03/2025")])
    summary = run(con, root, "r1", parse=parse_and_look)

    assert summary.accepted == 1
    assert seen == ["953.6 MiB"]  # 1GB (10^9 bytes) as DuckDB prints it
    assert rows(con, "SELECT current_setting('checkpoint_threshold')") == default


def test_batches_of_two_files_number_and_replace_like_one_batch(wh, write_csv, monkeypatch):
    """Five files, batches of two: arrival numbers follow each other across the batches, and
    the slot received three times keeps its last version in force."""
    root, con = wh
    monkeypatch.setattr(batch, "MAX_FILES", 2)
    for i, (path, person) in enumerate(
        [
            ("ASSO1/2025/participants_v1.csv", "P1"),
            ("ASSO1/2025-S1/participants.csv", "S1"),
            ("ASSO1/2025/participants_v2.csv", "P2"),
            ("ASSO1/2025-S2/participants.csv", "S2"),
            ("ASSO1/2025/participants_v3.csv", "P3"),
        ]
    ):
        drop(write_csv, root, path, H, [participant(person, "A1", "10/03/2025")], T0 + i)

    summary = run(con, root, "r1")

    assert (summary.accepted, summary.refused) == (5, 0)
    assert rows(con, "SELECT arrival_seq FROM ingest.files ORDER BY arrival_seq") == [
        (1,),
        (2,),
        (3,),
        (4,),
        (5,),
    ]
    assert in_force(con) == [
        ("ASSO1/2025-S1/participants.csv",),
        ("ASSO1/2025-S2/participants.csv",),
        ("ASSO1/2025/participants_v3.csv",),
    ]
    assert count(con, "raw.participants") == 5  # every version kept
    assert rows(con, "SELECT id_participant FROM staging.participants ORDER BY 1") == [
        ("P3",),
        ("S1",),
        ("S2",),
    ]


def test_an_insert_that_fails_drops_its_whole_batch_and_the_next_run_takes_it(wh, write_csv):
    """Three files in one batch, the second one's rows break a NOT NULL of raw.participants:
    none of the three is recorded (a batch commits or drops its files together), and the run
    after the fix records all three."""
    root, con = wh
    for i, person in enumerate(["P1", "P2", "P3"]):
        periode = ["2025-S1", "2025-S2", "2025"][i]
        path = f"ASSO1/{periode}/participants.csv"
        drop(write_csv, root, path, H, [participant(person, "A1", "10/03/2025")], T0 + i)

    def parse_then_break(path, kind, ctx, max_bytes):
        report = parse_report(path, kind, ctx, max_bytes)
        if path.read_text(encoding="utf-8").count("P2"):
            report.accepted = report.accepted.with_columns(id_participant=None)
        return report

    with pytest.raises(duckdb.ConstraintException):
        run(con, root, "r1", parse=parse_then_break)
    assert [count(con, t) for t in ("ingest.files", "raw.participants")] == [0, 0]

    summary = run(con, root, "r2")
    assert (summary.accepted, summary.skipped) == (3, 0)
    assert rows(con, "SELECT id_participant FROM staging.participants ORDER BY 1") == [
        ("P1",),
        ("P2",),
        ("P3",),
    ]


def _one_enrolment(write_csv, root):
    row = participant("P001", "A1", "10/03/2025")
    return drop(write_csv, root, "ASSO1/2025/participants.csv", H, [row], T0)


def test_a_file_written_after_the_scan_is_left_for_the_next_run(wh, write_csv):
    """A partner still copying a file: the archive copy no longer matches the scan (its change
    time moved), so the file is neither archived nor recorded; the next run takes it whole."""
    root, con = wh
    path = _one_enrolment(write_csv, root)
    years, partners = reference_scope(con)
    files = scan_incoming(root, years, partners, 10 * 1024 * 1024)
    assert files[0].scanned_as is not None
    # same size, other bytes, same modification time: only the change time tells
    path.write_bytes(path.read_bytes().replace(b"P001", b"P002"))
    os.utime(path, (T0, T0))
    summary = ingest_files(con, root, files, "r1")
    assert (summary.skipped, summary.accepted) == (1, 0)
    assert count(con, "ingest.files") == 0
    assert not [p for p in (root / "archive").rglob("*") if p.is_file()]  # no copy left

    run(con, root, "r2")
    assert staging_ids(con) == [("P002", "F")]
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert rows(con, "SELECT sha256 FROM ingest.files") == [(sha,)]
    assert (root / "archive" / sha[:2]).is_dir()


def test_a_batch_holds_a_sixteenth_of_the_run_between_16_and_64_files():
    assert [batch.files_per_batch(n) for n in (1, 61, 256, 400, 1098, 5000)] == [
        16,
        16,
        16,
        25,
        64,
        64,
    ]
