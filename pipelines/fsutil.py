"""Publishing a folder so that readers never see it half-written.

The whole publication (site, downloads, reports) is switched at once by
pipelines/publish/generation.py; staged_dir replaces one folder on its own (used when a
single output is built outside a publication, e.g. build_site in tests and benchmarks).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    res = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return res == 0


@contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield an empty sibling folder to build in; on success it replaces `target`.

    The swap is one atomic renameat2 exchange where the kernel allows it, else two
    renames. On error (or a kill) the old `target` stays untouched and the partial
    build is a hidden `.target.tmp-*` sibling removed at the next build.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*"):
        shutil.rmtree(stale, ignore_errors=True)
    build = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield build
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    os.chmod(build, 0o755)
    if target.exists() and exchange(build, target):
        shutil.rmtree(build, ignore_errors=True)  # now holds the old version
        return
    if target.exists():
        old = target.parent / f".{target.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(build, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(build, target)


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """`write(tmp)` into a temporary sibling, then renamed: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def link_tree(source: Path, target: Path) -> int:
    """Copy the folder `source` into `target` (which may exist, empty) as hard links: the
    same bytes without a second copy, a real copy where links are not possible. Published
    files are never changed in place, so sharing them is safe. Returns the files copied."""
    shutil.copytree(source, target, copy_function=link_or_copy, dirs_exist_ok=True)
    return sum(1 for p in Path(target).rglob("*") if p.is_file())


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
