"""The fixed cost of a Dagster run on this machine: the floor under `make run` with nothing new.

    .venv/bin/python benchmarks/dagster_floor.py [--runs 3]

Times, as separate processes (python start to exit, like `python -m pipelines.cli run`):
- `import`: python + `import dagster`;
- `vide`: a job of 10 assets that do nothing (as many steps as `pipeline_complet`, with
  the same metadata-free results), executed in process on a persistent instance
  (DAGSTER_HOME with SQLite storage, as `make run` uses), after one warm-up run;
- `pipeline`: `python -m pipelines.cli run` on a copy of the demo data with nothing new
  (after a first run).
Prints the median of each and what is left for the pipeline's own work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

NOOP_JOB = """
import dagster as dg

def make(name, deps):
    @dg.asset(name=name, deps=deps)
    def _a():
        return dg.MaterializeResult(metadata={"lignes": 0})
    return _a

assets, prev = [], []
for i in range(10):
    a = make(f"etape_{i}", prev)
    assets.append(a)
    prev = [a]
job = dg.define_asset_job("vide", selection=dg.AssetSelection.all())
defs = dg.Definitions(assets=assets, jobs=[job])
with dg.DagsterInstance.get() as instance:
    result = defs.resolve_job_def("vide").execute_in_process(instance=instance)
    assert result.success
"""


def _timed(cmd: list[str], env: dict, cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        data.mkdir()
        for name in ("incoming", "reference", "demo-receptions.csv"):
            source = ROOT / "data" / name
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, data / name)
        env = {**os.environ, "DAGSTER_HOME": str(tmp / "home"), "EVAL_DATA_DIR": str(data)}
        (tmp / "home").mkdir()
        (tmp / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        noop = [PY, "-c", NOOP_JOB]
        pipeline = [PY, "-m", "pipelines.cli", "run"]
        _timed(noop, env)
        _timed(pipeline, env)  # the first run reads the files
        figures: dict[str, list[float]] = {"import": [], "vide": [], "pipeline": []}
        for _ in range(args.runs):
            figures["import"].append(_timed([PY, "-c", "import dagster"], env))
            figures["vide"].append(_timed(noop, env))
            figures["pipeline"].append(_timed(pipeline, env))
    medians = {k: statistics.median(v) for k, v in figures.items()}
    for name, values in figures.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:9} median {medians[name]:5.2f} s  [{runs}]")
    own = medians["pipeline"] - medians["vide"]
    print(f"the pipeline's own work with nothing new: {own:.2f} s over the Dagster floor")


if __name__ == "__main__":
    main()
