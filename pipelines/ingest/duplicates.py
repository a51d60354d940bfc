"""Duplicate keys inside one file: the first row is kept, the others are rejected."""

from __future__ import annotations

import polars as pl

from pipelines.contract import Kind
from pipelines.ingest.issues import empty_issues
from pipelines.ingest.text import message


def find_duplicates(
    kind: Kind, frame: pl.DataFrame, rejected: pl.Series, file_column: str | None = None
) -> tuple[pl.Series, pl.DataFrame]:
    """Rows to drop (`rejected` plus repeated keys) and the 'doublon' rejection lines.

    Among the rows not already rejected, the first row of each key is kept, the others
    are duplicates (a rejected row never shadows a later valid one). A 64-bit fingerprint
    of the key (xor of per-column hashes) is sorted to find repeated fingerprints; exact
    keys are then compared on those candidate rows only, so a hash collision never
    rejects a row. With `file_column` (files validated together), a key repeats only
    within its file.
    """
    keys = list(kind.key)  # declared in pipelines/contract/kinds.py
    within = [*keys, file_column] if file_column else keys
    fingerprint = pl.lit(0, pl.UInt64)
    for seed, key in enumerate(within):
        fingerprint = fingerprint.xor(pl.col(key).hash(seed=seed))
    prints = frame.select(fingerprint.alias("fp")).to_series()
    ordered = prints.filter(~rejected).sort()
    repeated = ordered.filter(ordered == ordered.shift(1)).unique()  # diff() overflows u64
    if repeated.is_empty():
        return rejected, empty_issues(file_column)
    candidates = prints.is_in(repeated.implode()) & ~rejected
    rows = frame.with_row_index("_index").filter(candidates)
    rows = rows.with_columns(pl.col("row_number").min().over(within).alias("_first"))
    dups = rows.filter(pl.col("row_number") != pl.col("_first"))
    shown = [
        pl.col(k).dt.strftime("%d/%m/%Y") if frame.schema[k] == pl.Date else pl.col(k) for k in keys
    ]
    issues = dups.select(
        pl.col("row_number").cast(pl.Int32),
        pl.lit(", ".join(keys)).alias("colonne"),
        pl.concat_str(shown, separator=" | ").alias("valeur"),
        pl.lit("doublon").alias("regle"),
        message(
            "Doublon de la ligne {} ({}) : seule la première ligne est conservée.",
            pl.col("_first"),
            pl.lit(kind.key_words),
        ).alias("message"),
        *([file_column] if file_column else []),
    )
    return rejected.clone().scatter(dups["_index"], True), issues
