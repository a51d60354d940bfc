"""What `make run` shows the person waiting: one line per stage without a terminal, a live
rich display in a terminal; and a rerun with nothing new rebuilds nothing.

The demo contract (conftest: 300 people) has 62 files whatever its size, and its reference
holds 14 actions + 6 partners + 5 QPV + 10 targets = 35 lines (pipelines/demo/contract.py).
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time

from conftest import copy_inputs
from ops_kit import REPO, cli_command, cli_env, dagster_home, run_cli

FIRST_STAGE, LAST_STAGE = "Référentiel", "Publication (téléchargements, rapports, site)"
STAGES = {
    "Référentiel",
    "Fichiers des partenaires",
    "Lignes en vigueur",
    "Contrôle des lignes en vigueur (pandera)",
    "Indicateurs",
    "Suivi des cibles",
    "Secret statistique",
    "Cibles publiées",
    "Publication (téléchargements, rapports, site)",
}
STAGE_LINE = re.compile(r"^\[étape\] (.+?) : (\d+,\d) s(?: ; (.*))?$")


def _stage_lines(stdout: str) -> list[tuple[str, str]]:
    """(stage, what follows its duration) for each '[étape]' line, in order."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("[étape]"):
            match = STAGE_LINE.match(line)
            assert match, line
            found.append((match[1], match[3] or ""))
    return found


def test_without_a_terminal_one_line_per_stage_and_a_rerun_rebuilds_nothing(demo_inputs, tmp_path):
    root = copy_inputs(demo_inputs, tmp_path / "data")
    home = dagster_home(tmp_path / "dagster_home")

    first = run_cli(root, home)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    lines = _stage_lines(first.stdout)
    assert {stage for stage, _ in lines} == STAGES and len(lines) == len(STAGES)
    assert lines[0][0] == FIRST_STAGE and lines[-1][0] == LAST_STAGE
    facts = dict(lines)
    assert facts["Référentiel"] == "35 lignes"
    files = facts["Fichiers des partenaires"]
    assert re.fullmatch(r"62 fichier\(s\) ; [\d\u202f]+ lignes \([\d\u202f]+ lignes/s\)", files)

    site_index = root / "publish" / "tableaux-de-bord" / "index.html"
    reports_index = root / "publish" / "rapports" / "index.html"
    site_before = site_index.stat().st_mtime_ns, site_index.read_bytes()
    reports_before = reports_index.read_text(encoding="utf-8")

    again = run_cli(root, home)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    facts = dict(_stage_lines(again.stdout))
    assert facts["Fichiers des partenaires"] == "62 fichier(s)"  # all seen before: no row read
    assert "Aucun nouveau fichier reçu" in again.stdout
    # nothing new: the site is the very same file; the reports overview names the new run
    assert (site_index.stat().st_mtime_ns, site_index.read_bytes()) == site_before
    assert reports_index.read_text(encoding="utf-8") != reports_before


def test_in_a_terminal_a_live_display_then_each_stage_duration(demo_inputs, tmp_path):
    root = copy_inputs(demo_inputs, tmp_path / "data")
    home = dagster_home(tmp_path / "dagster_home")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        cli_command(),
        cwd=REPO,
        env=cli_env(root, home, COLUMNS="120", TERM="xterm-256color"),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    shown = bytearray()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the run is over
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    assert process.wait(timeout=60) == 0, shown.decode(errors="replace")[-3000:]
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", errors="replace"))
    # the live bar counted the files (n/62) while they were read...
    assert re.search(r"\b\d+/62\b", text), text[-3000:]
    # ...and each finished stage left its duration on screen, no '[étape]' lines
    finished = re.findall(r"✓ (.+?) : \d+,\d s", text)
    assert set(finished) == STAGES, finished
    assert "[étape]" not in text
