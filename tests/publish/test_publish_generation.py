"""One publication switched in at once (pipelines/publish/generation.py), on real folders.

Builders here write a file naming their run, so a mix of two runs shows at once.
"""

from __future__ import annotations

import os

import pytest

from pipelines.publish.generation import (
    CURRENT,
    GENERATIONS,
    Builder,
    current_generation,
    publish_generation,
)

NAMES = ("telechargements", "rapports", "tableaux-de-bord")


def builders(run: str, fail_at: str | None = None) -> list[Builder]:
    def make(name):
        def build(folder, generation):
            if name == fail_at:
                (folder / "partiel.txt").write_text("à moitié", encoding="utf-8")
                raise RuntimeError(f"{name} interrompu")
            (folder / "execution.txt").write_text(run, encoding="utf-8")
            # the site reads what an earlier builder wrote in the same generation
            return {"voisins": sorted(p.name for p in generation.iterdir())}

        return Builder(name, build)

    return [make(n) for n in NAMES]


def seen(publish) -> dict[str, str]:
    """What a reader finds in each public folder."""
    return {n: (publish / n / "execution.txt").read_text(encoding="utf-8") for n in NAMES}


def with_review_pack(publish):
    revues = publish / "revues" / "2026-01"
    revues.mkdir(parents=True)
    (revues / "revue.html").write_text("figée", encoding="utf-8")
    return revues / "revue.html"


def test_first_publication_then_a_new_one_replace_everything_at_once(tmp_path):
    publish = tmp_path / "publish"
    review = with_review_pack(publish)

    meta = publish_generation(publish, builders("r1"), label="r1")
    assert seen(publish) == {n: "r1" for n in NAMES}
    assert meta["tableaux-de-bord"]["voisins"] == sorted(NAMES)
    for name in NAMES:  # fixed relative links onto the generation in force
        assert os.readlink(publish / name) == f"{CURRENT}/{name}"

    publish_generation(publish, builders("r2"), label="r2")
    assert seen(publish) == {n: "r2" for n in NAMES}
    # only the generation in force is kept; the review pack is untouched
    assert [g.resolve() for g in (publish / GENERATIONS).iterdir()] == [current_generation(publish)]
    assert review.read_text(encoding="utf-8") == "figée"
    assert sorted(p.name for p in publish.iterdir()) == sorted(
        [CURRENT, GENERATIONS, "revues", *NAMES]
    )


@pytest.mark.parametrize("failing", NAMES)
def test_a_failed_build_leaves_the_previous_publication_whole(tmp_path, failing):
    publish = tmp_path / "publish"
    review = with_review_pack(publish)
    publish_generation(publish, builders("r1"))
    before = current_generation(publish)

    with pytest.raises(RuntimeError, match="interrompu"):
        publish_generation(publish, builders("r2", fail_at=failing))

    assert seen(publish) == {n: "r1" for n in NAMES}
    assert current_generation(publish) == before
    assert [g.resolve() for g in (publish / GENERATIONS).iterdir()] == [before]
    assert review.read_text(encoding="utf-8") == "figée"


def test_leftovers_of_a_killed_publication_are_removed_by_the_next(tmp_path):
    publish = tmp_path / "publish"
    publish_generation(publish, builders("r1"))
    # a run killed while building (a partial generation), and one killed during the switch
    (publish / GENERATIONS / "20260101T000000-tue" / "rapports").mkdir(parents=True)
    (publish / GENERATIONS / ".courant-dead0000").symlink_to("20260101T000000-tue")

    publish_generation(publish, builders("r2"))

    assert seen(publish) == {n: "r2" for n in NAMES}
    assert [g.resolve() for g in (publish / GENERATIONS).iterdir()] == [current_generation(publish)]


def test_folders_published_by_v1_are_replaced_by_the_links(tmp_path):
    publish = tmp_path / "publish"
    review = with_review_pack(publish)
    for name in NAMES:  # v1 swapped each folder in on its own
        (publish / name).mkdir()
        (publish / name / "execution.txt").write_text("v1", encoding="utf-8")
        (publish / name / "ancien.html").write_text("v1", encoding="utf-8")

    publish_generation(publish, builders("r1"))

    assert seen(publish) == {n: "r1" for n in NAMES}
    assert all((publish / n).is_symlink() for n in NAMES)
    assert not any((publish / n / "ancien.html").exists() for n in NAMES)
    assert review.read_text(encoding="utf-8") == "figée"
    assert [g.resolve() for g in (publish / GENERATIONS).iterdir()] == [current_generation(publish)]


@pytest.mark.parametrize("names", [("rapports", "rapports"), (".cache",), ("a/b",)])
def test_builder_names_must_be_distinct_plain_folders(tmp_path, names):
    with pytest.raises(ValueError, match="builder names"):
        publish_generation(tmp_path, [Builder(n, lambda f, g: {}) for n in names])
