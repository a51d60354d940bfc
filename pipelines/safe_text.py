"""Spreadsheet formula neutralisation (CSV/formula injection, OWASP).

Every text cell we export may come from a partner or a reference file: an action
libelle "=HYPERLINK(...)" or "@SUM(1)" would run as a formula once opened in Excel or
LibreOffice. OWASP's rule: a text cell must not start with = + - @ tab or CR; prefix
it with a single quote so that it is shown as text. We also catch the full-width forms
(＝ ＋ － ＠, read as formulas by some Excel locales) and those characters behind leading
blanks. Numbers are not text: they are returned untouched (a negative number stays a
number).
"""

from __future__ import annotations

import re

import polars as pl

# Leading blanks, then a character a spreadsheet reads as the start of a formula; or a
# leading tab / carriage return (OWASP list).
DANGEROUS_START = r"^(?:[\t\r]|[ \n]*[=+\-@\uff1d\uff0b\uff0d\uff20])"
_DANGEROUS = re.compile(DANGEROUS_START)


def neutralise(text):
    """Return `text` prefixed with "'" when a spreadsheet could run it as a formula.

    Non-text values (numbers, None, dates) are returned unchanged.
    """
    if isinstance(text, str) and _DANGEROUS.match(text):
        return "'" + text
    return text


def neutralise_expr(expr: pl.Expr | str) -> pl.Expr:
    """Vectorised neutralise() for a polars String column (nulls stay null)."""
    col = pl.col(expr) if isinstance(expr, str) else expr
    return pl.when(col.str.contains(DANGEROUS_START)).then(pl.lit("'") + col).otherwise(col)


def neutralise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Apply neutralise() to every String column of `df`; other columns are untouched."""
    text_cols = [name for name, dtype in df.schema.items() if dtype == pl.String]
    if not text_cols:
        return df
    return df.with_columns(neutralise_expr(c).alias(c) for c in text_cols)
