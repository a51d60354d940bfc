"""Build the steering committee's static site (French, offline) from the warehouse.

The site is written into a temporary sibling directory and swapped into place, so the
published site is never half-written.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import plotly

from dashboards import data as site_data
from dashboards import nav, suivi
from dashboards.block_cache import BlockCache
from dashboards.equity import equity_pages, funders_page
from dashboards.pages import (
    Page,
    SiteContext,
    downloads_page,
    index_page,
    methodology_page,
    revues_page,
    scope_list_page,
    scope_page,
)
from pipelines.fsutil import link_tree, staged_dir

ASSETS = Path(__file__).parent / "assets"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@dataclass(frozen=True)
class SiteSummary:
    pages: int  # HTML pages we wrote (copied validation reports not included)
    charts: int
    bytes: int  # total size of the site directory, copies included


def _write_assets(build: Path) -> None:
    assets = build / "assets"
    assets.mkdir(parents=True)
    # Written at every build: an old plotly.min.js is never left behind.
    shutil.copyfile(PLOTLY_JS, assets / "plotly.min.js")
    for name in ("site.css", "plotly-locale-fr.js", "comparaison.js"):
        shutil.copyfile(ASSETS / name, assets / name)


def _copy_downloads(downloads_dir: Path | None, build: Path) -> list[tuple[str, int]]:
    if downloads_dir is None or not Path(downloads_dir).is_dir():
        return []
    target = build / "telechargements"
    # the site's copy shares the downloads' bytes (a big city's 160 MB are not stored twice)
    link_tree(downloads_dir, target)
    files = sorted(p for p in target.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [(p.relative_to(build).as_posix(), p.stat().st_size) for p in files]


def relative_reports_href(reports_dir: Path | None, out_dir: Path) -> str | None:
    """Link to the validation reports, which live beside the site under publish/.

    Linked, not copied: at scale the reports (every rejected row, as CSV) outweigh the site.
    """
    if reports_dir is None or not (Path(reports_dir) / "index.html").is_file():
        return None
    return Path(os.path.relpath(Path(reports_dir).resolve() / "index.html", out_dir)).as_posix()


def _revues(revues_dir: Path | None) -> dict:
    """The frozen review packs of publish/revues/, linked from the public site path
    (publish/tableaux-de-bord/ -> ../revues/); nothing listed without a folder."""
    from pipelines.revue.catalogue import revues_context  # the review packs, beside the site

    return revues_context(Path(revues_dir) if revues_dir else None)


def render_pages(
    con: duckdb.DuckDBPyConnection,
    reports_href: str | None,
    downloads: Callable[[], list[tuple[str, int]]],
    revues: dict | None = None,
    blocks: BlockCache | None = None,
) -> list[Page]:
    """`downloads()` gives the downloads as linked into the site; it is called once the
    pages that do not list them are rendered (the workbooks may still be being written
    until then: pipelines/publish/xlsx_jobs.py). `blocks`: the scope pages' chart blocks
    of the site in force (dashboards/block_cache.py)."""
    ctx = SiteContext(site_data.load(con), reports_href, blocks)
    pages = [index_page(ctx)]
    for t in ("contrat", *site_data.SCOPE_TYPES):
        pages += [scope_page(ctx, s) for s in ctx.data.scopes[t]]
        if t != "contrat" and nav.listed(ctx.data.scopes[t]):
            pages.append(scope_list_page(ctx, t))  # the menu links it instead of each scope
    pages += equity_pages(ctx)
    revues = revues or _revues(None)
    pages += [revues_page(ctx, revues), methodology_page(ctx)]
    pages.append(suivi.site_page(ctx, con))  # (v2) report follow-up
    files = downloads()  # last: the pages above are rendered while the workbooks are written
    return [*pages, funders_page(ctx, files), downloads_page(ctx, files)]


def revues_page_html(con: duckdb.DuckDBPyConnection, site_dir: Path, revues_dir: Path) -> str:
    """The Revues page alone, for a pack frozen between two runs (written into the site
    in force by pipelines.revue.service)."""
    site_dir = Path(site_dir).resolve()
    reports = relative_reports_href(site_dir.parent / "rapports", site_dir)
    ctx = SiteContext(site_data.load(con), reports)
    return revues_page(ctx, _revues(revues_dir)).html


def build_site(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    reports_dir: Path | None = None,
    downloads_dir: Path | None = None,
    revues_dir: Path | None = None,
    blocks: BlockCache | None = None,
) -> SiteSummary:
    """Build the site alone into `out_dir`, replaced whole (staged_dir). The pipeline builds
    it inside a publication generation instead (write_site, pipelines/publish/outputs.py)."""
    out_dir = Path(out_dir).resolve()
    with staged_dir(out_dir) as build:
        href = relative_reports_href(reports_dir, out_dir)
        return write_site(con, build, href, downloads_dir, revues_dir, blocks=blocks)


def write_site(
    con: duckdb.DuckDBPyConnection,
    build: Path,
    reports_href: str | None,
    downloads_dir: Path | None = None,
    revues_dir: Path | None = None,
    downloads_ready: Callable[[], object] | None = None,
    blocks: BlockCache | None = None,
) -> SiteSummary:
    """Write the site from marts.indicateurs_publies (+ ref.*, ingest.files, cibles_publiees)
    into the empty folder `build`; link the validation reports at `reports_href` (relative to
    the site root), the frozen review packs of `revues_dir` (publish/revues/, reached from
    the public site path as ../revues/) and copy the downloads to `telechargements/`, after
    `downloads_ready()` returned when given (the pages that do not list them are rendered
    meanwhile). With `blocks`, the scope pages' chart blocks are taken from it when their
    inputs did not change, and the blocks of this site are left in it."""
    _write_assets(build)

    def downloads() -> list[tuple[str, int]]:
        if downloads_ready is not None:
            downloads_ready()
        return _copy_downloads(downloads_dir, build)

    pages = render_pages(con, reports_href, downloads, _revues(revues_dir), blocks)
    for p in pages:
        target = build / p.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(p.html, encoding="utf-8")
    size = sum(f.stat().st_size for f in build.rglob("*") if f.is_file())
    return SiteSummary(pages=len(pages), charts=sum(p.charts for p in pages), bytes=size)
