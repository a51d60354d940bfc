"""Deterministic writers for the formats partners send: XLSX, XLS, ODS and CSV.

A table is a list of title rows, a header, columns of Python values and trailing rows.
Column kinds pick the cell type: 'text', 'int', 'money', 'date', 'datetime'. Document
dates and zip timestamps are fixed so that a seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt
from odf import element, number, style, table, text
from odf.namespaces import nsdict
from odf.opendocument import OpenDocumentSpreadsheet

FIXED_CREATED = datetime(2026, 1, 1, 9, 0, 0)
FIXED_ZIP_TIME = (2026, 1, 1, 9, 0, 0)


@dataclass
class Table:
    header: list[str]
    columns: list[list]
    kinds: list[str]
    titles: list[str | None] = field(default_factory=list)  # None = blank row
    trailer: list[list] = field(default_factory=list)  # e.g. a "Total" row
    sheet: str = "Bilan"
    author: str = ""
    notice: list[str] = field(default_factory=list)  # a second sheet of instructions

    def rows(self) -> list[list]:
        return [list(r) for r in zip(*self.columns, strict=True)] if self.columns else []


def write(path: Path, tab: Table, fmt: str, encoding: str = "utf-8", sep: str = ";") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_xlsx(path, tab)
    elif fmt == "xls":
        write_xls(path, tab)
    elif fmt == "ods":
        write_ods(path, tab)
    elif fmt == "csv":
        write_csv(path, tab, encoding, sep)
    else:
        raise ValueError(f"unknown format {fmt}")


def write_xlsx(path: Path, tab: Table) -> None:
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    wb.set_properties(
        {
            "title": tab.titles[0] if tab.titles else tab.sheet,
            "author": tab.author,
            "created": FIXED_CREATED,
        }
    )
    formats = {
        "text": None,
        "int": None,
        "money": wb.add_format({"num_format": "#,##0.00 [$€-40C]"}),
        "date": wb.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": wb.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    title_fmt = wb.add_format({"bold": True, "font_size": 13})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    total_fmt = wb.add_format({"bold": True, "top": 1})
    ws = wb.add_worksheet(tab.sheet)
    row = 0
    for t in tab.titles:
        if t is not None:
            ws.write_string(row, 0, t, title_fmt)
        row += 1
    ws.write_row(row, 0, tab.header, head_fmt)
    ws.freeze_panes(row + 1, 0)
    for c, (values, kind) in enumerate(zip(tab.columns, tab.kinds, strict=True)):
        ws.write_column(row + 1, c, values, formats[kind])
        ws.set_column(c, c, max(12, min(40, len(tab.header[c]) + 4)))
    row += 1 + (len(tab.columns[0]) if tab.columns else 0)
    for extra in tab.trailer:
        for c, v in enumerate(extra):
            if v is not None and v != "":
                ws.write(row, c, v, total_fmt if c == 0 else formats[tab.kinds[c]] or total_fmt)
        row += 1
    if tab.notice:
        notes = wb.add_worksheet("Consignes")
        for r, line in enumerate(tab.notice):
            notes.write_string(r, 0, line)
    wb.close()


def write_xls(path: Path, tab: Table) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(tab.sheet[:31])
    styles = {
        "date": xlwt.easyxf(num_format_str="DD/MM/YYYY"),
        "datetime": xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM"),
        "money": xlwt.easyxf(num_format_str="#,##0.00"),
    }
    bold = xlwt.easyxf("font: bold on")
    row = 0
    for t in tab.titles:
        if t is not None:
            ws.write(row, 0, t, bold)
        row += 1
    for c, h in enumerate(tab.header):
        ws.write(row, c, h, bold)
    for r, values in enumerate(tab.rows() + tab.trailer, start=row + 1):
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            st = styles.get(tab.kinds[c])
            if st is not None and not isinstance(v, str):
                ws.write(r, c, v, st)
            else:
                ws.write(r, c, v)
    wb.save(str(path))


def _ods_cell(value, kind: str, date_style: str) -> table.TableCell:
    if value is None or value == "":
        return table.TableCell()
    if isinstance(value, date):  # datetime is a date too
        iso = value.isoformat()
        shown = value.strftime("%d/%m/%Y")
        cell = table.TableCell(valuetype="date", datevalue=iso, stylename=date_style)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:.2f}".replace(".", ",") if kind == "money" else str(value)
        cell = table.TableCell(valuetype="float", value=str(value))
    else:
        shown = str(value)
        cell = table.TableCell(valuetype="string")
    cell.addElement(text.P(text=shown))
    return cell


def _pin_odf_namespaces() -> None:
    """odfpy declares every namespace used by any earlier document of the process (a
    class-level dict), so output would depend on history: declare all known ones, in a
    fixed order. Only adds declarations, so other documents stay valid."""
    known = element.Element.namespaces
    others = {ns: prefix for ns, prefix in known.items() if ns not in nsdict}
    known.clear()
    known.update(sorted(nsdict.items()))
    known.update(others)


def write_ods(path: Path, tab: Table) -> None:
    _pin_odf_namespaces()
    doc = OpenDocumentSpreadsheet()
    dmy = number.DateStyle(name="dmy")
    for part in (
        number.Day(style="long"),
        number.Text(text="/"),
        number.Month(style="long"),
        number.Text(text="/"),
        number.Year(style="long"),
    ):
        dmy.addElement(part)
    doc.automaticstyles.addElement(dmy)
    cell_style = style.Style(name="cdate", family="table-cell", datastylename="dmy")
    doc.automaticstyles.addElement(cell_style)
    sheet = table.Table(name=tab.sheet)
    width = len(tab.header)
    lines = [[t] + [None] * (width - 1) for t in tab.titles]
    lines += [tab.header] + tab.rows() + tab.trailer
    for values in lines:
        tr = table.TableRow()
        for c, v in enumerate(values):
            tr.addElement(_ods_cell(v, tab.kinds[c], "cdate"))
        sheet.addElement(tr)
    doc.spreadsheet.addElement(sheet)
    buf = io.BytesIO()
    doc.write(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with a fixed timestamp on every member (odfpy stamps 'now')."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def write_csv(path: Path, tab: Table, encoding: str, sep: str) -> None:
    """As Excel saves CSV: every line padded to the header's width, CRLF line ends."""
    width = len(tab.header)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for t in tab.titles:
        w.writerow([t or ""] + [""] * (width - 1))
    w.writerow(tab.header)
    w.writerows(["" if v is None else v for v in r] for r in tab.rows())
    w.writerows(["" if v is None else v for v in r] for r in tab.trailer)
    path.write_bytes(buf.getvalue().encode(encoding))
