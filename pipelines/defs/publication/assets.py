"""Publication stage: the published indicators, then one publication of every output."""

import dagster as dg

from pipelines import freshness
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.ingest.reports import write_validation_index
from pipelines.progress import Stage
from pipelines.publish.generation import current_generation, publish_generation
from pipelines.publish.outputs import builders
from pipelines.publish.tables import write_published_table
from pipelines.publish.targets import write_published_targets

GROUP = "publication"


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    pool="warehouse",
    deps=[dg.AssetKey(["marts", "indicateurs"]), dg.AssetKey(["marts", "cibles_suivi"])],
    key=dg.AssetKey(["marts", "indicateurs_publies"]),
)
def indicateurs_publies(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Indicators with labels, targets, vintage and statistical confidentiality applied."""
    with Stage("Secret statistique") as stage, warehouse.get_connection(context.log) as con:
        inputs = freshness.inputs_fingerprint(con)
        facts = freshness.last_build(con, "marts.indicateurs_publies", inputs)
        if facts is None:
            rows = write_published_table(con)
            secret = con.sql(
                "SELECT count(*) FILTER (WHERE secret) FROM marts.indicateurs_publies"
            ).fetchall()[0][0]
            facts = {"lignes": rows, "cellules_secretes": secret}
            freshness.record(con, "marts.indicateurs_publies", inputs, {**facts, "rebuilt": 0})
        stage.rows = facts["lignes"]
    return dg.MaterializeResult(metadata={**stage.metadata(), **_rebuilt(facts)})


def _rebuilt(facts: dict) -> dict:
    """Metadata of a build: 'reconstruit' is 0 when nothing changed since the last one."""
    kept = {k: v for k, v in facts.items() if k != "rebuilt"}
    return {**kept, "reconstruit": facts.get("rebuilt", 1)}


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb", "sql"},
    pool="warehouse",
    deps=[dg.AssetKey(["marts", "indicateurs_publies"]), dg.AssetKey(["marts", "cibles_suivi"])],
    key=dg.AssetKey(["marts", "cibles_publiees"]),
)
def cibles_publiees(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Target tracking as published: a value reached read on a secret cell is hidden."""
    with Stage("Cibles publiées") as stage, warehouse.get_connection(context.log) as con:
        counts = write_published_targets(con)
    return dg.MaterializeResult(metadata={**stage.metadata(), **counts})


@dg.asset(
    group_name=GROUP,
    kinds={"html", "plotly", "csv", "parquet"},
    check_specs=[dg.AssetCheckSpec("publication_entiere", asset="publication")],
    pool="warehouse",
    deps=[
        dg.AssetKey(["marts", "indicateurs_publies"]),
        dg.AssetKey(["marts", "cibles_publiees"]),
        "lignes_en_vigueur",
        # (v2) the report follow-up page and publish/relances/ read marts.completude
        dg.AssetKey(["marts", "completude"]),
    ],
)
def publication(context: dg.AssetExecutionContext, warehouse: Warehouse, data_root: DataRoot):
    """Everything under publish/ of one run, switched in at once: funder downloads, one
    validation report per received file, the steering committee's site (offline, French).
    Outputs: pipelines/publish/outputs.py; the switch: pipelines/publish/generation.py."""
    publish = data_root.root / "publish"
    with (
        Stage("Publication (téléchargements, rapports, site)") as stage,
        warehouse.get_connection(context.log) as con,
    ):
        inputs = freshness.inputs_fingerprint(con, extra=str(publish))
        site_index = data_root.publish_dir("site") / "index.html"
        built = freshness.last_build(con, "publication", inputs, site_index)
        if built is None:
            built = publish_generation(
                publish, builders(con, context.run.run_id), label=context.run.run_id
            )
            freshness.record(con, "publication", inputs, built)
        else:  # nothing changed: the same generation; only the reports' overview names this run
            write_validation_index(con, data_root.publish_dir("rapports"), context.run.run_id)
        # Under the lock (no other run switches meanwhile): what readers reach through each
        # public path must be this run's generation.
        generation = current_generation(publish)
        reached = {name: (publish / name).resolve().parent for name in built}
        strays = sorted(name for name, gen in reached.items() if gen != generation)
    metadata = {
        f"{name}.{key}": value for name, outputs in built.items() for key, value in outputs.items()
    }
    yield dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **metadata,
            "generation": generation.name if generation else "",
            "index": dg.MetadataValue.path(str(data_root.publish_dir("site") / "index.html")),
            "rapports": dg.MetadataValue.path(
                str(data_root.publish_dir("rapports") / "index.html")
            ),
        }
    )
    yield dg.AssetCheckResult(
        check_name="publication_entiere",
        passed=not strays,
        metadata={"dossiers_hors_generation": ", ".join(strays) or "aucun"},
    )
