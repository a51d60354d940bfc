"""pandera contracts of the accepted rows (columns of raw.<kind> minus file_id), generated
from the data contract (pipelines/contract/).

parse_report validates every accepted frame against these schemas: the rule masks of
rules.py decide what is rejected, the schemas state what "accepted" means (types, codes,
required columns, the row rules' invariants) and fail loudly if the two ever disagree.

`conforms` answers "would validate() pass?" in one polars query: pandera collects once per
column and per check (about 25 collects, 20 to 45 ms a call whatever the rows, a third of
the workers' pandera-bound CPU on a big city's files). It evaluates pandera's own check
functions, so a frame that conforms passes validate(); a frame that does not is handed to
validate(), which makes the verdict and the error message.
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.backends.polars import builtin_checks  # noqa: F401 (registers pandera's checks)
from pandera.backends.polars.checks import PolarsCheckBackend

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


def conforms(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> bool:
    """True only when schema.validate(frame) passes: same columns in the same order with the
    same types, no null (nor NaN) where not nullable, and every check true (or null when
    the check ignores nulls). False may still pass validate()."""
    expected, conditions = _compiled(schema)
    if conditions is None or frame.schema != expected:
        return False
    lazy = frame.lazy()
    parts = [condition(lazy) for condition in conditions]
    if any(part is False for part in parts):  # a check that answers for the whole frame
        return False
    parts = [part for part in parts if part is not True]
    if not parts:
        return True
    verdict = pl.concat(parts, how="horizontal").select(pl.all_horizontal(pl.all()).all())
    return bool(verdict.collect().item())


_COMPILED: dict[int, tuple] = {}  # by id(schema); holds the schema, so the id stays its own


def _compiled(schema: pa.DataFrameSchema) -> tuple[pl.Schema, list | None]:
    if id(schema) not in _COMPILED:
        expected = pl.Schema({name: col.dtype.type for name, col in schema.columns.items()})
        _COMPILED[id(schema)] = (schema, expected, _conditions(schema))
    return _COMPILED[id(schema)][1:]


def _conditions(schema: pa.DataFrameSchema) -> list | None:
    """One function per condition (LazyFrame -> one boolean column, true where the row
    passes), or None when the schema uses a feature conforms() does not evaluate."""
    plain = not (schema.coerce or schema.unique or schema.parsers or schema.add_missing_columns)
    if not (plain and schema.strict is True and schema.ordered):
        return None
    conditions = []
    for index, (name, column) in enumerate(schema.columns.items()):
        if column.coerce or column.unique or column.regex or column.parsers:
            return None
        if not column.nullable:
            conditions.append(_not_null(name, column.dtype.type.is_float(), f"n{index}"))
        conditions += [
            _check(check, name, f"c{index}.{i}") for i, check in enumerate(column.checks)
        ]
    conditions += [_check(check, "*", f"f{i}") for i, check in enumerate(schema.checks)]
    if any(c is None for c in conditions):
        return None
    return conditions


def _not_null(name: str, is_float: bool, alias: str):
    condition = pl.col(name).is_not_null()
    if is_float:  # pandera counts NaN as null
        condition = condition & pl.col(name).is_not_nan()
    return lambda lazy: lazy.select(condition.alias(alias))


def _check(check: pa.Check, key: str, alias: str):
    """pandera's own evaluation of `check` (its backend's apply), nulls read as pandera
    reads them (ignore_na: a pass)."""
    if check.groupby is not None or check.groups is not None:
        return None
    backend = PolarsCheckBackend(check)

    def condition(lazy: pl.LazyFrame) -> pl.LazyFrame | bool:
        out = backend.apply(PolarsData(lazy, key))
        if isinstance(out, bool):
            return out
        return out.select(pl.first().fill_null(check.ignore_na).alias(alias))

    return condition


SCHEMAS: dict[str, pa.DataFrameSchema] = {kind: schema_for(kind) for kind in CONTRACT.kinds}
