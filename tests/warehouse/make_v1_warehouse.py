"""Regenerate tests/warehouse/v1_evaluation.duckdb.gz with the code of v1 (commit aa35dd5).

    .venv/bin/python tests/warehouse/make_v1_warehouse.py

Extracts that commit with `git archive` into a temporary folder, builds the inputs of
v1_kit.py in a temporary data root, runs the old `python -m pipelines.cli run` there (with
this project's .venv: v1 locks the same libraries) and keeps the warehouse it wrote, gzipped.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.warehouse.v1_kit import V1_COMMIT, V1_WAREHOUSE, build_v1_inputs  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="v1-") as tmp:
        code, root, home = Path(tmp, "code"), Path(tmp, "data"), Path(tmp, "home")
        archive = subprocess.run(
            ["git", "archive", V1_COMMIT], cwd=REPO, check=True, capture_output=True
        ).stdout
        tarfile.open(fileobj=io.BytesIO(archive)).extractall(code, filter="data")
        build_v1_inputs(root)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EVAL_", "DAGSTER_"))}
        env.update(EVAL_DATA_DIR=str(root), DAGSTER_HOME=str(home))
        subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "run"], cwd=code, env=env, check=True
        )
        with (root / "warehouse" / "evaluation.duckdb").open("rb") as db:
            with gzip.GzipFile(V1_WAREHOUSE, "wb", mtime=0) as packed:
                shutil.copyfileobj(db, packed)
    print(f"{V1_WAREHOUSE} ({V1_WAREHOUSE.stat().st_size} octets)")


if __name__ == "__main__":
    main()
