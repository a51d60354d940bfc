"""Partner- and officer-typed text is escaped in every HTML page and neutralised in every
CSV/XLSX export: one end-to-end run whose reference and partner file carry HTML and
spreadsheet-formula payloads."""

from __future__ import annotations

import csv
import html
import re

import openpyxl
import pytest
from ops_kit import (
    ASSO1_PARTICIPANTS,
    GOOD_FILES,
    PARTICIPANTS_HEADER,
    query,
    run_in_process,
    write_csv,
    write_partner_file,
    write_reference,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HYPERLINK = '=HYPERLINK("http://x")'
FORMULAS = (HYPERLINK, "@SUM(1)", "-2+3", "+cmd")
RAW_HTML = ("<script>alert", "<img src=x onerror")
DANGEROUS = re.compile(r"^[=+\-@\t\r]")
FRENCH_NUMBER = re.compile(r"^-\d+(,\d+)?$")  # a negative number is not a formula

# A participants file whose rejected rows and dropped optional values carry the payloads.
HOSTILE_ROWS = [
    ["P010", SCRIPT, "01/03/2025", "", "", "F", "1990", "QN01404M", "bac", "oui", "", ""],
    [*["P011", "A1", "01/03/2025", "30/04/2025", HYPERLINK, "F", "1990", "QN01404M"]]
    + ["bac", "oui", "", ""],
    ["P012", "A1", "01/03/2025", "", "", "@SUM(1)", "1990", "QN01404M", "bac", "oui", "", ""],
    ["P013", "A1", "01/03/2025", "", "", "F", "1990", "-2+3", "bac", "oui", "", ""],
    ["P014", "A1", "01/03/2025", "", "", "F", "1990", "QN01404M", "+cmd", "oui", "", ""],
    ["P015", "A1", "01/03/2025", "", "", "F", "1990", "QN01404M", "bac", "oui", IMG, SCRIPT],
]


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("injection") / "data"
    write_reference(
        root,
        contrat_libelle=SCRIPT,
        action_libelles=(HYPERLINK, "@SUM(1)"),
        partner_names=(IMG, "-2+3"),
        qpv_names=("+cmd", SCRIPT),
    )
    for rel, header, rows in GOOD_FILES:
        write_partner_file(root, rel, header, rows)
    incoming = root / "incoming"
    write_csv(
        incoming / "ASSO1" / "2025-S1" / f"participants {IMG}.csv",
        [PARTICIPANTS_HEADER, *ASSO1_PARTICIPANTS[:1], *HOSTILE_ROWS],
    )
    write_csv(incoming / IMG / "2025" / "participants.csv", [PARTICIPANTS_HEADER])
    write_csv(incoming / "MLJ" / HYPERLINK.replace("/", "") / "seances.csv", [["x"]])
    with pytest.MonkeyPatch.context() as mp:
        run_in_process(root, mp)
    return root


def _files(root, suffix):
    return sorted(p for p in (root / "publish").rglob(f"*{suffix}") if p.is_file())


def test_the_payloads_did_reach_the_outputs(hostile_root):
    """Premise: the hostile text is really stored, so the checks below are not vacuous."""
    values = {r[0] for r in query(hostile_root, "SELECT valeur FROM ingest.rejections")}
    assert {SCRIPT, HYPERLINK, "@SUM(1)", "-2+3", "+cmd"} <= values
    warned = {r[0] for r in query(hostile_root, "SELECT valeur FROM staging.file_warnings")}
    assert {IMG, SCRIPT} <= warned
    assert query(hostile_root, "SELECT libelle FROM ref.contrat") == [(SCRIPT,)]


def test_html_pages_hold_the_payloads_only_escaped(hostile_root):
    pages = _files(hostile_root, ".html")
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for raw in RAW_HTML:
            assert raw not in text, (page, raw)
    site_index = (hostile_root / "publish" / "tableaux-de-bord" / "index.html").read_text("utf-8")
    assert html.escape(SCRIPT) in site_index  # the contract's libelle, shown as text
    partner_page = hostile_root / "publish" / "tableaux-de-bord" / "partenaire" / "ASSO1.html"
    assert html.escape(IMG) in partner_page.read_text(encoding="utf-8")
    reports = "".join(
        p.read_text("utf-8") for p in _files(hostile_root, ".html") if "rapports" in p.parts
    )
    for payload in (SCRIPT, IMG, *FORMULAS):
        assert html.escape(payload) in reports, payload


def _check_text_cell(value: str, where) -> None:
    if DANGEROUS.match(value):
        assert FRENCH_NUMBER.match(value), (where, value)


def test_csv_exports_hold_no_cell_a_spreadsheet_would_run(hostile_root):
    exports = _files(hostile_root, ".csv")
    assert any(p.name == "indicateurs.csv" for p in exports)
    assert any(p.name.endswith("-rejets.csv") for p in exports)
    seen = set()
    for path in exports:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for cell in row:
                    _check_text_cell(cell, path)
                    seen.add(cell)
    for payload in FORMULAS:  # still readable, as text
        assert "'" + payload in seen, payload


def test_xlsx_exports_hold_no_formula_and_no_text_starting_like_one(hostile_root):
    workbooks = _files(hostile_root, ".xlsx")
    assert workbooks
    seen = set()
    for path in workbooks:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        _check_text_cell(cell.value, (path, cell.coordinate))
                        seen.add(cell.value)
    for payload in (HYPERLINK, "@SUM(1)", "-2+3", "+cmd"):
        assert "'" + payload in seen, payload
