"""Public entry points: read and validate one partner file.

parse_report never raises on a bad file: a file that cannot be used becomes a
refusal (French message + rule code); otherwise rows are split into accepted
rows (typed, pandera-validated), rejections and warnings.

A partner's fault and a fault of the pipeline are kept apart: the readers turn what a
partner's bytes can cause (undecodable text, broken zip or workbook, bad CSV structure)
into a FileRefused; anything else, and the pandera schema disagreeing with rows the rules
accepted, is a bug of ours and propagates, so that the run fails loudly instead of
refusing a good file.
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import polars as pl
import python_calamine

from pipelines import settings
from pipelines.contract import CONTRACT, Contract
from pipelines.ingest.columns import columns_of
from pipelines.ingest.errors import FileRefused
from pipelines.ingest.headers import kind_columns
from pipelines.ingest.issues import empty_issues
from pipelines.ingest.model import KINDS, ParsedReport, PartnerContext
from pipelines.ingest.readers import read_table
from pipelines.ingest.rules import validate
from pipelines.ingest.text import fold_header

MAX_BYTES = settings.MAX_FILE_BYTES
# What a partner's bytes can make the reading libraries raise (broken workbook or zip,
# undecodable text, malformed CSV). Anything else raised while parsing is a fault of the
# pipeline and propagates.
PARTNER_READ_ERRORS = (python_calamine.CalamineError, zipfile.BadZipFile, UnicodeError, csv.Error)
# Longest prefixes first ("participants" before "participant"), from the contract.
_KIND_PREFIXES = sorted(
    ((prefix, kind.name) for kind in CONTRACT.kinds.values() for prefix in kind.prefixes),
    key=lambda pair: -len(pair[0]),
)


def detect_kind(filename: str) -> str | None:
    """Kind of a partner file from its name ('Séances_2025.xlsx' -> 'seances'), else None."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", Path(filename).name)
    folded = fold_header(stem)
    for prefix, kind in _KIND_PREFIXES:
        if folded.startswith(prefix):
            return kind
    return None


def empty_report(kind: str) -> ParsedReport:
    accepted = pl.DataFrame(schema=columns_of(kind))
    return ParsedReport(kind, accepted, empty_issues(), empty_issues())


def parse_report(
    path: Path,
    kind: str,
    ctx: PartnerContext,
    max_bytes: int = MAX_BYTES,
    contract: Contract = CONTRACT,
    check_schema: bool = True,
) -> ParsedReport:
    """Read, normalise and validate one partner file (data contract sections 2 and 3).
    `check_schema=False` leaves the pandera check of the accepted rows to the caller, who
    must make it (pipelines/ingest/prepare.py checks several files' rows at once)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}, expected one of {KINDS}")
    try:
        return _parse(Path(path), kind, ctx, max_bytes, contract, check_schema)
    except FileRefused as refused:
        return _refused(kind, refused.rule, refused.message)
    except PARTNER_READ_ERRORS as exc:  # the readers map most of them already: a safety net
        return _refused(
            kind,
            "illisible",
            f"Le fichier est illisible ou endommagé ({type(exc).__name__}). Ré-enregistrez-le "
            "depuis le tableur au format .xlsx ou .ods, ou en CSV UTF-8.",
        )


def check_accepted(kind: str, accepted: pl.DataFrame, contract: Contract = CONTRACT) -> None:
    """The contract of accepted rows: a SchemaError here is a bug of the rules, not the
    file's. Every check is row by row, so the rows of several files pass together exactly
    when each file's rows pass."""
    from pipelines.ingest.schemas import schema_for  # pandera: only when a file is read

    schema_for(kind, contract).validate(accepted)


def _refused(kind: str, rule: str, message: str) -> ParsedReport:
    report = empty_report(kind)
    report.refusal, report.refusal_rule = message, rule
    return report


def _parse(
    path: Path,
    kind: str,
    ctx: PartnerContext,
    max_bytes: int,
    contract: Contract,
    check_schema: bool = True,
) -> ParsedReport:
    table = read_table(path, kind_columns(contract)[kind], max_bytes)
    frame, table.frame = table.frame, None
    rows_read = len(frame)
    rows_ignored = int(frame.get_column("is_total").sum())
    if rows_read == rows_ignored:
        raise FileRefused(
            "fichier_vide",
            f"Aucune ligne de données sous l'en-tête (ligne {table.header_row}) : "
            "le fichier est vide.",
        )
    if rows_ignored:
        frame = frame.filter(~pl.col("is_total"))
    # Hand validate the only reference to the rows so that it can free the raw text columns.
    handover = [frame.drop("is_total")]
    del frame
    checked = validate(kind, handover.pop(), table.header.headers, ctx, contract)
    dtypes = columns_of(kind, contract)
    accepted = checked.accepted.select(pl.col(c).cast(t) for c, t in dtypes.items())
    if check_schema:
        check_accepted(kind, accepted, contract)
    return ParsedReport(
        kind=kind,
        accepted=accepted,
        rejections=checked.rejections,
        warnings=checked.warnings,
        rows_read=rows_read,
        rows_ignored=rows_ignored,
        encoding=table.encoding,
        header_row=table.header_row,
        extra={"colonnes": dict(table.header.headers)},
    )
