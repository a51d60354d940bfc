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
import logging
import re
import traceback
import zipfile
from dataclasses import dataclass
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
from pipelines.ingest.rules import Validated, validate_together
from pipelines.ingest.text import fold_header

log = logging.getLogger(__name__)

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
    except (FileRefused, *PARTNER_READ_ERRORS) as exc:
        return _refusal(kind, exc)


def _refusal(kind: str, exc: Exception) -> ParsedReport:
    """The report of a file refused for its bytes: a FileRefused, or what a partner's bytes
    made a reading library raise (the readers map most of them already: a safety net)."""
    if isinstance(exc, FileRefused):
        return _refused(kind, exc.rule, exc.message)
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
    from pipelines.ingest.schemas import conforms, schema_for  # pandera: when a file is read

    schema = schema_for(kind, contract)
    if not conforms(schema, accepted):  # pandera's verdict, with its message
        schema.validate(accepted)


def _refused(kind: str, rule: str, message: str) -> ParsedReport:
    report = empty_report(kind)
    report.refusal, report.refusal_rule = message, rule
    return report


@dataclass
class _ReadFile:
    """A partner file read and its header found, before validation."""

    kind: str
    frame: pl.DataFrame | None  # data rows without Total rows; None once handed over
    headers: dict[str, str]
    rows_read: int
    rows_ignored: int
    encoding: str | None
    header_row: int | None


def _read(path: Path, kind: str, max_bytes: int, contract: Contract) -> _ReadFile:
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
    frame = frame.drop("is_total")
    return _ReadFile(
        kind, frame, table.header.headers, rows_read, rows_ignored, table.encoding, table.header_row
    )


def _report(
    read: _ReadFile, checked: Validated, contract: Contract, check_schema: bool
) -> ParsedReport:
    dtypes = columns_of(read.kind, contract)
    accepted = checked.accepted.select(pl.col(c).cast(t) for c, t in dtypes.items())
    if check_schema:
        check_accepted(read.kind, accepted, contract)
    return ParsedReport(
        kind=read.kind,
        accepted=accepted,
        rejections=checked.rejections,
        warnings=checked.warnings,
        rows_read=read.rows_read,
        rows_ignored=read.rows_ignored,
        encoding=read.encoding,
        header_row=read.header_row,
        extra={"colonnes": dict(read.headers)},
    )


def _parse(
    path: Path,
    kind: str,
    ctx: PartnerContext,
    max_bytes: int,
    contract: Contract,
    check_schema: bool = True,
) -> ParsedReport:
    read = _read(path, kind, max_bytes, contract)
    # Hand validate the only reference to the rows so that it can free the raw text columns.
    frames, read.frame = [read.frame], None
    checked = validate_together(kind, frames, read.headers, [ctx], contract)[0]
    return _report(read, checked, contract, check_schema)


@dataclass
class ParseFailure:
    """An error of ours met while parsing a file (never a partner's fault)."""

    error: Exception
    trace: str


ParseJob = tuple[Path, str, PartnerContext]


def parse_reports(
    jobs: list[ParseJob], max_bytes: int = MAX_BYTES, contract: Contract = CONTRACT
) -> list[ParsedReport | ParseFailure]:
    """parse_report(check_schema=False) of each (path, kind, context), the files of one
    kind and header validated together (rules.validate_together: a small file's cost was
    mostly polars' fixed cost per operation). Each file gets what it gets alone; should a
    group fail, its files are parsed again one by one, so that an error is its file's."""
    outcomes: list[ParsedReport | ParseFailure | None] = [None] * len(jobs)
    groups: dict[tuple, list[tuple[int, _ReadFile]]] = {}
    for position, (path, kind, ctx) in enumerate(jobs):
        try:
            read = _read(Path(path), kind, max_bytes, contract)
        except (FileRefused, *PARTNER_READ_ERRORS) as exc:
            outcomes[position] = _refusal(kind, exc)
            continue
        except Exception as err:
            outcomes[position] = ParseFailure(err, traceback.format_exc())
            continue
        key = (kind, tuple(read.headers.items()), ctx.all_actions, ctx.qpv_codes)
        groups.setdefault(key, []).append((position, read))
    for (kind, headers, *_), members in groups.items():
        frames = []
        for _position, read in members:  # handed over: freed once parsed
            frames.append(read.frame)
            read.frame = None
        contexts = [jobs[position][2] for position, _read_file in members]
        try:
            checked = validate_together(kind, frames, dict(headers), contexts, contract)
        except Exception:
            # read again, alone: a rare path (an error of ours), where the error is the file's
            log.warning("Validation groupée en échec, fichiers repris un par un", exc_info=True)
            for position, _read_file in members:
                outcomes[position] = _alone(jobs[position], max_bytes, contract)
            continue
        for (position, read), validated in zip(members, checked, strict=True):
            outcomes[position] = _report(read, validated, contract, check_schema=False)
    return outcomes


def _alone(job: ParseJob, max_bytes: int, contract: Contract) -> ParsedReport | ParseFailure:
    path, kind, ctx = job
    try:
        return parse_report(path, kind, ctx, max_bytes, contract, check_schema=False)
    except Exception as err:
        return ParseFailure(err, traceback.format_exc())
