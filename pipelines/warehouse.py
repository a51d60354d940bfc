"""Opening the DuckDB warehouse safely from several processes, and its layout.

DuckDB allows one writing process per file: a second process fails at once with
"Could not set lock". Every writer therefore takes an exclusive advisory lock on a
sibling file first and waits for it (runs are serialised instead of failing), and
the connection is always closed, even on error.

Layout: every lasting table and view of the warehouse is created by the numbered migrations of
pipelines/sql/migrations/ (`NNNN_what_it_does.sql`), applied in order by `migrate()` each
time a writer opens the warehouse. `meta.schema_version` records the ones applied, so a
warehouse written by an earlier version is upgraded in place on the next run. 0001 is the
layout of v1 (all IF NOT EXISTS: it also adopts a v1 warehouse, which has no version).
The only exceptions are tables whose rows are rebuilt from their one definition:
staging.participants/seances/financements (emptied by CREATE OR REPLACE … LIMIT 0 before a
full build, pipelines/ingest/staging.py; the columns come from pipelines/ingest/sql) and
marts.indicateurs_publies (PUBLISHED_SCHEMA in pipelines/publish/tables.py).

To add a table or a column: add the next file, e.g. `0004_ingest_files_date_reception.sql`
holding `ALTER TABLE ingest.files ADD COLUMN date_reception DATE;` (plus any backfill).
Never edit a migration that has been merged: warehouses in use already applied it. Each
migration runs in one transaction with its version row, so a killed upgrade leaves the
warehouse at the previous version and the next run applies it again.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from pipelines import settings

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"
_VERSION_DDL = """
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.schema_version (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL
);
"""


class WarehouseBusy(RuntimeError):
    """Raised when another run keeps the warehouse longer than the wait allowed."""


def migrations() -> list[tuple[int, Path]]:
    """(version, file) of every migration, in order; versions must be unique."""
    found = sorted((int(p.name[:4]), p) for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    versions = [v for v, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number in {MIGRATIONS_DIR}: {versions}")
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Highest migration applied (0 for a new warehouse or one written by v1)."""
    con.execute(_VERSION_DDL)
    return con.execute("SELECT coalesce(max(version), 0) FROM meta.schema_version").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations the warehouse has not seen, in order; returns their versions."""
    current = schema_version(con)
    applied = []
    for version, path in migrations():
        if version <= current:
            continue
        con.begin()
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO meta.schema_version VALUES (?, ?, now()::TIMESTAMP)",
                [version, path.stem],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(version)
    return applied


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


# Between the checkpoints of a stage that commits often (one partner file per transaction).
FEW_CHECKPOINTS = "1GB"


@contextmanager
def few_checkpoints(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Many small commits without a checkpoint after most of them.

    DuckDB rewrites its write-ahead log into the database file (a checkpoint) at the first
    commit after the log passes 16 MB: at a big city's size (1,100 files, 27 M rows) that
    was most of the per-file commits, 25 s of a 62 s stage. Durability is unchanged: a
    committed file is in the log, replayed when the warehouse is next opened after a kill.
    """
    con.execute(f"SET checkpoint_threshold = '{FEW_CHECKPOINTS}'")
    try:
        yield
    finally:
        con.execute("RESET checkpoint_threshold")


@contextmanager
def connect(
    db_path: Path, timeout_s: float = 3600, on_wait=None, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse under the writer lock, bring its layout up to date, always close."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(db_path.with_suffix(".lock"), timeout_s, on_wait):
        con = duckdb.connect(str(db_path), read_only=read_only)
        try:
            _limit_memory(con)
            if not read_only:
                migrate(con)
            yield con
        finally:
            con.close()


def _limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """SET, not a connect config: a test or a reader may hold the same file open."""
    limit = settings.duckdb_memory_limit()
    try:
        con.execute(f"SET memory_limit = '{limit.replace(chr(39), '')}'")  # quotes dropped
    except duckdb.Error as err:
        raise ValueError(
            f"{settings.DUCKDB_MEMORY_ENV} doit être une taille comme « 2.5GB » ou « 800MB » "
            f"(reçu « {limit} »)."
        ) from err


def as_frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """A query's result as a polars frame, through the Arrow C stream interface: DuckDB's
    .pl() goes through pyarrow, whose import (0.15-0.25 s) was most of what the assets'
    metadata cost a run with nothing new."""
    return pl.DataFrame(relation)
