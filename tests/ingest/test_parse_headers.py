"""Header recognition (synonyms, folding) and file kinds from names."""

from __future__ import annotations

import pytest

from pipelines.ingest.headers import KIND_COLUMNS, find_header
from pipelines.ingest.parse import detect_kind, parse_report
from pipelines.ingest.text import fold_header

SYNONYMS = [
    # the contract's list (section 2)
    ("participants", "Identifiant", "id_participant"),
    ("participants", "Identifiant participant", "id_participant"),
    ("participants", "N° participant", "id_participant"),
    ("participants", "Date d'entrée", "date_entree"),
    ("participants", "Date de sortie", "date_sortie"),
    ("participants", "Motif de sortie", "motif_sortie"),
    ("participants", "Année de naissance", "annee_naissance"),
    ("participants", "Niveau de formation", "niveau_formation"),
    ("seances", "Date de séance", "date_seance"),
    ("financements", "Type de convention", "type_convention"),
    ("financements", "Date de début", "date_debut"),
    ("financements", "Date de fin", "date_fin"),
    ("participants", "Sexe (F/H)", "sexe"),
    ("participants", "Code QPV", "code_qpv"),
    # what people type besides
    ("seances", "Présence", "presence"),
    ("financements", "Montant accordé (€)", "montant_accorde"),
    ("financements", "Financeur", "financeur"),
    ("financements", "Année", "annee"),
    ("participants", "Inscrit France Travail", "inscrit_france_travail"),
    ("participants", "Prescripteur", "prescripteur"),
    ("participants", "Freins", "freins"),
    # the contract's own names and typing variants
    ("participants", "ID_PARTICIPANT", "id_participant"),
    ("participants", "code-action", "code_action"),
    ("participants", "  DATE D’ENTREE ", "date_entree"),
    ("participants", "date_de_l'entrée", "date_entree"),
    ("participants", "Année de naissance [aaaa]", "annee_naissance"),
    ("financements", "Montant accordé en euros", "montant_accorde"),
    ("financements", "Date début (jj/mm/aaaa)", "date_debut"),
]


@pytest.mark.parametrize(("kind", "typed", "column"), SYNONYMS)
def test_synonyms(kind, typed, column):
    names = {
        fold_header(n): s.name for s in KIND_COLUMNS[kind] for n in (s.name, s.label, *s.synonyms)
    }
    assert names.get(fold_header(typed)) == column


def test_header_is_the_first_row_holding_every_required_column():
    rows = [
        ["Suivi des séances"],
        ["Identifiant", "Date"],  # a header-like row missing columns
        [],
        ["N° participant", "Action", "Date de séance", "Présence", "Extra"],
        ["P1", "EMP01", "03/02/2025", "présent", "x"],
    ]
    match = find_header(rows, KIND_COLUMNS["seances"])
    assert match.index == 3
    assert match.columns == {
        "id_participant": 0,
        "code_action": 1,
        "date_seance": 2,
        "presence": 3,
    }
    assert match.headers["id_participant"] == "N° participant"


def test_first_of_two_matching_columns_wins(tmp_path, write_csv, partner_ctx):
    rows = [
        ["Identifiant", "Code action", "Date", "Date de séance", "Présence"],
        ["P1", "EMP01", "03/02/2025", "bad", "P"],
    ]
    report = parse_report(write_csv(tmp_path / "seances.csv", rows), "seances", partner_ctx)
    # "Date" and "Date de séance" both name date_seance: the first one is read
    assert report.accepted["date_seance"].cast(str).to_list() == ["2025-02-03"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("participants_2025-S1.xlsx", "participants"),
        ("PARTICIPANTS.CSV", "participants"),
        ("Participant s1.ods", "participants"),
        ("Séances 2025.xlsx", "seances"),
        ("seances.csv", "seances"),
        ("Présences_juin.xls", "seances"),
        ("financements-2025.csv", "financements"),
        ("Financement.xlsx", "financements"),
        ("bilan.xlsx", None),
        ("liste_participants.csv", None),  # the kind is the start of the name
    ],
)
def test_detect_kind(name, kind):
    assert detect_kind(name) == kind
