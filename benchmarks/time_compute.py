"""Time compute_indicators of one checkout on an existing benchmark warehouse (one run).

    .venv/bin/python benchmarks/time_compute.py <checkout> <warehouse.duckdb>

Used to compare two checkouts on the same data in one sitting, runs interleaved, e.g.
`/work/main` and this worktree on /tmp/bench_ind_ventil/bench_1000000.duckdb (made by
`benchmarks/bench_indicators.py --sans-pandas --dossier /tmp/bench_ind_ventil`).
"""

from __future__ import annotations

import sys
import time

import duckdb

if __name__ == "__main__":
    checkout, warehouse = sys.argv[1], sys.argv[2]
    sys.path.insert(0, checkout)
    from indicators.compute import compute_indicators

    con = duckdb.connect(warehouse)
    start = time.perf_counter()
    summary = compute_indicators(con)
    elapsed = time.perf_counter() - start
    print(checkout, f"{elapsed:.2f} s", summary["lignes"], summary["secondes"], flush=True)
