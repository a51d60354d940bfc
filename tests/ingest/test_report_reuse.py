"""The digest of a file's rejected rows or warnings, which decides whether its validation
report is linked from the publication in force (pipelines/ingest/report_reuse.py)."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.report_reuse import rows_by_file


def issues(*rows) -> pl.DataFrame:
    schema = ["file_id", "row_number", "colonne", "valeur", "regle", "message"]
    return pl.DataFrame(rows, schema=schema, orient="row")


F1 = ("f1", 2, "sexe", "X", "code_inconnu", "Valeur X inconnue")
F1_BIS = ("f1", 5, "date_entree", "31/02/2025", "date_invalide", "Date invalide")
F2 = ("f2", 3, "sexe", "Y", "code_inconnu", "Valeur Y inconnue")


def test_each_file_gets_the_digest_of_its_own_rows():
    before = rows_by_file(issues(F1, F1_BIS, F2))
    assert set(before) == {"f1", "f2"}
    # f2's rows alone give f2's digest, whatever the other files hold
    assert rows_by_file(issues(F2))["f2"] == before["f2"]
    assert before["f1"] != before["f2"]


def test_any_change_of_a_files_rows_changes_its_digest():
    before = rows_by_file(issues(F1, F1_BIS, F2))
    reworded = (*F1[:5], "Valeur X inconnue (liste : F, H)")
    assert rows_by_file(issues(reworded, F1_BIS, F2))["f1"] != before["f1"]
    assert rows_by_file(issues(F1, F2))["f1"] != before["f1"]  # one row less
    assert rows_by_file(issues(F1_BIS, F1, F2))["f1"] != before["f1"]  # another order
    assert rows_by_file(issues(F1, F1_BIS, F2)) == before  # the same rows: the same


def test_no_rows_no_digest():
    assert rows_by_file(issues()) == {}
