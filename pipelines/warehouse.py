"""Opening the DuckDB warehouse safely from several processes.

DuckDB allows one writing process per file: a second process fails at once with
"Could not set lock". Every writer therefore takes an exclusive advisory lock on a
sibling file first and waits for it (runs are serialised instead of failing), and
the connection is always closed, even on error.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SCHEMA_SQL = Path(__file__).parent / "sql" / "schema.sql"


class WarehouseBusy(RuntimeError):
    """Raised when another run keeps the warehouse longer than the wait allowed."""


@contextmanager
def exclusive_lock(lock_path: Path, timeout_s: float, on_wait=None) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        warned = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"L'entrepôt {lock_path.parent} est occupé par une autre exécution "
                        f"depuis plus de {timeout_s:.0f} s ; relancez quand elle sera terminée."
                    ) from None
                if on_wait and not warned:
                    on_wait()
                    warned = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def connect(
    db_path: Path, timeout_s: float = 3600, on_wait=None, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse under the writer lock, create the layout, always close."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(db_path.with_suffix(".lock"), timeout_s, on_wait):
        con = duckdb.connect(str(db_path), read_only=read_only)
        try:
            if not read_only:
                con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
            yield con
        finally:
            con.close()
