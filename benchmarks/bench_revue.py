"""Benchmark: freezing the review pack (`make revue`) on the demo contract and at scale.

Prepares a data root once under /tmp/bench_revue/<name> (the committed demo contract, or
the demo generator's plain mode at N people), runs the pipeline there (not timed), then
times `pipelines.cli revue` in a subprocess, as `make revue` runs it (Dagster start-up,
published tables, HTML document, two Chromium prints, manifest), and prints the pack's
size and page count. Each run freezes a new label; the previous packs are removed first.

    .venv/bin/python benchmarks/bench_revue.py                     # demo contract
    .venv/bin/python benchmarks/bench_revue.py --people 1000000    # 1 M people
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]


def _cli(base: Path, *args: str) -> float:
    env = {**os.environ, "EVAL_DATA_DIR": str(base), "DAGSTER_HOME": str(base / "dagster_home")}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode != 0:
        sys.exit(out.stdout[-3000:] + out.stderr[-3000:])
    return time.perf_counter() - start


def prepare(people: int | None) -> Path:
    base = Path("/tmp/bench_revue") / (f"people_{people}" if people else "demo")
    if not (base / "incoming").is_dir():
        shutil.rmtree(base, ignore_errors=True)
        if people:
            subprocess.run(
                [sys.executable, "-m", "pipelines.demo.generate", "--out", str(base),
                 "--people", str(people), "--plain"],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        else:
            for part in ("reference", "incoming"):
                shutil.copytree(ROOT / "data" / part, base / part)
    if not (base / "publish" / "tableaux-de-bord" / "index.html").is_file():
        (base / "dagster_home").mkdir(parents=True, exist_ok=True)
        print(f"pipeline run (not timed): {_cli(base, 'run', '--journal', 'WARNING'):.1f} s")
    return base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=0, help="0: the committed demo contract")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    base = prepare(args.people or None)
    revues = base / "publish" / "revues"
    times = []
    for i in range(args.runs):
        if revues.exists():
            subprocess.run(["chmod", "-R", "u+w", str(revues)], check=True)
            shutil.rmtree(revues)
        times.append(_cli(base, "revue", "--libelle", f"Banc d'essai {i + 1}"))
    pack = next(p for p in revues.iterdir() if (p / "millesime.json").is_file())
    meta = json.loads((pack / "millesime.json").read_text(encoding="utf-8"))
    size = sum(f.stat().st_size for f in pack.rglob("*") if f.is_file()) / 1e6
    rows = sum(1 for _ in open(pack / "tables" / "indicateurs.csv", encoding="utf-8-sig")) - 1
    pages = len(PdfReader(str(pack / "revue.pdf")).pages)
    times.sort()
    print(f"data: {base}  files in force: {len(meta['fichiers_en_vigueur'])}")
    print(f"published rows: {rows:,}  PDF pages: {pages}  pack: {size:.1f} MB")
    print(f"make revue (wall, subprocess): median {times[len(times) // 2]:.1f} s "
          f"over {len(times)} run(s): {', '.join(f'{t:.1f}' for t in times)}")  # fmt: skip


if __name__ == "__main__":
    main()
