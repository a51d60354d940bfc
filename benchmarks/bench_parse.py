"""The workers' share of the files stage, in this process: archive copy, parsing and the
pandera check of every chunk of a data root's partner files, and handing back what a worker
sends, pickled or by file (pipelines/ingest/prepare.py, prepare_chunk; handover.py). Prints
wall and CPU seconds.

    .venv/bin/python benchmarks/bench_parse.py [--source /tmp/bench_pipeline/many_1250000]
        [--files N] [--chunk-files 32] [--chunk-mb 32] [--runs 3]

In a run, two worker processes do this while the writer records the batches; here it runs
alone, so its CPU seconds are steadier than the stage's wall time on a noisy machine. The
source's incoming/ is hard-linked into a work folder (never written); the copies staged in
the archive are dropped after each chunk. The many-files source is made by
`benchmarks/bench_pipeline.py --shape many`.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from pipelines import warehouse  # noqa: E402
from pipelines.ingest import handover, prepare, registry  # noqa: E402
from pipelines.ingest.load import partner_contexts, reference_scope  # noqa: E402
from pipelines.ingest.reference import read_reference, write_reference  # noqa: E402
from pipelines.ingest.scan import periode_bounds, scan_incoming  # noqa: E402


def _jobs(con: duckdb.DuckDBPyConnection, root: Path, limit: int) -> list[prepare.Job]:
    years, partners = reference_scope(con)
    files = scan_incoming(root, years, partners, 200 * 1024 * 1024)
    files = sorted(files, key=lambda f: (f.mtime, f.name, f.rel))[:limit]
    context_of = partner_contexts(con)
    jobs = []
    for f in files:
        if f.refusal is None:
            bounds = periode_bounds(f.periode)
            ctx = context_of(f.code_partenaire)
            jobs.append((f, dataclasses.replace(ctx, periode_fin=bounds[1]) if bounds else ctx))
    return jobs


def _once(root: Path, jobs: list[prepare.Job], files_per_chunk: int) -> tuple[float, float, int]:
    start, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for chunk in prepare._chunks(jobs, files_per_chunk):
        prepared = prepare.prepare_chunk(root, chunk, 200 * 1024 * 1024)
        pickle.dumps(prepared)  # what a worker sends to the writer (big frames by file)
        for item in prepared:
            item.take_over()  # as the writer does (pipelines/ingest/handover.py)
            rows += item.parsed.accepted.height if item.parsed is not None else 0
            if item.staged is not None:
                registry.discard_archive(item.staged)
    return time.perf_counter() - start, time.process_time() - cpu, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=Path("/tmp/bench_pipeline/many_1250000"))
    parser.add_argument("--files", type=int, default=10**6, help="the first N files (arrival)")
    parser.add_argument("--chunk-files", type=int, default=prepare.CHUNK_FILES)
    parser.add_argument("--chunk-mb", type=int, default=prepare.CHUNK_BYTES // 2**20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    prepare.CHUNK_BYTES = args.chunk_mb * 2**20
    with tempfile.TemporaryDirectory(prefix="bench_parse_") as work:
        root = Path(work)
        shutil.copytree(args.source / "reference", root / "reference")
        incoming = [str(args.source / "incoming"), str(root / "incoming")]
        subprocess.run(["cp", "-al", *incoming], check=True)
        with warehouse.connect(root / "warehouse" / "evaluation.duckdb") as con:
            write_reference(con, read_reference(root))
            jobs = _jobs(con, root, args.files)
        try:
            _once(root, jobs[: args.chunk_files], args.chunk_files)  # imports, memos
            runs = [_once(root, jobs, args.chunk_files) for _ in range(args.runs)]
        finally:
            handover.clear(root)  # the folder the frames crossed, in the shared memory
    chunking = f"chunks of {args.chunk_files} files / {args.chunk_mb} MB"
    print(f"{len(jobs)} files, {runs[0][2]:,} rows accepted, {chunking}")
    print(
        f"wall median {statistics.median(r[0] for r in runs):.1f} s, "
        f"CPU median {statistics.median(r[1] for r in runs):.1f} s  "
        f"[{', '.join(f'{w:.1f} s / {c:.1f} CPU-s' for w, c, _ in runs)}]"
    )


if __name__ == "__main__":
    main()
