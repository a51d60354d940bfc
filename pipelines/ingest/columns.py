"""Accepted columns of each kind with their polars dtypes (no pandera: imported by the
scan and the rules, which a run with nothing new loads without validating anything)."""

from __future__ import annotations

import polars as pl

from pipelines.contract import CONTRACT, Contract


def columns_of(kind: str, contract: Contract = CONTRACT) -> dict[str, pl.DataType]:
    """Accepted columns of a kind with their polars dtypes, in raw.<kind> order."""
    return {"row_number": pl.Int32} | {
        c.name: contract.types[c.type].polars for c in contract.kind(kind).columns
    }
