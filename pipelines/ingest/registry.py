"""The log of received files (ingest.files): identities, versions in force, archive.

file_id = "<arrival_seq, 6 digits>-<sha256[:12]>": unique per received file version (the
same bytes may legitimately arrive twice, e.g. v1 re-sent after v2), sortable by arrival,
safe as a file name for the validation reports.
A slot is (code_partenaire, periode, kind); its version in force is its accepted file
with the highest arrival_seq, so a refused resubmission leaves the earlier one in force.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.ingest.archive_copy import copy_durably
from pipelines.ingest.scan import IncomingFile
from pipelines.ingest.scan_cache import stat_key

STATUS_ACCEPTED = "accepte"
STATUS_REFUSED = "refuse"
STATUS_IDENTICAL = "identique"


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """First row, with the result drained (DuckDB 2 refuses new work on an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def make_file_id(arrival_seq: int, sha256: str) -> str:
    return f"{arrival_seq:06d}-{sha256[:12]}"


def archive_relpath(sha256: str, filename: str) -> str:
    return f"{sha256[:2]}/{sha256}{Path(filename).suffix.lower()}"


class ChangedWhileRead(RuntimeError):
    """The file was written since the scan (its stat differs): a partner is still copying
    it."""


def archive_file(root: Path, f: IncomingFile) -> str:
    """Copy the file unchanged to <root>/archive/<sha[:2]>/<sha><ext>; '' when not archivable.

    Content-addressed, so an existing copy is kept. Written under a temp name then
    renamed, so a crash never leaves a truncated archive under the final name. A file
    written since the scan (a partner still copying it: its change time moved) raises
    ChangedWhileRead and nothing is kept.
    Symlinks and special files are never opened (the link is not followed).
    """
    staged = stage_archive(root, f)
    publish_archive(root, staged)
    return staged.rel


@dataclass(frozen=True)
class StagedArchive:
    """A file copied to the archive under a hidden temp name (`tmp`), or already there
    (`tmp` None); `rel` is '' for a file that cannot be archived."""

    rel: str
    tmp: Path | None = None

    def readable_copy(self, root: Path) -> Path | None:
        """The archived bytes to parse: the temp copy until published."""
        if not self.rel:
            return None
        return self.tmp or Path(root) / "archive" / self.rel


def stage_archive(root: Path, f: IncomingFile) -> StagedArchive:
    """The first half of archive_file: copy, check and fsync under a hidden name. Safe in
    another process: the run publishes it (publish_archive) when it records the file, so
    a kill never shows an archived file that was not recorded."""
    if not f.readable:
        return StagedArchive("")
    rel = archive_relpath(f.sha256, f.name)
    target = Path(root) / "archive" / rel
    if target.exists():
        return StagedArchive(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the extension stays: readers choose the format from it
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        # Copied in the kernel, past the page cache (archive_copy.py), not hashed again
        # (1.3 GB at a big city's size): a file written since the scan has another change
        # time (scan_cache.py).
        copy_durably(f.path, Path(tmp))
        if not unchanged_since_scan(f):
            raise ChangedWhileRead(f.rel)
        shutil.copystat(f.path, tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StagedArchive(rel, Path(tmp))


def unchanged_since_scan(f: IncomingFile) -> bool:
    """The file still has the stat of the scan, so its bytes are those hashed (and, once
    staged, those archived); False when it is gone."""
    try:
        return stat_key(os.stat(f.path)) == f.scanned_as
    except OSError:
        return False


def publish_archive(root: Path, staged: StagedArchive) -> None:
    """Give a staged copy its final name (an existing copy of the same bytes is kept)."""
    if staged.tmp is None:
        return
    target = Path(root) / "archive" / staged.rel
    if target.exists():
        staged.tmp.unlink(missing_ok=True)
    else:
        os.replace(staged.tmp, target)


def discard_archive(staged: StagedArchive) -> None:
    if staged.tmp is not None:
        staged.tmp.unlink(missing_ok=True)


def remove_stale_copies(root: Path) -> None:
    """Temp copies left by a killed run (runs are serialised by the warehouse lock)."""
    archive = Path(root) / "archive"
    if archive.is_dir():
        for tmp in archive.glob("*/.tmp-*"):
            tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class KnownFile:
    file_id: str
    sha256: str
    arrival_seq: int
    status: str
    refusal_rule: str | None = None


def last_records_by_path(con: duckdb.DuckDBPyConnection) -> dict[str, KnownFile]:
    """The latest record of every known source path: if its sha256 is unchanged, the file
    was seen."""
    rows = con.execute(
        "SELECT source_path, file_id, sha256, arrival_seq, status, refusal_rule FROM ingest.files "
        "QUALIFY row_number() OVER (PARTITION BY source_path ORDER BY arrival_seq DESC) = 1"
    ).fetchall()
    return {row[0]: KnownFile(*row[1:]) for row in rows}


def next_arrival_seq(con: duckdb.DuckDBPyConnection) -> int:
    return fetch_one(con, "SELECT coalesce(max(arrival_seq), 0) + 1 FROM ingest.files")[0]


def delete_file_rows(con: duckdb.DuckDBPyConnection, file_id: str) -> None:
    """Remove a file version and everything derived from it (used when reprocessing)."""
    for table in (
        "raw.participants",
        "raw.seances",
        "raw.financements",
        "ingest.rejections",
        "ingest.warnings",
        "ingest.files",
    ):
        con.execute(f"DELETE FROM {table} WHERE file_id = ?", [file_id])


def now_local() -> datetime:
    return datetime.now().replace(microsecond=0)
