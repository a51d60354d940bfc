"""The partner kit depends on the reference only: a publication whose reference is that of
the kit in force links the same files into its generation instead of writing 3 workbooks
and a guide per partner again (108 partners at a big city's size)."""

from __future__ import annotations

import time

import openpyxl
import pytest

from pipelines.publish import kit_output, outputs
from pipelines.publish.generation import GENERATIONS, Builder, publish_generation
from pipelines.publish.outputs import KIT, SITE, builders
from tests.ingest.ingest_kit import make_warehouse


@pytest.fixture
def wh(tmp_path):
    root, con = make_warehouse(tmp_path)
    yield root / "publish", con
    con.close()


def kit_only(con) -> list[Builder]:
    return [b for b in builders(con, "r") if b.name == KIT]


def guide(publish):
    return publish / KIT / "MLJ" / "guide-partenaire.html"


def test_an_unchanged_reference_links_the_kit_in_force(wh):
    publish, con = wh
    first = publish_generation(publish, kit_only(con), label="r1")[KIT]
    # two partners (ASSO1, MLJ): 3 templates and a guide each, and the index
    assert first == {"fichiers": 9}
    inode = guide(publish).stat().st_ino

    second = publish_generation(publish, kit_only(con), label="r2")[KIT]

    assert second == {"fichiers": 9, "reconstruit": 0}
    assert guide(publish).stat().st_ino == inode  # the same file, in the new generation
    assert "Mission locale" in guide(publish).read_text(encoding="utf-8")

    # and again from the generation that linked it (r1's generation is gone by then)
    third = publish_generation(publish, kit_only(con), label="r3")[KIT]

    assert third == {"fichiers": 9, "reconstruit": 0}
    assert guide(publish).stat().st_ino == inode


def test_a_changed_reference_rebuilds_the_kit(wh):
    publish, con = wh
    publish_generation(publish, kit_only(con), label="r1")
    renamed = (
        "UPDATE ref.partenaires SET nom = 'Mission locale du Calvados' WHERE code_partenaire = ?"
    )
    con.execute(renamed, ["MLJ"])

    again = publish_generation(publish, kit_only(con), label="r2")[KIT]

    assert again == {"fichiers": 9}
    assert "Mission locale du Calvados" in guide(publish).read_text(encoding="utf-8")


def test_a_publication_that_failed_after_the_kit_does_not_make_it_reusable(wh):
    """Its kit was built but never switched in: the next publication builds its own."""
    publish, con = wh
    publish_generation(publish, kit_only(con), label="r1")
    con.execute("UPDATE ref.qpv SET nom = 'Quartier Nord-Est'")

    def broken(folder, generation):
        raise RuntimeError("arrêt")

    with pytest.raises(RuntimeError):
        publish_generation(publish, [*kit_only(con), Builder("relances", broken)], label="r2")
    again = publish_generation(publish, kit_only(con), label="r3")[KIT]

    assert again == {"fichiers": 9}  # built again: the r2 kit was never in force


def tree(folder):
    """Every file's content: the pages' bytes, the workbooks' cells (a workbook's bytes
    hold the second it was written at)."""
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): content(p) for p in files}


def content(path):
    if path.suffix != ".xlsx":
        return path.read_bytes()
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_a_big_kit_is_built_on_a_worker_and_equals_one_built_in_place(wh, monkeypatch):
    publish, con = wh
    publish_generation(publish, kit_only(con), label="r1")
    in_place = tree(publish / KIT)
    con.execute("DELETE FROM ingest.build_state WHERE step = ?", [KIT])  # built again
    monkeypatch.setattr(kit_output, "BACKGROUND_FROM_PARTNERS", 0)  # two partners are enough

    built = publish_generation(publish, kit_only(con), label="r2")[KIT]

    assert built == {"fichiers": 9}  # counted by the worker, once it was done
    assert tree(publish / KIT) == in_place
    # recorded when the worker was done: the next publication links it
    assert publish_generation(publish, kit_only(con), label="r3")[KIT]["reconstruit"] == 0


def test_a_failed_publication_stops_the_kit_being_built_on_a_worker(wh, monkeypatch):
    publish, con = wh
    monkeypatch.setattr(kit_output, "BACKGROUND_FROM_PARTNERS", 0)

    def broken(*args, **kwargs):
        raise RuntimeError("arrêt")

    monkeypatch.setattr(outputs, "write_site", broken)  # the site fails after the kit started
    kit_and_site = [b for b in builders(con, "r") if b.name in (KIT, SITE)]

    with pytest.raises(RuntimeError, match="arrêt"):
        publish_generation(publish, kit_and_site, label="r1")

    time.sleep(0.5)  # a worker still writing would show here
    assert list((publish / GENERATIONS).iterdir()) == []  # nothing left of the generation
    assert not (publish / KIT).exists()
    assert con.execute(
        "SELECT count(*) FROM ingest.build_state WHERE step = ?", [KIT]
    ).fetchall() == [(0,)]
