"""The workbooks of a big publication, and the CSV and Parquet files beside them, are written
by worker processes (spawn), in the background when the caller defers them
(pipelines/publish/xlsx_jobs.py): the same files as written in place, a worker's error
reaches the caller, a failed publication stops them."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest
from publish_kit import new_warehouse
from test_publish_tables import fill_warehouse

from pipelines.publish import xlsx_jobs
from pipelines.publish.tables import export_tables, write_published_table
from pipelines.publish.xlsx_jobs import FileJob, start_all, write_all


def sheet_values(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@pytest.fixture
def big_enough(monkeypatch):
    """Any publication takes the worker path (a big city's 128 k rows otherwise)."""
    monkeypatch.setattr(xlsx_jobs, "PARALLEL_FROM_ROWS", 0)


def test_deferred_workbooks_equal_those_written_in_place(tmp_path, big_enough):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    fill_warehouse(con)
    write_published_table(con)
    in_place = export_tables(con, tmp_path / "a")
    deferred = []
    files = export_tables(con, tmp_path / "b", deferred)

    assert len(deferred) == 1
    assert sorted(deferred[0].wait()) == sorted(files.values())  # every download
    assert files.keys() == in_place.keys()
    for name, path in in_place.items():
        if name.endswith(".xlsx"):  # indicateurs.xlsx and one workbook per funder
            assert sheet_values(files[name]) == sheet_values(path), name
        elif name.endswith(".csv"):
            assert files[name].read_bytes() == path.read_bytes(), name
        else:
            assert pl.read_parquet(files[name]).equals(pl.read_parquet(path)), name
    con.close()


def write_or_fail(rows: list[int], path) -> None:
    """A module-level writer (picklable for spawn): refuses a negative number."""
    if min(rows) < 0:
        raise ValueError("valeur négative")
    pl.DataFrame({"n": rows}).write_excel(path)


def test_a_workers_error_reaches_the_caller_and_leaves_no_file(tmp_path, big_enough):
    jobs = [
        FileJob(tmp_path / "ok.xlsx", write_or_fail, ([1, 2, 3],), 3),
        FileJob(tmp_path / "ko.xlsx", write_or_fail, ([1, -2],), 2),
    ]
    pending = start_all(jobs, workers=2)
    with pytest.raises(ValueError, match="valeur négative"):
        pending.wait()
    assert sheet_values(tmp_path / "ok.xlsx")["Sheet1"] == [("n",), (1,), (2,), (3,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.xlsx"]  # no half-written file


def test_small_jobs_are_written_in_place_at_once(tmp_path):
    jobs = [FileJob(tmp_path / "petit.xlsx", write_or_fail, ([4, 5],), 2)]
    pending = start_all(jobs, workers=2)
    assert pending.pool is None and (tmp_path / "petit.xlsx").is_file()
    assert write_all(jobs) == [tmp_path / "petit.xlsx"]
