"""The published workbooks' data sheets: secret cells read 's', every other number stays a
number, whichever way the rows reach the writer (pipelines/publish/workbook.py)."""

from __future__ import annotations

import openpyxl
import polars as pl

from pipelines.publish.workbook import Sheet, write_workbook

SECRET = ("valeur", "numerateur")


def _frame(**extra: list) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": ["A1", "A2", "A3"],
            "valeur": [3.0, 20.0, None],
            "numerateur": [3.0, 20.0, 7.5],
            "secret": [True, False, None],
            "annee": [2024, 2025, 2026],
            **extra,
        }
    )


def _rows(path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)["donnees"]
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_secret_cells_read_s_and_numbers_stay_numbers(tmp_path):
    path = tmp_path / "w.xlsx"
    write_workbook(path, [Sheet("donnees", _frame(), secret_columns=SECRET)], [("Titre", "x")])
    assert _rows(path) == [
        ("code", "valeur", "numerateur", "secret", "annee"),
        ("A1", "s", "s", "oui", 2024),
        ("A2", 20, 20, "non", 2025),
        ("A3", None, 7.5, "non", 2026),  # an unknown secret flag hides nothing
    ]


def test_a_true_infinity_elsewhere_never_reads_as_secret(tmp_path):
    """An infinite number (never published today) must not turn into 's': the rows then go
    to the writer one by one, as before."""
    path = tmp_path / "w.xlsx"
    frame = _frame(ratio=[1.0, float("inf"), 2.0])
    write_workbook(path, [Sheet("donnees", frame, secret_columns=SECRET)], [("Titre", "x")])
    rows = _rows(path)
    assert rows[1][:3] == ("A1", "s", "s")
    assert rows[2][:3] == ("A2", 20, 20)
    assert rows[2][5] != "s"
    assert rows[3][5] == 2
