"""The published workbooks (indicateurs.xlsx, one per funder), written by rust_xlsxwriter.

xlsxwriter spends a few microseconds of Python per cell: at a big city's size the
publication's workbooks took 33 CPU-s, 6.2 with rustpy-xlsxwriter
(benchmarks/bench_workbooks.py). Every text cell is written as text, never as a
formula (text is neutralised before, pipelines/safe_text.py); a secret cell holds 's'
where its number would be, and a yes/no column 'oui'/'non'.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import rustpy_xlsxwriter as rx

from pipelines.safe_text import neutralise

SECRET_MARK = "s"
DATE, DATETIME = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class Sheet:
    """A data sheet: a header row (bold, frozen, with filters) then `frame`'s rows.
    `secret_columns` show 's' on the rows whose `secret` column is true."""

    name: str
    frame: pl.DataFrame
    width: float = 16
    widths: dict[str, float] | None = None
    wrap: bool = False
    secret_columns: tuple[str, ...] = ()


def write_workbook(path: Path, sheets: list[Sheet], readme: list[tuple[str, str]]) -> None:
    """Write the data sheets, then a 'lisez-moi' sheet of (heading, text) lines."""
    bold, wrap = rx.Format().set_bold(), rx.Format().set_text_wrap().set_align("top")
    day = rx.Format().set_num_format(DATE)
    entries, widths, formats, frozen, filters = [], {}, {}, {}, {}
    by_infinity = _secret_as_infinity(sheets)
    for sheet in sheets:
        entries.append((sheet.name, _cells(sheet, by_infinity)))
        widths[sheet.name] = {
            c: (sheet.widths or {}).get(c, sheet.width) for c in sheet.frame.columns
        }
        formats[sheet.name] = {
            c: wrap if sheet.wrap else day
            for c, dtype in sheet.frame.schema.items()
            if sheet.wrap or dtype == pl.Date
        }
        frozen[sheet.name] = {"row": 1, "col": 0}
        filters[sheet.name] = True
    # the writer puts a header row first: the first line is it, so that the sheet reads
    # as a plain list of lines (heading in bold, text wrapped)
    (head_key, head_text), *lines = [(neutralise(k), neutralise(v)) for k, v in readme]
    if not head_text or head_key == head_text:
        (head_key, head_text), lines = ("Rubrique", "Contenu"), [(head_key, head_text), *lines]
    notes = pl.DataFrame(lines, schema=[head_key, head_text], orient="row")
    entries.append(("lisez-moi", notes))
    widths["lisez-moi"] = [36, 110]
    formats["lisez-moi"] = {head_key: bold, head_text: wrap}
    rx.write_worksheets(
        entries,
        str(path),
        freeze_panes=frozen,
        datetime_format=DATETIME,
        bold_headers=True,
        column_widths=widths,
        column_formats=formats,
        autofilter=filters,
        **({"inf_value": SECRET_MARK} if by_infinity else {}),
    )


def _secret_as_infinity(sheets: list[Sheet]) -> bool:
    """Whether the secret cells can be written as infinities that the writer shows as 's'
    (inf_value): every secret column holds floats and no sheet has a true infinity. Else
    the rows go to the writer as dicts, 0.5 CPU-s more per 100 k rows."""
    for sheet in sheets:
        floats = [c for c, dtype in sheet.frame.schema.items() if dtype.is_float()]
        if not set(sheet.secret_columns) <= set(floats):
            return False
        if floats and any(sheet.frame.select(pl.col(floats).is_infinite().any()).row(0)):
            return False
    return True


def _cells(sheet: Sheet, by_infinity: bool):
    """The sheet's rows as the writer takes them: a frame (secret cells as infinities when
    `by_infinity`), or row dicts when a column mixes numbers and 's'."""
    frame = sheet.frame
    if sheet.secret_columns and by_infinity:
        hidden = pl.col("secret").fill_null(False)
        frame = frame.with_columns(
            pl.when(hidden).then(float("inf")).otherwise(pl.col(c)).alias(c)
            for c in sheet.secret_columns
        )
    frame = frame.with_columns(
        pl.when(pl.col(c)).then(pl.lit("oui")).otherwise(pl.lit("non")).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )
    if by_infinity or not sheet.secret_columns or not sheet.frame.height:
        return frame
    rows = frame.to_dicts()
    hidden = dict.fromkeys(sheet.secret_columns, SECRET_MARK)
    for i in sheet.frame.get_column("secret").arg_true().to_list():
        rows[i].update(hidden)
    return rows
