"""Files recorded together: one transaction, and one INSERT per table, for a few files.

A transaction per file cost the writer a dozen statements and a commit for each of a big
city's 1,100 files; the writer was the bottleneck of the files stage. Each file is still
decided alone (refused, identical or accepted) and replaces its slot as a whole, and a batch
never holds two files of one slot, so each decision sees its slot as the files before the
batch left it (`InForce`). A kill, or an error of ours, drops the batch as a whole: none of
its files is recorded, and the next run reads them again like new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest import registry
from pipelines.ingest.model import ISSUE_COLUMNS, ParsedReport
from pipelines.ingest.registry import KnownFile, StagedArchive

# A batch is written once it holds this many rows or files: fewer, bigger INSERTs, with
# the frames of one batch (100-200 MB) as the only memory held, and a kill loses the work of
# one batch at most. A run's batches hold a sixteenth of its files, between MIN_FILES and
# MAX_FILES: on a big city's 1,100 files, batches of 64 files / 1.6 M rows instead of 16 /
# 400,000 cut the writer's CPU by 5-7 s (its cost per batch: statements, commit, the
# in-force refresh), and a small contract still commits every 16 files.
MAX_ROWS = 1_600_000
MAX_FILES = 64
MIN_FILES = 16


def files_per_batch(n_files: int) -> int:
    """Files a batch may hold in a run that records up to `n_files` files."""
    return min(MAX_FILES, max(MIN_FILES, n_files // 16))


Slot = tuple[str, str, str]
RECORD_SCHEMA = {
    "file_id": pl.String,
    "sha256": pl.String,
    "source_path": pl.String,
    "archive_path": pl.String,
    "code_partenaire": pl.String,
    "periode": pl.String,
    "periode_rang": pl.Int32,
    "kind": pl.String,
    "size_bytes": pl.Int64,
    "mtime": pl.Datetime("us"),
    "received_at": pl.Datetime("us"),
    "date_reception": pl.Date,
    "arrival_seq": pl.Int64,
    "run_id": pl.String,
    "status": pl.String,
    "in_force": pl.Boolean,
    "encoding": pl.String,
    "header_row": pl.Int32,
    "message": pl.String,
    "refusal_rule": pl.String,
    "rows_read": pl.Int32,
    "rows_accepted": pl.Int32,
    "rows_rejected": pl.Int32,
    "rows_ignored": pl.Int32,
    "rows_warned": pl.Int32,
}

REFRESH_IN_FORCE_SQL = """
UPDATE ingest.files SET in_force = file_id IN (
    SELECT arg_max(file_id, arrival_seq) FROM ingest.files
    WHERE status = 'accepte' AND kind IS NOT NULL
    GROUP BY code_partenaire, periode, kind
)
WHERE [code_partenaire, periode, kind] IN (SELECT unnest($slots))
"""


class InForce:
    """The version in force of every slot, as committed: read once, then after each batch."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._by_slot: dict[Slot, KnownFile] = {}
        self.reload()

    def reload(self) -> None:
        rows = self._con.execute(
            "SELECT code_partenaire, periode, kind, file_id, sha256, arrival_seq, status "
            "FROM ingest.files WHERE in_force"
        ).fetchall()
        self._by_slot = {(p, per, k): KnownFile(*rest) for p, per, k, *rest in rows}

    def get(self, slot: Slot | None) -> KnownFile | None:
        return self._by_slot.get(slot) if slot else None


@dataclass
class PendingFile:
    record: dict
    parsed: ParsedReport | None  # None: refused by the scan, or identical
    staged: StagedArchive
    replaces: str | None  # file_id of the record a reprocessed file replaces in place

    @property
    def accepted(self) -> bool:
        return self.record["status"] == registry.STATUS_ACCEPTED


class RecordBatch:
    """Decided files waiting for their common transaction (`write`)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, root: Path, in_force: InForce, max_files: int
    ):
        self._con = con
        self._max_files = max_files
        self._root = root
        self._in_force = in_force
        self._files: list[PendingFile] = []
        self._slots: set[Slot] = set()
        self._rows = 0
        self._next_seq: int | None = None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def must_write_before(self, slot: Slot | None) -> bool:
        """True when a file of `slot` cannot join: the batch is full or holds that slot."""
        full = self._rows >= MAX_ROWS or len(self._files) >= self._max_files
        return bool(self._files) and (full or (slot is not None and slot in self._slots))

    def arrival_seq(self) -> int:
        """The next arrival number (numbers are given in the order files are added)."""
        if self._next_seq is None:
            self._next_seq = registry.next_arrival_seq(self._con)
        seq = self._next_seq
        self._next_seq += 1
        return seq

    def add(self, pending: PendingFile, slot: Slot | None) -> None:
        self._files.append(pending)
        if slot is not None:
            self._slots.add(slot)
        if pending.accepted:
            self._rows += pending.parsed.accepted.height
        if pending.parsed is not None:
            self._rows += pending.parsed.rejections.height + pending.parsed.warnings.height

    def discard(self) -> None:
        """Drop the batch unwritten (the run is interrupted): its copies are not archived."""
        for pending in self._files:
            registry.discard_archive(pending.staged)
        self._clear()

    def write(self) -> None:
        """Archive the batch's copies, then record its files in one transaction."""
        if not self._files:
            return
        for pending in self._files:
            registry.publish_archive(self._root, pending.staged)
        con = self._con
        con.begin()
        try:
            for pending in self._files:
                if pending.replaces is not None:
                    registry.delete_file_rows(con, pending.replaces)
            self._insert_issues()
            records = pl.DataFrame([p.record for p in self._files], schema=RECORD_SCHEMA)
            _insert(con, "ingest.files", [records])
            slots = [list(slot) for slot in self._slots]
            if slots:
                con.execute(REFRESH_IN_FORCE_SQL, {"slots": slots})
            # raw.* rows are always read by key (file_id, row_number), never in stored
            # order: DuckDB may then append them on every core
            con.execute("SET preserve_insertion_order = false")
            self._insert_rows()
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.execute("RESET preserve_insertion_order")
            self._clear()
        if slots:
            self._in_force.reload()

    def _insert_rows(self) -> None:
        accepted: dict[str, list[pl.DataFrame]] = {}
        for pending in self._files:
            if pending.accepted:
                frame = _with_file_id(pending.parsed.accepted, pending.record["file_id"])
                accepted.setdefault(pending.parsed.kind, []).append(frame)
        for kind, frames in accepted.items():
            _insert(self._con, f"raw.{kind}", frames)

    def _insert_issues(self) -> None:
        for name in ("rejections", "warnings"):
            frames = [
                _with_file_id(getattr(p.parsed, name).select(ISSUE_COLUMNS), p.record["file_id"])
                for p in self._files
                if p.parsed is not None and getattr(p.parsed, name).height
            ]
            _insert(self._con, f"ingest.{name}", frames)

    def _clear(self) -> None:
        self._files, self._slots, self._rows, self._next_seq = [], set(), 0, None


def _with_file_id(frame: pl.DataFrame, file_id: str) -> pl.DataFrame:
    return frame.with_columns(pl.lit(file_id).alias("file_id"))


def _insert(con: duckdb.DuckDBPyConnection, table: str, frames: list[pl.DataFrame]) -> None:
    """Bulk insert through Arrow, matching columns by name (a file's frame may lack a
    column that is all null)."""
    frame = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if frame.height == 0:
        return
    view = "_ingest_frame"
    # newest: string views handed over as they are, not copied to large strings
    arrow = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    con.register(view, arrow)  # replaces a view left by an earlier failed insert
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
    con.unregister(view)  # not in a finally: an aborted transaction refuses it
