"""Workers prepare a few small files at a time and make the pandera check of their accepted
rows once for all of them (pipelines/ingest/prepare.py): the same reports as file by file,
and a schema failure is still the fault of the one file whose rows broke it."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import duckdb
import pandera.errors as pa_errors
import polars as pl
import pytest
from ingest_kit import SEANCES_HEADER, drop, make_warehouse

from pipelines.ingest import handover, parse, prepare
from pipelines.ingest.load import ingest_files, partner_context, reference_scope
from pipelines.ingest.scan import scan_incoming

T0 = 1_735_689_600


@pytest.fixture
def chunk(tmp_path, write_csv):
    """Three sessions files of ASSO1 (P1 in a, P2 in b, P3 in c) and their prepare jobs."""
    root, con = make_warehouse(tmp_path)
    for i, name in enumerate("abc", start=1):
        rows = [[f"P{i}", "A2", "12/03/2025", "present"], [f"P{i}", "A2", "19/03/2025", "absent"]]
        drop(write_csv, root, f"ASSO1/2025/seances_{name}.csv", SEANCES_HEADER, rows, T0 + i)
    years, partners = reference_scope(con)
    files = sorted(scan_incoming(root, years, partners, 10_000), key=lambda f: f.name)
    ctx = partner_context(con, "ASSO1")
    con.close()
    yield root, [(f, ctx) for f in files]
    handover.clear(root)  # what a test left in the shared memory


def test_a_chunk_gives_the_reports_of_file_by_file(chunk):
    root, jobs = chunk
    together = prepare.prepare_chunk(root, jobs, 10_000)
    for (f, ctx), item in zip(jobs, together, strict=True):
        alone = parse.parse_report(f.path, f.kind, ctx, 10_000)
        assert item.error is None and item.parsed.accepted.equals(alone.accepted), f.name
    assert [item.parsed.accepted["id_participant"].to_list() for item in together] == [
        ["P1", "P1"],
        ["P2", "P2"],
        ["P3", "P3"],
    ]


def test_rows_breaking_the_schema_fail_their_own_file_only(chunk, monkeypatch):
    """Rules and schema disagreeing (a bug of ours) on P2's rows: file b carries the
    SchemaError, which the writer raises in its turn; a and c are ready to be recorded."""
    root, jobs = chunk
    real = parse.validate_together

    def lenient_on_p2(*args):
        checked = real(*args)
        p2 = pl.col("id_participant") == "P2"
        presence = pl.when(p2).then(pl.lit("peut-etre")).otherwise(pl.col("presence"))
        for validated in checked:
            validated.accepted = validated.accepted.with_columns(presence=presence)
        return checked

    monkeypatch.setattr(parse, "validate_together", lenient_on_p2)
    a, b, c = prepare.prepare_chunk(root, jobs, 10_000)

    assert a.error is None and a.parsed.accepted.height == 2
    assert isinstance(b.error, pa_errors.SchemaError) and b.parsed is None
    assert "SchemaError" in b.error_trace
    assert c.error is None and c.parsed.accepted.height == 2


def test_chunks_hold_a_few_small_files_and_a_big_file_alone(chunk, monkeypatch):
    _root, jobs = chunk
    monkeypatch.setattr(prepare, "CHUNK_FILES", 2)
    assert [len(c) for c in prepare._chunks(jobs)] == [2, 1]
    monkeypatch.setattr(prepare, "CHUNK_BYTES", 1)  # every file is bigger than that
    assert [len(c) for c in prepare._chunks(jobs)] == [1, 1, 1]


@pytest.mark.skipif(not handover.SHARED_MEMORY.is_dir(), reason="no /dev/shm on this system")
def test_accepted_rows_cross_by_a_file_the_writer_maps_then_unlinks(chunk, monkeypatch):
    """Each file's two accepted rows reach the writer through a file in the shared memory
    (MIN_ROWS lowered to 2 for these small files): nothing in the pipe, the same rows on
    arrival, and no file left once they are taken over."""
    root, jobs = chunk
    monkeypatch.setattr(handover, "MIN_ROWS", 2)
    together = prepare.prepare_chunk(root, jobs, 10_000)

    assert all(item.parsed.accepted is None for item in together)  # not pickled
    files = [item.accepted_file for item in together]
    shared = handover.shared_folder_of(root)
    assert shared.parent == Path("/dev/shm") and shared.stat().st_mode & 0o777 == 0o700
    assert all(path.parent == shared and path.is_file() for path in files)
    for item in together:
        item.take_over()
    assert [item.parsed.accepted["id_participant"].to_list() for item in together] == [
        ["P1", "P1"],
        ["P2", "P2"],
        ["P3", "P3"],
    ]
    assert together[0].parsed.accepted["date_seance"].to_list() == [
        date(2025, 3, 12),
        date(2025, 3, 19),
    ]
    assert not any(path.exists() for path in files)


def test_rows_cross_by_the_disk_when_the_shared_memory_has_no_room(chunk, monkeypatch):
    root, jobs = chunk
    monkeypatch.setattr(handover, "MIN_ROWS", 2)
    monkeypatch.setattr(handover, "SHARED_MEMORY_RESERVE", 1 << 62)  # more than any has
    together = prepare.prepare_chunk(root, jobs, 10_000)
    assert [item.accepted_file.parent for item in together] == [root / "archive" / ".cadres"] * 3
    together[2].take_over()
    assert together[2].parsed.accepted["id_participant"].to_list() == ["P3", "P3"]


def test_a_shared_folder_open_to_other_users_is_not_used(chunk, monkeypatch, tmp_path):
    """Someone made the folder first, readable and writable by all: the rows go by the disk."""
    root, jobs = chunk
    monkeypatch.setattr(handover, "MIN_ROWS", 2)
    monkeypatch.setattr(handover, "SHARED_MEMORY", tmp_path / "shm")
    opened = handover.shared_folder_of(root)
    opened.mkdir(parents=True)
    opened.chmod(0o777)
    together = prepare.prepare_chunk(root, jobs, 10_000)
    assert [item.accepted_file.parent for item in together] == [root / "archive" / ".cadres"] * 3
    assert list(opened.iterdir()) == []


def test_a_frame_under_min_rows_stays_in_the_pipe(chunk):
    root, jobs = chunk
    together = prepare.prepare_chunk(root, jobs, 10_000)  # 2 rows each, MIN_ROWS 1,000
    assert all(item.accepted_file is None for item in together)
    assert [item.parsed.accepted.height for item in together] == [2, 2, 2]


def test_handed_rows_left_by_a_killed_run_are_removed_by_the_next(chunk, monkeypatch):
    root, jobs = chunk
    monkeypatch.setattr(handover, "MIN_ROWS", 2)
    left = [item.accepted_file for item in prepare.prepare_chunk(root, jobs, 10_000)]
    assert len(left) == 3 and all(path.exists() for path in left)
    con = duckdb.connect(str(root / "warehouse" / "test.duckdb"))  # make_warehouse's
    ingest_files(con, root, [], run_id="next")  # a run with nothing new
    con.close()
    assert not (root / "archive" / ".cadres").exists()
    assert not handover.shared_folder_of(root).exists() and not any(p.exists() for p in left)


def test_rows_are_read_when_their_file_cannot_be_mapped(chunk, monkeypatch):
    root, jobs = chunk
    monkeypatch.setattr(handover, "MIN_ROWS", 2)
    item = prepare.prepare_chunk(root, jobs, 10_000)[1]
    path = item.accepted_file

    def no_mapping(*args, **kwargs):
        raise OSError("mmap unsupported")

    monkeypatch.setattr(handover.pa, "memory_map", no_mapping)
    item.take_over()
    assert item.parsed.accepted["id_participant"].to_list() == ["P2", "P2"]
    assert not path.exists()


def _rewrite_in_place(path: Path, old: bytes, new: bytes, mtime: int) -> None:
    """A partner's tool saving over the file: same size and modification time, other bytes;
    only the change time moves (after a tick of the kernel's coarse clock)."""
    time.sleep(0.02)
    path.write_bytes(path.read_bytes().replace(old, new))
    os.utime(path, (mtime, mtime))


def test_a_file_written_while_parsed_gives_the_archived_bytes(chunk, monkeypatch):
    """The workers parse the file in incoming/ (its archive copy is written past the page
    cache): one written since its copy is parsed again from the copy, the bytes recorded."""
    root, jobs = chunk
    real = prepare.parse_reports
    b = jobs[1][0]

    def saved_over_b_meanwhile(parse_jobs, max_bytes):
        if any(path == b.path for path, _kind, _ctx in parse_jobs):
            _rewrite_in_place(b.path, b"P2;", b"P9;", T0 + 2)
        return real(parse_jobs, max_bytes)

    monkeypatch.setattr(prepare, "parse_reports", saved_over_b_meanwhile)
    a, b_item, c = prepare.prepare_chunk(root, jobs, 10_000)
    for item in (a, b_item, c):
        item.take_over()
    assert [item.parsed.accepted["id_participant"].to_list() for item in (a, b_item, c)] == [
        ["P1", "P1"],
        ["P2", "P2"],
        ["P3", "P3"],
    ]
    assert b"P9;" in b.path.read_bytes()  # incoming/ holds the new bytes, left for next run
    assert b"P2;" in b_item.staged.tmp.read_bytes()  # the copy, the bytes parsed


def test_a_file_written_while_parsed_alone_gives_the_archived_bytes(chunk):
    root, jobs = chunk
    f, ctx = jobs[0]

    def saved_over_meanwhile(path, kind, context, max_bytes):
        if path == f.path:
            _rewrite_in_place(f.path, b"P1;", b"P9;", T0 + 1)
        return parse.parse_report(path, kind, context, max_bytes)

    item = prepare.prepare(root, f, ctx, 10_000, saved_over_meanwhile)
    assert item.error is None
    assert item.parsed.accepted["id_participant"].to_list() == ["P1", "P1"]
