"""The contract's code lists as the readers use them: codes in order, folded spellings.

Declared in pipelines/contract/codes.py; this module only derives lookups from them.
"""

from __future__ import annotations

from pipelines.contract import BOOLEANS, CONTRACT, HORS_QPV, Contract
from pipelines.ingest.text import fold_code

__all__ = ["BOOLEANS", "HORS_QPV", "codes_of", "synonyms_of"]


def codes_of(domain: str, contract: Contract = CONTRACT) -> tuple[str, ...]:
    """The contract's codes of a domain, in the contract's order."""
    return contract.domains[domain].values()


def synonyms_of(domain: str, contract: Contract = CONTRACT) -> dict[str, str]:
    """folded spelling -> contract code."""
    mapping: dict[str, str] = {}
    for code in contract.domains[domain].codes:
        for spelling in (code.code, *code.synonyms):
            mapping[fold_code(spelling)] = code.code
    return mapping
