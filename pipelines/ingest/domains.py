"""Value domains of the data contract (section 2) and the spellings people use for them.

Keys of the synonym tables are compared after `fold_code` ("Emploi durable" ->
"emploi_durable", "Bac +2" -> "bac_plus_2"); values are the contract's codes.
"""

from __future__ import annotations

from pipelines.ingest.text import fold_code

HORS_QPV = "HORS_QPV"

_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "sexe": {
        "F": ("femme", "feminin", "fem", "female"),
        "H": ("homme", "masculin", "m", "masc", "male"),
    },
    "motif_sortie": {
        "emploi_durable": ("cdi", "emploi durable (CDI, CDD de 6 mois et plus)"),
        # a bare "CDD" is ambiguous: one of 6 months or more is emploi_durable
        "emploi_transition": ("emploi de transition", "interim"),
        "formation_qualifiante": ("formation",),
        "creation_activite": ("creation d'activite", "creation", "creation d'entreprise"),
        "abandon": (),
        "demenagement": (),
        "autre": ("autres",),
    },
    "niveau_formation": {
        "sans_diplome": ("sans", "aucun diplome", "aucun"),
        "cap_bep": ("cap", "bep", "cap ou bep"),
        "bac": ("baccalaureat", "niveau bac"),
        "bac_plus_2": ("bac 2", "bts", "dut"),
        "bac_plus_3_et_plus": ("bac+3", "bac +3 et +", "bac+3 ou plus", "bac+4", "bac+5"),
    },
    "presence": {
        "present": ("p", "presente"),
        "absent": ("a", "absente", "abs"),
        "excuse": ("e", "excusee", "absent excuse", "absence excusee"),
    },
    "financeur": {
        "etat_bop147": (
            "etat bop 147",
            "bop 147",
            "bop147",
            "credits specifiques",
            "etat credits specifiques",
            "etat (bop 147)",
        ),
        "etat_droit_commun": ("etat droit commun", "droit commun", "etat dc"),
        "region": ("conseil regional",),
        "departement": ("conseil departemental",),
        "epci": ("agglomeration", "intercommunalite"),
        "commune": ("ville", "mairie"),
        "caf": (),
        "fse": ("fse+",),
        "bailleur": ("bailleurs", "bailleur social", "bailleurs sociaux"),
        "france_travail": ("pole emploi", "ft"),
        "prive": ("prives", "financeur prive", "mecenat"),
        "autre": ("autres",),
    },
    "type_convention": {
        "annuelle_aap": ("annuelle", "annuel", "aap", "annuelle (aap)"),
        "pluriannuelle_cpo": (
            "pluriannuelle",
            "pluriannuel",
            "cpo",
            "pluri-annuelle",
            "pluri-annuelle cpo",
        ),
    },
    "prescripteur": {
        "france_travail": ("pole emploi", "ft"),
        "mission_locale": ("ml",),
        "ccas": (),
        "plie": (),
        "spontane": ("spontanee", "candidature spontanee"),
        "autre": ("autres",),
    },
    "freins": {
        "langue": ("francais", "langue francaise", "maitrise du francais"),
        "mobilite": (),
        "financier": ("financiers", "argent"),
        "sante": (),
        "numerique": (),
        "administratif": ("administratifs", "demarches administratives"),
        "garde_enfants": ("garde d'enfants", "garde d'enfant", "garde enfant"),
        "logement": (),
        "qualification": (),
    },
}

BOOLEANS: dict[str, bool] = {
    **{w: True for w in ("oui", "o", "1", "vrai", "true", "yes", "y", "x")},
    **{w: False for w in ("non", "n", "0", "faux", "false", "no")},
}


def codes_of(domain: str) -> tuple[str, ...]:
    """The contract's codes of a domain, in the contract's order."""
    return tuple(_SYNONYMS[domain])


def synonyms_of(domain: str) -> dict[str, str]:
    """folded spelling -> contract code."""
    mapping: dict[str, str] = {}
    for code, spellings in _SYNONYMS[domain].items():
        for spelling in (code, *spellings):
            mapping[fold_code(spelling)] = code
    return mapping
