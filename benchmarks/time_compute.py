"""Time one stage of one checkout on an existing benchmark warehouse (one run).

    .venv/bin/python benchmarks/time_compute.py <checkout> <warehouse.duckdb> [indicateurs|lignes]

`indicateurs` (default): compute_indicators; `lignes`: the rows-in-force build
(build_staging, forced). Used to compare two checkouts on the same data in one sitting, runs
interleaved, e.g. `/work/main` and a `git worktree` of an older commit on
/tmp/bench_ind10/bench_1000000.duckdb (made by
`benchmarks/bench_indicators.py --sans-pandas --dossier /tmp/bench_ind10`), or for `lignes`
on a copy of the warehouse of `benchmarks/bench_pipeline.py --shape many`.
"""

from __future__ import annotations

import sys
import time

import duckdb

if __name__ == "__main__":
    checkout, warehouse = sys.argv[1], sys.argv[2]
    stage = sys.argv[3] if len(sys.argv) > 3 else "indicateurs"
    sys.path.insert(0, checkout)
    con = duckdb.connect(warehouse)
    start = time.perf_counter()
    if stage == "lignes":
        from pipelines.ingest.staging import build_staging

        summary = build_staging(con, force=True)
    else:
        from indicators.compute import compute_indicators

        summary = compute_indicators(con)
    elapsed = time.perf_counter() - start
    print(checkout, stage, f"{elapsed:.2f} s", summary, flush=True)
