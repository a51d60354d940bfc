"""Indicator stage: marts.indicateurs and marts.cibles_suivi, with invariant checks."""

import dagster as dg

from indicators import checks as invariants
from indicators.compute import compute_indicators, compute_targets
from pipelines.defs.metadata import md_table
from pipelines.defs.resources import Warehouse

GROUP = "indicateurs"


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb", "sql"},
    pool="warehouse",
    # marts.completude: completeness indicators and provisional periods (marts.periodes)
    deps=["lignes_en_vigueur", dg.AssetKey(["marts", "completude"])],
    key=dg.AssetKey(["marts", "indicateurs"]),
)
def indicateurs(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """All indicators of the contract, every period, scope and breakdown (exact values)."""
    with warehouse.get_connection(context.log) as con:
        stats = compute_indicators(con)
        preview = con.sql(
            "SELECT code_indicateur, periode, valeur FROM marts.indicateurs "
            "WHERE perimetre_type = 'contrat' AND ventilation = 'ensemble' "
            "ORDER BY periode DESC, code_indicateur LIMIT 25"
        ).pl()
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if isinstance(v, int | float | str)},
            "apercu": md_table(preview),
        }
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
    with warehouse.get_connection(context.log) as con:
        rows = compute_targets(con)
    return dg.MaterializeResult(metadata={"lignes": rows})


def _invariant_check(name: str, description: str):
    @dg.asset_check(
        asset=dg.AssetKey(["marts", "indicateurs"]),
        name=name,
        description=description,
        blocking=True,
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        with warehouse.get_connection(context.log) as con:
            violations = invariants.CHECKS[name](con)
        return dg.AssetCheckResult(
            passed=not violations,
            metadata={"violations": len(violations), "exemples": str(violations[:10])},
        )

    return _check


parts_entre_0_et_100 = _invariant_check(
    "parts_entre_0_et_100", "Toute part (pourcentage) est comprise entre 0 et 100."
)
numerateur_inferieur_au_denominateur = _invariant_check(
    "numerateur_inferieur_au_denominateur", "Pour une part, numérateur ≤ dénominateur."
)
comptes_distincts_bornes = _invariant_check(
    "comptes_distincts_bornes",
    "Un compte de personnes au contrat est ≥ celui de chaque action et ≤ leur somme.",
)
grille_complete = _invariant_check(
    "grille_complete", "Chaque indicateur a une ligne par période, périmètre et ventilation."
)
