"""Ingestion stage: reference files, partner files (archive → raw), rows in force (staging)."""

import datetime as dt
import hashlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

import dagster as dg
import polars as pl
from pydantic import Field

from pipelines import freshness, settings
from pipelines.defs.metadata import md_table
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.ingest.columns import columns_of
from pipelines.ingest.load import ingest_files, reference_scope
from pipelines.ingest.reference import (
    PARIS,
    ReferenceError,
    read_reference,
    reference_folder,
    write_reference,
)
from pipelines.ingest.scan import scan_incoming
from pipelines.ingest.scan_cache import HashCache
from pipelines.ingest.staging import build_staging, last_build_scope
from pipelines.progress import Stage
from pipelines.publish.kit_output import prepare_ahead
from pipelines.warehouse import as_frame

GROUP = "ingestion"


class IngestConfig(dg.Config):
    """Options an evaluation officer can set in the launchpad."""

    partenaire: str = Field(
        default="", description="Ne traiter que le dossier de ce partenaire (code_partenaire)."
    )
    retraiter: bool = Field(
        default=False, description="Relire les fichiers déjà reçus, même inchangés."
    )


@dg.asset(group_name=GROUP, kinds={"duckdb", "yaml"}, pool="warehouse")
def referentiel(context: dg.AssetExecutionContext, data_root: DataRoot, warehouse: Warehouse):
    """Reference files of the evaluation officer (contrat, actions, partenaires, qpv, cibles)."""
    with Stage("Référentiel") as stage, warehouse.get_connection(context.log) as con:
        # Read and written again only when the files, the code, the day (date_arrete
        # defaults to today) or the ref.* tables themselves changed since the last write.
        inputs = _reference_inputs(data_root.root)
        facts = freshness.last_build(con, "referentiel", inputs)
        if facts is None or facts.get("tables") != _ref_tables(con):
            try:
                ref = read_reference(data_root.root)
            except ReferenceError as err:
                raise dg.Failure(description=str(err)) from err
            write_reference(con, ref)
            facts = {
                "contrat": ref.contrat["code"],
                "actions": len(ref.actions),
                "partenaires": len(ref.partenaires),
                "qpv": len(ref.qpv),
                "cibles": len(ref.cibles),
                "tables": _ref_tables(con),  # as just written
            }
            freshness.record(con, "referentiel", inputs, facts)
        stage.rows = sum(facts[k] for k in ("actions", "partenaires", "qpv", "cibles"))
        # the partner kit depends on the reference only: a big one is built from now on, in
        # the moments the next stages leave a core idle, for the publication to link it
        kit = prepare_ahead(con, data_root.root)
    return dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **{k: v for k, v in facts.items() if k != "tables"},
            "kit_partenaire": kit,
        }
    )


def _ref_tables(con) -> str:
    return freshness.tables_fingerprint(con, freshness.REF_TABLES)


def _reference_inputs(root) -> str:
    """The reference folder's files (names and bytes), the code and today's date."""
    digest = hashlib.sha256(freshness.code_fingerprint().encode())
    digest.update(dt.datetime.now(PARIS).date().isoformat().encode())  # as date_arrete
    folder = reference_folder(root)
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# avertissements: as the file's validation report counts them (staging.file_warning_counts);
# cross-file ones are added by lignes_en_vigueur, whose metadata shows the updated counts.
FILE_OUTCOMES_SQL = """
    SELECT f.source_path AS fichier, f.status AS statut, f.in_force AS en_vigueur,
           f.rows_read AS lues, f.rows_accepted AS acceptees, f.rows_rejected AS rejetees,
           f.rows_ignored AS ignorees, coalesce(w.avertissements, 0) AS avertissements,
           f.message
    FROM ingest.files f LEFT JOIN staging.file_warning_counts w USING (file_id)
    WHERE f.run_id = ? ORDER BY f.source_path
"""
WARNINGS_IN_FORCE_SQL = """
    SELECT f.source_path AS fichier, w.avertissements
    FROM staging.file_warning_counts w JOIN ingest.files f USING (file_id)
    WHERE f.in_force ORDER BY f.source_path
"""


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    pool="warehouse",
    deps=[referentiel],
    check_specs=[
        dg.AssetCheckSpec("aucun_fichier_refuse", asset="fichiers_partenaires"),
        dg.AssetCheckSpec("aucune_ligne_rejetee", asset="fichiers_partenaires"),
    ],
)
def fichiers_partenaires(
    context: dg.AssetExecutionContext,
    config: IngestConfig,
    data_root: DataRoot,
    warehouse: Warehouse,
):
    """Partner files of incoming/: archived, read, validated; accepted rows into raw.*."""
    try:
        max_bytes = settings.max_file_bytes()
    except ValueError as err:
        raise dg.Failure(description=str(err)) from err
    with (
        Stage("Fichiers des partenaires") as stage,
        warehouse.get_connection(context.log) as con,
    ):
        years, partners = reference_scope(con)
        hashes = HashCache.load(con)
        files = scan_incoming(data_root.root, years, partners, max_bytes, hashes)
        hashes.save(con)
        if config.partenaire:
            wanted = config.partenaire.strip().casefold()
            files = [f for f in files if (f.code_partenaire or "").casefold() == wanted]
        stage.set_total(len(files))
        summary = ingest_files(
            con,
            data_root.root,
            files,
            run_id=context.run.run_id,
            reprocess=config.retraiter,
            max_bytes=max_bytes,
            on_file=lambda rows: stage.advance(1, rows),
        )
        outcomes = as_frame(con.sql(FILE_OUTCOMES_SQL, params=[context.run.run_id]))
        stage.rows = int(outcomes["lues"].sum() or 0)
    refused = outcomes.filter(pl.col("statut") == "refuse")
    rejected = outcomes.filter(pl.col("rejetees") > 0)
    context.log.info(
        f"{len(files)} fichier(s) vus : {summary.accepted} acceptés, {summary.refused} refusés, "
        f"{summary.identical} identiques, {summary.skipped} déjà traités."
    )
    yield dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            "fichiers_vus": len(files),
            "acceptes": summary.accepted,
            "refuses": summary.refused,
            "identiques": summary.identical,
            "deja_traites": summary.skipped,
            "lignes_acceptees": summary.rows_accepted,
            "lignes_rejetees": summary.rows_rejected,
            "resultat_par_fichier": md_table(outcomes, limit=100),
        }
    )
    # WARN, not ERROR: a partner's bad file must not stop the indicators of the others.
    yield dg.AssetCheckResult(
        check_name="aucun_fichier_refuse",
        passed=refused.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"refuses": refused.height, "detail": md_table(refused)},
    )
    yield dg.AssetCheckResult(
        check_name="aucune_ligne_rejetee",
        passed=rejected.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "fichiers_avec_rejets": rejected.height,
            "lignes_rejetees": int(outcomes["rejetees"].sum() or 0),
            "detail": md_table(rejected),
        },
    )


@dg.asset(group_name=GROUP, kinds={"duckdb", "sql"}, pool="warehouse", deps=[fichiers_partenaires])
def lignes_en_vigueur(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """staging.*: for each key, the row of the most recent report, with cross-file warnings."""
    with Stage("Lignes en vigueur") as stage, warehouse.get_connection(context.log) as con:
        counts = build_staging(con)
        stage.rows = sum(int(counts[k]) for k in ("participants", "seances", "financements"))
        warned = as_frame(con.sql(WARNINGS_IN_FORCE_SQL))
        rebuilt = _actions_rebuilt(counts["rebuilt"], last_build_scope(con))
    return dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **{k: int(v) for k, v in counts.items()},
            # after a resubmission only the actions of the changed files are rebuilt
            "actions_reconstruites": rebuilt,
            # the same count as each file's validation report and the site
            "avertissements_par_fichier": md_table(warned, limit=100),
        }
    )


def _actions_rebuilt(built: int, partial: int | None) -> str:
    if not built:
        return "aucune"
    return "toutes" if partial is None else str(partial)


STAGING_CHECK_BATCH = 2_000_000
STAGING_CHECK_THREADS = 2


@dg.asset_check(
    asset=lignes_en_vigueur,
    description="Les lignes en vigueur respectent les schémas pandera des trois types de fichier.",
    blocking=True,
)
def schemas_pandera(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    """PUDL-style: validate lazily, report the failure cases instead of raising.

    Blocking: rows the rules accepted that break the schema are a fault of the pipeline,
    not of a partner, so nothing downstream is computed or published from them."""
    failures: dict[str, pl.DataFrame] = {}
    with (
        Stage("Contrôle des lignes en vigueur (pandera)") as stage,
        warehouse.get_connection(context.log) as con,
    ):
        # Skipped only when the rows in force and the code (rules and schemas included) are
        # those it last passed on: a drift between rules and schemas comes with a code change.
        inputs = freshness.inputs_fingerprint(con, extra=_pandera_version())
        facts = freshness.last_build(con, "schemas_pandera", inputs)
        if facts is not None:
            stage.rows = facts["lignes"]
            return dg.AssetCheckResult(
                passed=True, metadata={"types_en_echec": "aucun", "reconstruit": 0}
            )
        staging = _staging_identity(con)
        scope = _rebuilt_since(con, freshness.last_facts(con, "schemas_pandera"), staging)
        stage.rows = _validate_staging(con, failures, scope)
        if not failures:
            facts = {"lignes": stage.rows, **staging}
            freshness.record(con, "schemas_pandera", inputs, facts)
    return dg.AssetCheckResult(
        passed=not failures,
        metadata={
            "types_en_echec": ", ".join(failures) or "aucun",
            "lignes_validees": stage.rows,
            # after a resubmission: only the actions whose rows in force were rebuilt
            "actions_validees": "toutes" if scope is None else len(scope),
            **{f"echecs_{kind}": md_table(df) for kind, df in failures.items()},
        },
    )


def _staging_identity(con) -> dict:
    """The rows in force this check validates, and the code it validates them with."""
    built, previous = con.execute(
        "SELECT inputs, previous_inputs FROM ingest.staging_state"
    ).fetchone() or (None, None)
    code = freshness.code_fingerprint() + _pandera_version()
    return {"staging": built, "previous": previous, "code": code}


def _rebuilt_since(con, last: dict | None, staging: dict) -> list[str] | None:
    """The actions to validate: those rebuilt by a partial build made right after the rows
    in force this check last passed on, with the same code; None: every row."""
    if last is None or staging["previous"] is None:
        return None
    if last.get("staging") != staging["previous"] or last.get("code") != staging["code"]:
        return None
    rows = con.execute("SELECT code_action FROM ingest.staging_actions ORDER BY 1").fetchall()
    return [code for (code,) in rows]


def _pandera_version() -> str:
    from importlib.metadata import version

    return "pandera " + version("pandera")


def _validate_staging(con, failures: dict[str, pl.DataFrame], actions: list[str] | None) -> int:
    """Validate staging.* (the rows of `actions`, or all) against the pandera models; fills
    `failures`, returns rows read. pandera is imported here: a run with nothing new does not
    pay for it."""
    import pandera.errors as pa_errors

    from pipelines.ingest.schemas import SCHEMAS, conforms

    def failure_cases(kind: str, batch) -> pl.DataFrame | None:
        frame = pl.from_arrow(batch).cast(columns_of(kind))
        if conforms(SCHEMAS[kind], frame):  # one query; pandera below lists what fails
            return None
        try:
            SCHEMAS[kind].validate(frame, lazy=True)
        except pa_errors.SchemaErrors as err:
            return err.failure_cases
        return None

    def collect(kind: str, future: Future) -> None:
        cases = future.result()
        if cases is not None:
            failures[kind] = pl.concat([failures.get(kind, cases.clear()), cases])

    rows_read = 0
    checking: deque[tuple[str, Future]] = deque()
    # Batches are checked on two threads (polars works outside the GIL): 3.4 -> 2.x s on a
    # big city's 23.6 M rows. In batches: 20 M sessions never sit in memory at once.
    with ThreadPoolExecutor(STAGING_CHECK_THREADS) as pool:
        for kind in SCHEMAS:
            where = "" if actions is None else "WHERE code_action IN (SELECT unnest($actions))"
            rows = con.sql(
                f"SELECT {', '.join(columns_of(kind))} FROM staging.{kind} {where}",
                params=None if actions is None else {"actions": actions},
            )
            for batch in rows.to_arrow_reader(STAGING_CHECK_BATCH):
                rows_read += batch.num_rows
                checking.append((kind, pool.submit(failure_cases, kind, batch)))
                while len(checking) > STAGING_CHECK_THREADS:
                    collect(*checking.popleft())
        while checking:
            collect(*checking.popleft())
    return rows_read
