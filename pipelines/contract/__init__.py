"""The data contract (docs/data-contract.md), declared once.

CONTRACT holds, per file kind, each column (canonical name, French label, synonyms,
type, required flag, codes), the keys and row rules, and every rule code with where it
arises. Header matching, parsing, the pandera schemas, the raw/staging DDL, report labels
and the partner kit are derived from it.
"""

from __future__ import annotations

from pipelines.contract.codes import BOOLEANS, DOMAINS, HORS_QPV, HORS_QPV_SPELLINGS
from pipelines.contract.kinds import KINDS
from pipelines.contract.model import (
    OUTCOMES,
    STAGE_LABELS,
    STAGES,
    Code,
    Column,
    Contract,
    Domain,
    Kind,
    RowRule,
    Rule,
    ValueType,
)
from pipelines.contract.rules import RULES, codes_at
from pipelines.contract.types import BUDGET_YEARS, TYPES
from pipelines.settings import AGE_RANGE  # fixed by the contract, defined once in settings

CONTRACT = Contract(
    version="2", types=TYPES, domains=DOMAINS, kinds=KINDS, rules=RULES, booleans=BOOLEANS
)

__all__ = [
    "AGE_RANGE",
    "BUDGET_YEARS",
    "CONTRACT",
    "HORS_QPV",
    "HORS_QPV_SPELLINGS",
    "OUTCOMES",
    "STAGES",
    "STAGE_LABELS",
    "Code",
    "Column",
    "Contract",
    "Domain",
    "Kind",
    "Rule",
    "RowRule",
    "ValueType",
    "codes_at",
]
