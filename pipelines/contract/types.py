"""Value types of the partner columns: storage types, the rule a bad value breaks, help.

The parser of each type is named after it in pipelines/ingest/fields.py (PARSERS).
"""

from __future__ import annotations

import polars as pl

from pipelines.contract.model import ValueType

BUDGET_YEARS = (2000, 2100)  # plausible funding years

TYPES: dict[str, ValueType] = {
    t.name: t
    for t in (
        ValueType(
            "identifiant",
            pl.Utf8,
            "VARCHAR",
            "valeur_invalide",
            "",
            "identifiant pseudonyme (jamais un nom), le même d'un fichier à l'autre",
        ),
        ValueType(
            "action",
            pl.Utf8,
            "VARCHAR",
            "action_inconnue",
            "est une action inconnue : elle ne figure pas dans la liste des actions du contrat"
            " (actions.csv)",
            "code d'une de vos actions (liste déroulante)",
        ),
        ValueType(
            "date",
            pl.Date,
            "DATE",
            "date_invalide",
            "n'est pas une date lisible (attendu jj/mm/aaaa)",
            "date jj/mm/aaaa",
            excel="date",
        ),
        ValueType(
            "code",
            pl.Utf8,
            "VARCHAR",
            "valeur_invalide",
            "n'est pas une valeur admise ({codes})",
            "un code de la liste déroulante",
        ),
        ValueType(
            "codes",
            pl.Utf8,
            "VARCHAR",
            "valeur_invalide",
            "n'est pas une valeur admise ({codes})",
            "un ou plusieurs codes de la liste, séparés par « ; »",
        ),
        ValueType(
            "annee_naissance",
            pl.Int32,
            "INTEGER",
            "annee_invalide",
            "n'est pas une année (attendu aaaa, ex. 1990)",
            "année sur 4 chiffres (ex. 1990)",
            excel="integer",
        ),
        ValueType(
            "annee_budgetaire",
            pl.Int32,
            "INTEGER",
            "annee_invalide",
            f"n'est pas une année budgétaire plausible (entre {BUDGET_YEARS[0]}"
            f" et {BUDGET_YEARS[1]})",
            "année sur 4 chiffres (ex. 2025)",
            excel="integer",
        ),
        ValueType(
            "montant",
            pl.Float64,
            "DECIMAL(18, 2)",
            "montant_invalide",
            "n'est pas un montant lisible (ex. 1 250,50)",
            "montant en euros, strictement positif (ex. 1 250,50)",
            excel="amount",
        ),
        ValueType(
            "booleen",
            pl.Boolean,
            "BOOLEAN",
            "booleen_invalide",
            "n'est pas une réponse oui/non (oui, non, O, N, 1, 0)",
            "oui ou non (liste déroulante)",
        ),
        ValueType(
            "qpv",
            pl.Utf8,
            "VARCHAR",
            "qpv_inconnu",
            "n'est pas un code QPV de qpv.csv ni HORS_QPV",
            "code du quartier prioritaire de résidence, ou HORS_QPV (liste déroulante)",
        ),
    )
}
