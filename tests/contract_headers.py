"""The partner files' canonical headers, written out from the data contract (section 2) once
for every test kit. Literal on purpose: fixtures must not depend on the code they test."""

PARTICIPANTS_HEADER = [
    "id_participant",
    "code_action",
    "date_entree",
    "date_sortie",
    "motif_sortie",
    "sexe",
    "annee_naissance",
    "code_qpv",
    "niveau_formation",
    "inscrit_france_travail",
    "freins",
    "prescripteur",
]
SEANCES_HEADER = ["id_participant", "code_action", "date_seance", "presence"]
FINANCEMENTS_HEADER = [
    "code_action",
    "annee",
    "financeur",
    "montant_accorde",
    "type_convention",
    "date_debut",
    "date_fin",
]
