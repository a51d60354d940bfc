"""Closed lists of codes (data contract section 2): code, French label, other spellings.

Synonyms are compared after `fold_code` ("Emploi durable" -> "emploi_durable",
"Bac +2" -> "bac_plus_2"). Adding a code is one line here.
"""

from __future__ import annotations

from pipelines.contract.model import Code, Domain

HORS_QPV = "HORS_QPV"
HORS_QPV_SPELLINGS = ("HORS_QPV", "HORSQPV", "HORS-QPV")

BOOLEANS: dict[str, bool] = {
    **{w: True for w in ("oui", "o", "1", "vrai", "true", "yes", "y", "x")},
    **{w: False for w in ("non", "n", "0", "faux", "false", "no")},
}


def _domain(name: str, *codes: Code, item: str = "une valeur admise") -> tuple[str, Domain]:
    return name, Domain(name, codes, item)


C = Code

DOMAINS: dict[str, Domain] = dict(
    [
        _domain(
            "sexe",
            C("F", "Femme", ("femme", "feminin", "fem", "female")),
            C("H", "Homme", ("homme", "masculin", "m", "masc", "male")),
        ),
        _domain(
            "motif_sortie",
            C(
                "emploi_durable",
                "Emploi durable (CDI, CDD de 6 mois et plus)",
                ("cdi", "emploi durable (CDI, CDD de 6 mois et plus)"),
            ),
            # a bare "CDD" is ambiguous: one of 6 months or more is emploi_durable
            C(
                "emploi_transition",
                "Emploi de transition (CDD de moins de 6 mois, intérim)",
                ("emploi de transition", "interim"),
            ),
            C("formation_qualifiante", "Formation qualifiante", ("formation",)),
            C(
                "creation_activite",
                "Création d'activité",
                ("creation d'activite", "creation", "creation d'entreprise"),
            ),
            C("abandon", "Abandon"),
            C("demenagement", "Déménagement"),
            C("autre", "Autre motif", ("autres",)),
        ),
        _domain(
            "niveau_formation",
            C("sans_diplome", "Sans diplôme", ("sans", "aucun diplome", "aucun")),
            C("cap_bep", "CAP ou BEP", ("cap", "bep", "cap ou bep")),
            C("bac", "Baccalauréat", ("baccalaureat", "niveau bac")),
            C("bac_plus_2", "Bac +2", ("bac 2", "bts", "dut")),
            C(
                "bac_plus_3_et_plus",
                "Bac +3 et plus",
                ("bac+3", "bac +3 et +", "bac+3 ou plus", "bac+4", "bac+5"),
            ),
        ),
        _domain(
            "presence",
            C("present", "Présent", ("p", "presente")),
            C("absent", "Absent", ("a", "absente", "abs")),
            C("excuse", "Absent excusé", ("e", "excusee", "absent excuse", "absence excusee")),
        ),
        _domain(
            "financeur",
            C(
                "etat_bop147",
                "État – crédits spécifiques (BOP 147)",
                (
                    "etat bop 147",
                    "bop 147",
                    "bop147",
                    "credits specifiques",
                    "etat credits specifiques",
                    "etat (bop 147)",
                ),
            ),
            C(
                "etat_droit_commun",
                "État – droit commun",
                ("etat droit commun", "droit commun", "etat dc"),
            ),
            C("region", "Région", ("conseil regional",)),
            C("departement", "Département", ("conseil departemental",)),
            C("epci", "Intercommunalité (EPCI)", ("agglomeration", "intercommunalite")),
            C("commune", "Commune", ("ville", "mairie")),
            C("caf", "Caisse d'allocations familiales (CAF)"),
            C("fse", "Fonds social européen (FSE+)", ("fse+",)),
            C(
                "bailleur",
                "Bailleur social",
                ("bailleurs", "bailleur social", "bailleurs sociaux"),
            ),
            C("france_travail", "France Travail", ("pole emploi", "ft")),
            C("prive", "Financeur privé (mécénat)", ("prives", "financeur prive", "mecenat")),
            C("autre", "Autre financeur", ("autres",)),
        ),
        _domain(
            "type_convention",
            C(
                "annuelle_aap",
                "Convention annuelle (appel à projets)",
                ("annuelle", "annuel", "aap", "annuelle (aap)"),
            ),
            C(
                "pluriannuelle_cpo",
                "Convention pluriannuelle d'objectifs (CPO)",
                ("pluriannuelle", "pluriannuel", "cpo", "pluri-annuelle", "pluri-annuelle cpo"),
            ),
        ),
        _domain(
            "prescripteur",
            C("france_travail", "France Travail", ("pole emploi", "ft")),
            C("mission_locale", "Mission locale", ("ml",)),
            C("ccas", "Centre communal d'action sociale (CCAS)"),
            C("plie", "Plan local pour l'insertion et l'emploi (PLIE)"),
            C("spontane", "Démarche spontanée", ("spontanee", "candidature spontanee")),
            C("autre", "Autre prescripteur", ("autres",)),
        ),
        _domain(
            "freins",
            C(
                "langue",
                "Maîtrise du français",
                ("francais", "langue francaise", "maitrise du francais"),
            ),
            C("mobilite", "Mobilité"),
            C("financier", "Difficultés financières", ("financiers", "argent")),
            C("sante", "Santé"),
            C("numerique", "Numérique"),
            C(
                "administratif",
                "Démarches administratives",
                ("administratifs", "demarches administratives"),
            ),
            C(
                "garde_enfants",
                "Garde d'enfants",
                ("garde d'enfants", "garde d'enfant", "garde enfant"),
            ),
            C("logement", "Logement"),
            C("qualification", "Qualification"),
            item="un frein reconnu",
        ),
    ]
)
