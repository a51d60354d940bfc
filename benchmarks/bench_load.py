"""Figures for the load stage: scan + ingest_files (parse included), build_staging, reports.

Generates in /tmp/bench_load/ one participants CSV (100,000 rows) and one sessions CSV
(1,000,000 rows), 1 % of rows invalid, then on a fresh warehouse per repetition times
each step and prints medians and the peak memory of the process.
    .venv/bin/python benchmarks/bench_load.py [--runs 3] [--sessions 1000000]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import time
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.load import ingest_files, reference_scope
from pipelines.ingest.reports import write_validation_reports
from pipelines.ingest.scan import scan_incoming
from pipelines.ingest.staging import build_staging
from pipelines.warehouse import migrate

OUT = Path("/tmp/bench_load")
REFERENCE = """
INSERT INTO ref.contrat VALUES ('CV', 'Bench', DATE '2024-01-01', DATE '2030-12-31', NULL, 5);
INSERT INTO ref.partenaires VALUES ('ASSO1', 'Association');
INSERT INTO ref.actions VALUES
    ('A1', 'a', 'ASSO1', 'emploi', 'x', DATE '2025-01-01', DATE '2025-12-31'),
    ('A2', 'b', 'ASSO1', 'emploi', 'x', DATE '2024-01-01', DATE '2030-12-31');
INSERT INTO ref.qpv VALUES ('QN01404M', 'Q', 'Caen', 4200);
"""


def generate(root: Path, people: int, sessions: int) -> None:
    folder = root / "incoming" / "ASSO1" / "2025"
    folder.mkdir(parents=True, exist_ok=True)
    ids = pl.int_range(0, people)
    pl.select(
        id_participant=pl.lit("P") + ids.cast(pl.String),
        code_action=pl.when(ids % 2 == 0).then(pl.lit("A1")).otherwise(pl.lit("A2")),
        date_entree=pl.lit("15/03/2025"),
        date_sortie=pl.lit(""),
        motif_sortie=pl.lit(""),
        sexe=pl.when(ids % 100 == 7).then(pl.lit("X")).otherwise(pl.lit("F")),  # 1 % rejected
        annee_naissance=pl.lit("1990"),
        code_qpv=pl.lit("QN01404M"),
        niveau_formation=pl.lit("bac"),
        inscrit_france_travail=pl.lit("oui"),
    ).write_csv(folder / "participants.csv", separator=";")
    n = pl.int_range(0, sessions)
    person = n % people
    pl.select(
        id_participant=pl.lit("P") + person.cast(pl.String),
        code_action=pl.when(person % 2 == 0).then(pl.lit("A1")).otherwise(pl.lit("A2")),
        date_seance=(pl.date(2025, 4, 1) + pl.duration(days=n // people)).dt.strftime("%d/%m/%Y"),
        presence=pl.when(n % 100 == 3).then(pl.lit("peut-être")).otherwise(pl.lit("P")),
    ).write_csv(folder / "seances.csv", separator=";")


def once(root: Path) -> dict[str, float]:
    for sub in ("warehouse", "archive", "publish"):
        shutil.rmtree(root / sub, ignore_errors=True)
    (root / "warehouse").mkdir()
    con = duckdb.connect(str(root / "warehouse" / "bench.duckdb"))
    migrate(con)
    con.execute(REFERENCE)
    timings = {}
    start = time.perf_counter()
    years, partners = reference_scope(con)
    files = scan_incoming(root, years, partners, 2**31)
    summary = ingest_files(con, root, files, "bench")
    timings["scan + ingest_files"] = time.perf_counter() - start
    assert summary.accepted == 2, summary
    start = time.perf_counter()
    counts = build_staging(con)
    timings["build_staging"] = time.perf_counter() - start
    start = time.perf_counter()
    write_validation_reports(con, root / "publish" / "rapports", "bench")
    timings["write_validation_reports"] = time.perf_counter() - start
    start = time.perf_counter()
    again = ingest_files(con, root, scan_incoming(root, years, partners, 2**31), "bench-2")
    timings["second run (nothing new)"] = time.perf_counter() - start
    assert again.skipped == 2
    print(f"  staging rows: {counts}, rows rejected: {summary.rows_rejected}")
    con.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    args = parser.parse_args()
    if not (OUT / "incoming").exists():
        generate(OUT, args.people, args.sessions)
    results: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for step, seconds in once(OUT).items():
            results.setdefault(step, []).append(seconds)
    for step, values in results.items():
        print(f"{step:28s} median {statistics.median(values):6.2f} s  ({args.runs} runs)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS)        {peak:6.0f} MiB")


if __name__ == "__main__":
    main()
