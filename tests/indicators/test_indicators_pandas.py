"""Cross-check: the DuckDB SQL and the direct pandas transcription (benchmarks/) agree.

Same generator as benchmarks/bench_indicators.py, at small scale, and the hand fixture.
"""

from __future__ import annotations

import importlib.util

from ind_fixture import load_hand_fixture
from ind_kit import ROOT, new_warehouse

from indicators.compute import compute_indicators


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _module("pandas_reference")
BENCH = _module("bench_indicators")


def assert_same(diff: dict) -> None:
    assert diff["lignes_sql"] == diff["lignes_ref"] and diff["lignes_non_communes"] == 0, diff
    assert all(v == 0 for k, v in diff.items() if k.startswith("nulls_differents")), diff
    # exact decimal sums in SQL vs float sums in pandas: rounding only
    assert all(v < 1e-6 for k, v in diff.items() if k.startswith("ecart_max")), diff


def test_generated_sample_matches_pandas(tmp_path):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    BENCH.generate_staging(con, n_personnes=3000, n_seances=30_000, seed=7)
    summary = compute_indicators(con)
    assert summary["periodes"] == ["2024", "2025", "2026", "2027", "cumul"]
    assert_same(REFERENCE.compare(con, REFERENCE.compute(con)))
    con.close()


def test_hand_fixture_matches_pandas(tmp_path):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    load_hand_fixture(con)
    compute_indicators(con)
    diff = REFERENCE.compare(con, REFERENCE.compute(con))
    # 681 rows of v1 + taux_remontee and taux_remontee_a_temps at 1 contrat + 3 partners
    # x 3 periods = 24
    assert diff["lignes_sql"] == 705
    assert_same(diff)
    con.close()
