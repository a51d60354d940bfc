"""Accepted rows handed from a worker to the writer through a file the writer maps.

Through the pool's pipe, a big city's 27 M accepted rows were pickled by the workers and
copied back by the writer's process: 0.5 and 0.4 CPU-s per 3 M session rows, on both
cores, the writer's being on the files stage's critical path. An uncompressed Arrow IPC
file costs the worker 0.1 s to write and the writer nothing to read: it maps the file (no
copy) and unlinks it at once, the mapping keeping its pages until the rows are recorded.
The files sit in a folder of the shared memory (/dev/shm, a tmpfs) when it has room, else
in a hidden folder of archive/; both are removed at the end of the files stage, and at the
start of the next one when a kill left them. On the disk, a big city's thousand files,
created and unlinked within seconds, cost ext4 a flush on close (a file truncated when
opened) and then a slower search for free inodes during the next minute, when the
publication writes its 5,000 files (`recently_deleted`: 1 CPU-s of a run under perf).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc

FOLDER = ".cadres"  # under archive/
SHARED_MEMORY = Path("/dev/shm")
# Below this many rows the pipe costs less than a file (a few hundred microseconds).
MIN_ROWS = 1_000
# Room left in the shared memory beside a frame, and frames' worth of room wanted (the
# other worker may be writing one too): a small /dev/shm (64 MB in a container) is not
# filled, the disk is used instead.
SHARED_MEMORY_RESERVE = 256 * 1024 * 1024
SHARED_MEMORY_FRAMES = 4


def folder_of(root: Path) -> Path:
    """The folder on the disk, under archive/."""
    return Path(root) / "archive" / FOLDER


def shared_folder_of(root: Path) -> Path:
    """The folder in the shared memory, one per data folder."""
    digest = hashlib.sha1(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return SHARED_MEMORY / f"contrat-de-ville-cadres-{digest}"


def hand_over(root: Path, frame: pl.DataFrame) -> Path | None:
    """Write `frame` for the writer; None when it is small or cannot be written (the
    frame then goes through the pipe, as it would have)."""
    if frame.height < MIN_ROWS:
        return None
    shared = _shared_folder(root, frame.estimated_size())
    for folder in (shared, folder_of(root)):
        path = None if folder is None else _written(folder, frame)
        if path is not None:
            return path
    return None


def _shared_folder(root: Path, size: int) -> Path | None:
    """The shared memory's folder of `root` when it has room for `size` bytes and is ours,
    closed to other users: /dev/shm is shared by every user of the machine, who must
    neither read partners' rows nor swap a file before the writer takes it."""
    folder = shared_folder_of(root)
    try:
        stats = os.statvfs(SHARED_MEMORY)
        if stats.f_bavail * stats.f_frsize - SHARED_MEMORY_RESERVE < SHARED_MEMORY_FRAMES * size:
            return None
        folder.mkdir(mode=0o700, exist_ok=True)
        owner = folder.lstat()
    except OSError:  # no shared memory on this system, or not writable
        return None
    private = owner.st_uid == os.getuid() and not owner.st_mode & 0o077
    return folder if private and stat.S_ISDIR(owner.st_mode) else None


def _written(folder: Path, frame: pl.DataFrame) -> Path | None:
    path = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=".arrow", dir=folder)
        os.close(fd)
        path = Path(name)
        frame.write_ipc(path, compression="uncompressed", compat_level=pl.CompatLevel.newest())
    except OSError:  # a full disk, say: the next folder, or the pipe
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
    """Remove the folders and whatever a killed run left in them."""
    for folder in (shared_folder_of(root), folder_of(root)):
        shutil.rmtree(folder, ignore_errors=True)
