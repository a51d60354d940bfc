"""sha256 of incoming files, remembered between runs (table ingest.scan_hashes).

A file whose device, inode, size, modification and change times (ns) are those of the last
scan has the same bytes: any write moves its change time, which no program can set back.
Its sha256 is then taken from the table instead of reading the file again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

SCHEMA = {
    "source_path": pl.Utf8, "device": pl.UInt64, "inode": pl.UInt64, "size": pl.Int64,
    "mtime_ns": pl.Int64, "ctime_ns": pl.Int64, "sha256": pl.Utf8,
}  # fmt: skip
COLUMNS = tuple(SCHEMA)


def stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """What identifies a file's bytes without reading them (see the module's docstring)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class HashCache:
    def __init__(self, known: dict[str, tuple] | None = None) -> None:
        self.known = known or {}
        self.seen: dict[str, tuple] = {}
        self.read = 0  # files actually hashed
        self._lock = threading.Lock()  # scan_incoming hashes on several threads

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> HashCache:
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM ingest.scan_hashes").fetchall()
        return cls({r[0]: tuple(r[1:]) for r in rows})

    def sha256(self, rel: str, path: Path, st: os.stat_result, compute: Callable) -> str:
        key = stat_key(st)
        known = self.known.get(rel)
        if known is not None and known[:-1] == key:
            sha = known[-1]
        else:
            sha = compute(path)
            with self._lock:
                self.read += 1
        self.seen[rel] = (*key, sha)
        return sha

    def save(self, con: duckdb.DuckDBPyConnection) -> None:
        """Replace the table with the files of this scan (one transaction); nothing to write
        when the scan found the files of the last one, unchanged."""
        if self.seen == self.known:
            return
        frame = pl.DataFrame(
            [(rel, *values) for rel, values in self.seen.items()],
            schema=SCHEMA,
            orient="row",
        )
        con.begin()
        try:
            con.execute("DELETE FROM ingest.scan_hashes")
            con.register("scan_hashes_new", frame.to_arrow())
            con.execute("INSERT INTO ingest.scan_hashes SELECT * FROM scan_hashes_new")
            con.unregister("scan_hashes_new")
            con.commit()
        except BaseException:
            con.rollback()
            raise
