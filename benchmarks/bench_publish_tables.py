"""Benchmark of the funder tables: confidentiality, published table, downloads.

Builds a synthetic but consistent marts.indicateurs (exits and sessions add up over
actions -> partners / piliers -> contract and years -> cumul; many small counts so that
the secret rules work hard), then prints median times and peak memory.

    .venv/bin/python benchmarks/bench_publish_tables.py [--actions 300] [--years 7]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from pipelines.publish.secret import Hierarchy, apply_confidentiality
from pipelines.publish.tables import export_tables, write_published_table
from pipelines.warehouse import migrate

PILIERS = ("emploi_developpement_economique", "cohesion_sociale", "cadre_de_vie")
RATES = {  # code -> (numerator measure, denominator measure)
    "taux_abandon": ("abandon", "sorties"),
    "taux_sorties_positives": ("positives", "sorties"),
    "taux_emploi_durable": ("durable", "sorties"),
    "taux_assiduite": ("presentes", "seances"),
}


def synthetic(n_actions: int, n_years: int, n_qpv: int, seed: int = 1):
    rng = random.Random(seed)
    actions = {
        f"A{i:03d}": (f"P{rng.randrange(max(1, n_actions // 5)):02d}", rng.choice(PILIERS))
        for i in range(n_actions)
    }
    years = [str(2024 + y) for y in range(n_years)]
    base = {}  # (measure, year, action) -> count
    for a in actions:
        size = rng.choice([2, 6, 15, 40])
        for y in years:
            s = rng.randrange(size + 1)
            pos = rng.randrange(s + 1)
            base |= {
                ("sorties", y, a): s,
                ("positives", y, a): pos,
                ("durable", y, a): rng.randrange(pos + 1),
                ("abandon", y, a): rng.randrange(s - pos + 1),
                ("seances", y, a): (ses := rng.randrange(10 * size + 1)),
                ("presentes", y, a): rng.randrange(ses + 1),
                ("personnes", y, a): rng.randrange(2 * size + 1),
            }
    rows = []

    def totals(measure, period):
        by = {"action": {}, "partenaire": {}, "pilier": {}, "contrat": {}}
        for a, (p, x) in actions.items():
            v = sum(base[(measure, y, a)] for y in (years if period == "cumul" else [period]))
            for t, c in (("action", a), ("partenaire", p), ("pilier", x), ("contrat", "CV")):
                by[t][c] = by[t].get(c, 0) + v
        return by

    for period in [*years, "cumul"]:
        sums = {
            m: totals(m, period)
            for m in (
                "sorties",
                "positives",
                "durable",
                "abandon",
                "seances",
                "presentes",
                "personnes",
            )
        }
        for scope, codes in sums["sorties"].items():
            for code, v in codes.items():
                rows.append(
                    ("sorties", period, scope, code, "ensemble", "ensemble", v, v, None, "nombre")
                )
                # people are not additive: a stand-in with some overlap
                people = round(sums["personnes"][scope][code] * (1 if scope == "action" else 0.9))
                rows.append(
                    (
                        "beneficiaires_uniques",
                        period,
                        scope,
                        code,
                        "ensemble",
                        "ensemble",
                        people,
                        people,
                        None,
                        "nombre",
                    )
                )
                for r, (num, den) in RATES.items():
                    n, d = sums[num][scope][code], sums[den][scope][code]
                    rows.append(
                        (
                            r,
                            period,
                            scope,
                            code,
                            "ensemble",
                            "ensemble",
                            n / d * 100 if d else None,
                            n,
                            d,
                            "pourcentage",
                        )
                    )
                f = 1000.0 * (1 + len(code))
                rows.append(
                    (
                        "financement_total",
                        period,
                        scope,
                        code,
                        "ensemble",
                        "ensemble",
                        f,
                        f,
                        None,
                        "euros",
                    )
                )
        for q in range(n_qpv):
            v = rng.randrange(60)
            rows.append(
                (
                    "beneficiaires_uniques",
                    period,
                    "qpv",
                    f"Q{q:02d}",
                    "ensemble",
                    "ensemble",
                    v,
                    v,
                    None,
                    "nombre",
                )
            )
    return actions, rows


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--actions", type=int, default=300)
    args.add_argument("--years", type=int, default=7)
    args.add_argument("--qpv", type=int, default=30)
    args.add_argument("--repeat", type=int, default=3)
    opts = args.parse_args()

    actions, rows = synthetic(opts.actions, opts.years, opts.qpv)
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "w.duckdb"))
        migrate(con)
        con.execute(
            "INSERT INTO ref.contrat VALUES ('CV', 'Bench', '2024-01-01', '2030-12-31', NULL, 5)"
        )
        con.executemany(
            "INSERT INTO ref.actions VALUES (?, ?, ?, ?, NULL, NULL, NULL)",
            [(a, f"Action {a}", p, x) for a, (p, x) in actions.items()],
        )
        con.executemany("INSERT INTO marts.indicateurs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        df = con.sql("SELECT * FROM marts.indicateurs").pl()
        h = Hierarchy.from_db(con)
        apply_confidentiality(df.head(50), 5, h)  # imports and first-call costs
        t_secret, out = timed(lambda: apply_confidentiality(df, 5, h), opts.repeat)
        t_write, _ = timed(lambda: write_published_table(con), opts.repeat)
        t_export, _ = timed(lambda: export_tables(con, Path(tmp) / "out"), opts.repeat)
        con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = out.group_by("secret_raison").len().sort("secret_raison", nulls_last=True)
    print(f"rows: {len(rows)} ({opts.actions} actions, {opts.years} years, {opts.qpv} QPV)")
    print("secret:", dict(counts.iter_rows()))
    print(f"apply_confidentiality  median {t_secret:6.2f} s")
    print(f"write_published_table  median {t_write:6.2f} s")
    print(f"export_tables          median {t_export:6.2f} s")
    print(f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    pl.Config.set_tbl_rows(5)
    main()
