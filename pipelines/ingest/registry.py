"""The log of received files (ingest.files): identities, versions in force, archive.

file_id = "<arrival_seq, 6 digits>-<sha256[:12]>": unique per received file version (the
same bytes may legitimately arrive twice, e.g. v1 re-sent after v2), sortable by arrival,
safe as a file name for the validation reports.
A slot is (code_partenaire, periode, kind); its version in force is its accepted file
with the highest arrival_seq, so a refused resubmission leaves the earlier one in force.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.ingest.scan import IncomingFile

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
    """The file's bytes differ from the sha256 taken at scan time: still being written."""


def archive_file(root: Path, f: IncomingFile) -> str:
    """Copy the file unchanged to <root>/archive/<sha[:2]>/<sha><ext>; '' when not archivable.

    Content-addressed, so an existing copy is kept. Written under a temp name then
    renamed, so a crash never leaves a truncated archive under the final name. The copy is
    hashed as it is written: bytes that no longer match the scan's sha256 (a partner still
    copying the file) raise ChangedWhileRead and nothing is kept.
    Symlinks and special files are never opened (the link is not followed).
    """
    if not f.readable:
        return ""
    rel = archive_relpath(f.sha256, f.name)
    target = Path(root) / "archive" / rel
    if target.exists():
        return rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, open(f.path, "rb") as src:
            while chunk := src.read(1024 * 1024):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != f.sha256:
            raise ChangedWhileRead(f.rel)
        shutil.copystat(f.path, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rel


@dataclass(frozen=True)
class KnownFile:
    file_id: str
    sha256: str
    arrival_seq: int
    status: str
    refusal_rule: str | None = None


def last_record_for_path(con: duckdb.DuckDBPyConnection, rel: str) -> KnownFile | None:
    """The latest record for a source path: if its sha256 is unchanged, the file was seen."""
    row = fetch_one(
        con,
        "SELECT file_id, sha256, arrival_seq, status, refusal_rule FROM ingest.files "
        "WHERE source_path = ? ORDER BY arrival_seq DESC LIMIT 1",
        [rel],
    )
    return KnownFile(*row) if row else None


def in_force_for_slot(
    con: duckdb.DuckDBPyConnection, slot: tuple[str, str, str]
) -> KnownFile | None:
    row = fetch_one(
        con,
        "SELECT file_id, sha256, arrival_seq, status FROM ingest.files "
        "WHERE in_force AND code_partenaire = ? AND periode = ? AND kind = ?",
        list(slot),
    )
    return KnownFile(*row) if row else None


def next_arrival_seq(con: duckdb.DuckDBPyConnection) -> int:
    return fetch_one(con, "SELECT coalesce(max(arrival_seq), 0) + 1 FROM ingest.files")[0]


def insert_file_record(con: duckdb.DuckDBPyConnection, record: dict) -> None:
    cols = list(record)
    con.execute(
        f"INSERT INTO ingest.files ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [record[c] for c in cols],
    )


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


def refresh_in_force(con: duckdb.DuckDBPyConnection, slot: tuple[str, str, str]) -> None:
    """In force = the slot's accepted file that arrived last."""
    con.execute(
        """
        UPDATE ingest.files SET in_force = (file_id = (
            SELECT file_id FROM ingest.files
            WHERE status = 'accepte' AND code_partenaire = $1 AND periode = $2 AND kind = $3
            ORDER BY arrival_seq DESC LIMIT 1
        )) IS TRUE
        WHERE code_partenaire = $1 AND periode = $2 AND kind = $3
        """,
        list(slot),
    )


def now_local() -> datetime:
    return datetime.now().replace(microsecond=0)
