"""Freezing on the dashboards' hand-made warehouse: refusals in French, and never a
half-written pack (a failed print, a kill -9 in the middle of a freeze)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dash_fixture import make_warehouse

from pipelines.revue.catalogue import list_packs, revues_dir
from pipelines.revue.pack import RevueRefusee, slugify
from pipelines.revue.pdf import CHROMIUM_ENV, PrintError
from pipelines.revue.service import freeze
from pipelines.settings import warehouse_path

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path):
    warehouse_path(tmp_path).parent.mkdir()
    make_warehouse(warehouse_path(tmp_path))
    (tmp_path / "reference").mkdir()
    return tmp_path


def _freeze(root: Path, label: str):
    con = duckdb.connect(str(warehouse_path(root)))
    try:
        return freeze(con, root, label)
    finally:
        con.close()


def _entries(root: Path) -> list[str]:
    return sorted(p.name for p in revues_dir(root).iterdir())


def test_labels_refused_in_french(root):
    assert slugify("COPIL du 15 mars 2027 – Élus") == "copil-du-15-mars-2027-elus"
    for label in ("", "   ", "—"):
        with pytest.raises(RevueRefusee, match="Indiquez le libellé de la revue"):
            _freeze(root, label)
    pack = _freeze(root, "Comité technique")
    with pytest.raises(RevueRefusee, match="« comite TECHNIQUE » est déjà figée"):
        _freeze(root, "comite  TECHNIQUE")
    assert _entries(root) == [pack.path.name]


def test_failed_print_leaves_nothing(root, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, str(root / "pas-de-chromium"))
    with pytest.raises(PrintError, match="Chromium est introuvable"):
        _freeze(root, "COPIL de juin")
    assert _entries(root) == []  # neither the pack nor its build folder


def test_killed_freeze_leaves_no_pack_and_the_next_one_cleans_up(root):
    code = (
        "import sys, duckdb; from pathlib import Path; "
        "from pipelines.revue.service import freeze; "
        "root = Path(sys.argv[1]); "
        "con = duckdb.connect(str(root / 'warehouse' / 'evaluation.duckdb')); "
        "freeze(con, root, 'COPIL interrompu')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(root)], cwd=REPO)
    revues = revues_dir(root)
    deadline = time.monotonic() + 120
    # kill it once the document is written but before the pack is renamed in
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(".") and (p / "revue.html").is_file() for p in revues.glob("*")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the freeze ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list_packs(revues) == []
    assert [p.name for p in revues.iterdir() if not p.name.startswith(".")] == []
    assert any(p.name.startswith(".") for p in revues.iterdir())  # the killed build
    pack = _freeze(root, "COPIL interrompu")
    assert _entries(root) == [pack.path.name]  # leftovers removed, the pack complete
    assert [m["libelle"] for m in list_packs(revues)] == ["COPIL interrompu"]
