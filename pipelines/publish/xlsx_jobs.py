"""Big XLSX files, and the CSV and Parquet files beside them, written on both cores while
the publication goes on.

At a big city's size (128 k indicator rows, 12 funder extracts of up to 66 k rows) the
workbooks still take about 6 CPU-s (pipelines/publish/workbook.py). They are
independent, so a publication with many rows writes them in worker processes (spawn:
the publishing process holds DuckDB's threads) and builds its other outputs (reports,
partner kit) meanwhile, below the run's own priority (pipelines/priority.py); whatever
needs the workbooks (the site links the downloads) waits for them first. A small
publication writes them in place, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.fsutil import write_atomically
from pipelines.priority import background_worker

PARALLEL_FROM_ROWS = 100_000  # total rows of the workbooks of one publication


@dataclass(frozen=True)
class FileJob:
    """`write(*args, path)` writes the file (a workbook, a CSV file...); `rows` sizes the
    work. `write` must be a
    module-level function and `args` picklable (polars frames are)."""

    path: Path
    write: Callable
    args: tuple
    rows: int


def _run(job: FileJob) -> Path:
    return write_atomically(job.path, lambda tmp: job.write(*job.args, tmp))


@dataclass
class Pending:
    """Workbooks being written: `wait()` returns their paths once all are written (raising
    a worker's error); `cancel()` drops those not started when the publication fails."""

    written: list[Path] = field(default_factory=list)
    pool: ProcessPoolExecutor | None = None
    futures: list[Future] = field(default_factory=list)

    def wait(self) -> list[Path]:
        try:
            self.written += [future.result() for future in self.futures]
        finally:
            self.cancel()
        return self.written

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool, self.futures = None, []


def start_all(jobs: list[FileJob], workers: int | None = None) -> Pending:
    """Start writing every workbook: on worker processes when they are big enough to be
    worth it (then in the background), else here and now."""
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or sum(job.rows for job in jobs) < PARALLEL_FROM_ROWS:
        return Pending([_run(job) for job in jobs])
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=background_worker
    )
    # largest first, so that the last one to start is a small one
    ordered = sorted(jobs, key=lambda job: -job.rows)
    return Pending(pool=pool, futures=[pool.submit(_run, job) for job in ordered])


def write_all(jobs: list[FileJob], workers: int | None = None) -> list[Path]:
    """Write every workbook, and return once they are all written."""
    return start_all(jobs, workers).wait()


def start_process(function: Callable, *args) -> Pending:
    """`function(*args)` on one worker process (spawn), in the background: another big
    output built while the publication goes on (the partner kit, kit_output.py; the
    validation reports' pages, pipelines/ingest/reports.py)."""
    pool = ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=background_worker
    )
    return Pending(pool=pool, futures=[pool.submit(function, *args)])
