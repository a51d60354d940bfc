"""Publication stage: funder tables, validation reports and the dashboards site."""

import dagster as dg

from dashboards.site import build_site
from pipelines import freshness
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.fsutil import staged_dir
from pipelines.ingest.reports import write_validation_index, write_validation_reports
from pipelines.progress import Stage
from pipelines.publish.tables import export_tables, write_published_table

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
    return {
        **{k: v for k, v in facts.items() if k != "rebuilt"},
        "reconstruit": facts.get("rebuilt", 1),
    }


@dg.asset(
    group_name=GROUP,
    kinds={"csv", "parquet"},
    pool="warehouse",
    deps=[dg.AssetKey(["marts", "indicateurs_publies"])],
)
def tables_telechargement(
    context: dg.AssetExecutionContext, warehouse: Warehouse, data_root: DataRoot
):
    """Funder downloads: CSV for French Excel, XLSX with definitions, Parquet."""
    target = data_root.publish_dir("telechargements")
    with Stage("Tables à télécharger") as stage, warehouse.get_connection(context.log) as con:
        inputs = freshness.inputs_fingerprint(con, extra=str(target))
        facts = freshness.last_build(con, "telechargements", inputs, target)
        if facts is None:
            with staged_dir(target) as build:
                written = export_tables(con, build)
            rows = con.sql("SELECT count(*) FROM marts.indicateurs_publies").fetchall()[0][0]
            facts = {"fichiers": len(written), "lignes": rows}
            freshness.record(con, "telechargements", inputs, {**facts, "rebuilt": 0})
        stage.rows = facts["lignes"]
    return dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **_rebuilt(facts),
            "dossier": dg.MetadataValue.path(str(target)),
        }
    )


@dg.asset(group_name=GROUP, kinds={"html"}, pool="warehouse", deps=["lignes_en_vigueur"])
def rapports_validation(
    context: dg.AssetExecutionContext, warehouse: Warehouse, data_root: DataRoot
):
    """One French validation report per received file, and the overview of the run."""
    target = data_root.publish_dir("rapports")
    run_id = context.run.run_id
    with Stage("Rapports de validation") as stage, warehouse.get_connection(context.log) as con:
        inputs = freshness.inputs_fingerprint(con, extra=str(target))
        facts = freshness.last_build(con, "rapports", inputs, target / "index.html")
        if facts is None:
            pages = write_validation_reports(con, target, run_id=run_id)
            issues = con.sql(
                "SELECT (SELECT count(*) FROM ingest.rejections) "
                "+ (SELECT count(*) FROM ingest.warnings)"
            ).fetchall()[0][0]
            facts = {"pages": len(pages), "lignes": issues}
            freshness.record(con, "rapports", inputs, {**facts, "rebuilt": 0})
        else:  # the same file pages; only the overview names this run
            write_validation_index(con, target, run_id=run_id)
        stage.rows = facts["lignes"]
    return dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **_rebuilt(facts),
            "index": dg.MetadataValue.path(str(target / "index.html")),
        }
    )


@dg.asset(
    group_name=GROUP,
    kinds={"plotly", "html"},
    pool="warehouse",
    deps=[
        dg.AssetKey(["marts", "indicateurs_publies"]),
        tables_telechargement,
        rapports_validation,
    ],
)
def tableaux_de_bord(context: dg.AssetExecutionContext, warehouse: Warehouse, data_root: DataRoot):
    """The steering committee's static site (offline, French)."""
    target = data_root.publish_dir("site")
    reports_dir = data_root.publish_dir("rapports")
    downloads_dir = data_root.publish_dir("telechargements")
    with Stage("Tableaux de bord") as stage, warehouse.get_connection(context.log) as con:
        inputs = freshness.inputs_fingerprint(con, extra=f"{target}|{reports_dir}|{downloads_dir}")
        facts = freshness.last_build(con, "tableaux_de_bord", inputs, target / "index.html")
        if facts is None:
            summary = build_site(con, target, reports_dir=reports_dir, downloads_dir=downloads_dir)
            facts = {
                "pages": getattr(summary, "pages", 0),
                "graphiques": getattr(summary, "charts", 0),
            }
            freshness.record(con, "tableaux_de_bord", inputs, {**facts, "rebuilt": 0})
    return dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **_rebuilt(facts),
            "index": dg.MetadataValue.path(str(target / "index.html")),
        }
    )
