"""End-to-end benchmark: the whole Dagster pipeline (`pipelines.cli run`) at scale.

Two shapes of data, generated once (deterministic) by the demo generator's plain mode:
- `today`: the demo's 6 partners / 14 actions / 5 QPV, N people (default 1,000,000:
  ~1.8 M participants rows, ~20 M session rows, 61 files), under /tmp/bench_pipeline/<N>;
- `many`: a big city's contract, `--split 18`: 108 partners, 504 actions, 1,430 QPV,
  1,098 files (default 1,250,000 people: 2.2 M participants rows, 25 M session rows),
  under /tmp/bench_pipeline/many_<N>.
For each shape, three scenarios, each run `--runs` times (median printed):
- `vide`: from an empty warehouse (warehouse, archive, publish moved aside first, and
  removed once every run is measured: on ext4 without a journal, as here, thousands of
  files removed in the last minutes make every file created after them skip their freed
  inodes (the kernel's `recently_deleted`): up to 4 CPU-s and 2 s of publication that a
  first run on a new contract does not pay; so leave a few minutes between two benchmarks);
- `rien_de_neuf`: again, with nothing new in incoming/;
- `renvoi`: one partner resubmits one file (its sessions of 2026-S1 without its last k
  rows, k = 1, 2, ... so every run brings new bytes); the original file is put back after.
Wall time, CPU time and peak memory of the whole process tree (CPU: user + system of the run
and every process it waited for; RSS summed over the run's processes, sampled every 0.1 s)
and the load average at the start are printed for each run, then each step's duration of
each scenario's last run and the size of what was published. A machine reference (a fixed
pure-Python loop and a fixed DuckDB query, `machine_reference()`) is timed before and after
the runs: this machine's speed drifts by 1.5x between sittings, and figures of two sittings
compare only through it.

    .venv/bin/python benchmarks/bench_pipeline.py [--shape today|many] [--people N]
        [--runs 3] [--scenarios vide,rien_de_neuf,renvoi] [--python PATH]

`--python` runs the pipeline with another environment's Python, e.g. the one `make run`
installs (runtime dependencies only; pandas, a dev dependency, makes pandera's import 0.9 s
slower), made aside by
    UV_PROJECT_ENVIRONMENT=/tmp/runenv python3 -m uv sync --frozen --no-dev
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEP = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.]+)(ms|s)')
PAGE = os.sysconf("SC_PAGE_SIZE")
# the Python that runs the pipeline: this one, or `--python` (e.g. the environment `make run`
# installs, without the dev group: there pandera does not import pandas, 0.9 s a run)
PYTHON = [sys.executable]
SHAPES = {"today": (1_000_000, 1), "many": (1_250_000, 18)}
SCENARIOS = ("vide", "rien_de_neuf", "renvoi")
RESUBMITTED = ("MLCAEN", "2026-S1", "seances_2026-S1.csv")


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def _tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and all its descendants (read from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry.name}/statm", "rb") as f:
                rss[int(entry.name)] = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        parents[int(entry.name)] = int(fields[1])
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


def machine_reference() -> str:
    """Seconds of a fixed pure-Python loop and of a fixed DuckDB query on two threads, each
    the best of 3 (the cores' speed, not the noise)."""
    import duckdb

    def best(work) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return min(times)

    def loop() -> None:
        total = 0
        for i in range(5_000_000):
            total += i

    con = duckdb.connect()
    con.execute("SET threads = 2")
    query = "SELECT count(DISTINCT hash(i) % 1000003) FROM range(20000000) AS t(i)"
    seconds = best(loop), best(lambda: con.execute(query).fetchall())
    con.close()
    return f"python {seconds[0]:.2f} s, duckdb {seconds[1]:.2f} s"


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(root: Path, home: Path) -> tuple[float, int, str, float]:
    """(seconds, peak bytes of the process tree, log, CPU seconds of the process tree) of
    one `pipelines.cli run`."""
    env = {**os.environ, "EVAL_DATA_DIR": str(root), "DAGSTER_HOME": str(home)}
    cpu = _cpu_of_children()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PYTHON[0], "-m", "pipelines.cli", "run", "--journal", "DEBUG"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    log = proc.communicate()[0]
    elapsed = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        sys.exit(log[-6000:])
    return elapsed, peak[0], log, _cpu_of_children() - cpu


def _generate(base: Path, people: int, split: int) -> None:
    if (base / "incoming").is_dir():
        return
    cmd = [sys.executable, "-m", "pipelines.demo.generate", "--out", str(base)]
    cmd += ["--people", str(people), "--plain", "--split", str(split)]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _trash(base: Path) -> Path:
    return base.parent / f"{base.name}.corbeille"


def _reset(base: Path) -> Path:
    aside = _trash(base) / str(time.time_ns())
    aside.mkdir(parents=True)
    for generated in ("warehouse", "archive", "publish", "dagster_home"):
        if (base / generated).exists():
            (base / generated).rename(aside / generated)
    home = base / "dagster_home"
    home.mkdir()
    return home


def _resubmit(base: Path, k: int) -> None:
    """The partner sends its file again without its last k rows, one day later."""
    partner, periode, name = RESUBMITTED
    path = base / "incoming" / partner / periode / name
    original = base / f"{name}.original"
    if not original.exists():
        shutil.copy2(path, original)
    lines = original.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-k]))
    later = original.stat().st_mtime + 86_400 * k
    os.utime(path, (later, later))


def _restore(base: Path) -> None:
    partner, periode, name = RESUBMITTED
    original = base / f"{name}.original"
    if original.exists():
        shutil.copy2(original, base / "incoming" / partner / periode / name)
        original.unlink()


Run = tuple[float, int, float, float]  # seconds, peak bytes, load at the start, CPU seconds


def _report(label: str, runs: list[Run]) -> None:
    times = [t for t, _, _, _ in runs]
    cpu = statistics.median(c for _, _, _, c in runs)
    detail = ", ".join(
        f"{t:.1f} s ({c:.0f} CPU-s, {p / 2**30:.2f} GiB, load {ld:.1f})" for t, p, ld, c in runs
    )
    peak = max(p for _, p, _, _ in runs) / 2**30
    print(
        f"{label:<14} median {statistics.median(times):6.1f} s, {cpu:.0f} CPU-s, "
        f"peak {peak:.2f} GiB  [{detail}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), default="many")
    parser.add_argument("--people", type=int, default=0, help="default: the shape's own")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--python", default=sys.executable, help="runs the pipeline")
    args = parser.parse_args()
    PYTHON[0] = args.python
    default_people, split = SHAPES[args.shape]
    people = args.people or default_people
    name = str(people) if split == 1 else f"many_{people}"
    base = Path("/tmp/bench_pipeline") / name
    _generate(base, people, split)
    _restore(base)
    files = sum(1 for f in (base / "incoming").rglob("*") if f.is_file())
    print(f"shape: {args.shape}, people: {people:,}, partner files: {files}")
    print(f"machine reference before: {machine_reference()}", flush=True)
    scenarios = args.scenarios.split(",")
    unknown = sorted(set(scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenarios {unknown}: choose among {', '.join(SCENARIOS)}")
    results: dict[str, list[Run]] = {s: [] for s in scenarios}
    logs: dict[str, str] = {}
    home = _reset(base)
    for i in range(args.runs):
        if "vide" in scenarios:
            home = _reset(base)
            load = os.getloadavg()[0]
            elapsed, peak, logs["vide"], cpu = _run(base, home)
            results["vide"].append((elapsed, peak, load, cpu))
        elif i == 0:
            _run(base, home)
        if "rien_de_neuf" in scenarios:
            load = os.getloadavg()[0]
            elapsed, peak, logs["rien_de_neuf"], cpu = _run(base, home)
            results["rien_de_neuf"].append((elapsed, peak, load, cpu))
        if "renvoi" in scenarios:
            _resubmit(base, i + 1)
            load = os.getloadavg()[0]
            elapsed, peak, logs["renvoi"], cpu = _run(base, home)
            results["renvoi"].append((elapsed, peak, load, cpu))
    _restore(base)
    shutil.rmtree(_trash(base), ignore_errors=True)
    print(f"machine reference after: {machine_reference()}")
    for scenario in scenarios:
        _report(scenario, results[scenario])
    for scenario, log in logs.items():  # each scenario's last run, stage by stage
        stages = [line for line in log.splitlines() if line.startswith("[étape]")]
        print(f"{scenario}:")
        for line in stages:  # the CLI's own line per stage (pipelines/progress.py)
            print(f"  {line}")
        for step, value, unit in [] if stages else STEP.findall(log):
            seconds = float(value) / (1000 if unit == "ms" else 1)
            print(f"  {step:<55} {seconds:8.2f} s")
    for folder in ("tableaux-de-bord", "telechargements", "rapports"):
        print(f"publish/{folder}: {_size_mb(base / 'publish' / folder):.2f} MB")


if __name__ == "__main__":
    main()
