"""Fixtures of the operations tests (helpers live in ops_kit.py).

The process-level tests (kill -9, two runs at once) run on the demo contract at 300
people: 62 real-life files (XLSX with titles and Total rows, cp1252 CSV, ODS, XLS, a
refused file, a resubmission), so that loading lasts a few seconds and can be
interrupted. Their reference is one uninterrupted run on a copy of the same files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ops_kit import indicator_table, query, run_in_process

from pipelines.demo.generate import generate

DEMO_PEOPLE = 300


def copy_inputs(source: Path, target: Path) -> Path:
    """reference/ and incoming/ of `source` into a fresh data root (mtimes kept)."""
    for folder in ("reference", "incoming"):
        shutil.copytree(source / folder, target / folder)
    return target


@pytest.fixture(scope="session")
def demo_inputs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo_inputs")
    generate(root, seed=42, people=DEMO_PEOPLE)
    return root


@pytest.fixture(scope="session")
def demo_reference(demo_inputs, tmp_path_factory) -> dict:
    """marts.indicateurs and row counts of one uninterrupted run on a copy of the demo."""
    root = copy_inputs(demo_inputs, tmp_path_factory.mktemp("demo_reference") / "data")
    with pytest.MonkeyPatch.context() as mp:
        run_in_process(root, mp)
    return {
        "indicateurs": indicator_table(root),
        "files": query(root, "SELECT source_path, status FROM ingest.files ORDER BY 1"),
        "staging": {
            kind: query(root, f"SELECT count(*) FROM staging.{kind}")[0][0]
            for kind in ("participants", "seances", "financements")
        },
    }
