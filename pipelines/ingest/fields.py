"""Per-column parsing: raw text -> typed value, and what to say when it fails.

`parse_fields` turns each raw column `x` into `raw_x` (text as received) and
`x` (typed, null when unreadable), and lists the column-level problems as
`Problem`s (a mask plus a French message) for the rules module to report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from pipelines.contract import BUDGET_YEARS, CONTRACT, HORS_QPV_SPELLINGS, Column, Contract
from pipelines.ingest.domains import HORS_QPV, codes_of, synonyms_of
from pipelines.ingest.issues import Problem
from pipelines.ingest.model import PartnerContext
from pipelines.ingest.text import (
    SPACES,
    fold_code_expr,
    message,
    remove_spaces,
    remove_spaces_expr,
)
from pipelines.ingest.values import (
    ParsedMemo,
    on_distinct,
    parse_amount,
    parse_bool,
    parse_code,
    parse_date,
    parse_int,
    parse_reference_code,
)

Parser = Callable[[pl.Expr], pl.Expr]


@dataclass(frozen=True)
class FieldRule:
    parser: Parser
    rule: str
    explain: str  # French, after « value »
    # parse the whole column at once (ids: a million distinct values) instead of the
    # distinct values (dates, codes: a few hundred)
    whole: Callable[[pl.Series], pl.Series] | None = None
    memo: ParsedMemo = field(default_factory=ParsedMemo, compare=False)


def _in_range(parser: Parser, low: int, high: int) -> Parser:
    return lambda e: parser(e).pipe(lambda v: pl.when(v.is_between(low, high)).then(v))


def _key(code: str) -> str:
    return "".join(code.split()).upper()


def _parsers(
    all_actions: frozenset[str], qpv_codes: frozenset[str], contract: Contract
) -> dict[str, Callable[[Column], Parser]]:
    """The parser of each value type of the contract (pipelines/contract/types.py)."""
    actions = {_key(code): code for code in all_actions}
    qpvs = {_key(code): code for code in qpv_codes}
    qpvs.update({_key(k): HORS_QPV for k in HORS_QPV_SPELLINGS})
    return {
        "identifiant": lambda c: remove_spaces_expr,
        "action": lambda c: parse_reference_code(actions),
        "date": lambda c: parse_date,
        "code": lambda c: parse_code(synonyms_of(c.domain, contract)),
        "annee_naissance": lambda c: parse_int,
        "annee_budgetaire": lambda c: _in_range(parse_int, *BUDGET_YEARS),
        "montant": lambda c: parse_amount,
        "booleen": lambda c: parse_bool,
        "qpv": lambda c: parse_reference_code(qpvs),
    }


def field_rules(
    ctx: PartnerContext, kind: str | None = None, contract: Contract = CONTRACT
) -> dict[str, FieldRule]:
    """Column -> how to read it, for the columns of `kind` (default: every kind).

    Code-list columns (type "codes", e.g. freins) are read once the rows are kept
    (parse_code_lists). The rules depend on the reference's actions and QPVs only: one
    set serves every file of a process, with the memos of their parsers (ParsedMemo).
    """
    return _field_rules(ctx.all_actions, ctx.qpv_codes, kind, contract)


@lru_cache(maxsize=8)
def _field_rules(
    all_actions: frozenset[str], qpv_codes: frozenset[str], kind: str | None, contract: Contract
) -> dict[str, FieldRule]:
    parsers = _parsers(all_actions, qpv_codes, contract)
    kinds = [contract.kind(kind)] if kind else list(contract.kinds.values())
    rules: dict[str, FieldRule] = {}
    for column in (c for k in kinds for c in k.columns if c.type != "codes"):
        value_type = contract.types[column.type]
        explain = value_type.explain
        if column.domain:
            explain = explain.format(codes=", ".join(codes_of(column.domain, contract)))
        rules[column.name] = FieldRule(
            parsers[column.type](column),
            value_type.rule,
            explain,
            whole=remove_spaces if column.type == "identifiant" else None,
        )
    return rules


def parse_fields(
    frame: pl.DataFrame,
    rules: dict[str, FieldRule],
    headers: dict[str, str],
    required: set[str],
    warn_only: set[str],
) -> tuple[pl.DataFrame, list[Problem], list[Problem]]:
    """Typed columns next to the raw ones, plus (rejection problems, warning problems)."""
    parsed: list[pl.Series] = []
    rejections: list[Problem] = []
    warnings: list[Problem] = []
    for name, header in headers.items():
        rule = rules.get(name)
        if rule is None:  # a list column, parsed once the rows are kept
            continue
        if rule.whole is not None:
            parsed.append(rule.whole(frame.get_column(name)).alias(name))
        else:
            parsed.append(on_distinct(frame, name, rule.parser, rule.memo).alias(name))
        raw = pl.col(f"raw_{name}")
        invalid = raw.is_not_null() & pl.col(name).is_null()
        text = message("{} : « {} » " + rule.explain + ".", pl.lit(header), raw)
        problem = Problem(invalid, name, rule.rule, text)
        (warnings if name in warn_only else rejections).append(problem)
        if name in required:
            rejections.append(
                Problem(
                    raw.is_null(),
                    name,
                    "valeur_manquante",
                    pl.lit(f"{header} : valeur obligatoire manquante."),
                )
            )
    renamed = frame.rename({n: f"raw_{n}" for n in headers})
    return renamed.with_columns(parsed), rejections, warnings


def parse_code_list(
    kept: pl.DataFrame,
    column: Column,
    label: str,
    contract: Contract = CONTRACT,
    file_column: str | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A list column (freins): split on ';' or ','; valid items kept (joined by ';'),
    others warned.

    Worked out once per distinct cell text (people tick from a short list), then mapped
    back to the rows. The warnings keep the rows' `file_column` when given.
    """
    name, raw_name = column.name, f"raw_{column.name}"
    per_file = [file_column] if file_column else []
    domain = contract.domains[column.domain]
    synonyms = synonyms_of(domain.name, contract)
    cells = pl.DataFrame({raw_name: kept.get_column(raw_name).unique().drop_nulls()})
    items = (
        cells.with_columns(
            pl.col(raw_name).str.replace_all(",", ";", literal=True).str.split(";").alias("item")
        )
        .explode("item")
        .with_columns(pl.col("item").str.strip_chars(SPACES))
        .filter(pl.col("item").str.len_bytes() > 0)
        .with_columns(
            fold_code_expr(pl.col("item"))
            .replace_strict(synonyms, default=None, return_dtype=pl.Utf8)
            .alias("code")
        )
    )
    per_cell = items.group_by(raw_name, maintain_order=True).agg(
        pl.col("code").drop_nulls().unique(maintain_order=True).str.join(";").alias(name),
        pl.col("item").filter(pl.col("code").is_null()).alias("invalid"),
    )
    codes = per_cell.select(raw_name, pl.when(pl.col(name) != "").then(pl.col(name)).alias(name))
    kept = kept.with_columns(
        pl.col(raw_name)
        .replace_strict(codes[raw_name], codes[name], default=None, return_dtype=pl.Utf8)
        .alias(name)
    )
    invalid = per_cell.filter(pl.col("invalid").list.len() > 0).select(raw_name, "invalid")
    allowed = ", ".join(domain.values())
    warnings = (
        kept.filter(pl.col(raw_name).is_in(invalid[raw_name].implode()))
        .select("row_number", raw_name, *per_file)
        .join(invalid, on=raw_name, maintain_order="left")
        .explode("invalid")
        .select(
            pl.col("row_number").cast(pl.Int32),
            pl.lit(name).alias("colonne"),
            pl.col("invalid").alias("valeur"),
            pl.lit(contract.types[column.type].rule).alias("regle"),
            message(
                "{} : « {} » n'est pas " + domain.item + " ({}) ; valeur ignorée.",
                pl.lit(label),
                pl.col("invalid"),
                pl.lit(allowed),
            ).alias("message"),
            *per_file,
        )
    )
    return kept, warnings
