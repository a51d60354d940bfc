"""Report completeness (data contract v2, section 6): marts.completude and its warning check.
The officer's reminder list publish/relances/ is one output of the publication
(pipelines/publish/outputs.py)."""

import dagster as dg

from indicators.completeness import A_RELANCER, compute_completeness
from pipelines.defs.metadata import md_table
from pipelines.defs.resources import Warehouse
from pipelines.publish.relances import relances_frame
from pipelines.warehouse import as_frame

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
        table = as_frame(con.sql(TABLE_SQL))
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
