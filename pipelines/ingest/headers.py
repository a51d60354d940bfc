"""Header recognition: which row is the header and which column holds what.

The header is the first row, within the first 20, that holds every required
column; names are compared after `fold_header` (case, accents, separators,
"de"/"d'", bracketed text ignored) against the synonyms below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines import settings
from pipelines.ingest.text import fold_header

HEADER_SEARCH_ROWS = settings.HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # column of the contract
    label: str  # French label for messages
    required: bool = True
    synonyms: tuple[str, ...] = ()  # as people type them


def _col(name: str, label: str, *synonyms: str, required: bool = True) -> ColumnSpec:
    return ColumnSpec(name, label, required, synonyms)


ID_PARTICIPANT = _col(
    "id_participant",
    "Identifiant participant",
    "Identifiant",
    "Identifiant participant",
    "N° participant",
    "Numéro participant",
    "Id",
    "Identifiant bénéficiaire",
    "N° bénéficiaire",
    "Code participant",
    "Pseudonyme",
)
CODE_ACTION = _col(
    "code_action", "Code action", "Action", "N° action", "Code de l'action", "Référence action"
)

KIND_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "participants": (
        ID_PARTICIPANT,
        CODE_ACTION,
        _col("date_entree", "Date d'entrée", "Date d'entrée", "Entrée", "Date entrée dispositif"),
        _col("date_sortie", "Date de sortie", "Date de sortie", "Sortie", required=False),
        _col("motif_sortie", "Motif de sortie", "Motif de sortie", "Motif", required=False),
        _col("sexe", "Sexe", "Sexe (F/H)", "Sexe F/H", "Genre"),
        _col(
            "annee_naissance",
            "Année de naissance",
            "Année de naissance",
            "Naissance",
            "Année naissance",
        ),
        _col("code_qpv", "Code QPV", "Code QPV", "QPV", "Quartier", "Quartier QPV"),
        _col(
            "niveau_formation",
            "Niveau de formation",
            "Niveau de formation",
            "Niveau",
            "Niveau de diplôme",
            "Diplôme",
            "Niveau d'études",
        ),
        _col(
            "inscrit_france_travail",
            "Inscrit France Travail",
            "Inscrit France Travail",
            "Inscrit FT",
            "France Travail",
            "Inscrit Pôle emploi",
            "Demandeur d'emploi inscrit",
            "Inscription France Travail",
        ),
        _col(
            "freins", "Freins", "Frein", "Freins périphériques", "Freins identifiés", required=False
        ),
        _col("prescripteur", "Prescripteur", "Orienté par", "Orientation", required=False),
    ),
    "seances": (
        ID_PARTICIPANT,
        CODE_ACTION,
        _col("date_seance", "Date de séance", "Date de séance", "Séance", "Date"),
        _col("presence", "Présence", "Présence", "Présent", "Émargement", "Statut de présence"),
    ),
    "financements": (
        CODE_ACTION,
        _col("annee", "Année", "Année", "Exercice", "Année budgétaire"),
        _col("financeur", "Financeur", "Financeur", "Cofinanceur", "Organisme financeur"),
        _col(
            "montant_accorde",
            "Montant accordé",
            "Montant accordé (€)",
            "Montant",
            "Montant attribué",
            "Subvention",
        ),
        _col(
            "type_convention",
            "Type de convention",
            "Type de convention",
            "Convention",
            "Type convention",
        ),
        _col("date_debut", "Date de début", "Date de début", "Début", "Début de convention"),
        _col("date_fin", "Date de fin", "Date de fin", "Fin", "Fin de convention"),
    ),
}


@dataclass(frozen=True)
class HeaderMatch:
    """Outcome of the header search; `index` is None when no row fits."""

    index: int | None  # 0-based row of the header in the grid
    columns: dict[str, int]  # contract column -> position in the row
    headers: dict[str, str]  # contract column -> header as the partner typed it
    missing: tuple[str, ...] = ()  # labels of required columns missing in the best row
    matched_any: bool = False  # some row looked like a header at all


def synonym_map(specs: Sequence[ColumnSpec]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for spec in specs:
        for typed in (spec.name, spec.label, *spec.synonyms):
            mapping.setdefault(fold_header(typed), spec.name)
    return mapping


def match_row(row: Sequence[object], synonyms: dict[str, str]) -> tuple[dict[str, int], dict]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, cell in enumerate(row):
        name = synonyms.get(fold_header(cell))
        if name is not None and name not in columns:  # first column of a name wins
            columns[name] = position
            headers[name] = str(cell).strip()
    return columns, headers


def find_header(rows: Sequence[Sequence[object]], specs: Sequence[ColumnSpec]) -> HeaderMatch:
    synonyms = synonym_map(specs)
    required = [s for s in specs if s.required]
    best: tuple[int, list[str]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns, headers = match_row(row, synonyms)
        missing = [s.label for s in required if s.name not in columns]
        if not missing:
            return HeaderMatch(index, columns, headers, matched_any=True)
        if columns and (best is None or len(missing) < len(best[1])):
            best = (index, missing)
    if best is None:
        return HeaderMatch(None, {}, {})
    return HeaderMatch(None, {}, {}, missing=tuple(best[1]), matched_any=True)
