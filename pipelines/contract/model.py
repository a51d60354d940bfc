"""Shapes of the declarative data contract: codes, value types, columns, kinds, rules.

Everything is a frozen value with identity hashing (`eq=False`), so a modified copy of the
contract (`Contract.with_code`) is a new object that derived artefacts (pandera schemas,
parsers) can be cached on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl

STAGES = ("scan", "file", "row", "cross_file")
STAGE_LABELS = {
    "scan": "dépôt (emplacement, nom, taille du fichier)",
    "file": "fichier (lecture, en-tête)",
    "row": "ligne",
    "cross_file": "entre fichiers (après chargement)",
}
OUTCOMES = {
    "refus": "fichier refusé en entier",
    "rejet": "ligne rejetée",
    "avertissement": "ligne conservée, signalée",
}


@dataclass(frozen=True, eq=False)
class Code:
    code: str  # as the contract spells it
    label: str  # French, for the partner kit and the guide
    synonyms: tuple[str, ...] = ()  # other spellings partners use (compared after fold_code)


@dataclass(frozen=True, eq=False)
class Domain:
    """A closed list of codes (section 2 of the contract)."""

    name: str
    codes: tuple[Code, ...]
    item: str = "une valeur admise"  # French, in « x » n'est pas <item> (list columns)

    def values(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)


@dataclass(frozen=True, eq=False)
class ValueType:
    """How a column's text is read: parser (named, see pipelines.ingest.fields), storage
    types, the rule broken when the text cannot be read, and how to explain it."""

    name: str
    polars: type[pl.DataType]
    sql: str
    rule: str  # rule code when the text cannot be read
    explain: str  # French, after « value » in a rejection message
    help: str  # French, what to type (partner kit)
    excel: str = "text"  # template cell: text | date | amount | integer


@dataclass(frozen=True, eq=False)
class Column:
    name: str  # canonical name (contract section 2)
    label: str  # French header of the template, used in messages
    type: str  # a ValueType name
    required: bool = True
    synonyms: tuple[str, ...] = ()  # headers as people type them
    domain: str | None = None  # closed list of codes (type "code" / "codes")
    warn_only: bool = False  # optional: an invalid value is dropped with a warning
    required_with: str | None = None  # optional, but required when this column is filled
    help: str = ""  # French, what the column holds (partner kit, guide)


@dataclass(frozen=True, eq=False)
class RowRule:
    """A rule between columns of one row. `holds` is the invariant every accepted row
    satisfies (typed columns); it becomes a pandera check."""

    code: str
    column: str  # column reported in the rejection
    holds: Callable[[], pl.Expr] | None = None


@dataclass(frozen=True, eq=False)
class Kind:
    name: str  # participants | seances | financements
    label: str  # French
    description: str  # French, one row per ...
    prefixes: tuple[str, ...]  # file name starts (folded), contract section 1
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    key_words: str  # French, the key in words for duplicate messages
    row_rules: tuple[RowRule, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True, eq=False)
class Rule:
    """A rule code, declared once: where it arises and what it means (French)."""

    code: str
    stages: tuple[str, ...]  # among STAGES
    outcome: str  # among OUTCOMES
    label: str  # French, one sentence for reports and the partner guide


@dataclass(frozen=True, eq=False)
class Contract:
    version: str
    types: dict[str, ValueType]
    domains: dict[str, Domain]
    kinds: dict[str, Kind]
    rules: dict[str, Rule]
    booleans: dict[str, bool] = field(default_factory=dict)

    def kind(self, name: str) -> Kind:
        return self.kinds[name]

    def domain_of(self, column: Column) -> Domain | None:
        return self.domains[column.domain] if column.domain else None

    def rule(self, code: str) -> Rule:
        """The declared rule; an undeclared code is a bug of the pipeline, not of a file."""
        try:
            return self.rules[code]
        except KeyError:
            raise KeyError(f"rule code {code!r} is not declared in pipelines/contract") from None

    def with_code(self, domain: str, code: Code) -> Contract:
        """A copy of the contract whose domain accepts one more code (tests, extensions)."""
        old = self.domains[domain]
        domains = {**self.domains, domain: replace(old, codes=(*old.codes, code))}
        return replace(self, domains=domains)
