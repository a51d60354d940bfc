"""Small helpers to show tables in Dagster's UI metadata."""

from __future__ import annotations

import dagster as dg
import polars as pl


def md_table(df: pl.DataFrame, limit: int = 30) -> dg.MetadataValue:
    """A markdown table (Dagster renders it) of the first `limit` rows."""
    if df.is_empty():
        return dg.MetadataValue.md("_(aucune ligne)_")
    head = df.head(limit)
    cells = [
        [("" if v is None else str(v)).replace("|", "\\|") for v in row] for row in head.rows()
    ]
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    if df.height > limit:
        lines.append(f"\n_… {df.height - limit} lignes de plus_")
    return dg.MetadataValue.md("\n".join(lines))
