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
