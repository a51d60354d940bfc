"""Publication stage: funder tables, validation reports and the dashboards site."""

import dagster as dg

from dashboards.site import build_site
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.fsutil import staged_dir
from pipelines.ingest.reports import write_validation_reports
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
    with warehouse.get_connection(context.log) as con:
        rows = write_published_table(con)
        secret = con.sql(
            "SELECT count(*) FILTER (WHERE secret), count(*) FROM marts.indicateurs_publies"
        ).fetchall()[0]
    return dg.MaterializeResult(metadata={"lignes": rows, "cellules_secretes": secret[0]})


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
    with warehouse.get_connection(context.log) as con, staged_dir(target) as build:
        written = export_tables(con, build)
    return dg.MaterializeResult(
        metadata={"dossier": dg.MetadataValue.path(str(target)), "fichiers": len(written)}
    )


@dg.asset(
    group_name=GROUP,
    kinds={"html"},
    pool="warehouse",
    # marts.completude: the "Suivi des remontées" page written beside the reports
    deps=["lignes_en_vigueur", dg.AssetKey(["marts", "completude"])],
)
def rapports_validation(
    context: dg.AssetExecutionContext, warehouse: Warehouse, data_root: DataRoot
):
    """One French validation report per received file, and the overview of the run."""
    target = data_root.publish_dir("rapports")
    with warehouse.get_connection(context.log) as con:
        pages = write_validation_reports(con, target, run_id=context.run.run_id)
    return dg.MaterializeResult(
        metadata={"index": dg.MetadataValue.path(str(target / "index.html")), "pages": len(pages)}
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
    with warehouse.get_connection(context.log) as con:
        summary = build_site(
            con,
            target,
            reports_dir=data_root.publish_dir("rapports"),
            downloads_dir=data_root.publish_dir("telechargements"),
        )
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(target / "index.html")),
            "pages": getattr(summary, "pages", 0),
            "graphiques": getattr(summary, "charts", 0),
        }
    )
