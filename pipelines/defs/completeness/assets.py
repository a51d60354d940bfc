"""Report completeness (data contract v2, section 6): marts.completude, its warning check,
and the officer's reminder list publish/relances/."""

import dagster as dg

from indicators.completeness import A_RELANCER, compute_completeness
from pipelines.defs.metadata import md_table
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.fsutil import staged_dir
from pipelines.publish.relances import relances_frame, write_relances

GROUP = "completude"

TABLE_SQL = """
    SELECT code_partenaire, periode, type_fichier, date_limite, date_reception, statut,
           jours_retard
    FROM marts.completude ORDER BY code_partenaire, debut, periode, type_fichier
"""


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb", "sql"},
    pool="warehouse",
    deps=["referentiel", "fichiers_partenaires"],
    key=dg.AssetKey(["marts", "completude"]),
    check_specs=[
        dg.AssetCheckSpec("bilans_a_relancer", asset=dg.AssetKey(["marts", "completude"]))
    ],
)
def completude(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Expected × received partner reports: due date, reception date and status."""
    with warehouse.get_connection(context.log) as con:
        counts = compute_completeness(con)
        table = con.sql(TABLE_SQL).pl()
        to_chase = relances_frame(con)
    context.log.info("Bilans : " + ", ".join(f"{statut} {n}" for statut, n in counts.items()) + ".")
    yield dg.MaterializeResult(
        metadata={**counts, "lignes": table.height, "completude": md_table(table, limit=200)}
    )
    # WARN: a missing report must not stop the indicators; they are flagged provisional.
    by_status = {s: int((to_chase["code_statut"] == s).sum()) for s in A_RELANCER}
    yield dg.AssetCheckResult(
        check_name="bilans_a_relancer",
        passed=to_chase.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **{f"bilans_{s}": n for s, n in by_status.items()},
            "detail": md_table(to_chase.drop("code_statut", "file_id"), limit=100),
        },
    )


@dg.asset(
    group_name=GROUP,
    kinds={"csv"},
    pool="warehouse",
    deps=[dg.AssetKey(["marts", "completude"])],
)
def relances(context: dg.AssetExecutionContext, warehouse: Warehouse, data_root: DataRoot):
    """Reminder list for French Excel and one reminder text per partner concerned."""
    target = data_root.publish_dir("relances")
    with warehouse.get_connection(context.log) as con, staged_dir(target) as build:
        written = write_relances(con, build)
    return dg.MaterializeResult(
        metadata={
            "dossier": dg.MetadataValue.path(str(target)),
            "partenaires_a_relancer": len(written) - 1,
        }
    )
