"""Benchmark of the dashboards site: build time (median of 3) and total size.

    .venv/bin/python benchmarks/bench_publish.py [--actions 10 --partenaires 6 --piliers 3
                                                  --qpv 4 --annees 7]

The site's size depends on the number of scopes and years, not on people: the published
table holds indicators, never people rows. This script writes a synthetic
marts.indicateurs_publies with the full grid (every indicator x period x scope x breakdown,
values at the scale of 1,000,000 people, ~5 % of action cells secret) with DuckDB into
/tmp/bench_publish, exports it as CSV and Parquet for the downloads page, builds the site
3 times and prints the median build time, page and chart counts and the site's size; then
3 times more with every scope page's chart blocks taken from the previous build (as a rerun
after one resubmitted file takes most of them: dashboards/block_cache.py).
Goal: < 20 s and < 15 MB. A second run with --actions 30 --partenaires 12 --qpv 12 gives a
site of ~60 pages.

    .venv/bin/python benchmarks/bench_publish.py --entrepot /tmp/bench_ind/bench_1000000.duckdb

instead copies a warehouse that has marts.indicateurs (the indicators benchmark's, built
from 1,000,000 synthetic people) and publishes it with the real pipeline code
(compute_targets, write_published_table) before timing the site.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from datetime import date, datetime
from pathlib import Path
from time import perf_counter

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboards.block_cache import BlockCache  # noqa: E402
from dashboards.site import build_site  # noqa: E402
from indicators.registry import INDICATEURS, MODALITES, VENTILATION_PERIMETRES  # noqa: E402
from pipelines.warehouse import migrate  # noqa: E402

OUT = Path("/tmp/bench_publish")
PILIERS = ["emploi_developpement_economique", "cohesion_sociale", "cadre_de_vie"]
FIRST_YEAR = 2024

PUBLISHED = """
CREATE OR REPLACE TABLE marts.indicateurs_publies AS
WITH grid AS (
    SELECT i.code, i.libelle, i.unite, i.secret_base, p.periode, s.type, s.code AS scope,
           s.libelle AS scope_libelle, m.ventilation, m.modalite,
           hash(i.code || s.type || s.code || p.periode || m.modalite) % 1000000 / 1e6 AS h,
           hash(m.modalite || p.periode || s.code || i.code) % 1000 / 1e3 AS h2,
           CASE s.type WHEN 'contrat' THEN 140000 WHEN 'pilier' THEN 50000
                WHEN 'partenaire' THEN 25000 WHEN 'qpv' THEN 20000 ELSE 14000 END
           * CASE WHEN p.periode = 'cumul' THEN 5 ELSE 1 END AS size
    FROM bench_ind i
    JOIN bench_scopes s ON list_contains(i.perimetres, s.type)
    CROSS JOIN bench_periods p
    JOIN bench_mods m
        ON list_contains(i.ventilations, m.ventilation) AND list_contains(m.types, s.type)
)
SELECT code AS code_indicateur, libelle, unite, periode, type AS perimetre_type,
       scope AS perimetre_code, scope_libelle AS perimetre_libelle, ventilation, modalite,
       CASE WHEN secret THEN NULL ELSE valeur END AS valeur,
       NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur, secret,
       CASE WHEN target THEN valeur * 1.2 END AS valeur_cible,
       CASE WHEN target THEN 2030 END AS annee_cible,
       CASE WHEN target THEN valeur * (0.9 + 0.2 * h2) END AS valeur_attendue,
       CASE WHEN target AND NOT secret
            THEN ['atteint', 'en_bonne_voie', 'a_surveiller', 'en_retard'][1 + (h2 * 4)::INT % 4]
       END AS statut,
       ?::VARCHAR AS millesime, ?::TIMESTAMP AS date_reception_max, 'x' AS empreinte
FROM (
    SELECT *,
        CASE unite WHEN 'nombre' THEN round(size * (0.7 + 0.6 * h))
                   WHEN 'pourcentage' THEN 100 * h
                   WHEN 'pour_mille' THEN 50 + 100 * h
                   ELSE CASE WHEN code = 'financement_total' THEN 100 * size * (0.5 + h)
                             ELSE 500 + 3000 * h END END AS valeur,
        type = 'action' AND secret_base <> 'none' AND h2 < 0.05 AS secret,
        type = 'contrat' AND ventilation = 'ensemble'
            AND code IN ('beneficiaires_uniques', 'taux_sorties_positives',
                         'part_residents_qpv', 'part_pluriannuel') AS target
    FROM grid
)
"""


def make_warehouse(path: Path, n_actions: int, n_partners: int, n_piliers: int, n_qpv: int,
                   years: int) -> None:  # fmt: skip
    con = duckdb.connect(str(path))
    migrate(con)
    last = FIRST_YEAR + years - 1
    con.execute(
        "INSERT INTO ref.contrat VALUES ('CV-BENCH', 'Contrat de ville (banc d''essai)', ?, ?, "
        "?, 5)",
        [date(FIRST_YEAR, 1, 1), date(last, 12, 31), date(FIRST_YEAR + years // 2, 6, 30)],
    )
    partners = [f"P{i + 1:02d}" for i in range(n_partners)]
    piliers = PILIERS[:n_piliers]
    actions = [
        (f"A{i + 1:02d}", f"Action {i + 1}", partners[i % n_partners], piliers[i % n_piliers])
        for i in range(n_actions)
    ]
    qpv = [
        (f"QN014{i + 1:02d}M", f"Quartier {i + 1}", "Caen", 3000 + 500 * i) for i in range(n_qpv)
    ]
    con.executemany("INSERT INTO ref.actions VALUES (?, ?, ?, ?, NULL, NULL, NULL)", actions)
    con.executemany("INSERT INTO ref.partenaires VALUES (?, ?)",
                    [(p, f"Partenaire {p}") for p in partners])  # fmt: skip
    con.executemany("INSERT INTO ref.qpv VALUES (?, ?, ?, ?)", qpv)
    con.execute(
        """INSERT INTO ingest.files (file_id, sha256, source_path, archive_path,
               code_partenaire, periode, periode_rang, kind, received_at, arrival_seq, status,
               in_force, rows_accepted)
           SELECT p || y || k, 'x', 'x', 'x', p, y::VARCHAR, y, k, TIMESTAMP '2031-01-15',
                  row_number() OVER (), 'accepte', true, 25000
           FROM unnest(?::VARCHAR[]) t(p), range(?, ?) r(y),
                unnest(['participants', 'seances', 'financements']) u(k)""",
        [partners, FIRST_YEAR, last + 1],
    )

    con.execute(
        "CREATE TEMP TABLE bench_ind (code VARCHAR, libelle VARCHAR, unite VARCHAR, "
        "secret_base VARCHAR, perimetres VARCHAR[], ventilations VARCHAR[])"
    )
    con.executemany(
        "INSERT INTO bench_ind VALUES (?, ?, ?, ?, ?, ?)",
        [(i.code, i.libelle, i.unite, i.secret_base, list(i.perimetres), list(i.ventilations))
         for i in INDICATEURS],
    )  # fmt: skip
    scopes = [("contrat", "CV-BENCH", "Contrat de ville (banc d'essai)")]
    scopes += [("pilier", p, None) for p in piliers]
    scopes += [("partenaire", p, f"Partenaire {p}") for p in partners]
    scopes += [("action", a[0], a[1]) for a in actions]
    scopes += [("qpv", q[0], q[1]) for q in qpv]
    con.execute("CREATE TEMP TABLE bench_scopes (type VARCHAR, code VARCHAR, libelle VARCHAR)")
    con.executemany("INSERT INTO bench_scopes VALUES (?, ?, ?)", scopes)
    periods = [str(y) for y in range(FIRST_YEAR, last + 1)] + ["cumul"]
    con.execute("CREATE TEMP TABLE bench_periods AS SELECT unnest(?::VARCHAR[]) AS periode",
                [periods])  # fmt: skip
    con.execute(
        "CREATE TEMP TABLE bench_mods (ventilation VARCHAR, modalite VARCHAR, types VARCHAR[])"
    )
    con.executemany("INSERT INTO bench_mods VALUES (?, ?, ?)",
                    [(v, m, list(VENTILATION_PERIMETRES[v]))
                     for v, mods in MODALITES.items() for m in mods])  # fmt: skip
    con.execute(PUBLISHED, [str(last), datetime(last + 1, 1, 15, 9, 0)])
    con.execute(
        """CREATE OR REPLACE TABLE marts.cibles_suivi AS
           SELECT code_indicateur, perimetre_type, perimetre_code, 'mi_parcours' AS periode,
                  valeur_cible, annee_cible, valeur_attendue, valeur AS valeur_atteinte, statut
           FROM marts.indicateurs_publies
           WHERE valeur_cible IS NOT NULL AND periode = ?""",
        [str(FIRST_YEAR + years // 2)],
    )
    con.close()


def publish_real_warehouse(source: Path, db: Path) -> None:
    """Copy a warehouse with marts.indicateurs and publish it with the pipeline's own code."""
    from indicators.compute import compute_targets
    from pipelines.publish.tables import write_published_table

    shutil.copyfile(source, db)
    con = duckdb.connect(str(db))
    try:
        compute_targets(con)
        write_published_table(con)
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--actions", type=int, default=10)
    ap.add_argument("--partenaires", type=int, default=6)
    ap.add_argument("--piliers", type=int, default=3)
    ap.add_argument("--qpv", type=int, default=4)
    ap.add_argument("--annees", type=int, default=7)
    ap.add_argument("--entrepot", type=Path, help="a DuckDB file with marts.indicateurs")
    args = ap.parse_args()

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    db = OUT / "warehouse.duckdb"
    if args.entrepot:
        publish_real_warehouse(args.entrepot, db)
    else:
        make_warehouse(db, args.actions, args.partenaires, args.piliers, args.qpv, args.annees)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.sql("SELECT count(*) FROM marts.indicateurs_publies").fetchall()[0][0]
    downloads = OUT / "telechargements"
    downloads.mkdir()
    con.execute(
        f"COPY marts.indicateurs_publies TO '{downloads / 'indicateurs.csv'}' "
        "(HEADER, DELIMITER ';')"
    )
    con.execute(
        f"COPY marts.indicateurs_publies TO '{downloads / 'indicateurs.parquet'}' (FORMAT parquet)"
    )
    times, summary = [], None
    for _ in range(3):
        whole = BlockCache()  # nothing to take: every block rendered
        t0 = perf_counter()
        summary = build_site(con, OUT / "site", None, downloads, blocks=whole)
        times.append(perf_counter() - t0)
    # a rerun after one resubmitted file: most scopes' chart blocks are taken from the site
    # in force (dashboards/block_cache.py); here every scope's are
    reused_times = []
    for _ in range(3):
        again = BlockCache(whole.built)
        t0 = perf_counter()
        build_site(con, OUT / "site", None, downloads, blocks=again)
        reused_times.append(perf_counter() - t0)
    reused = again.reused
    con.close()

    site = OUT / "site"
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    html_bytes = sum(p.stat().st_size for p in pages)
    dl_bytes = sum(p.stat().st_size for p in (site / "telechargements").iterdir())
    if args.entrepot:
        print(f"warehouse: {args.entrepot}; {rows} published rows")
    else:
        print(
            f"scopes: {args.piliers} piliers, {args.partenaires} partenaires, {args.actions} "
            f"actions, {args.qpv} QPV, {args.annees} années + cumul; {rows} published rows"
        )
    print(f"build time: median {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    runs = ", ".join(f"{t:.2f}" for t in reused_times)
    median = statistics.median(reused_times)
    print(f"build time with every scope's chart blocks taken from the previous build: median "
          f"{median:.2f} s (runs: {runs}; {reused} scopes reused)")  # fmt: skip
    print(f"pages: {summary.pages}, charts: {summary.charts}")
    print(
        f"site size: {summary.bytes / 1e6:.2f} MB (plotly.min.js "
        f"{(site / 'assets' / 'plotly.min.js').stat().st_size / 1e6:.2f} MB, HTML "
        f"{html_bytes / 1e6:.2f} MB, downloads {dl_bytes / 1e6:.2f} MB); largest page "
        f"{pages[-1].relative_to(site)} {pages[-1].stat().st_size / 1e3:.0f} kB"
    )
    ok = statistics.median(times) < 20 and summary.bytes < 15e6
    print(f"goal (< 20 s, < 15 MB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
