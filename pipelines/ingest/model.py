"""Plain data passed between the ingestion steps (no Dagster, no DuckDB)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pipelines.contract import CONTRACT

KINDS = tuple(CONTRACT.kinds)  # participants, seances, financements

# Columns of ingest.rejections / ingest.warnings (without file_id).
ISSUE_COLUMNS = ("row_number", "colonne", "valeur", "regle", "message")


@dataclass
class ParsedReport:
    """Outcome of reading and validating one partner file.

    `refusal` is set (French message) when the file cannot be used at all; the
    frames are then empty. Otherwise `accepted` holds the normalised rows with
    the columns of raw.<kind> minus file_id, `rejections`/`warnings` one row per
    problem with ISSUE_COLUMNS. Conservation: rows_read = accepted + rejected +
    ignored, where rejected counts distinct rejected row numbers.
    """

    kind: str
    accepted: pl.DataFrame
    rejections: pl.DataFrame
    warnings: pl.DataFrame
    rows_read: int = 0
    rows_ignored: int = 0
    encoding: str | None = None
    header_row: int | None = None
    refusal: str | None = None
    refusal_rule: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return self.refusal is not None


@dataclass(frozen=True)
class PartnerContext:
    """What validation needs to know beyond the file itself."""

    code_partenaire: str
    actions_of_partner: frozenset[str]  # code_action run by this partner
    all_actions: frozenset[str]
    qpv_codes: frozenset[str]
    contract_years: tuple[int, int]  # (start year, end year)
    # (v2) last day of the report's period (rule date_apres_periode); None: not checked
    periode_fin: date | None = None
