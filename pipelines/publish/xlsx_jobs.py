"""Big XLSX files written on both cores.

xlsxwriter spends a few microseconds of Python per cell: at a big city's size (128 k
indicator rows, 12 funder extracts of up to 66 k rows) the workbooks take most of the
publication. They are independent, so a publication with many rows writes them in worker
processes (spawn: the publishing process holds DuckDB's threads); a small one writes them
in place, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipelines.fsutil import write_atomically

PARALLEL_FROM_ROWS = 100_000  # total rows of the workbooks of one publication


@dataclass(frozen=True)
class XlsxJob:
    """`write(*args, path)` writes the workbook; `rows` sizes the work. `write` must be a
    module-level function and `args` picklable (polars frames are)."""

    path: Path
    write: Callable
    args: tuple
    rows: int


def _run(job: XlsxJob) -> Path:
    return write_atomically(job.path, lambda tmp: job.write(*job.args, tmp))


def write_all(jobs: list[XlsxJob], workers: int | None = None) -> list[Path]:
    """Write every workbook; in parallel when they are big enough to be worth it."""
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or sum(job.rows for job in jobs) < PARALLEL_FROM_ROWS:
        return [_run(job) for job in jobs]
    # largest first, so that the last one to start is a small one
    ordered = sorted(jobs, key=lambda job: -job.rows)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_run, ordered))
