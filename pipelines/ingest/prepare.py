"""Archive and parse partner files ahead of the single writer, on every core.

Reading and validating a file is pure work on its bytes: worker processes copy each file
to the archive under a hidden temp name (checked against the scan) and parse it, while the
run's own process records the files in arrival order, a batch per transaction, in the
warehouse (one writer, DuckDB's rule). The copy is written past the page cache
(archive_copy.py), so the file is parsed from incoming/, where the scan's hashing left its
pages; its stat, unchanged since the scan, tells that these are the archived bytes (else
the copy is parsed). The writer gives the copies their final names just before recording
them, so a kill never leaves an archived file that was not recorded.

A worker takes a few consecutive small files at a time (a chunk), validates those of one
kind and header together (parse.parse_reports: polars' fixed cost per operation was most of
a small file's cost) and makes the pandera check of their accepted rows once for all of
them: that check costs 10 to 25 ms per call whatever the rows, 20 s of CPU for a big city's
1,100 files when made file by file. When a chunk's rows fail it, each file is checked alone,
so the error is that file's.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.gc_policy import fewer_collections
from pipelines.ingest import handover, registry
from pipelines.ingest.model import ParsedReport, PartnerContext
from pipelines.ingest.parse import (
    ParseFailure,
    ParseJob,
    check_accepted,
    parse_report,
    parse_reports,
)
from pipelines.ingest.scan import IncomingFile

log = logging.getLogger(__name__)

# Below this many files the workers' start-up (imports) costs more than it saves.
MIN_FILES_FOR_WORKERS = 16
# Chunks prepared ahead: bounds the memory held by parsed frames, and must outlast the
# writer's recording of a batch (pipelines/ingest/batch.py), or the workers wait for it. At
# 4, on a big city's files, both workers sat idle 0.25-0.35 s at each batch's commit, about
# 2.9 s each in the stage; at 8, 0.7 s. The handover's peak in /dev/shm stayed at 170-200 MB.
AHEAD_PER_WORKER = 8
# Files of one chunk, at most, and bytes (a bigger file is a chunk on its own): each chunk
# costs the workers a fixed share of Python and polars calls. On a big city's files
# (bench_parse.py, medians of 3) 8 files / 4 MB took 16.4-17.0 CPU-s, 16 / 16 MB 14.4-15.4
# and 32 / 32 MB 14.2; in whole runs 16 / 16 MB shortened the files stage in 7 pairs out of
# 7 (medians 21.3 -> 20.6 s), the run's peak memory unchanged (1.6-1.75 GiB), the handover's
# files in /dev/shm at most about 100 MB (`du` every 0.1 s during an empty run).
CHUNK_FILES = 16
CHUNK_BYTES = 16 * 1024 * 1024


@dataclass
class Prepared:
    """A file ready for the writer: its staged archive copy (None: it changed while being
    read) and, when it was parsed ahead, the report or the parser's unexpected error."""

    staged: registry.StagedArchive | None
    parsed: ParsedReport | None = None
    error: Exception | None = None  # raised again by the writer: a fault of ours
    error_trace: str | None = None
    # where a worker left parsed.accepted (handover.py); parsed.accepted is None meanwhile
    accepted_file: Path | None = None

    @property
    def was_parsed(self) -> bool:
        return self.parsed is not None or self.error is not None

    def hand_over(self, root: Path) -> None:
        """On a worker: leave the accepted rows in a file rather than in the pipe."""
        if self.parsed is not None and not self.parsed.refused:
            self.accepted_file = handover.hand_over(root, self.parsed.accepted)
            if self.accepted_file is not None:
                self.parsed.accepted = None

    def take_over(self) -> None:
        """On the writer: the accepted rows back from their file."""
        if self.accepted_file is not None:
            self.parsed.accepted = handover.take_over(self.accepted_file)
            self.accepted_file = None


def prepare(
    root: Path,
    f: IncomingFile,
    ctx: PartnerContext | None,
    max_bytes: int,
    parse: Callable[..., ParsedReport] = parse_report,
) -> Prepared:
    """Stage the archive copy, then parse the file when `ctx` is given."""
    item = _staged(root, f)
    if ctx is None or item.staged is None:
        return item
    _parse_into(item, parse, f.path, f, ctx, max_bytes)
    if (archived := _archived_if_changed(root, f, item)) is not None:
        _parse_into(item, parse, archived, f, ctx, max_bytes)
    return item


def _parse_into(
    item: Prepared,
    parse: Callable[..., ParsedReport],
    source: Path,
    f: IncomingFile,
    ctx: PartnerContext,
    max_bytes: int,
) -> None:
    try:
        item.parsed, item.error = parse(source, f.kind, ctx, max_bytes), None
    except Exception as err:  # raised by the writer, in order, like an error of its own parse
        item.parsed, item.error, item.error_trace = None, err, traceback.format_exc()


def _archived_if_changed(root: Path, f: IncomingFile, item: Prepared) -> Path | None:
    """The archive copy to parse instead, when the file in incoming/ was written since the
    scan (its stat moved): the bytes recorded are those archived."""
    if registry.unchanged_since_scan(f):
        return None
    return item.staged.readable_copy(root)


def _staged(root: Path, f: IncomingFile) -> Prepared:
    """`f` with its archive copy staged (none when it changed while being read)."""
    try:
        return Prepared(registry.stage_archive(root, f))
    except registry.ChangedWhileRead:
        return Prepared(None)


def prepare_chunk(root: Path, chunk: list[Job], max_bytes: int) -> list[Prepared]:
    """prepare() for each file of `chunk`: its files of one kind and header validated
    together (parse_reports), and one pandera check per kind for all of them."""
    prepared: list[Prepared] = []
    parsing: list[tuple[IncomingFile, Prepared]] = []
    jobs: list[ParseJob] = []
    for f, ctx in chunk:
        prepared.append(item := _staged(root, f))
        if ctx is not None and item.staged is not None:
            parsing.append((f, item))
            jobs.append((f.path, f.kind, ctx))
    _parsed(parsing, parse_reports(jobs, max_bytes))
    # the rare file written since it was copied: its archived bytes are parsed instead
    again = [
        (i, archived)
        for i, (f, item) in enumerate(parsing)
        if (archived := _archived_if_changed(root, f, item)) is not None
    ]
    archived_jobs = [(archived, *jobs[i][1:]) for i, archived in again]
    _parsed([parsing[i] for i, _archived in again], parse_reports(archived_jobs, max_bytes))
    by_kind: dict[str, list[Prepared]] = {}
    for item in prepared:
        if item.parsed is not None and not item.parsed.refused:
            by_kind.setdefault(item.parsed.kind, []).append(item)
    for kind, items in by_kind.items():
        try:
            check_accepted(kind, pl.concat([item.parsed.accepted for item in items]))
        except Exception:  # found again below, file by file
            for item in items:
                try:
                    check_accepted(kind, item.parsed.accepted)
                except Exception as err:  # raised by the writer, in order
                    item.parsed, item.error, item.error_trace = None, err, traceback.format_exc()
    for item in prepared:
        item.hand_over(root)
    return prepared


def _parsed(parsing: list[tuple[IncomingFile, Prepared]], outcomes: list) -> None:
    for (_f, item), outcome in zip(parsing, outcomes, strict=True):
        if isinstance(outcome, ParseFailure):  # raised by the writer, in order
            item.parsed, item.error, item.error_trace = None, outcome.error, outcome.trace
        else:
            item.parsed, item.error = outcome, None


def _chunks(jobs: Iterable[Job], max_files: int | None = None) -> Iterator[list[Job]]:
    """Consecutive jobs, `max_files` (default CHUNK_FILES) files or CHUNK_BYTES bytes at most
    per chunk."""
    max_files = max_files or CHUNK_FILES
    chunk: list[Job] = []
    size = 0
    for job in jobs:
        if chunk and (len(chunk) >= max_files or size + job[0].size > CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(job)
        size += job[0].size
    if chunk:
        yield chunk


def worker_count() -> int:
    """Worker processes: one per core (EVAL_WORKERS overrides, 1 = none)."""
    wanted = os.environ.get("EVAL_WORKERS", "")
    return max(1, int(wanted)) if wanted.isdigit() else max(1, os.cpu_count() or 1)


Job = tuple[IncomingFile, PartnerContext | None]


def prepared_in_order(
    root: Path,
    jobs: Iterable[Job],
    max_bytes: int,
    parse: Callable[..., ParsedReport],
    n_jobs: int,
) -> Iterator[tuple[IncomingFile, Prepared]]:
    """(file, prepared) in the order of `jobs`, prepared on worker processes when there
    are enough files and the parser is the real one (a test's parser stays in process)."""
    workers = worker_count()
    if workers == 1 or n_jobs < MIN_FILES_FOR_WORKERS or parse is not parse_report:
        for f, ctx in jobs:
            yield f, prepare(root, f, ctx, max_bytes, parse)
        return
    # spawn, not fork: the writer's process holds DuckDB and polars threads
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=fewer_collections
    )
    pending: deque[tuple[list[Job], Future]] = deque()
    chunks = _chunks(jobs)
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(prepare_chunk, root, chunk, max_bytes)))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                break
        while pending:
            chunk, future = pending.popleft()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(prepare_chunk, root, nxt, max_bytes)))
            results = future.result()
            for prepared in results:  # all of the chunk's, so that none is left behind
                prepared.take_over()
            for (f, _ctx), prepared in zip(chunk, results, strict=True):
                yield f, prepared
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for _chunk, future in pending:  # prepared but never recorded: drop their copies
            if future.done() and not future.cancelled() and future.exception() is None:
                for prepared in future.result():
                    if prepared.staged is not None:
                        registry.discard_archive(prepared.staged)
        handover.clear(root)  # with the rows those handed over
