"""Vectorised parsers of the values partners type (polars expressions).

Parsers take an expression on a Utf8 column and return the typed value, or
null when the text cannot be read. `on_distinct` runs a parser once per
distinct text: a 20-million-row sessions file holds a few hundred distinct
dates and a handful of presence codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from pipelines.ingest.domains import BOOLEANS
from pipelines.ingest.text import SPACES, fold_code_expr, fold_expr, message, remove_spaces_expr

_TAIL = r"(?:[ T].*)?$"  # a time after the date is ignored
_ISO = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TAIL
_FRENCH = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TAIL
_SERIAL = r"^\d{5}(?:[.,]\d+)?$"
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial numbers accepted as dates: 1950-01-01 .. 2099-12-31 (a bare "2025" is no date).
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050
DATE_YEARS = (1900, 2100)
MAX_AMOUNT = 1e15


def on_distinct(
    frame: pl.DataFrame,
    column: str,
    parser: Callable[[pl.Expr], pl.Expr],
    memo: ParsedMemo | None = None,
) -> pl.Series:
    """parser(column) for every row, computed on the distinct values only (and, with a
    `memo` of this parser, only on the values it has not seen yet).

    When the parser changes no value (codes already as the contract spells them),
    the column itself is returned: no copy of a 20-million-row column.
    """
    source = frame.get_column(column)
    old = source.unique().drop_nulls()
    if memo is not None and 0 < len(old) <= MEMO_MAX_DISTINCT:
        new = memo.parse(old, parser)
    else:
        new = pl.DataFrame({column: old}).select(parser(pl.col(column))).to_series()
    if new.dtype == source.dtype and new.null_count() == 0 and (old == new).all():
        return source
    # Enum codes index the distinct values: one hash pass, then a gather.
    return new.gather(source.cast(pl.Enum(old)).to_physical()).alias(column)


MEMO_MAX_DISTINCT = 10_000  # above, the parser on the values costs less than Python's loop
MEMO_MAX_VALUES = 200_000  # memory bound of one memo


class ParsedMemo:
    """One parser's results by text, kept by a process across the files it reads.

    Planning and running a parser costs about 1 ms per call whatever the values, two
    thirds of the cost of a small file; partners send the same dates and codes file after
    file, so after the first files most calls find every value here.
    The parser must be the same function at every call (field_rules caches them).
    """

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.dtype: pl.DataType | None = None

    def parse(self, texts: pl.Series, parser: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
        wanted = texts.to_list()
        missing = [t for t in wanted if t not in self.values]
        if missing:
            fresh = pl.DataFrame({"v": missing}, schema={"v": pl.Utf8})
            parsed = fresh.select(parser(pl.col("v"))).to_series()
            if len(self.values) + len(missing) > MEMO_MAX_VALUES:
                self.values = {t: self.values[t] for t in wanted if t in self.values}
            self.values.update(zip(missing, parsed.to_list(), strict=True))
            self.dtype = parsed.dtype
        return pl.Series(texts.name, [self.values[t] for t in wanted], dtype=self.dtype)


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    text = message("{}-{}-{}", year, month.str.zfill(2), day.str.zfill(2))
    return text.str.to_date("%Y-%m-%d", strict=False)


def parse_date(expr: pl.Expr) -> pl.Expr:
    """dd/mm/yyyy, d/m/yyyy, dd/mm/yy (20yy), ISO, with or without time, Excel serial."""
    text = expr.str.strip_chars(SPACES)
    iso = text.str.extract_groups(_ISO)
    french = text.str.extract_groups(_FRENCH)
    french_year = french.struct.field("3")
    french_year = pl.when(french_year.str.len_bytes() == 2).then("20" + french_year)
    french_year = french_year.otherwise(french.struct.field("3"))
    serial = (
        text.str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
        .floor()
        .cast(pl.Int64, strict=False)  # '1E20', 'inf': no date, not an error
    )
    serial_ok = text.str.contains(_SERIAL) & serial.is_between(_SERIAL_MIN, _SERIAL_MAX)
    from_serial = pl.lit(EXCEL_EPOCH) + pl.duration(days=serial)
    parsed = pl.coalesce(
        _ymd(iso.struct.field("1"), iso.struct.field("2"), iso.struct.field("3")),
        _ymd(french_year, french.struct.field("2"), french.struct.field("1")),
        pl.when(serial_ok).then(from_serial.cast(pl.Date)),
    )
    return pl.when(parsed.dt.year().is_between(*DATE_YEARS)).then(parsed)


def parse_amount(expr: pl.Expr) -> pl.Expr:
    """'1 250,50 €', '1250.5', '1.250,50' -> Float64."""
    text = expr.str.replace_all(r"[\s\u00a0\u202f\u2009\u2007€]", "")
    text = text.str.replace(r"(?i)eur(o|os)?$", "")
    thousands_dot = text.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
    thousands_comma = text.str.contains(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")
    normalised = (
        pl.when(thousands_dot)
        .then(text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(thousands_comma)
        .then(text.str.replace_all(",", "", literal=True))
        .otherwise(text.str.replace(",", ".", literal=True))
    )
    ok = normalised.str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)$")
    # Cents, as stored (DECIMAL(18, 2)): '0,004' is 0 and fails 'montant > 0' here, not later.
    amount = normalised.cast(pl.Float64, strict=False).round(2)
    # raw.financements.montant_accorde is DECIMAL(18, 2): larger amounts are typing errors
    return pl.when(ok & (amount.abs() < MAX_AMOUNT)).then(amount)


def parse_bool(expr: pl.Expr) -> pl.Expr:
    return fold_expr(expr).replace_strict(BOOLEANS, default=None, return_dtype=pl.Boolean)


def parse_int(expr: pl.Expr) -> pl.Expr:
    """'1985', '1985.0' (spreadsheet numbers) -> Int32; '1985.5' -> null."""
    number = (
        remove_spaces_expr(expr).str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    )
    return (
        pl.when(number == number.floor())
        .then(number.cast(pl.Int64, strict=False))
        .cast(pl.Int32, strict=False)  # beyond Int32 ('99999999999'): null, not an error
    )


def parse_code(synonyms: dict[str, str]) -> Callable[[pl.Expr], pl.Expr]:
    """Parser mapping a typed code to the contract's code (null when unknown)."""

    def parser(expr: pl.Expr) -> pl.Expr:
        return fold_code_expr(expr).replace_strict(synonyms, default=None, return_dtype=pl.Utf8)

    return parser


def code_key(expr: pl.Expr) -> pl.Expr:
    """Key to compare reference codes: no spaces, upper case ('qn 014 04m' -> 'QN01404M')."""
    return remove_spaces_expr(expr).str.to_uppercase()


def parse_reference_code(canonical: dict[str, str]) -> Callable[[pl.Expr], pl.Expr]:
    """Parser mapping a code to its spelling in the reference; `canonical` is key -> code."""

    def parser(expr: pl.Expr) -> pl.Expr:
        return code_key(expr).replace_strict(canonical, default=None, return_dtype=pl.Utf8)

    return parser
