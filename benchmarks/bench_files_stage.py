"""The files stage and the rows in force alone, on a data root of many partner files.

    .venv/bin/python benchmarks/bench_files_stage.py [--source /tmp/bench_pipeline/many_1250000]
        [--work /tmp/bench_files_stage]

Copies the source's reference/ and hard-links its incoming/ into a fresh root under --work
(the source is never written), then times, in this process:
- `fichiers`: scan + archive + parse + load of every file into an empty warehouse
  (ingest_files, workers as in a run), and the connection's close (its last checkpoint),
  with the CPU seconds of the writer (this process) and of the workers;
- `lignes (complet)`: the rows in force, first build (build_staging);
- `lignes (renvoi)`: one partner resubmits one file (its last row removed), then the rows in
  force again: only the actions of the changed files are rebuilt; the four staging tables'
  checksums are then compared with a forced full build (must be equal).
The many-files source is made by `benchmarks/bench_pipeline.py --shape many`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines import warehouse  # noqa: E402
from pipelines.ingest.load import ingest_files, reference_scope  # noqa: E402
from pipelines.ingest.reference import read_reference, write_reference  # noqa: E402
from pipelines.ingest.scan import scan_incoming  # noqa: E402
from pipelines.ingest.scan_cache import HashCache  # noqa: E402
from pipelines.ingest.staging import build_staging, last_build_scope  # noqa: E402

RESUBMITTED = "MLCAEN/2026-S1/seances_2026-S1.csv"
CHECKSUM = "SELECT count(*), sum(hash(t)::HUGEINT) FROM staging.{} AS t"
TABLES = ("participants", "seances", "financements", "cross_file_warnings")


def _scan_and_ingest(con, root: Path, run_id: str):
    years, partners = reference_scope(con)
    hashes = HashCache.load(con)
    files = scan_incoming(root, years, partners, 200 * 1024 * 1024, hashes)
    hashes.save(con)
    return ingest_files(con, root, files, run_id=run_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=Path("/tmp/bench_pipeline/many_1250000"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_files_stage"))
    args = parser.parse_args()
    root = args.work / "root"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(args.source / "reference", root / "reference")
    subprocess.run(["cp", "-al", str(args.source / "incoming"), str(root / "incoming")], check=True)
    db = root / "warehouse" / "evaluation.duckdb"
    start = time.perf_counter()
    with warehouse.connect(db) as con:
        write_reference(con, read_reference(root))
        summary = _scan_and_ingest(con, root, "bench")
    elapsed = time.perf_counter() - start
    rows = summary.rows_accepted
    writer = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped when the pool shut down
    cpu = [(u.ru_utime + u.ru_stime) for u in (writer, workers)]
    print(
        f"fichiers: {elapsed:.1f} s, {summary.accepted} files, {rows:,} rows accepted, "
        f"CPU writer {cpu[0]:.1f} s, workers {cpu[1]:.1f} s"
    )
    with warehouse.connect(db) as con:
        start = time.perf_counter()
        build_staging(con)
        print(f"lignes (complet): {time.perf_counter() - start:.1f} s")
        path = root / "incoming" / RESUBMITTED
        lines = path.read_bytes().splitlines(keepends=True)
        path.unlink()  # a hard link to the source: replaced, never written through
        path.write_bytes(b"".join(lines[:-1]))
        _scan_and_ingest(con, root, "bench-renvoi")
        start = time.perf_counter()
        build_staging(con)
        seconds = time.perf_counter() - start
        print(f"lignes (renvoi): {seconds:.1f} s, {last_build_scope(con)} action(s) rebuilt")
        partial = {t: con.execute(CHECKSUM.format(t)).fetchall() for t in TABLES}
        build_staging(con, force=True)
        full = {t: con.execute(CHECKSUM.format(t)).fetchall() for t in TABLES}
        print("same as a full build:", partial == full)


if __name__ == "__main__":
    main()
