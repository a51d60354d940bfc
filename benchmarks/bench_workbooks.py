"""The publication's workbooks alone: indicateurs.xlsx and one per funder, written one
after the other in this process (so each time is its CPU cost), from a published
warehouse (marts.indicateurs_publies, e.g. the many-files shape's after
`bench_pipeline.py --shape many`). Prints each workbook's time and the total, median of
`--runs`.

    .venv/bin/python benchmarks/bench_workbooks.py \
        [--entrepot /tmp/bench_pipeline/many_1250000/warehouse/evaluation.duckdb] [--runs 3]

To compare two checkouts with one environment, set PYTHONPATH to the checkout measured:
the script's own folder comes first on sys.path, then the checkout the environment was
installed from.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.publish import tables, xlsx_jobs
from pipelines.publish.funders import FOLDER, export_funder_extracts

DEFAULT = Path("/tmp/bench_pipeline/many_1250000/warehouse/evaluation.duckdb")


def jobs(con, out: Path) -> list[xlsx_jobs.FileJob]:
    table = tables.export_frame(con)
    readme = tables.readme_rows(table, "contrat", tables._seuil(con))
    main = (table, tables.definitions_frame(), readme)
    found = [xlsx_jobs.FileJob(out / "indicateurs.xlsx", tables.write_xlsx, main, table.height)]
    export_funder_extracts(con, out / FOLDER, found)  # its files appended
    return [job for job in found if job.path.suffix == ".xlsx"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entrepot", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    con = duckdb.connect(str(args.entrepot), read_only=True)
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for job in jobs(con, Path(tmp)):
                start = time.perf_counter()
                xlsx_jobs.write_all([job], workers=1)
                times.setdefault(f"{job.path.name} ({job.rows:,} lignes)", []).append(
                    time.perf_counter() - start
                )
    for name, runs in times.items():
        print(f"{name:40} {statistics.median(runs):6.2f} s")
    total = [sum(run) for run in zip(*times.values(), strict=True)]
    each = ", ".join(f"{t:.2f}" for t in total)
    print(f"{'total':40} {statistics.median(total):6.2f} s  ({each})")


if __name__ == "__main__":
    main()
