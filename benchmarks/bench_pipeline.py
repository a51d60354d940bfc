"""End-to-end benchmark: the whole Dagster pipeline (`pipelines.cli run`) at scale.

Generates once, with the demo generator's plain mode, a data root of N people
(default 1,000,000: ~1.8 M participants rows and ~20 M session rows) under
/tmp/bench_pipeline/<N>, then runs the pipeline from an empty warehouse in a
subprocess and prints wall time, peak memory (RSS of the run), each step's duration
and the published site's size. A second run with nothing new shows the idle cost.

    .venv/bin/python benchmarks/bench_pipeline.py [--people 1000000]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEP = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.]+)(ms|s)')


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def _run(root: Path, home: Path) -> tuple[float, str]:
    env = {**os.environ, "EVAL_DATA_DIR": str(root), "DAGSTER_HOME": str(home)}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--journal", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(out.stdout[-3000:] + out.stderr[-3000:])
    return elapsed, out.stdout + out.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    args = parser.parse_args()
    base = Path("/tmp/bench_pipeline") / str(args.people)
    if not (base / "incoming").is_dir():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.demo.generate",
                "--out",
                str(base),
                "--people",
                str(args.people),
                "--plain",
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    for generated in ("warehouse", "archive", "publish", "dagster_home"):
        shutil.rmtree(base / generated, ignore_errors=True)
    home = base / "dagster_home"
    home.mkdir()
    rows = sum(1 for f in (base / "incoming").rglob("*") if f.is_file())
    first, log = _run(base, home)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    second, _ = _run(base, home)
    print(f"people: {args.people:,}  partner files: {rows}")
    print(f"first run (empty warehouse): {first:.1f} s, peak RSS {peak_mb:,.0f} MB")
    print(f"second run (nothing new):    {second:.1f} s")
    for name, value, unit in STEP.findall(log):
        seconds = float(value) / (1000 if unit == "ms" else 1)
        print(f"  {name:<55} {seconds:8.2f} s")
    for name in ("tableaux-de-bord", "telechargements", "rapports"):
        print(f"publish/{name}: {_size_mb(base / 'publish' / name):.2f} MB")


if __name__ == "__main__":
    main()
