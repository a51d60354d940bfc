"""From scanned files to raw.* rows and the ingest.* log, one transaction per file.

Rules (data contract sections 1 and 3):
- every received file is archived unchanged (content-addressed), accepted or refused;
- a file whose latest record for the same source path has the same sha256 was already
  processed: skipped, unless `reprocess` (then re-read and replaced in place);
- a file identical to the version in force of its slot changes nothing ('identique');
- otherwise it is a (re)submission: refused, or accepted and then in force for its slot;
- files are handled in (mtime, name) order, so within a slot the last one wins.
The connection must be in autocommit mode: this module opens its own transactions.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from traceback import format_exc

import duckdb
import polars as pl

from pipelines.ingest import registry
from pipelines.ingest.model import ISSUE_COLUMNS, ParsedReport, PartnerContext
from pipelines.ingest.parse import parse_report
from pipelines.ingest.prepare import Prepared, prepared_in_order
from pipelines.ingest.scan import DEFAULT_MAX_BYTES, IncomingFile, periode_bounds
from pipelines.warehouse import few_checkpoints

log = logging.getLogger(__name__)

ParseFn = Callable[..., ParsedReport]
# Refusals whose cause lies outside the file's bytes, in the reference or the settings of
# the day: the only ones looked at again when the same file is seen unchanged. A refusal for
# the content (corrupt workbook, missing column...) stands until the partner sends a new file.
RECONSIDERED_RULES = frozenset(
    {
        "partenaire_inconnu",  # ref.partenaires may gain the partner
        "periode_hors_contrat",  # ref.contrat may move its dates
        "fichier_trop_volumineux",  # EVAL_MAX_FILE_MB may be raised (scan)
        "taille_max",  # same limit, met by the reader
    }
)


@dataclass
class IngestSummary:
    run_id: str
    file_ids: list[str] = field(default_factory=list)  # records written by this call
    accepted: int = 0
    refused: int = 0
    identical: int = 0
    skipped: int = 0  # already seen, unchanged
    rows_accepted: int = 0
    rows_rejected: int = 0


def reference_scope(con: duckdb.DuckDBPyConnection) -> tuple[tuple[int, int], set[str]]:
    """(contract years, partner codes) from ref.*, i.e. the arguments of scan_incoming."""
    years = registry.fetch_one(
        con, "SELECT year(min(date_debut)), year(max(date_fin)) FROM ref.contrat"
    )
    partners = {r[0] for r in con.execute("SELECT code_partenaire FROM ref.partenaires").fetchall()}
    return (years[0], years[1]), partners


def partner_context(con: duckdb.DuckDBPyConnection, code_partenaire: str) -> PartnerContext:
    actions = con.execute("SELECT code_action, code_partenaire FROM ref.actions").fetchall()
    qpv = con.execute("SELECT code_qpv FROM ref.qpv").fetchall()
    years, _ = reference_scope(con)
    return PartnerContext(
        code_partenaire=code_partenaire,
        actions_of_partner=frozenset(a for a, p in actions if p == code_partenaire),
        all_actions=frozenset(a for a, _ in actions),
        qpv_codes=frozenset(q for (q,) in qpv),
        contract_years=years,
    )


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    files: list[IncomingFile],
    run_id: str,
    ref_context: Callable[[str], PartnerContext] | None = None,
    parse: ParseFn = parse_report,
    reprocess: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Archive, parse and record `files`; `ref_context(code)` defaults to partner_context.
    `on_file(rows_read)` is called once per file handled (progress display)."""
    contexts: dict[str, PartnerContext] = {}

    def context_for(f: IncomingFile) -> PartnerContext:
        code = f.code_partenaire
        if code not in contexts:
            contexts[code] = ref_context(code) if ref_context else partner_context(con, code)
        bounds = periode_bounds(f.periode)
        if bounds is None:
            return contexts[code]
        # rule date_apres_periode needs the report's last day
        return dataclasses.replace(contexts[code], periode_fin=bounds[1])

    summary = IngestSummary(run_id=run_id)
    done = on_file or (lambda rows: None)
    registry.remove_stale_copies(root)  # left by a run killed while preparing files
    latest = registry.last_records_by_path(con)
    in_force_sha = registry.in_force_sha_by_slot(con)
    todo: list[tuple[IncomingFile, registry.KnownFile | None]] = []
    for f in sorted(files, key=lambda f: (f.mtime, f.name, f.rel)):
        last = latest.get(f.rel)
        seen = last is not None and last.sha256 == f.sha256 and not _cause_may_have_changed(last, f)
        if seen and not reprocess:
            summary.skipped += 1
            done(0)
            continue
        todo.append((f, last if seen else None))

    def jobs():
        for f, _previous in todo:
            # parsed ahead unless refused by the scan or (very likely) identical to the
            # version in force; the writer parses the rare file this guess got wrong
            ahead = f.refusal is None and not (f.slot and in_force_sha.get(f.slot) == f.sha256)
            yield f, context_for(f) if ahead else None

    previous_of = {f.rel: previous for f, previous in todo}
    with few_checkpoints(con):  # one commit per file, not one checkpoint per file
        for f, prepared in prepared_in_order(root, jobs(), max_bytes, parse, len(todo)):
            if prepared.staged is None:
                log.warning("%s modifié pendant sa lecture : relu au prochain passage.", f.rel)
                summary.skipped += 1
                done(0)
                continue
            try:
                rows = _ingest_one(
                    con,
                    root,
                    f,
                    prepared,
                    run_id,
                    previous_of[f.rel],
                    parse,
                    context_for,
                    max_bytes,
                    summary,
                )
            except Exception:
                # A fault of the pipeline, not of the partner: fail the run. The file is archived
                # but not recorded, so the run after the fix reads it like a new one.
                registry.publish_archive(root, prepared.staged)
                log.error(
                    "Erreur interne du traitement sur %s : l'exécution s'arrête, le fichier "
                    "n'est pas enregistré et sera lu à la prochaine exécution.",
                    f.rel,
                )
                raise
            except BaseException:  # killed or interrupted: the next run prepares it again
                registry.discard_archive(prepared.staged)
                raise
            done(rows)
    return summary


def _cause_may_have_changed(last: registry.KnownFile, f: IncomingFile) -> bool:
    """A refusal that depended on the reference or the settings of the day (unknown partner,
    period outside the contract, size limit) is looked at again once the scan no longer gives
    that verdict. Any other refusal is about the bytes, which are unchanged."""
    refused = last.status == registry.STATUS_REFUSED and last.refusal_rule in RECONSIDERED_RULES
    return refused and f.refusal_rule != last.refusal_rule


def _decide(
    con: duckdb.DuckDBPyConnection,
    f: IncomingFile,
    source: Path,
    prepared: Prepared,
    previous: registry.KnownFile | None,
    parse: ParseFn,
    context_for: Callable[[IncomingFile], PartnerContext],
    max_bytes: int,
) -> tuple[str, ParsedReport | None, str | None, str | None]:
    """(status, parsed report or None, refusal message, refusal rule)."""
    slot = f.slot
    in_force = registry.in_force_for_slot(con, slot) if slot else None
    same_as_in_force = in_force is not None and in_force.sha256 == f.sha256
    if same_as_in_force and (previous is None or in_force.file_id != previous.file_id):
        return registry.STATUS_IDENTICAL, None, None, None
    if f.refusal is not None:
        return registry.STATUS_REFUSED, None, f.refusal, f.refusal_rule
    if not prepared.was_parsed:
        prepared = prepare_parse(prepared, source, f, parse, context_for, max_bytes)
    if prepared.error is not None:
        # No catch-all: parse turns every partner fault into a refusal; anything it raises
        # is ours (raised here even when it happened on a worker process).
        log.error("Erreur inattendue en lisant %s\n%s", f.rel, prepared.error_trace)
        raise prepared.error
    parsed = prepared.parsed
    if parsed.refused:
        return registry.STATUS_REFUSED, parsed, parsed.refusal, parsed.refusal_rule
    return registry.STATUS_ACCEPTED, parsed, None, None


def prepare_parse(
    prepared: Prepared,
    source: Path,
    f: IncomingFile,
    parse: ParseFn,
    context_for: Callable[[IncomingFile], PartnerContext],
    max_bytes: int,
) -> Prepared:
    """Parse in the writer a file that was not parsed ahead."""
    try:
        parsed = parse(source, f.kind, context_for(f), max_bytes)
    except Exception as err:
        return Prepared(prepared.staged, error=err, error_trace=format_exc())
    return Prepared(prepared.staged, parsed)


def _ingest_one(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    f: IncomingFile,
    prepared: Prepared,
    run_id: str,
    previous: registry.KnownFile | None,
    parse: ParseFn,
    context_for: Callable[[IncomingFile], PartnerContext],
    max_bytes: int,
    summary: IngestSummary,
) -> int:
    """Decide and record one file in one transaction; the rows it read."""
    staged = prepared.staged
    # Parse the archived bytes: exactly what was hashed and kept, even if incoming/ changes.
    source = staged.readable_copy(root) or f.path
    status, parsed, message, rule = _decide(
        con, f, source, prepared, previous, parse, context_for, max_bytes
    )
    registry.publish_archive(root, staged)
    archive_rel = staged.rel
    accepted = status == registry.STATUS_ACCEPTED
    counts = _counts(parsed) if parsed is not None else {}
    con.begin()
    try:
        if previous is not None:  # reprocess: same identity, rows replaced
            # the reception date is the one recorded first (data contract section 6)
            received_at, date_reception = registry.fetch_one(
                con,
                "SELECT received_at, date_reception FROM ingest.files WHERE file_id = ?",
                [previous.file_id],
            )
            registry.delete_file_rows(con, previous.file_id)
            arrival_seq, file_id = previous.arrival_seq, previous.file_id
        else:
            received_at = registry.now_local()
            date_reception = f.date_reception
            arrival_seq = registry.next_arrival_seq(con)
            file_id = registry.make_file_id(arrival_seq, f.sha256)
        if parsed is not None:
            if accepted:
                _insert_frame(con, f"raw.{f.kind}", parsed.accepted, file_id)
            _insert_frame(con, "ingest.rejections", parsed.rejections, file_id, ISSUE_COLUMNS)
            _insert_frame(con, "ingest.warnings", parsed.warnings, file_id, ISSUE_COLUMNS)
        registry.insert_file_record(
            con,
            {
                "file_id": file_id,
                "sha256": f.sha256,
                "source_path": f.rel,
                "archive_path": archive_rel,
                "code_partenaire": f.code_partenaire,
                "periode": f.periode,
                "periode_rang": f.periode_rang,
                "kind": f.kind,
                "size_bytes": f.size,
                "mtime": f.mtime,
                "received_at": received_at,
                "date_reception": date_reception,
                "arrival_seq": arrival_seq,
                "run_id": run_id,
                "status": status,
                "in_force": False,
                "encoding": parsed.encoding if parsed else None,
                "header_row": parsed.header_row if parsed else None,
                "message": message,
                "refusal_rule": rule,
                **(counts if accepted else {}),
            },
        )
        if f.slot:
            registry.refresh_in_force(con, f.slot)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    summary.file_ids.append(file_id)
    if accepted:
        summary.accepted += 1
        summary.rows_accepted += counts["rows_accepted"]
        summary.rows_rejected += counts["rows_rejected"]
    elif status == registry.STATUS_IDENTICAL:
        summary.identical += 1
    else:
        summary.refused += 1
    return counts.get("rows_read", 0)


def _counts(parsed: ParsedReport) -> dict[str, int]:
    def distinct_rows(frame: pl.DataFrame) -> int:
        if frame.height == 0 or "row_number" not in frame.columns:
            return 0
        return frame.get_column("row_number").n_unique()

    return {
        "rows_read": parsed.rows_read,
        "rows_accepted": parsed.accepted.height,
        "rows_rejected": distinct_rows(parsed.rejections),
        "rows_ignored": parsed.rows_ignored,
        "rows_warned": distinct_rows(parsed.warnings),
    }


def _insert_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    file_id: str,
    columns: tuple[str, ...] | None = None,
) -> None:
    """Bulk insert through Arrow, matching columns by name."""
    if frame is None or frame.height == 0:
        return
    if columns is not None:
        frame = frame.select(columns)
    frame = frame.with_columns(pl.lit(file_id).alias("file_id"))
    view = "_ingest_frame"
    con.register(view, frame.to_arrow())  # replaces a view left by an earlier failed insert
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
    con.unregister(view)  # not in a finally: an aborted transaction refuses it
