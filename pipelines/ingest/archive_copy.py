"""The archive copy of a partner file, written past the page cache.

An archive copy is written once and seldom read again. Through the page cache (sendfile),
a big city's first run spent 2.7 CPU-s of kernel copies filling 1.2 GB of fresh pages
(perf), and as much useful cache was pushed out. Written with O_DIRECT from a read-only
mapping of the source, the disk reads the source's pages, cached by the scan's hashing, by
itself. The unaligned tail goes through an ordinary write. A platform, file system or
device that refuses O_DIRECT gets an ordinary copy.
"""

from __future__ import annotations

import mmap
import os
import shutil
from pathlib import Path

# Offsets and lengths written directly are multiples of this: a multiple of the usual
# logical block sizes (512 and 4096 bytes); mappings start on a page, so are aligned too.
BLOCK = 4096
_DIRECT = getattr(os, "O_DIRECT", 0)


def copy_durably(source: Path, target: Path) -> None:
    """Copy the bytes of `source` into `target` (created by the caller) and fsync it."""
    try:
        if _copy_direct(source, target):
            return
    except OSError:  # refused (EINVAL), or the source shrank meanwhile (EFAULT): again
        pass
    shutil.copyfile(source, target)  # truncates whatever a failed direct copy wrote
    with open(target, "rb") as copy:
        os.fsync(copy.fileno())


def _copy_direct(source: Path, target: Path) -> bool:
    """The copy through O_DIRECT; False when there is nothing to gain from it."""
    if not _DIRECT:
        return False
    with open(source, "rb") as src:
        size = os.fstat(src.fileno()).st_size
        aligned = size - size % BLOCK
        if not aligned:
            return False
        # Only the kernel reads the mapping: a source truncated meanwhile makes a write
        # fail with EFAULT, never a SIGBUS in this process.
        mapping = mmap.mmap(src.fileno(), size, prot=mmap.PROT_READ)
    with mapping, memoryview(mapping) as view:
        fd = os.open(target, os.O_WRONLY | _DIRECT)
        try:
            _write(fd, view, 0, aligned)
            _clear_direct(fd)
            _write(fd, view, aligned, size)
            os.fsync(fd)
        finally:
            os.close(fd)
    return True


def _clear_direct(fd: int) -> None:
    import fcntl  # POSIX only, as O_DIRECT

    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~_DIRECT)


def _write(fd: int, view: memoryview, start: int, end: int) -> None:
    """view[start:end] at offset `start`; each slice is released even on error, or the
    mapping could not be closed."""
    while start < end:
        with view[start:end] as part:
            start += os.pwrite(fd, part, start)
