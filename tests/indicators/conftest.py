"""Fixtures of the indicator tests (helpers live in ind_kit.py)."""

import pytest
from ind_kit import new_warehouse


@pytest.fixture
def warehouse(tmp_path):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    yield con
    con.close()
