-- (issue 12) The sha256 of each file of incoming/ at the last scan, with the identity of its
-- bytes on disk (device, inode, size, modification and change times in ns): a rerun does
-- not read again the gigabytes of files that have not changed (pipelines/ingest/scan_cache.py).
-- Any write to a file moves its change time (ctime), which no program can set back.
CREATE TABLE IF NOT EXISTS ingest.scan_hashes (
    source_path VARCHAR PRIMARY KEY, device UBIGINT, inode UBIGINT, size BIGINT,
    mtime_ns BIGINT, ctime_ns BIGINT, sha256 VARCHAR NOT NULL
);
