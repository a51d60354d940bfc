"""Archive and parse partner files ahead of the single writer, on every core.

Reading and validating a file is pure work on its bytes: worker processes copy each file
to the archive under a hidden temp name (hashed as written) and parse that copy, while
the run's own process records the files one by one, in arrival order, in the warehouse
(one writer, DuckDB's rule). A file is read once from incoming/ (the copy) and parsed
once; the writer gives the copy its final name just before recording the file, so a kill
never leaves an archived file that was not recorded.
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

from pipelines.ingest import registry
from pipelines.ingest.model import ParsedReport, PartnerContext
from pipelines.ingest.parse import parse_report
from pipelines.ingest.scan import IncomingFile

log = logging.getLogger(__name__)

# Below this many files the workers' start-up (imports) costs more than it saves.
MIN_FILES_FOR_WORKERS = 16
AHEAD_PER_WORKER = 2  # files prepared ahead: bounds the memory held by parsed frames


@dataclass
class Prepared:
    """A file ready for the writer: its staged archive copy (None: it changed while being
    read) and, when it was parsed ahead, the report or the parser's unexpected error."""

    staged: registry.StagedArchive | None
    parsed: ParsedReport | None = None
    error: Exception | None = None  # raised again by the writer: a fault of ours
    error_trace: str | None = None

    @property
    def was_parsed(self) -> bool:
        return self.parsed is not None or self.error is not None


def prepare(
    root: Path,
    f: IncomingFile,
    ctx: PartnerContext | None,
    max_bytes: int,
    parse: Callable[..., ParsedReport] = parse_report,
) -> Prepared:
    """Stage the archive copy, then parse it when `ctx` is given."""
    try:
        staged = registry.stage_archive(root, f)
    except registry.ChangedWhileRead:
        return Prepared(None)
    if ctx is None:
        return Prepared(staged)
    source = staged.readable_copy(root) or f.path
    try:
        return Prepared(staged, parse(source, f.kind, ctx, max_bytes))
    except Exception as err:  # raised by the writer, in order, like an error of its own parse
        return Prepared(staged, error=err, error_trace=traceback.format_exc())


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
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    pending: deque[tuple[IncomingFile, Future]] = deque()
    queue = iter(jobs)
    try:
        for f, ctx in queue:
            pending.append((f, pool.submit(prepare, root, f, ctx, max_bytes)))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                break
        while pending:
            f, future = pending.popleft()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append((nxt[0], pool.submit(prepare, root, nxt[0], nxt[1], max_bytes)))
            yield f, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for _f, future in pending:  # prepared but never recorded: drop their copies
            if future.done() and not future.cancelled() and future.exception() is None:
                staged = future.result().staged
                if staged is not None:
                    registry.discard_archive(staged)
