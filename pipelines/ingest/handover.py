"""Accepted rows handed from a worker to the writer through a file the writer maps.

Through the pool's pipe, a big city's 27 M accepted rows were pickled by the workers and
copied back by the writer's process: 0.5 and 0.4 CPU-s per 3 M session rows, on both
cores, the writer's being on the files stage's critical path. An uncompressed Arrow IPC
file costs the worker 0.1 s to write and the writer nothing to read: it maps the file (no
copy) and unlinks it at once, the mapping keeping its pages until the rows are recorded.
The files sit in a hidden folder of archive/, removed at the end of the files stage, and
at the start of the next one when a kill left it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc

FOLDER = ".cadres"  # under archive/
# Below this many rows the pipe costs less than a file (a few hundred microseconds).
MIN_ROWS = 1_000


def folder_of(root: Path) -> Path:
    return Path(root) / "archive" / FOLDER


def hand_over(root: Path, frame: pl.DataFrame) -> Path | None:
    """Write `frame` for the writer; None when it is small or cannot be written (the
    frame then goes through the pipe, as it would have)."""
    if frame.height < MIN_ROWS:
        return None
    folder = folder_of(root)
    path = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=".arrow", dir=folder)
        os.close(fd)
        path = Path(name)
        frame.write_ipc(path, compression="uncompressed", compat_level=pl.CompatLevel.newest())
    except OSError:  # a full disk, say: the pipe still works
        if path is not None:
            path.unlink(missing_ok=True)
        return None
    return path


def take_over(path: Path) -> pl.DataFrame:
    """The frame written at `path`, mapped; the file is unlinked."""
    try:
        return _mapped(path)
    finally:
        path.unlink(missing_ok=True)


def _mapped(path: Path) -> pl.DataFrame:
    try:
        with pa.memory_map(str(path)) as source:
            return pl.from_arrow(pyarrow.ipc.open_file(source).read_all())
    except OSError:  # a file system that cannot map the file: read it
        return pl.read_ipc(path)


def clear(root: Path) -> None:
    """Remove the folder and whatever a killed run left in it."""
    shutil.rmtree(folder_of(root), ignore_errors=True)
