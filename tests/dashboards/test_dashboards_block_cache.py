"""The scope pages' chart blocks taken from the site in force (dashboards/block_cache.py):
the pages are those of a site rendered whole, and a scope whose published rows changed has
its blocks rendered again. The hand-made warehouse has 10 scope pages (dash_fixture.PAGES:
1 contract, 2 pillars, 2 partners, 3 actions, 2 QPV)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dash_fixture import make_publish_inputs

from dashboards.block_cache import BLOCKS_FILE, BlockCache
from dashboards.site import relative_reports_href, write_site
from pipelines import freshness

SCOPE_PAGES = 10
A1_2025 = (
    "perimetre_code = 'A1' AND code_indicateur = 'beneficiaires_uniques' AND periode = '2025' "
    "AND ventilation = 'ensemble'"
)


@pytest.fixture
def inputs(tmp_path, warehouse):
    copy = tmp_path / "evaluation.duckdb"
    shutil.copy(warehouse, copy)
    reports, downloads = make_publish_inputs(tmp_path / "publish")
    return copy, reports, downloads


def build(inputs, out: Path, blocks: BlockCache | None) -> dict[str, bytes]:
    """The site's pages (path -> bytes), written into `out`."""
    warehouse, reports, downloads = inputs
    out.mkdir(parents=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        write_site(con, out, relative_reports_href(reports, out), downloads, blocks=blocks)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}


def built_with_blocks_of(inputs, out: Path, generation: Path) -> tuple[dict, BlockCache]:
    blocks = BlockCache.read(generation)
    pages = build(inputs, out, blocks)
    return pages, blocks


def first_generation(inputs, tmp_path) -> Path:
    generation = tmp_path / "generation-1"
    blocks = BlockCache()
    build(inputs, generation / "site", blocks)
    assert blocks.reused == 0
    blocks.write(generation)
    assert (generation / BLOCKS_FILE).is_file()
    return generation


def test_unchanged_scopes_take_their_blocks_and_pages_are_the_same(inputs, tmp_path):
    generation = first_generation(inputs, tmp_path)
    pages, blocks = built_with_blocks_of(inputs, tmp_path / "again", generation)
    assert blocks.reused == SCOPE_PAGES
    assert pages == build(inputs, tmp_path / "whole", None)


def test_a_changed_row_renders_its_scope_again(inputs, tmp_path):
    generation = first_generation(inputs, tmp_path)
    before = (generation / "site" / "action" / "A1.html").read_text(encoding="utf-8")
    assert '<td class="num">105</td>' in before
    warehouse = inputs[0]
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"UPDATE marts.indicateurs_publies SET valeur = 123 WHERE {A1_2025}")
    pages, blocks = built_with_blocks_of(inputs, tmp_path / "again", generation)
    assert blocks.reused == SCOPE_PAGES - 1  # action A1's blocks are rendered again
    a1 = pages["action/A1.html"].decode()
    assert '<td class="num">123</td>' in a1 and '<td class="num">105</td>' not in a1
    assert pages == build(inputs, tmp_path / "whole", None)


def test_the_vintage_alone_changes_no_block_but_every_page_shows_it(inputs, tmp_path):
    generation = first_generation(inputs, tmp_path)
    with duckdb.connect(str(inputs[0])) as con:
        con.execute("UPDATE marts.indicateurs_publies SET millesime = 'millésime 2026-bis'")
    pages, blocks = built_with_blocks_of(inputs, tmp_path / "again", generation)
    assert blocks.reused == SCOPE_PAGES
    assert all("millésime 2026-bis" in html.decode() for html in pages.values())
    assert pages == build(inputs, tmp_path / "whole", None)


def test_other_code_renders_every_block_again(inputs, tmp_path, monkeypatch):
    generation = first_generation(inputs, tmp_path)
    monkeypatch.setattr(freshness, "code_fingerprint", lambda: "a later version")
    _, blocks = built_with_blocks_of(inputs, tmp_path / "again", generation)
    assert blocks.reused == 0


def test_an_unreadable_blocks_file_renders_every_block(inputs, tmp_path):
    generation = first_generation(inputs, tmp_path)
    (generation / BLOCKS_FILE).write_bytes(b"PAR1 not a parquet file")
    pages, blocks = built_with_blocks_of(inputs, tmp_path / "again", generation)
    assert blocks.reused == 0
    assert pages == build(inputs, tmp_path / "whole", None)
