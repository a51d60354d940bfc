"""Fixtures of the dashboards tests: the hand-made warehouse and the site built from it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dash_fixture import make_publish_inputs, make_warehouse


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dash_wh") / "evaluation.duckdb"
    make_warehouse(path)
    return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, warehouse):
    """The site built once for the module tests: (site dir, SiteSummary)."""
    from dashboards.site import build_site

    root = tmp_path_factory.mktemp("dash_publish")
    reports, downloads = make_publish_inputs(root)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        summary = build_site(con, root / "site", reports, downloads)
    finally:
        con.close()
    return root / "site", summary


@pytest.fixture(scope="session")
def published(tmp_path_factory, warehouse) -> Path:
    """A publish/ folder as the pipeline lays it out: real validation reports written from
    the hand-made warehouse's ingest.files, then the site that links to them."""
    from dashboards.site import build_site
    from pipelines.ingest.reports import write_validation_reports

    publish = tmp_path_factory.mktemp("dash_published") / "publish"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        write_validation_reports(con, publish / "rapports", run_id="run-1")
        build_site(con, publish / "tableaux-de-bord", publish / "rapports")
    finally:
        con.close()
    return publish
