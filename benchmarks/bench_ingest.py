"""Benchmark: parse_report + load of the accepted rows into raw.* of a fresh DuckDB file.

Generates (once, reused) in /tmp/bench_ingest/ a sessions CSV of 20,000,000 rows
(~1,000,000 distinct people) and a participants CSV of 1,000,000 rows, as partners
write them (';', dd/mm/yyyy, French spellings, a few bad rows and duplicates). Each
measure runs in its own subprocess so that its peak RSS is its own.

    .venv/bin/python benchmarks/bench_ingest.py [--runs 3] [--kinds seances participants]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from pipelines.warehouse import migrate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = Path("/tmp/bench_ingest")
SIZES = {"seances": 20_000_000, "participants": 1_000_000}
PEOPLE = 1_000_000
ACTIONS = [f"EMP{i:02d}" for i in range(1, 21)]
QPVS = [f"QN014{i:02d}M" for i in range(1, 11)]


def _pick(values: list[str], n: int, seed: int) -> pl.Expr:
    """A column of n values drawn from `values`, vectorised (no Python per row)."""
    index = pl.int_range(n).hash(seed) % len(values)
    return pl.lit(pl.Series(values)).gather(index)


def _dates(n: int, seed: int, start: str = "2024-01-01", days: int = 730) -> pl.Expr:
    offset = (pl.int_range(n).hash(seed) % days).cast(pl.Int64)
    return (pl.lit(start).str.to_date() + pl.duration(days=offset)).dt.strftime("%d/%m/%Y")


def _people(n: int, seed: int) -> pl.Expr:
    return pl.format("P{}", (pl.int_range(n).hash(seed) % PEOPLE).cast(pl.Utf8).str.zfill(7))


def generate_seances(path: Path) -> None:
    n = SIZES["seances"]
    frame = pl.select(
        _people(n, 1).alias("Identifiant"),
        _pick(ACTIONS, n, 2).alias("Code action"),
        _dates(n, 3).alias("Date de séance"),
        _pick(["présent", "absent", "excusé", "P", "A", "Présent"], n, 4).alias("Présence"),
    )
    # 0.01 % unreadable dates, like a partner's typos
    bad = pl.int_range(n).hash(5) % 10_000 == 0
    frame = frame.with_columns(
        pl.when(bad)
        .then(pl.lit("31/02/2025"))
        .otherwise(pl.col("Date de séance"))
        .alias("Date de séance")
    )
    frame.write_csv(path, separator=";")


def generate_participants(path: Path) -> None:
    n = SIZES["participants"]
    exits = pl.int_range(n).hash(11) % 3 == 0
    frame = pl.select(
        _people(n, 1).alias("Identifiant"),
        _pick(ACTIONS, n, 2).alias("Code action"),
        _dates(n, 3, "2024-01-01", 365).alias("Date d'entrée"),
        pl.when(exits).then(_dates(n, 12, "2025-01-01", 300)).alias("Date de sortie"),
        pl.when(exits)
        .then(_pick(["Emploi durable", "abandon", "formation qualifiante", "autre"], n, 13))
        .alias("Motif de sortie"),
        _pick(["F", "H", "Femme", "Homme"], n, 4).alias("Sexe (F/H)"),
        (1950 + pl.int_range(n).hash(5) % 55).cast(pl.Utf8).alias("Année de naissance"),
        _pick([*QPVS, "HORS_QPV"], n, 6).alias("Code QPV"),
        _pick(["Sans diplôme", "CAP/BEP", "Bac", "Bac +2", "bac+3 et plus"], n, 7).alias(
            "Niveau de formation"
        ),
        _pick(["oui", "non", "O", "N"], n, 8).alias("Inscrit France Travail"),
        _pick(["", "mobilité", "langue; santé", "financier, numérique"], n, 9).alias("Freins"),
        _pick(["", "France Travail", "Mission locale", "CCAS"], n, 10).alias("Prescripteur"),
    )
    frame.write_csv(path, separator=";")


def ensure_files() -> dict[str, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    files = {kind: OUT / f"{kind}.csv" for kind in SIZES}
    makers = {"seances": generate_seances, "participants": generate_participants}
    for kind, path in files.items():
        if not path.exists():
            started = time.perf_counter()
            makers[kind](path.with_suffix(".tmp"))
            path.with_suffix(".tmp").rename(path)
            print(f"generated {path} in {time.perf_counter() - started:.1f} s", flush=True)
    return files


def measure(kind: str, path: Path, db: Path) -> dict:
    """One measure (run in a subprocess): parse + insert, seconds and own peak RSS."""
    import duckdb

    from pipelines.ingest.model import PartnerContext
    from pipelines.ingest.parse import parse_report

    ctx = PartnerContext(
        code_partenaire="ASSO1",
        actions_of_partner=frozenset(ACTIONS),
        all_actions=frozenset(ACTIONS),
        qpv_codes=frozenset(QPVS),
        contract_years=(2024, 2030),
    )
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    migrate(con)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = parse_report(path, kind, ctx, max_bytes=8 * 2**30)
    parsed, cpu_parsed = time.perf_counter(), time.process_time()
    accepted = report.accepted.to_arrow()  # noqa: F841 - read by DuckDB by name
    con.execute(f"INSERT INTO raw.{kind} SELECT 'bench' AS file_id, * FROM accepted")
    loaded, cpu_loaded = time.perf_counter(), time.process_time()
    count = con.execute(f"SELECT count(*) FROM raw.{kind}").fetchone()[0]
    con.close()
    db.unlink(missing_ok=True)
    assert report.refusal is None, report.refusal
    return {
        "rows": report.rows_read,
        "accepted": count,
        "rejected_lines": len(report.rejections),
        "warnings": len(report.warnings),
        "parse_s": parsed - started,
        "load_s": loaded - parsed,
        "seconds": loaded - started,
        "parse_cpu_s": cpu_parsed - cpu_started,
        "load_cpu_s": cpu_loaded - cpu_parsed,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", nargs="+", default=["seances", "participants"])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind = args.measure
        print(json.dumps(measure(kind, OUT / f"{kind}.csv", OUT / f"bench_{kind}.duckdb")))
        return
    files = ensure_files()
    for kind in args.kinds:
        results = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--measure", kind],
                check=True,
                capture_output=True,
                text=True,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        seconds = statistics.median(r["seconds"] for r in results)
        first = results[0]
        size_mib = files[kind].stat().st_size / 2**20
        print(
            f"{kind}: {first['rows']:,} rows ({size_mib:,.0f} MiB), accepted {first['accepted']:,},"
            f" rejection lines {first['rejected_lines']:,}, warnings {first['warnings']:,}\n"
            f"  median {seconds:.2f} s over {args.runs} runs"
            f" (parse {statistics.median(r['parse_s'] for r in results):.2f} s,"
            f" load {statistics.median(r['load_s'] for r in results):.2f} s)"
            f" -> {first['rows'] / seconds:,.0f} rows/s;"
            f" CPU parse {statistics.median(r['parse_cpu_s'] for r in results):.1f} s,"
            f" load {statistics.median(r['load_cpu_s'] for r in results):.1f} s;"
            f" peak RSS {max(r['peak_rss_mib'] for r in results):,.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main()
