"""Every rule code, declared once: where it arises, what it does to the file or row, and
what it means in French. Codes are stored in ingest.files.refusal_rule,
ingest.rejections.regle and ingest.warnings.regle; an undeclared code is a pipeline bug."""

from __future__ import annotations

from pipelines.contract.model import Rule

SCAN, FILE, ROW, CROSS = "scan", "file", "row", "cross_file"

_DECLARED = (
    # The file as dropped: place, name, size (pipelines/ingest/scan.py).
    Rule(
        "emplacement_invalide",
        (SCAN,),
        "refus",
        "Le fichier doit être déposé dans incoming/<code partenaire>/<période>/.",
    ),
    Rule(
        "partenaire_inconnu",
        (SCAN,),
        "refus",
        "Le dossier partenaire n'est pas dans partenaires.csv.",
    ),
    Rule(
        "periode_inconnue",
        (SCAN,),
        "refus",
        "Le dossier de période doit s'appeler AAAA, AAAA-S1 ou AAAA-S2.",
    ),
    Rule(
        "periode_hors_contrat",
        (SCAN,),
        "refus",
        "La période est en dehors des années du contrat.",
    ),
    Rule(
        "type_inconnu",
        (SCAN,),
        "refus",
        "Le nom du fichier doit commencer par participants, seances (ou presences) ou"
        " financements.",
    ),
    Rule(
        "format_non_pris_en_charge",
        (SCAN,),
        "refus",
        "Seuls les formats .csv, .xlsx, .xls et .ods sont acceptés.",
    ),
    Rule(
        "fichier_trop_volumineux",
        (SCAN,),
        "refus",
        "Le fichier dépasse la taille maximale admise.",
    ),
    Rule(
        "nom_illisible", (SCAN,), "refus", "Le nom du fichier contient des caractères mal encodés."
    ),
    Rule("nom_interdit", (SCAN,), "refus", "Un nom de fichier ou de dossier contient « .. »."),
    Rule("lien_symbolique", (SCAN,), "refus", "Un lien symbolique n'est pas un fichier déposé."),
    Rule("chemin_hors_depot", (SCAN,), "refus", "Le chemin sort du dossier de dépôt."),
    Rule("fichier_special", (SCAN,), "refus", "Ce n'est pas un fichier ordinaire."),
    # The file's content as a whole (pipelines/ingest/readers.py, csvsource.py, parse.py).
    Rule(
        "fichier_vide",
        (SCAN, FILE),
        "refus",
        "Le fichier est vide : aucun en-tête reconnu ou aucune ligne de données.",
    ),
    Rule(
        "illisible",
        (SCAN, FILE),
        "refus",
        "Le fichier ne peut pas être lu (endommagé, encodage inconnu).",
    ),
    Rule(
        "format_inconnu",
        (FILE,),
        "refus",
        "Le contenu ne correspond pas à l'extension du fichier.",
    ),
    Rule("taille_max", (FILE,), "refus", "Le fichier dépasse la taille maximale admise."),
    Rule(
        "colonne_manquante",
        (FILE,),
        "refus",
        "Une colonne obligatoire manque dans l'en-tête (20 premières lignes).",
    ),
    # One row (pipelines/ingest/fields.py, rules.py, duplicates.py).
    Rule("valeur_manquante", (ROW,), "rejet", "Une colonne obligatoire est vide."),
    Rule(
        "valeur_invalide",
        (ROW,),
        "rejet",
        "La valeur n'est pas un code admis ; dans une colonne facultative (freins,"
        " prescripteur), elle est seulement ignorée, avec un avertissement.",
    ),
    Rule("date_invalide", (ROW,), "rejet", "La date n'est pas lisible (jj/mm/aaaa)."),
    Rule("annee_invalide", (ROW,), "rejet", "L'année n'est pas lisible ou pas plausible."),
    Rule("montant_invalide", (ROW,), "rejet", "Le montant n'est pas lisible."),
    Rule("booleen_invalide", (ROW,), "rejet", "La réponse n'est pas oui ou non."),
    Rule("action_inconnue", (ROW,), "rejet", "L'action ne figure pas dans actions.csv."),
    Rule(
        "action_autre_partenaire",
        (ROW,),
        "rejet",
        "L'action est portée par un autre partenaire : ne déclarez que vos actions.",
    ),
    Rule("qpv_inconnu", (ROW,), "rejet", "Le code QPV n'est ni dans qpv.csv ni HORS_QPV."),
    Rule("sortie_avant_entree", (ROW,), "rejet", "La date de sortie précède la date d'entrée."),
    Rule("motif_manquant", (ROW,), "rejet", "Une date de sortie exige un motif de sortie."),
    Rule("sortie_manquante", (ROW,), "rejet", "Un motif de sortie exige une date de sortie."),
    Rule(
        "age_hors_limites",
        (ROW,),
        "rejet",
        "L'âge à l'entrée (année d'entrée − année de naissance) doit être de 14 à 99 ans.",
    ),
    Rule(
        "montant_non_positif", (ROW,), "rejet", "Le montant accordé doit être strictement positif."
    ),
    Rule("fin_avant_debut", (ROW,), "rejet", "La date de fin précède la date de début."),
    Rule(
        "date_apres_periode",
        (ROW,),
        "rejet",
        "(v2) Une date d'entrée, de sortie ou de séance postérieure au dernier jour de la"
        " période du bilan : un bilan ne décrit que ce qui a déjà eu lieu.",
    ),
    Rule(
        "doublon",
        (ROW,),
        "rejet",
        "Même clé qu'une ligne précédente du fichier : seule la première est conservée.",
    ),
    # Across files, once the rows in force are known (pipelines/ingest/sql/06-07).
    Rule(
        "seance_sans_inscription",
        (CROSS,),
        "avertissement",
        "Séance d'une personne sans inscription acceptée dans cette action.",
    ),
    Rule(
        "entree_avant_debut_action",
        (CROSS,),
        "avertissement",
        "L'entrée précède la date de début de l'action (actions.csv).",
    ),
    Rule(
        "sortie_apres_fin_action",
        (CROSS,),
        "avertissement",
        "La sortie suit la date de fin de l'action (actions.csv).",
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _DECLARED}


def codes_at(stage: str) -> frozenset[str]:
    """Rule codes that may arise at a stage (scan, file, row, cross_file)."""
    return frozenset(r.code for r in _DECLARED if stage in r.stages)
