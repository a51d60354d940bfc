"""The three partner file kinds (data contract section 2): columns, keys, row rules.

Adding a column is one `Column(...)` line in its kind: header matching, parsing, the
pandera schema, the raw/staging DDL, the partner kit and the guide follow.
"""

from __future__ import annotations

import polars as pl

from pipelines.contract.model import Column, Kind, RowRule
from pipelines.settings import AGE_RANGE

ID_PARTICIPANT = Column(
    "id_participant",
    "Identifiant participant",
    "identifiant",
    synonyms=(
        "Identifiant",
        "Identifiant participant",
        "N° participant",
        "Numéro participant",
        "Id",
        "Identifiant bénéficiaire",
        "N° bénéficiaire",
        "Code participant",
        "Pseudonyme",
    ),
    help="identifiant pseudonyme de la personne (jamais son nom)",
)
CODE_ACTION = Column(
    "code_action",
    "Code action",
    "action",
    synonyms=("Action", "N° action", "Code de l'action", "Référence action"),
    help="une action de actions.csv portée par votre structure",
)


def _exit_needs_motif() -> pl.Expr:
    return pl.col("date_sortie").is_null() == pl.col("motif_sortie").is_null()


def _age_in_range() -> pl.Expr:
    age = pl.col("date_entree").dt.year().cast(pl.Int32) - pl.col("annee_naissance")
    return age.is_between(*AGE_RANGE)


# Rules that need the partner or the report's period have no invariant of the rows alone.
OWN_ACTION = RowRule("action_autre_partenaire", "code_action")


def _not_after_period(column: str) -> RowRule:
    """(v2) Funding years and agreement dates may lie in the future: not for financements."""
    return RowRule("date_apres_periode", column)


KINDS: dict[str, Kind] = {
    "participants": Kind(
        "participants",
        "Participants",
        "une ligne par personne et par entrée dans une action",
        ("participants", "participant"),
        (
            ID_PARTICIPANT,
            CODE_ACTION,
            Column(
                "date_entree",
                "Date d'entrée",
                "date",
                synonyms=("Date d'entrée", "Entrée", "Date entrée dispositif"),
                help="date d'entrée dans l'action",
            ),
            Column(
                "date_sortie",
                "Date de sortie",
                "date",
                required=False,
                synonyms=("Date de sortie", "Sortie"),
                help="date de sortie, postérieure ou égale à l'entrée ; vide si la personne"
                " est encore dans l'action",
            ),
            Column(
                "motif_sortie",
                "Motif de sortie",
                "code",
                required=False,
                synonyms=("Motif de sortie", "Motif"),
                domain="motif_sortie",
                required_with="date_sortie",  # rules motif_manquant / sortie_manquante
                help="obligatoire si et seulement si une date de sortie est indiquée",
            ),
            Column(
                "sexe",
                "Sexe",
                "code",
                synonyms=("Sexe (F/H)", "Sexe F/H", "Genre"),
                domain="sexe",
                help="F ou H",
            ),
            Column(
                "annee_naissance",
                "Année de naissance",
                "annee_naissance",
                synonyms=("Année de naissance", "Naissance", "Année naissance"),
                help=f"âge à l'entrée (année d'entrée − année de naissance) entre {AGE_RANGE[0]}"
                f" et {AGE_RANGE[1]} ans",
            ),
            Column(
                "code_qpv",
                "Code QPV",
                "qpv",
                synonyms=("Code QPV", "QPV", "Quartier", "Quartier QPV"),
                help="quartier prioritaire de résidence (qpv.csv) ou HORS_QPV",
            ),
            Column(
                "niveau_formation",
                "Niveau de formation",
                "code",
                synonyms=(
                    "Niveau de formation",
                    "Niveau",
                    "Niveau de diplôme",
                    "Diplôme",
                    "Niveau d'études",
                ),
                domain="niveau_formation",
                help="plus haut diplôme obtenu",
            ),
            Column(
                "inscrit_france_travail",
                "Inscrit France Travail",
                "booleen",
                synonyms=(
                    "Inscrit France Travail",
                    "Inscrit FT",
                    "France Travail",
                    "Inscrit Pôle emploi",
                    "Demandeur d'emploi inscrit",
                    "Inscription France Travail",
                ),
                help="inscrit comme demandeur d'emploi à l'entrée",
            ),
            Column(
                "freins",
                "Freins",
                "codes",
                required=False,
                synonyms=("Frein", "Freins périphériques", "Freins identifiés"),
                domain="freins",
                warn_only=True,
                help="freins identifiés, séparés par « ; » ; une valeur inconnue est ignorée"
                " avec un avertissement",
            ),
            Column(
                "prescripteur",
                "Prescripteur",
                "code",
                required=False,
                synonyms=("Orienté par", "Orientation"),
                domain="prescripteur",
                warn_only=True,
                help="qui a orienté la personne ; une valeur inconnue est ignorée avec un"
                " avertissement",
            ),
        ),
        key=("id_participant", "code_action", "date_entree"),
        key_words="même identifiant, action et date d'entrée",
        row_rules=(
            OWN_ACTION,
            _not_after_period("date_entree"),
            _not_after_period("date_sortie"),
            RowRule(
                "sortie_avant_entree",
                "date_sortie",
                lambda: (
                    pl.col("date_sortie").is_null()
                    | (pl.col("date_sortie") >= pl.col("date_entree"))
                ),
            ),
            RowRule("motif_manquant", "motif_sortie", _exit_needs_motif),
            RowRule("sortie_manquante", "date_sortie", _exit_needs_motif),
            RowRule("age_hors_limites", "annee_naissance", _age_in_range),
        ),
    ),
    "seances": Kind(
        "seances",
        "Séances",
        "une ligne par participant et par séance programmée",
        ("seances", "seance", "presences", "presence"),
        (
            ID_PARTICIPANT,
            CODE_ACTION,
            Column(
                "date_seance",
                "Date de séance",
                "date",
                synonyms=("Date de séance", "Séance", "Date"),
                help="date de la séance",
            ),
            Column(
                "presence",
                "Présence",
                "code",
                synonyms=("Présence", "Présent", "Émargement", "Statut de présence"),
                domain="presence",
                help="présent, absent ou excusé",
            ),
        ),
        key=("id_participant", "code_action", "date_seance"),
        key_words="même identifiant, action et date de séance",
        row_rules=(OWN_ACTION, _not_after_period("date_seance")),
    ),
    "financements": Kind(
        "financements",
        "Financements",
        "une ligne par financement accordé",
        ("financements", "financement"),
        (
            CODE_ACTION,
            Column(
                "annee",
                "Année",
                "annee_budgetaire",
                synonyms=("Année", "Exercice", "Année budgétaire"),
                help="année budgétaire du financement",
            ),
            Column(
                "financeur",
                "Financeur",
                "code",
                synonyms=("Financeur", "Cofinanceur", "Organisme financeur"),
                domain="financeur",
                help="organisme qui finance",
            ),
            Column(
                "montant_accorde",
                "Montant accordé",
                "montant",
                synonyms=("Montant accordé (€)", "Montant", "Montant attribué", "Subvention"),
                help="montant accordé en euros, strictement positif",
            ),
            Column(
                "type_convention",
                "Type de convention",
                "code",
                synonyms=("Type de convention", "Convention", "Type convention"),
                domain="type_convention",
                help="annuelle (appel à projets) ou pluriannuelle (CPO)",
            ),
            Column(
                "date_debut",
                "Date de début",
                "date",
                synonyms=("Date de début", "Début", "Début de convention"),
                help="début de la période couverte par la convention",
            ),
            Column(
                "date_fin",
                "Date de fin",
                "date",
                synonyms=("Date de fin", "Fin", "Fin de convention"),
                help="fin de la période couverte, postérieure ou égale au début",
            ),
        ),
        key=("code_action", "annee", "financeur", "type_convention", "date_debut"),
        key_words="même action, année, financeur, type de convention et date de début",
        row_rules=(
            OWN_ACTION,
            RowRule(
                "montant_non_positif", "montant_accorde", lambda: pl.col("montant_accorde") > 0
            ),
            RowRule(
                "fin_avant_debut", "date_fin", lambda: pl.col("date_fin") >= pl.col("date_debut")
            ),
        ),
    ),
}
