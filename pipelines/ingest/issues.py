"""Rejection and warning lines (ISSUE_COLUMNS): one line per row and problem."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.contract import CONTRACT
from pipelines.ingest.model import ISSUE_COLUMNS
from pipelines.ingest.text import SPACES

ISSUE_SCHEMA = {
    "row_number": pl.Int32,
    "colonne": pl.Utf8,
    "valeur": pl.Utf8,
    "regle": pl.Utf8,
    "message": pl.Utf8,
}


@dataclass(frozen=True)
class Problem:
    mask: pl.Expr  # rows with the problem
    colonne: str
    regle: str
    message: pl.Expr  # French, per row
    valeur: pl.Expr | None = None  # defaults to the raw value of `colonne`

    def __post_init__(self) -> None:
        CONTRACT.rule(self.regle)  # every rule code is declared in pipelines/contract/rules.py


def empty_issues(file_column: str | None = None) -> pl.DataFrame:
    """No issue lines; with `file_column`, the lines of files validated together carry
    their file's position (pipelines/ingest/rules.py, validate_together)."""
    extra = {file_column: pl.UInt32} if file_column else {}
    return pl.DataFrame(schema={**ISSUE_SCHEMA, **extra})


def clean_raw(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells of spaces only count as empty (done on the few suspect rows only)."""
    raw = [c for c in frame.columns if c.startswith("raw_")]
    blank = {c: pl.col(c).str.strip_chars(SPACES) == "" for c in raw}
    return frame.with_columns(pl.when(~blank[c]).then(pl.col(c)).alias(c) for c in raw)


def flag(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    return frame.with_columns(
        p.mask.fill_null(False).alias(f"_p{i}") for i, p in enumerate(problems)
    )


def issues(
    frame: pl.DataFrame, problems: list[Problem], file_column: str | None = None
) -> pl.DataFrame:
    """One issue line per (row, problem) from a frame flagged by `flag` (with the row's
    `file_column` when given)."""
    kept = [file_column] if file_column else []
    parts = []
    for i, problem in enumerate(problems):
        valeur = problem.valeur if problem.valeur is not None else pl.col(f"raw_{problem.colonne}")
        parts.append(
            frame.filter(pl.col(f"_p{i}")).select(
                pl.col("row_number").cast(pl.Int32),
                pl.lit(problem.colonne).alias("colonne"),
                valeur.cast(pl.Utf8).alias("valeur"),
                pl.lit(problem.regle).alias("regle"),
                problem.message.cast(pl.Utf8).alias("message"),
                *kept,
            )
        )
    return pl.concat([empty_issues(file_column), *parts]).select(*ISSUE_COLUMNS, *kept)
