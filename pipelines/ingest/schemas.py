"""pandera contracts of the accepted rows (columns of raw.<kind> minus file_id), generated
from the data contract (pipelines/contract/).

parse_report validates every accepted frame against these schemas: the rule masks of
rules.py decide what is rejected, the schemas state what "accepted" means (types, codes,
required columns, the row rules' invariants) and fail loudly if the two ever disagree.
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl

from pipelines.contract import BUDGET_YEARS, CONTRACT, Column, Contract


def _checks(column: Column, contract: Contract) -> list[pa.Check]:
    domain = contract.domain_of(column)
    if column.type == "codes":
        one = "|".join(domain.values())
        return [pa.Check.str_matches(rf"^({one})(;({one}))*$")]
    if domain is not None:
        return [pa.Check.isin(domain.values())]
    if column.type == "identifiant":
        return [pa.Check.str_length(min_value=1)]
    if column.type == "annee_budgetaire":
        return [pa.Check.in_range(*BUDGET_YEARS)]
    return []


def _holds(rule) -> pa.Check:
    def check(data) -> pl.LazyFrame:
        return data.lazyframe.select(rule.holds())

    return pa.Check(check, name=rule.code, error=f"règle {rule.code}")


@cache
def schema_for(kind: str, contract: Contract = CONTRACT) -> pa.DataFrameSchema:
    """The accepted rows of `kind` under `contract` (cached per contract object)."""
    columns = {"row_number": pa.Column(pl.Int32, pa.Check.ge(1))}
    for column in contract.kind(kind).columns:
        columns[column.name] = pa.Column(
            contract.types[column.type].polars,
            _checks(column, contract),
            nullable=not column.required,
        )
    rules = [r for r in contract.kind(kind).row_rules if r.holds is not None]
    return pa.DataFrameSchema(
        columns,
        checks=[_holds(r) for r in rules],
        strict=True,
        ordered=True,
        name=kind,
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {kind: schema_for(kind) for kind in CONTRACT.kinds}
