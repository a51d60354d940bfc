"""From scanned files to raw.* rows and the ingest.* log, a few files per transaction.

Rules (data contract sections 1 and 3):
- every received file is archived unchanged (content-addressed), accepted or refused;
- a file whose latest record for the same source path has the same sha256 was already
  processed: skipped, unless `reprocess` (then re-read and replaced in place);
- a file identical to the version in force of its slot changes nothing ('identique');
- otherwise it is a (re)submission: refused, or accepted and then in force for its slot;
- files are handled in (mtime, name) order, so within a slot the last one wins.
Files are recorded in batches (pipelines/ingest/batch.py): each file is decided alone, a
batch commits or drops its files together. The connection must be in autocommit mode: this
module opens its own transactions.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from traceback import format_exc

import duckdb
import polars as pl

from pipelines.ingest import handover, registry
from pipelines.ingest.batch import InForce, PendingFile, RecordBatch, files_per_batch
from pipelines.ingest.model import ParsedReport, PartnerContext
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
    return partner_contexts(con)(code_partenaire)


def partner_contexts(con: duckdb.DuckDBPyConnection) -> Callable[[str], PartnerContext]:
    """partner code -> its context, the reference tables read once (three queries took
    about 7 ms per partner, 0.8 s of the writer's time for a big city's 108 partners)."""
    actions = con.execute("SELECT code_action, code_partenaire FROM ref.actions").fetchall()
    all_actions = frozenset(a for a, _ in actions)
    qpv_codes = frozenset(q for (q,) in con.execute("SELECT code_qpv FROM ref.qpv").fetchall())
    years, _ = reference_scope(con)

    def context(code_partenaire: str) -> PartnerContext:
        return PartnerContext(
            code_partenaire=code_partenaire,
            actions_of_partner=frozenset(a for a, p in actions if p == code_partenaire),
            all_actions=all_actions,
            qpv_codes=qpv_codes,
            contract_years=years,
        )

    return context


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
    context_of: Callable[[str], PartnerContext] | None = ref_context

    def context_for(f: IncomingFile) -> PartnerContext:
        nonlocal context_of
        code = f.code_partenaire
        if code not in contexts:
            if context_of is None:  # read when a file needs it: most runs parse nothing
                context_of = partner_contexts(con)
            contexts[code] = context_of(code)
        bounds = periode_bounds(f.periode)
        if bounds is None:
            return contexts[code]
        # rule date_apres_periode needs the report's last day
        return dataclasses.replace(contexts[code], periode_fin=bounds[1])

    summary = IngestSummary(run_id=run_id)
    done = on_file or (lambda rows: None)
    registry.remove_stale_copies(root)  # left by a run killed while preparing files
    handover.clear(root)  # same
    latest = registry.last_records_by_path(con)
    in_force = InForce(con)
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
            current = in_force.get(f.slot)
            ahead = f.refusal is None and not (current and current.sha256 == f.sha256)
            yield f, context_for(f) if ahead else None

    previous_of = {f.rel: previous for f, previous in todo}
    decide = partial(_decide, parse=parse, context_for=context_for, max_bytes=max_bytes)
    batch = RecordBatch(con, root, in_force, files_per_batch(len(todo)))
    with few_checkpoints(con):  # few commits, and not one checkpoint per commit
        try:
            for f, prepared in prepared_in_order(root, jobs(), max_bytes, parse, len(todo)):
                if prepared.staged is None:
                    log.warning("%s modifié pendant sa lecture : relu au prochain passage.", f.rel)
                    summary.skipped += 1
                    done(0)
                    continue
                if batch.must_write_before(f.slot):
                    batch.write()
                try:
                    pending = _pending_file(
                        root, f, prepared, run_id, previous_of[f.rel], in_force, batch, decide
                    )
                except Exception:
                    # A fault of the pipeline, not of the partner: fail the run. The files
                    # before it are recorded; this one is archived but not recorded, so the
                    # run after the fix reads it like a new one.
                    batch.write()
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
                batch.add(pending, f.slot)
                _count(summary, pending)
                done(pending.parsed.rows_read if pending.parsed else 0)
            batch.write()
        except BaseException:
            batch.discard()  # a batch not written: its files are read again next run
            raise
    return summary


def _count(summary: IngestSummary, pending: PendingFile) -> None:
    record = pending.record
    summary.file_ids.append(record["file_id"])
    if pending.accepted:
        summary.accepted += 1
        summary.rows_accepted += record["rows_accepted"]
        summary.rows_rejected += record["rows_rejected"]
    elif record["status"] == registry.STATUS_IDENTICAL:
        summary.identical += 1
    else:
        summary.refused += 1


def _cause_may_have_changed(last: registry.KnownFile, f: IncomingFile) -> bool:
    """A refusal that depended on the reference or the settings of the day (unknown partner,
    period outside the contract, size limit) is looked at again once the scan no longer gives
    that verdict. Any other refusal is about the bytes, which are unchanged."""
    refused = last.status == registry.STATUS_REFUSED and last.refusal_rule in RECONSIDERED_RULES
    return refused and f.refusal_rule != last.refusal_rule


def _decide(
    in_force: registry.KnownFile | None,
    f: IncomingFile,
    source: Path,
    prepared: Prepared,
    previous: registry.KnownFile | None,
    parse: ParseFn,
    context_for: Callable[[IncomingFile], PartnerContext],
    max_bytes: int,
) -> tuple[str, ParsedReport | None, str | None, str | None]:
    """(status, parsed report or None, refusal message, refusal rule); `in_force`: the
    version in force of the file's slot."""
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


def _pending_file(
    root: Path,
    f: IncomingFile,
    prepared: Prepared,
    run_id: str,
    previous: registry.KnownFile | None,
    in_force: InForce,
    batch: RecordBatch,
    decide: Callable[..., tuple[str, ParsedReport | None, str | None, str | None]],
) -> PendingFile:
    """Decide one file and make its record; `batch` gives its arrival number."""
    staged = prepared.staged
    # Parse the archived bytes: exactly what was hashed and kept, even if incoming/ changes.
    source = staged.readable_copy(root) or f.path
    status, parsed, message, rule = decide(in_force.get(f.slot), f, source, prepared, previous)
    accepted = status == registry.STATUS_ACCEPTED
    if previous is not None:  # reprocess: same identity, rows replaced
        # the reception date is the one recorded first (data contract section 6)
        received_at, date_reception = registry.fetch_one(
            batch.connection,
            "SELECT received_at, date_reception FROM ingest.files WHERE file_id = ?",
            [previous.file_id],
        )
        arrival_seq, file_id = previous.arrival_seq, previous.file_id
    else:
        received_at, date_reception = registry.now_local(), f.date_reception
        arrival_seq = batch.arrival_seq()
        file_id = registry.make_file_id(arrival_seq, f.sha256)
    record = {
        "file_id": file_id,
        "sha256": f.sha256,
        "source_path": f.rel,
        "archive_path": staged.rel,
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
        # a refused file's counts stay 0: none of its rows is used
        **(_counts(parsed) if accepted else dict.fromkeys(COUNT_COLUMNS, 0)),
    }
    return PendingFile(record, parsed, staged, previous.file_id if previous else None)


COUNT_COLUMNS = ("rows_read", "rows_accepted", "rows_rejected", "rows_ignored", "rows_warned")


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
