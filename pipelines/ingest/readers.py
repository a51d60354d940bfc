"""Read a partner or reference file into text columns named after the contract.

Output of `read_table`: one row per non-blank data row under the header, with
`row_number` (the row the partner sees, 1-based, title rows included),
`is_total` (first non-empty cell starts with "Total") and one Utf8 column per
recognised contract column, holding the cell as typed (dates of spreadsheet
cells as ISO text, numbers as text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import python_calamine

from pipelines.ingest.csvsource import read_csv_rows
from pipelines.ingest.errors import FileRefused
from pipelines.ingest.headers import HEADER_SEARCH_ROWS, ColumnSpec, HeaderMatch, find_header
from pipelines.ingest.text import SPACES, fold_expr

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
FORMATS = (".csv", *SPREADSHEETS)
_SUSPECT_START = f"^[{SPACES}Tt]"  # may be blank or a "Total" row: look closer


@dataclass
class Table:
    frame: pl.DataFrame
    header: HeaderMatch
    header_row: int  # 1-based
    encoding: str


def read_table(path: Path, specs: Sequence[ColumnSpec], max_bytes: int) -> Table:
    """Read the first sheet (or the CSV) and locate its header. Raises FileRefused."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise FileRefused(
            "format_inconnu",
            f"Format « {path.suffix or 'sans extension'} » non accepté : "
            "envoyez un fichier .csv, .xlsx, .xls ou .ods.",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRefused("illisible", f"Le fichier n'a pas pu être ouvert ({exc}).") from None
    if size == 0:
        raise FileRefused("fichier_vide", "Le fichier est vide (0 octet).")
    if size > max_bytes:
        raise FileRefused(
            "taille_max",
            f"Le fichier pèse {size / 2**20:.1f} Mo, au-delà de la limite de "
            f"{max_bytes / 2**20:.0f} Mo : découpez-le ou contactez l'équipe évaluation.",
        )
    if suffix == ".csv":
        rows, header, encoding = read_csv_rows(path, specs, size)
    else:
        header, rows = _locate_header(_read_sheet_rows(path), specs)
        encoding = suffix[1:]
    _check_header(header, specs)
    return Table(_data_rows(rows, header), header, header.index + 1, encoding)


def _check_header(header: HeaderMatch, specs: Sequence[ColumnSpec]) -> None:
    if header.index is not None:
        return
    if header.matched_any:
        raise FileRefused(
            "colonne_manquante",
            "Colonne(s) obligatoire(s) absente(s) : "
            + ", ".join(f"« {label} »" for label in header.missing)
            + f". L'en-tête doit se trouver dans les {HEADER_SEARCH_ROWS} premières lignes.",
        )
    expected = ", ".join(f"« {s.label} »" for s in specs if s.required)
    raise FileRefused(
        "fichier_vide",
        f"Aucune ligne d'en-tête reconnue dans les {HEADER_SEARCH_ROWS} premières lignes : "
        "le fichier est vide "
        f"ou ne suit pas le modèle (colonnes attendues : {expected}).",
    )


def _read_sheet_rows(path: Path) -> list[list]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRefused("fichier_vide", "Le classeur ne contient aucune feuille.")
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise FileRefused(
            "illisible",
            f"Le classeur est illisible ou endommagé ({exc}). Ré-enregistrez-le depuis "
            "le tableur au format .xlsx ou .ods.",
        ) from None


def _locate_header(
    rows: list[list], specs: Sequence[ColumnSpec]
) -> tuple[HeaderMatch, pl.DataFrame]:
    """Header search, then the rows from the header on as text columns c0..cN."""
    header = find_header([[_cell_text(c) for c in row] for row in rows[:HEADER_SEARCH_ROWS]], specs)
    if header.index is None:
        return header, pl.DataFrame()
    width = max(header.columns.values()) + 1
    body = rows[header.index :]
    columns = {
        f"c{j}": pl.Series([_cell_text(r[j]) if j < len(r) else None for r in body], dtype=pl.Utf8)
        for j in range(width)
    }
    return header, pl.DataFrame(columns)


def _cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a person would read (dates as ISO, time dropped)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value if value.strip(SPACES) else None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Decimal comma: '999.999' would read as a French thousands separator (999 999).
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _data_rows(rows: pl.DataFrame, header: HeaderMatch) -> pl.DataFrame:
    """Rows under the header without blank rows, with row numbers and the Total flag.

    Blank cells, blank rows and Total rows are rare: candidates are found cheaply from the
    first character of the first non-null cell, and only those rows are looked at closely.
    """
    cells = [c for c in rows.columns if c.startswith("c")]
    frame = rows.with_row_index("row_number", offset=header.index + 1).slice(1)
    first = pl.col(cells[0])
    suspect = frame.select(first.is_null() | first.str.contains(_SUSPECT_START)).to_series()
    blank_rows: list[int] = []
    total_rows: list[int] = []
    if suspect.any():
        close = frame.filter(suspect).select(
            "row_number",
            pl.coalesce(
                pl.when(pl.col(c).str.strip_chars(SPACES) != "").then(pl.col(c)) for c in cells
            )
            .str.strip_chars_start(SPACES)
            .alias("first"),
        )
        blank_rows = close.filter(pl.col("first").is_null())["row_number"].to_list()
        is_total = fold_expr(pl.col("first").str.slice(0, 8)).str.starts_with("total")
        total_rows = close.filter(is_total)["row_number"].to_list()
    if blank_rows:
        frame = frame.filter(~pl.col("row_number").is_in(blank_rows))
    return frame.select(
        pl.col("row_number").cast(pl.Int32),
        pl.col("row_number").is_in(total_rows).alias("is_total"),
        *(pl.col(f"c{pos}").alias(name) for name, pos in header.columns.items()),
    )
