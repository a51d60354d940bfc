"""Benchmark of compute_indicators against a direct pandas transcription.

    .venv/bin/python benchmarks/bench_indicators.py [--personnes 1000000] [--seances 20000000]

Generates synthetic staging.* / ref.* tables (vectorised numpy + polars) into a DuckDB file
under /tmp/bench_ind (reused when present with the same sizes), runs compute_indicators
3 times and prints the median and peak memory, then times benchmarks/pandas_reference.py on
the same data, prints the ratio and the largest difference between the two results, and
cross-checks both on a small sample (50,000 people).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import statistics
import sys
from datetime import date
from pathlib import Path
from time import perf_counter

import duckdb
import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators.compute import compute_indicators  # noqa: E402
from pipelines.ingest.domains import codes_of  # noqa: E402
from pipelines.ingest.staging import fill_session_residences  # noqa: E402
from pipelines.warehouse import migrate  # noqa: E402

OUT_DIR = Path("/tmp/bench_ind")  # --dossier to use another one
START = date(2024, 1, 1)
LAST_DAY = date(2027, 12, 31)  # data run over four years of a 2024-2030 contract
PARTNER_OF_ACTION = ["P01", "P01", "P02", "P02", "P03", "P03", "P04", "P05", "P06", "P06"]
PILIERS = ["emploi_developpement_economique", "cohesion_sociale", "cadre_de_vie"]
QPV = {"QN01401M": 4200, "QN01402M": 6100, "QN01403M": 2800, "QN01404M": 7500}
MOTIFS = list(codes_of("motif_sortie"))
NIVEAUX = list(codes_of("niveau_formation"))
FINANCEURS = list(codes_of("financeur"))
FREINS = list(codes_of("freins"))
PRESCRIPTEURS = list(codes_of("prescripteur"))


def _days(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def write_reference(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "INSERT INTO ref.contrat VALUES ('CV-BENCH', 'Contrat de ville (banc d''essai)', "
        "DATE '2024-01-01', DATE '2030-12-31', DATE '2027-06-30', 5)"
    )
    for p in sorted(set(PARTNER_OF_ACTION)):
        con.execute("INSERT INTO ref.partenaires VALUES (?, ?)", [p, f"Partenaire {p}"])
    for i, p in enumerate(PARTNER_OF_ACTION):
        con.execute(
            "INSERT INTO ref.actions VALUES (?, ?, ?, ?, 'atelier', DATE '2024-01-01', NULL)",
            [f"A{i + 1:02d}", f"Action {i + 1}", p, PILIERS[i % 3]],
        )
    for code, pop in QPV.items():
        con.execute(
            "INSERT INTO ref.qpv VALUES (?, ?, 'Ville', ?)", [code, f"Quartier {code}", pop]
        )
    con.execute(
        "INSERT INTO ref.cibles VALUES ('taux_sorties_positives', 'contrat', 'CV-BENCH', "
        "2024, 30, 2030, 45, 'hausse')"
    )


def _freins(rng: np.random.Generator, n: int) -> pl.Series:
    """0 (40 %), 1 (40 %) or 2 (20 %) distinct barriers joined by ';', as ingestion stores them."""
    codes = np.array(FREINS)
    i = rng.integers(0, len(codes), n)
    j = (i + rng.integers(1, len(codes), n)) % len(codes)  # another barrier
    k = rng.choice(np.array([0, 1, 2]), n, p=[0.4, 0.4, 0.2])
    two = np.char.add(np.char.add(codes[i], ";"), codes[j])
    one_or_two = pl.Series(np.where(k == 1, codes[i], two).astype(str))
    return pl.select(
        freins=pl.when(pl.Series(k) == 0).then(None).otherwise(pl.lit(one_or_two))
    ).to_series()


def generate_staging(
    con: duckdb.DuckDBPyConnection, n_personnes: int, n_seances: int, seed: int = 0
) -> None:
    """Create the schema and fill ref.* and staging.* with synthetic rows (vectorised)."""
    rng = np.random.default_rng(seed)
    migrate(con)
    write_reference(con)
    n_actions = len(PARTNER_OF_ACTION)
    qpv_codes = np.array([*QPV, "HORS_QPV"])

    # people: sex, birth year, usual neighbourhood, education
    sexe = rng.choice(np.array(["F", "H"]), n_personnes)
    naissance = 2024 - rng.integers(16, 71, n_personnes)
    qpv_perso = rng.choice(qpv_codes, n_personnes, p=[0.2, 0.2, 0.15, 0.15, 0.3])
    niveau = rng.choice(np.array(NIVEAUX), n_personnes)

    # enrolments: one per person, 30 % of people get a second one
    n_enr = int(n_personnes * 1.3)
    person = np.concatenate(
        [np.arange(n_personnes), rng.integers(0, n_personnes, n_enr - n_personnes)]
    )
    action = rng.integers(0, n_actions, n_enr)
    entree = _days(START) + rng.integers(0, _days(LAST_DAY) - _days(START) - 60, n_enr)
    sortie = entree + rng.integers(0, 720, n_enr)
    has_exit = (rng.random(n_enr) < 0.65) & (sortie <= _days(LAST_DAY))
    moved = rng.random(n_enr) < 0.1  # another neighbourhood than usual
    code_qpv = np.where(moved, rng.choice(qpv_codes, n_enr), qpv_perso[person])
    action_codes = np.array([f"A{i + 1:02d}" for i in range(n_actions)])
    partner_codes = np.array(PARTNER_OF_ACTION)
    enr = pl.DataFrame(
        {
            "person": person,
            "id_participant": pl.Series(person).cast(pl.String).str.zfill(8),
            "code_action": action_codes[action],
            "date_entree": pl.Series(entree).cast(pl.Date),
            "date_sortie": pl.Series(np.where(has_exit, sortie, entree)).cast(pl.Date),
            "has_exit": has_exit,
            "motif_sortie": rng.choice(
                np.array(MOTIFS), n_enr, p=[0.2, 0.15, 0.15, 0.05, 0.2, 0.1, 0.15]
            ),
            "sexe": sexe[person],
            "annee_naissance": naissance[person],
            "code_qpv": code_qpv,
            "niveau_formation": niveau[person],
            "inscrit_france_travail": rng.random(n_enr) < 0.6,
            "code_partenaire": partner_codes[action],
            "report_order": rng.integers(1, 9, n_enr),
            # (v2) 0 to 2 barriers (40 % none), a referrer for 80 % of enrolments
            "freins": _freins(rng, n_enr),
            "prescripteur": pl.select(
                pl.when(pl.Series(rng.random(n_enr) < 0.8))
                .then(pl.lit(pl.Series(rng.choice(np.array(PRESCRIPTEURS), n_enr).astype(str))))
                .otherwise(None)
            ).to_series(),
        }
    ).unique(["id_participant", "code_action", "date_entree"], keep="first")
    enr = enr.with_columns(
        pl.when(pl.col("has_exit")).then(pl.col("date_sortie")).alias("date_sortie"),
        pl.when(pl.col("has_exit")).then(pl.col("motif_sortie")).alias("motif_sortie"),
    )
    con.register("bench_participants", enr.drop("person", "has_exit"))
    con.execute(
        """INSERT INTO staging.participants
           SELECT 'bench', row_number() OVER (), id_participant, code_action, date_entree,
                  date_sortie, motif_sortie, sexe, annee_naissance, code_qpv, niveau_formation,
                  inscrit_france_travail, freins, prescripteur, code_partenaire, '2027', 0,
                  report_order
           FROM bench_participants"""
    )
    con.unregister("bench_participants")

    # sessions: random enrolments, a date within the enrolment (key duplicates are harmless
    # for the indicators and left in)
    idx = rng.integers(0, enr.height, n_seances)
    d_in = enr["date_entree"].cast(pl.Int32).to_numpy()[idx]
    d_out = enr["date_sortie"].cast(pl.Int32).fill_null(_days(LAST_DAY)).to_numpy()[idx]
    jour = d_in + (rng.random(n_seances) * (d_out - d_in + 1)).astype(np.int32)
    seances = pl.DataFrame(
        {
            "id_participant": enr["id_participant"].to_numpy()[idx],
            "code_action": enr["code_action"].to_numpy()[idx],
            "date_seance": pl.Series(jour).cast(pl.Date),
            "presence": rng.choice(
                np.array(["present", "absent", "excuse"]), n_seances, p=[0.75, 0.15, 0.10]
            ),
        }
    )
    con.register("bench_seances", seances)
    con.execute(
        """INSERT INTO raw.seances
           SELECT 'bench', row_number() OVER (), id_participant, code_action, date_seance,
                  presence, true, NULL
           FROM bench_seances"""
    )
    con.unregister("bench_seances")
    fill_session_residences(con)  # as the rows-in-force build does

    # funding: action x year x financeur x convention x start date, 60 % kept
    grid = np.array(
        np.meshgrid(np.arange(n_actions), np.arange(2024, 2028), np.arange(12), [0, 1], [0, 1, 2]),
    ).reshape(5, -1)
    grid = grid[:, rng.random(grid.shape[1]) < 0.6]
    a, annee, fin_idx, conv, debut_idx = grid
    duree = np.where(conv == 1, rng.integers(2, 4, a.size), 0)
    financements = pl.DataFrame(
        {
            "code_action": action_codes[a],
            "annee": annee,
            "financeur": np.array(FINANCEURS)[fin_idx],
            "montant_accorde": np.round(rng.uniform(1_000, 80_000, a.size), 2),
            "type_convention": np.where(conv == 1, "pluriannuelle_cpo", "annuelle_aap"),
            "debut_mois": np.array([1, 7, 9])[debut_idx],
            "fin_annee": annee + duree,
            "code_partenaire": partner_codes[a],
        }
    )
    con.register("bench_financements", financements)
    con.execute(
        """INSERT INTO staging.financements
           SELECT 'bench', row_number() OVER (), code_action, annee, financeur,
                  montant_accorde, type_convention, make_date(annee, debut_mois, 1),
                  make_date(fin_annee, 12, 31), code_partenaire, '2027', 0, 1
           FROM bench_financements"""
    )
    con.unregister("bench_financements")


def prepare_db(path: Path, n_personnes: int, n_seances: int) -> duckdb.DuckDBPyConnection:
    """Open the benchmark database, generating it unless it already holds these sizes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{n_personnes}/{n_seances}"
    if path.exists():
        con = duckdb.connect(str(path))
        try:
            found = con.execute("SELECT tag FROM main.bench_tag").fetchall()[0][0]
        except duckdb.Error:
            found = None
        if found == tag:
            return con
        con.close()
        path.unlink()
    con = duckdb.connect(str(path))
    start = perf_counter()
    generate_staging(con, n_personnes, n_seances)
    con.execute("CREATE TABLE main.bench_tag AS SELECT ? AS tag", [tag])
    con.execute("CHECKPOINT")
    print(f"generated {tag} in {perf_counter() - start:.1f} s -> {path}")
    return con


def _pandas_reference():
    spec = importlib.util.spec_from_file_location(
        "pandas_reference", Path(__file__).with_name("pandas_reference.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--personnes", type=int, default=1_000_000)
    parser.add_argument("--seances", type=int, default=20_000_000)
    parser.add_argument("--echantillon", type=int, default=50_000)
    parser.add_argument("--sans-pandas", action="store_true", help="skip the full-scale pandas run")
    parser.add_argument("--dossier", type=Path, default=OUT_DIR, help="where the data are cached")
    args = parser.parse_args()
    ref = _pandas_reference()
    out_dir = args.dossier

    con = prepare_db(out_dir / f"bench_{args.personnes}.duckdb", args.personnes, args.seances)
    counts = {
        t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchall()[0][0]
        for t in ("participants", "seances", "financements")
    }
    print(f"staging rows: {counts}")
    times = []
    for _ in range(3):
        start = perf_counter()
        summary = compute_indicators(con)
        times.append(perf_counter() - start)
    duck = statistics.median(times)
    print(f"compute_indicators: median {duck:.2f} s over 3 runs {[round(t, 2) for t in times]}")
    print(f"  rows {summary['lignes']}, periods {summary['periodes']}")
    print(f"  seconds per SQL file (last run): {summary['secondes']}")
    print(f"  peak RSS so far: {_peak_rss_mb():.0f} MB")

    if not args.sans_pandas:
        ptimes = []
        for _ in range(3):
            start = perf_counter()
            reference = ref.compute(con)
            ptimes.append(perf_counter() - start)
        pmed = statistics.median(ptimes)
        print(f"pandas reference: median {pmed:.2f} s over 3 runs {[round(t, 2) for t in ptimes]}")
        print(f"  ratio pandas / duckdb: {pmed / duck:.1f}x")
        print(f"  full-scale comparison: {ref.compare(con, reference)}")
        print(f"  peak RSS so far: {_peak_rss_mb():.0f} MB")
    con.close()

    small = prepare_db(
        out_dir / f"bench_{args.echantillon}.duckdb", args.echantillon, args.echantillon * 20
    )
    compute_indicators(small)
    print(f"sample of {args.echantillon} people: {ref.compare(small, ref.compute(small))}")
    small.close()


if __name__ == "__main__":
    main()
