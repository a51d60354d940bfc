"""The partner kit depends on the reference only: a publication whose reference is that of
the kit in force links the same files into its generation instead of writing 3 workbooks
and a guide per partner again (108 partners at a big city's size)."""

from __future__ import annotations

import pytest

from pipelines.publish.generation import Builder, publish_generation
from pipelines.publish.outputs import KIT, builders
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
