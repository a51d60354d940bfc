"""Header recognition: which row is the header and which column holds what.

The header is the first row, within the first 20, that holds every required
column; names are compared after `fold_header` (case, accents, separators,
"de"/"d'", bracketed text ignored) against the contract's labels and synonyms
(pipelines/contract/kinds.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipelines import settings
from pipelines.contract import CONTRACT, Contract
from pipelines.ingest.text import fold_header

HEADER_SEARCH_ROWS = settings.HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # column of the contract
    label: str  # French label for messages
    required: bool = True
    synonyms: tuple[str, ...] = ()  # as people type them


def kind_columns(contract: Contract = CONTRACT) -> dict[str, tuple[ColumnSpec, ...]]:
    """Header specs of every kind, from the contract's columns."""
    return {
        name: tuple(ColumnSpec(c.name, c.label, c.required, c.synonyms) for c in kind.columns)
        for name, kind in contract.kinds.items()
    }


KIND_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = kind_columns()


@dataclass(frozen=True)
class HeaderMatch:
    """Outcome of the header search; `index` is None when no row fits."""

    index: int | None  # 0-based row of the header in the grid
    columns: dict[str, int]  # contract column -> position in the row
    headers: dict[str, str]  # contract column -> header as the partner typed it
    missing: tuple[str, ...] = ()  # labels of required columns missing in the best row
    matched_any: bool = False  # some row looked like a header at all


def synonym_map(specs: Sequence[ColumnSpec]) -> dict[str, str]:
    """Folded header -> contract column (read only: shared by every file of a kind)."""
    return _synonym_map(tuple(specs))


@lru_cache(maxsize=64)  # folding every synonym took about 1 ms per file
def _synonym_map(specs: tuple[ColumnSpec, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for spec in specs:
        for typed in (spec.name, spec.label, *spec.synonyms):
            mapping.setdefault(fold_header(typed), spec.name)
    return mapping


def match_row(row: Sequence[object], synonyms: dict[str, str]) -> tuple[dict[str, int], dict]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, cell in enumerate(row):
        name = synonyms.get(fold_header(cell))
        if name is not None and name not in columns:  # first column of a name wins
            columns[name] = position
            headers[name] = str(cell).strip()
    return columns, headers


def find_header(rows: Sequence[Sequence[object]], specs: Sequence[ColumnSpec]) -> HeaderMatch:
    synonyms = synonym_map(specs)
    required = [s for s in specs if s.required]
    best: tuple[int, list[str]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns, headers = match_row(row, synonyms)
        missing = [s.label for s in required if s.name not in columns]
        if not missing:
            return HeaderMatch(index, columns, headers, matched_any=True)
        if columns and (best is None or len(missing) < len(best[1])):
            best = (index, missing)
    if best is None:
        return HeaderMatch(None, {}, {})
    return HeaderMatch(None, {}, {}, missing=tuple(best[1]), matched_any=True)
