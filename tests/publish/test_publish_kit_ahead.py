"""A big partner kit is prepared ahead: as soon as the reference is written, on a
low-priority process, then linked by the publication (pipelines/publish/kit_output.py).
What readers get is the kit the publication would have built itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pipelines.publish import kit_output
from pipelines.publish.generation import Builder, publish_generation
from pipelines.publish.kit_output import AHEAD, KIT, KitOutput, kit_inputs, prepare_ahead
from pipelines.publish.outputs import SITE
from tests.ingest.ingest_kit import make_warehouse
from tests.publish.test_publish_kit_reuse import guide, kit_only, tree

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def big(tmp_path, monkeypatch):
    """The two partners of the fixture (ASSO1, MLJ) count as a big contract."""
    monkeypatch.setattr(kit_output, "BACKGROUND_FROM_PARTNERS", 0)
    root, con = make_warehouse(tmp_path)
    yield root, con
    kit_output._drop_ahead(root / "publish")
    con.close()


def prepared(root, con):
    """Wait for the kit being prepared; its folder."""
    target = root / "publish" / AHEAD / kit_inputs(con)
    kit_output._ahead[target].join(timeout=120)
    return target / KIT


def test_a_kit_prepared_ahead_is_linked_by_the_publication(big, tmp_path):
    root, con = big
    publish = root / "publish"

    assert prepare_ahead(con, root) == "en cours"
    assert prepare_ahead(con, root) == "en cours"  # one preparation at a time
    ready = prepared(root, con)
    inode = (ready / "MLJ" / "guide-partenaire.html").stat().st_ino
    published = publish_generation(publish, kit_only(con), label="r1")[KIT]

    # two partners: 3 templates and a guide each, and the index; linked, not rebuilt
    assert published == {"prepare_en_avance": 1, "fichiers": 9}
    assert guide(publish).stat().st_ino == inode
    assert not (publish / AHEAD).exists()  # removed once linked
    # the same kit as one the publication builds itself, links to the site included
    ahead = tree(publish / KIT)
    in_place_root, in_place_con = make_warehouse(tmp_path / "in_place")
    publish_generation(in_place_root / "publish", kit_only(in_place_con), label="r1")
    assert ahead == tree(in_place_root / "publish" / KIT)
    assert 'href="../../tableaux-de-bord/' in guide(publish).read_text(encoding="utf-8")
    # the next run's reference is that of the kit in force: nothing to prepare
    assert prepare_ahead(con, root) == "en vigueur"
    in_place_con.close()


def test_a_kit_prepared_for_a_former_reference_is_not_published(big):
    root, con = big
    publish = root / "publish"
    prepare_ahead(con, root)
    stale = prepared(root, con)
    assert "Mission locale" in (stale / "MLJ" / "guide-partenaire.html").read_text("utf-8")
    con.execute("UPDATE ref.partenaires SET nom = 'MLJ du Calvados' WHERE code_partenaire = 'MLJ'")

    published = publish_generation(publish, kit_only(con), label="r1")[KIT]

    assert published == {"fichiers": 9}  # built by the publication (on a worker)
    assert "MLJ du Calvados" in guide(publish).read_text(encoding="utf-8")
    assert not stale.exists()


def test_a_preparation_that_died_is_replaced_by_a_kit_built_by_the_publication(big):
    root, con = big
    publish = root / "publish"
    prepare_ahead(con, root)
    kit = KitOutput(con, [], SITE)

    def killed(_folder, _generation):  # the preparation dies while the site is built
        kit.pending.process.kill()
        return {}

    published = publish_generation(
        publish, [Builder(KIT, kit.build, finish=kit.finish), Builder("x", killed)], "r1"
    )[KIT]

    assert published == {"prepare_en_avance": 1, "fichiers": 9}
    assert "Mission locale" in guide(publish).read_text(encoding="utf-8")
    assert len(list((publish / KIT).rglob("*.xlsx"))) == 6


PREPARE_THEN_WAIT = """
import sys, time
from pathlib import Path
import duckdb
from pipelines.publish import kit_output
kit_output.BACKGROUND_FROM_PARTNERS = 0
root = Path(sys.argv[1])
con = duckdb.connect(str(root / "warehouse" / "test.duckdb"))
kit_output.prepare_ahead(con, root)
(process,) = kit_output._ahead.values()
print(process.pid, flush=True)
time.sleep(600)
"""


def test_a_run_killed_with_kill_9_stops_its_kit_preparation(tmp_path):
    root, con = make_warehouse(tmp_path)
    con.close()
    run = subprocess.Popen(
        [sys.executable, "-c", PREPARE_THEN_WAIT, str(root)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(run.stdout.readline())
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)

    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
    time.sleep(1)
    ahead = root / "publish" / AHEAD
    finished = [p for p in ahead.iterdir() if not p.name.startswith(".")] if ahead.exists() else []
    assert finished == []  # nothing the next run could take for a whole kit


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent's wait counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_pipeline_prepares_a_big_kit_with_the_reference_and_publishes_it(tmp_path, monkeypatch):
    """Real assets: `referentiel` starts the kit, `publication` links it; the reports'
    pages of a big publication are rendered on a worker process (here: from 4 pages)."""
    from pipelines.ingest import reports
    from tests.operations.ops_kit import build_small_root, publication, run_in_process

    monkeypatch.setattr(kit_output, "BACKGROUND_FROM_PARTNERS", 0)
    monkeypatch.setattr(reports, "PAGES_ON_A_WORKER", 4)
    root = build_small_root(tmp_path / "data")

    result = run_in_process(root, monkeypatch)

    referentiel = result.asset_materializations_for_node("referentiel")[0].metadata
    assert referentiel["kit_partenaire"].value == "en cours"
    published = result.asset_materializations_for_node("publication")[0].metadata
    assert published["kit-partenaire.prepare_en_avance"].value == 1
    assert published["kit-partenaire.fichiers"].value == 9  # ASSO1 and MLJ: 3 + 1 each, index
    assert published["rapports.pages_sur_un_processus"].value == 4  # the 4 files received
    assert not (root / "publish" / AHEAD).exists()
    readers = publication(root)
    assert "Mission locale" in readers["kit-partenaire/MLJ/guide-partenaire.html"].decode()
    overviews = {"rapports/index.html", "rapports/suivi-remontees.html"}
    pages = [n for n in readers if n.startswith("rapports/") and n.endswith(".html")]
    assert len(set(pages) - overviews) == 4

    # a run with nothing new: the kit in force is that of the reference
    again = run_in_process(root, monkeypatch)
    referentiel = again.asset_materializations_for_node("referentiel")[0].metadata
    assert referentiel["kit_partenaire"].value == "en vigueur"
