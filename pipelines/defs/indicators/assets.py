"""Indicator stage: marts.indicateurs and marts.cibles_suivi, with invariant checks."""

import dagster as dg

from indicators import checks as invariants
from indicators.compute import compute_indicators, compute_targets
from pipelines import freshness
from pipelines.defs.metadata import md_table
from pipelines.defs.resources import Warehouse
from pipelines.progress import Stage
from pipelines.warehouse import as_frame

GROUP = "indicateurs"


KEY = dg.AssetKey(["marts", "indicateurs"])
# Invariants of the computed table (indicators/checks.py), checked inside the asset's own
# step: as separate check steps they cost a Dagster step each on every run, even when
# nothing changed. Blocking: a failed invariant fails the step, nothing downstream runs.
INVARIANTS = {
    "parts_entre_0_et_100": "Toute part (pourcentage) est comprise entre 0 et 100.",
    "numerateur_inferieur_au_denominateur": "Pour une part, numérateur ≤ dénominateur.",
    "comptes_distincts_bornes": (
        "Un compte de personnes au contrat est ≥ celui de chaque action et ≤ leur somme."
    ),
    "grille_complete": "Chaque indicateur a une ligne par période, périmètre et ventilation.",
}


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb", "sql"},
    pool="warehouse",
    # marts.completude: completeness indicators and provisional periods (marts.periodes)
    deps=["lignes_en_vigueur", dg.AssetKey(["marts", "completude"])],
    key=KEY,
    check_specs=[
        dg.AssetCheckSpec(name, asset=KEY, description=text, blocking=True)
        for name, text in INVARIANTS.items()
    ],
)
def indicateurs(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """All indicators of the contract, every period, scope and breakdown (exact values)."""
    with Stage("Indicateurs") as stage, warehouse.get_connection(context.log) as con:
        inputs = freshness.inputs_fingerprint(con)
        stats = freshness.last_build(con, "marts.indicateurs", inputs)
        if stats is None:
            computed = compute_indicators(con)
            stats = {k: v for k, v in computed.items() if isinstance(v, int | float | str)}
            freshness.record(con, "marts.indicateurs", inputs, {**stats, "rebuilt": 0})
        stage.rows = con.sql("SELECT count(*) FROM marts.indicateurs").fetchall()[0][0]
        preview = as_frame(
            con.sql(
                "SELECT code_indicateur, periode, valeur FROM marts.indicateurs "
                "WHERE perimetre_type = 'contrat' AND ventilation = 'ensemble' "
                "ORDER BY periode DESC, code_indicateur LIMIT 25"
            )
        )
        checks = [_invariant(con, name, inputs) for name in INVARIANTS]
    yield dg.MaterializeResult(
        metadata={
            **stage.metadata(),
            **{k: v for k, v in stats.items() if k != "rebuilt"},
            "reconstruit": stats.get("rebuilt", 1),
            "apercu": md_table(preview),
        }
    )
    yield from checks


def _invariant(con, name: str, inputs: str) -> dg.AssetCheckResult:
    # an invariant that held on these very inputs holds again: not checked again
    if freshness.last_build(con, f"check.{name}", inputs) is not None:
        return dg.AssetCheckResult(
            check_name=name, passed=True, metadata={"violations": 0, "reverifie": 0}
        )
    violations = invariants.CHECKS[name](con)
    if not violations:
        freshness.record(con, f"check.{name}", inputs)
    return dg.AssetCheckResult(
        check_name=name,
        passed=not violations,
        metadata={"violations": len(violations), "exemples": str(violations[:10])},
    )


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb", "sql"},
    pool="warehouse",
    deps=[dg.AssetKey(["marts", "indicateurs"]), "referentiel"],
    key=dg.AssetKey(["marts", "cibles_suivi"]),
)
def cibles_suivi(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Targets of cibles.csv: value reached, expected value on the trajectory, status."""
    with Stage("Suivi des cibles") as stage, warehouse.get_connection(context.log) as con:
        inputs = freshness.inputs_fingerprint(con)
        facts = freshness.last_build(con, "marts.cibles_suivi", inputs)
        if facts is None:
            facts = {"lignes": compute_targets(con)}
            freshness.record(con, "marts.cibles_suivi", inputs, {**facts, "rebuilt": 0})
        stage.rows = facts["lignes"]
    return dg.MaterializeResult(
        metadata={**stage.metadata(), "lignes": stage.rows, "reconstruit": facts.get("rebuilt", 1)}
    )
