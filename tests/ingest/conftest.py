"""Real file writers shared by the ingestion tests (CSV, XLSX, ODS, XLS).

`rows` is a list of rows (the header included); a row is a list of cells
(str, int, float, datetime.date/datetime or None); an empty list is a blank row.
`title_rows` are written above the rows (e.g. [["Bilan 2025"], []]).
Each writer is also a fixture of the same name, for use from any test here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

Rows = Sequence[Sequence[object]]


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def write_csv(
    path: Path,
    rows: Rows,
    encoding: str = "cp1252",
    sep: str = ";",
    title_rows: Rows = (),
    line_end: str = "\r\n",
) -> Path:
    """CSV as Excel writes it in France (dates dd/mm/yyyy, fields quoted when needed)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator=line_end)
        for row in [*title_rows, *rows]:
            writer.writerow([_text(c) for c in row])
    return path


def write_xlsx(path: Path, rows: Rows, title_rows: Rows = (), sheet: str = "Feuil1") -> Path:
    """XLSX with real date cells (dd/mm/yyyy); extra sheets never matter (first sheet read)."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate([*title_rows, *rows]):
        for c, cell in enumerate(row):
            if isinstance(cell, dt.date):
                moment = (
                    cell if isinstance(cell, dt.datetime) else dt.datetime.combine(cell, dt.time())
                )
                worksheet.write_datetime(r, c, moment, date_format)
            elif cell is not None:
                worksheet.write(r, c, cell)
    workbook.add_worksheet("Notes").write(0, 0, "ignorée")
    workbook.close()
    return path


def write_xls(path: Path, rows: Rows, title_rows: Rows = ()) -> Path:
    """Legacy Excel 97 (BIFF8) file written with xlwt, dates as date cells."""
    workbook = xlwt.Workbook()
    worksheet = workbook.add_sheet("Feuil1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate([*title_rows, *rows]):
        for c, cell in enumerate(row):
            if isinstance(cell, dt.date):
                worksheet.write(r, c, cell, date_style)
            elif cell is not None:
                worksheet.write(r, c, cell)
    workbook.save(str(path))
    return path


def write_ods(path: Path, rows: Rows, title_rows: Rows = ()) -> Path:
    """OpenDocument spreadsheet (LibreOffice), dates as date cells."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")
    for row in [*title_rows, *rows]:
        table_row = TableRow()
        for cell in row:
            table_row.addElement(_ods_cell(cell))
        if not row:
            table_row.addElement(TableCell())
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(cell: object) -> TableCell:
    if cell is None:
        return TableCell()
    if isinstance(cell, dt.date):
        value = (
            cell.isoformat()
            if not isinstance(cell, dt.datetime)
            else cell.strftime("%Y-%m-%dT%H:%M:%S")
        )
        element = TableCell(valuetype="date", datevalue=value)
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        element = TableCell(valuetype="float", value=cell)
    else:
        element = TableCell(valuetype="string")
    element.addElement(P(text=_text(cell)))
    return element


@pytest.fixture(name="write_csv")
def write_csv_fixture():
    return write_csv


@pytest.fixture(name="write_xlsx")
def write_xlsx_fixture():
    return write_xlsx


@pytest.fixture(name="write_xls")
def write_xls_fixture():
    return write_xls


@pytest.fixture(name="write_ods")
def write_ods_fixture():
    return write_ods


@pytest.fixture
def partner_ctx():
    """Partner ASSO1 runs EMP01 and EMP02; CSE09 belongs to another partner."""
    from pipelines.ingest.model import PartnerContext

    return PartnerContext(
        code_partenaire="ASSO1",
        actions_of_partner=frozenset({"EMP01", "EMP02"}),
        all_actions=frozenset({"EMP01", "EMP02", "CSE09"}),
        qpv_codes=frozenset({"QN01404M", "QN01405N"}),
        contract_years=(2024, 2030),
    )
