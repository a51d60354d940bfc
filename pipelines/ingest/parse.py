"""Public entry points: read and validate one partner file.

parse_report never raises on a bad file: a file that cannot be used becomes a
refusal (French message + rule code); otherwise rows are split into accepted
rows (typed, pandera-validated), rejections and warnings.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import polars as pl

from pipelines.contract import CONTRACT, Contract
from pipelines.ingest.errors import FileRefused
from pipelines.ingest.headers import kind_columns
from pipelines.ingest.issues import empty_issues
from pipelines.ingest.model import KINDS, ParsedReport, PartnerContext
from pipelines.ingest.readers import read_table
from pipelines.ingest.rules import validate
from pipelines.ingest.schemas import columns_of, schema_for
from pipelines.ingest.text import fold_header

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024
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
) -> ParsedReport:
    """Read, normalise and validate one partner file (data contract sections 2 and 3)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}, expected one of {KINDS}")
    try:
        return _parse(Path(path), kind, ctx, max_bytes, contract)
    except FileRefused as refused:
        return _refused(kind, refused.rule, refused.message)
    except Exception as exc:  # a file must never stop the run: refuse it, keep the trace
        log.exception("parse_report failed on %s", path)
        return _refused(
            kind,
            "erreur_traitement",
            f"Le fichier n'a pas pu être traité ({type(exc).__name__}). Il est conservé ; "
            "l'équipe évaluation doit examiner ce cas.",
        )


def _refused(kind: str, rule: str, message: str) -> ParsedReport:
    report = empty_report(kind)
    report.refusal, report.refusal_rule = message, rule
    return report


def _parse(
    path: Path, kind: str, ctx: PartnerContext, max_bytes: int, contract: Contract
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
    schema_for(kind, contract).validate(accepted)  # accepted rows; raises on a rules bug
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
