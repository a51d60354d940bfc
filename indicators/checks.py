"""Invariants of marts.indicateurs, for the Dagster asset checks.

Each check takes a DuckDB connection (read-only is enough: no table is written) and returns
the violating rows as dicts, at most `limit` of them; an empty list means the check passes.
`run_checks` runs them all. The expected grid is derived again from ref.*, staging.* and the
registry, independently of the SQL that built the table.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from indicators.compute import catalogue_frame

LIMIT = 100
EPSILON = 1e-9  # rounding tolerance of floating-point values

_KEY = "code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, limit: int) -> list[dict]:
    cursor = con.execute(f"{sql} LIMIT {int(limit)}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def shares_out_of_bounds(con: duckdb.DuckDBPyConnection, limit: int = LIMIT) -> list[dict]:
    """Percentages outside 0-100."""
    return _rows(
        con,
        f"""SELECT {_KEY}, valeur FROM marts.indicateurs
            WHERE unite = 'pourcentage' AND (valeur < 0 OR valeur > 100 + {EPSILON})
            ORDER BY ALL""",
        limit,
    )


def numerators_above_denominators(con: duckdb.DuckDBPyConnection, limit: int = LIMIT) -> list[dict]:
    """Shares whose numerator exceeds the denominator, or with a negative term."""
    return _rows(
        con,
        f"""SELECT {_KEY}, numerateur, denominateur FROM marts.indicateurs
            WHERE unite = 'pourcentage'
              AND (numerateur > denominateur * (1 + {EPSILON}) + {EPSILON}
                   OR numerateur < 0 OR denominateur < 0)
            ORDER BY ALL""",
        limit,
    )


def distinct_counts_out_of_bounds(con: duckdb.DuckDBPyConnection, limit: int = LIMIT) -> list[dict]:
    """People counted once: a contract, pilier or partner count must lie between the largest
    count of its actions and their sum (beneficiaires_uniques, nouveaux_entrants)."""
    return _rows(
        con,
        """
        WITH parents AS (
            SELECT 'contrat' AS perimetre_type, c.code AS perimetre_code, a.code_action
            FROM ref.actions AS a, ref.contrat AS c
            UNION ALL SELECT 'pilier', pilier, code_action FROM ref.actions
            UNION ALL SELECT 'partenaire', code_partenaire, code_action FROM ref.actions
        ),
        comptes AS (
            SELECT * FROM marts.indicateurs
            WHERE code_indicateur IN ('beneficiaires_uniques', 'nouveaux_entrants')
              AND ventilation = 'ensemble'
        ),
        bornes AS (
            SELECT p.perimetre_type, p.perimetre_code, a.code_indicateur, a.periode,
                max(a.valeur) AS max_actions, sum(a.valeur) AS somme_actions
            FROM parents AS p
            JOIN comptes AS a
                ON a.perimetre_type = 'action' AND a.perimetre_code = p.code_action
            GROUP BY ALL
        )
        SELECT c.code_indicateur, c.periode, c.perimetre_type, c.perimetre_code, c.valeur,
            b.max_actions, b.somme_actions
        FROM comptes AS c
        JOIN bornes AS b USING (perimetre_type, perimetre_code, code_indicateur, periode)
        WHERE c.valeur < b.max_actions OR c.valeur > b.somme_actions
        ORDER BY ALL
        """,
        limit,
    )


# The periods and scopes of data contract section 4, derived again here.
_EXPECTED_GRID = """
WITH derniere AS (
    SELECT max(annee) AS annee FROM (
        SELECT max(year(date_entree)) AS annee FROM staging.participants
        UNION ALL SELECT max(year(date_sortie)) FROM staging.participants
        UNION ALL SELECT max(year(date_seance)) FROM staging.seances
        UNION ALL SELECT max(annee) FROM staging.financements
    )
),
periodes AS (
    SELECT CAST(a.annee AS VARCHAR) AS periode
    FROM ref.contrat AS c, derniere AS d,
        range(year(c.date_debut),
              greatest(year(c.date_debut),
                       least(coalesce(d.annee, 0), year(c.date_fin))) + 1) AS a(annee)
    UNION ALL SELECT 'cumul'
),
perimetres AS (
    SELECT 'contrat' AS perimetre_type, code AS perimetre_code FROM ref.contrat
    UNION SELECT 'pilier', pilier FROM ref.actions
    UNION SELECT 'partenaire', code_partenaire FROM ref.partenaires
    UNION SELECT 'action', code_action FROM ref.actions
    UNION SELECT 'qpv', code_qpv FROM ref.qpv
)
SELECT c.code_indicateur, p.periode, s.perimetre_type, s.perimetre_code, c.ventilation,
    c.modalite, c.unite
FROM ind_check_catalogue AS c
JOIN perimetres AS s USING (perimetre_type)
CROSS JOIN periodes AS p
"""


def grid_incomplete(con: duckdb.DuckDBPyConnection, limit: int = LIMIT) -> list[dict]:
    """Rows of the expected full grid that are missing (probleme = 'manquante'), rows that
    should not be there ('en_trop') or that carry another unit ('unite')."""
    con.register("ind_check_catalogue", catalogue_frame())
    try:
        return _rows(
            con,
            f"""
            WITH attendue AS ({_EXPECTED_GRID}),
            comparaison AS (
                SELECT {_KEY}, a.unite AS unite_attendue, m.unite AS unite_trouvee
                FROM attendue AS a
                FULL JOIN marts.indicateurs AS m USING ({_KEY})
            )
            SELECT {_KEY},
                CASE WHEN unite_trouvee IS NULL THEN 'manquante'
                     WHEN unite_attendue IS NULL THEN 'en_trop'
                     ELSE 'unite' END AS probleme
            FROM comparaison
            WHERE unite_attendue IS DISTINCT FROM unite_trouvee
            ORDER BY ALL""",
            limit,
        )
    finally:
        con.unregister("ind_check_catalogue")


CHECKS: dict[str, Callable[..., list[dict]]] = {
    "parts_entre_0_et_100": shares_out_of_bounds,
    "numerateur_inferieur_au_denominateur": numerators_above_denominators,
    "comptes_distincts_bornes": distinct_counts_out_of_bounds,
    "grille_complete": grid_incomplete,
}


def run_checks(con: duckdb.DuckDBPyConnection, limit: int = LIMIT) -> dict[str, list[dict]]:
    """Every check by name -> its violations (empty lists when all pass)."""
    return {name: check(con, limit) for name, check in CHECKS.items()}
