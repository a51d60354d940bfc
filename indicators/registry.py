"""Catalogue of the contract's indicators (data contract section 4).

Read by the indicator SQL runner, the published tables, the secrecy rule and the
dashboards. Adding an indicator = one SQL file under indicators/sql/ + one entry here,
with its chart (CHARTS) and the cells its secrecy rests on (SECRET_CELLS) below;
tests/indicators/test_registry_coverage.py fails while one is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipelines.ingest.domains import codes_of

ALL_SCOPES = ("contrat", "pilier", "partenaire", "action", "qpv")
NO_QPV = ("contrat", "pilier", "partenaire", "action")

UNIT_LABELS = {
    "nombre": "nombre",
    "pourcentage": "%",
    "pour_mille": "‰",
    "euros": "€",
}


@dataclass(frozen=True)
class Cellule:
    """A count an indicator's row rests on: which column holds it and which cell it is.
    Cells are shared between indicators by `measure` (see pipelines/publish/secret.py)."""

    # valeur | numerateur | denominateur | complement (denominateur − numerateur) |
    # personnes (v2: people behind a rate over sessions, see pipelines/publish/secret.py)
    source: str
    measure: str
    ventilation: str | None = None  # None: the row's own breakdown
    modalite: str | None = None


@dataclass(frozen=True)
class Graphique:
    """A chart of the dashboards: indicators of one unit drawn together."""

    key: str
    titre: str  # French
    type: str  # bar (drawn in bars when it holds a single series) | line


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str  # French label shown to users
    definition: str  # French definition published with the tables
    unite: str  # nombre | pourcentage | pour_mille | euros
    numerateur: str  # French description of the numerator
    denominateur: str  # French description of the denominator ('' for counts)
    perimetres: tuple[str, ...]
    # breakdowns; those beyond 'ensemble' exist at the scopes of VENTILATION_PERIMETRES
    ventilations: tuple[str, ...] = ("ensemble",)
    sql: str = ""  # file under indicators/sql/ that computes it
    # which kind of count the confidentiality rule checks: personnes | sorties | seances | none
    secret_base: str = "personnes"
    graphique: str = ""  # key of its chart group in GRAPHIQUES (dashboards)
    # counts a row rests on for statistical secrecy (pipelines/publish/secret.py);
    # () = never secret (funding), None = not declared (a registry test fails)
    cellules_secret: tuple[Cellule, ...] | None = None

    @property
    def est_ratio(self) -> bool:
        """True when valeur = numerateur x echelle / denominateur (a share, rate or cost)."""
        return bool(self.denominateur)

    @property
    def echelle(self) -> int:
        """Factor applied to a ratio: 100 for a percentage, 1000 per mille, else 1."""
        return {"pourcentage": 100, "pour_mille": 1000}.get(self.unite, 1)


def _share(code, libelle, definition, numerateur, perimetres=ALL_SCOPES, sql="profil.sql"):
    return Indicateur(
        code,
        libelle,
        definition,
        "pourcentage",
        numerateur,
        "bénéficiaires uniques de la période",
        perimetres,
        sql=sql,
    )


_DECLARED: tuple[Indicateur, ...] = (
    Indicateur(
        "beneficiaires_uniques",
        "Bénéficiaires uniques",
        "Nombre de personnes distinctes (id_participant) ayant une inscription active "
        "sur la période (entrée au plus tard à la fin de la période, sans sortie avant "
        "son début). Une personne suivie dans plusieurs actions compte une fois.",
        "nombre",
        "personnes distinctes",
        "",
        ALL_SCOPES,
        ("ensemble", "sexe", "tranche_age", "residence", "niveau_formation", "frein"),
        sql="beneficiaires.sql",
    ),
    Indicateur(
        "nouveaux_entrants",
        "Nouveaux entrants",
        "Nombre de personnes distinctes dont une date d'entrée tombe dans la période.",
        "nombre",
        "personnes distinctes entrées",
        "",
        ALL_SCOPES,
        ("ensemble", "prescripteur"),
        sql="beneficiaires.sql",
    ),
    _share(
        "part_residents_qpv",
        "Part des résidents QPV",
        "Part des bénéficiaires uniques résidant dans un quartier prioritaire de qpv.csv.",
        "bénéficiaires résidant en QPV",
        perimetres=NO_QPV,
    ),
    _share(
        "part_femmes",
        "Part des femmes",
        "Part des bénéficiaires uniques de sexe féminin.",
        "bénéficiaires femmes",
    ),
    _share(
        "part_moins_26_ans",
        "Part des moins de 26 ans",
        "Part des bénéficiaires uniques âgés de moins de 26 ans à l'entrée "
        "(année d'entrée moins année de naissance).",
        "bénéficiaires de moins de 26 ans",
    ),
    _share(
        "part_50_ans_et_plus",
        "Part des 50 ans et plus",
        "Part des bénéficiaires uniques âgés de 50 ans ou plus à l'entrée.",
        "bénéficiaires de 50 ans et plus",
    ),
    _share(
        "part_infra_bac",
        "Part des infra-bac",
        "Part des bénéficiaires uniques sans diplôme ou de niveau CAP/BEP.",
        "bénéficiaires infra-bac",
    ),
    _share(
        "part_non_inscrits_ft",
        "Part des non-inscrits à France Travail (« invisibles »)",
        "Part des bénéficiaires uniques non inscrits comme demandeurs d'emploi à France "
        "Travail à l'entrée.",
        "bénéficiaires non inscrits",
    ),
    Indicateur(
        "taux_couverture_qpv",
        "Taux de couverture QPV",
        "Bénéficiaires uniques résidant en QPV pour 1 000 habitants des QPV (population "
        "de qpv.csv ; au périmètre du contrat, tous les QPV ensemble).",
        "pour_mille",
        "bénéficiaires résidant en QPV",
        "population des QPV",
        ("contrat", "qpv"),
        sql="profil.sql",
    ),
    Indicateur(
        "taux_assiduite",
        "Taux d'assiduité",
        "Part des séances de la période où la personne était présente (une absence "
        "excusée compte comme non suivie).",
        "pourcentage",
        "séances avec présence",
        "séances programmées",
        NO_QPV,
        ("ensemble", "residence"),
        sql="assiduite.sql",
        secret_base="seances",
    ),
    Indicateur(
        "sorties",
        "Sorties",
        "Nombre d'inscriptions dont la date de sortie tombe dans la période "
        "(une personne sortant de deux actions compte deux sorties).",
        "nombre",
        "sorties",
        "",
        NO_QPV,
        sql="sorties.sql",
        secret_base="sorties",
    ),
    Indicateur(
        "taux_abandon",
        "Taux d'abandon",
        "Part des sorties de la période motivées par un abandon.",
        "pourcentage",
        "sorties pour abandon",
        "sorties",
        NO_QPV,
        ("ensemble", "residence"),
        sql="sorties.sql",
        secret_base="sorties",
    ),
    Indicateur(
        "taux_sorties_positives",
        "Taux de sorties positives",
        "Part des sorties de la période vers l'emploi durable, l'emploi de transition, "
        "une formation qualifiante ou une création d'activité.",
        "pourcentage",
        "sorties positives",
        "sorties",
        NO_QPV,
        ("ensemble", "sexe", "tranche_age", "residence", "niveau_formation"),
        sql="sorties.sql",
        secret_base="sorties",
    ),
    Indicateur(
        "taux_emploi_durable",
        "Taux de sorties en emploi durable",
        "Part des sorties de la période vers un emploi durable (CDI, CDD de 6 mois ou plus).",
        "pourcentage",
        "sorties en emploi durable",
        "sorties",
        NO_QPV,
        ("ensemble", "residence"),
        sql="sorties.sql",
        secret_base="sorties",
    ),
    Indicateur(
        "financement_total",
        "Financement total",
        "Somme des montants accordés dont l'année budgétaire tombe dans la période.",
        "euros",
        "montants accordés",
        "",
        NO_QPV,
        ("ensemble", "financeur"),
        sql="financements.sql",
        secret_base="none",
    ),
    Indicateur(
        "part_pluriannuel",
        "Part du financement pluriannuel (CPO)",
        "Part du financement total relevant d'une convention pluriannuelle d'objectifs.",
        "pourcentage",
        "financement sous CPO",
        "financement total",
        NO_QPV,
        sql="financements.sql",
        secret_base="none",
    ),
    # (v2) agreements counted, not euros (the Quartiers 2030 target); conventions.sql
    Indicateur(
        "part_conventions_pluriannuelles",
        "Part des conventions pluriannuelles (CPO), en nombre",
        "Part des conventions de financement ayant une ligne dont l'année budgétaire tombe "
        "dans la période qui sont des conventions pluriannuelles d'objectifs. Une "
        "convention est identifiée par (action, financeur, type de convention, date de "
        "début) : une CPO reprise chaque année compte une fois dans le cumul.",
        "pourcentage",
        "conventions pluriannuelles (CPO)",
        "conventions de financement",
        NO_QPV,
        sql="conventions.sql",
        secret_base="none",
    ),
    Indicateur(
        "part_credits_specifiques",
        "Part des crédits spécifiques (BOP 147)",
        "Part du financement total provenant des crédits spécifiques de l'État (BOP 147).",
        "pourcentage",
        "financement BOP 147",
        "financement total",
        NO_QPV,
        sql="financements.sql",
        secret_base="none",
    ),
    Indicateur(
        "part_premier_financeur",
        "Part du premier financeur",
        "Part du financement total apportée par le plus gros financeur du périmètre "
        "(chaque financeur est d'abord additionné sur tout le périmètre).",
        "pourcentage",
        "financement du premier financeur",
        "financement total",
        NO_QPV,
        sql="financements.sql",
        secret_base="none",
    ),
    Indicateur(
        "part_financement_securise_n1",
        "Part du financement sécurisé à N+1",
        "Part du financement total dont la convention court au moins jusqu'au 31 décembre "
        "de l'année suivant la dernière année de la période.",
        "pourcentage",
        "financement couvert jusqu'à N+1",
        "financement total",
        NO_QPV,
        sql="financements.sql",
        secret_base="none",
    ),
    Indicateur(
        "cout_par_beneficiaire",
        "Coût par bénéficiaire",
        "Financement total divisé par le nombre de bénéficiaires uniques.",
        "euros",
        "financement total",
        "bénéficiaires uniques",
        NO_QPV,
        sql="couts.sql",
    ),
    Indicateur(
        "cout_par_sortie_positive",
        "Coût par sortie positive",
        "Financement total divisé par le nombre de sorties positives.",
        "euros",
        "financement total",
        "sorties positives",
        NO_QPV,
        sql="couts.sql",
        secret_base="sorties",
    ),
    # --- (v2) report completeness (data contract sections 4 and 6): keep this block together
    Indicateur(
        "taux_remontee",
        "Taux de remontée des bilans",
        "Part des bilans attendus (un par partenaire, période de son rythme et type de "
        "fichier) qui ont été reçus et acceptés, à temps ou en retard. Seuls comptent les "
        "bilans dont l'échéance est passée ou qui sont déjà arrivés (statut autre "
        "qu'« attendu »), des périodes de l'année (toutes pour le cumul).",
        "pourcentage",
        "bilans reçus (à temps ou en retard)",
        "bilans attendus hors statut « attendu »",
        ("contrat", "partenaire"),
        sql="remontees.sql",
        secret_base="none",
    ),
    Indicateur(
        "taux_remontee_a_temps",
        "Taux de remontée à temps",
        "Part des mêmes bilans attendus dont le premier fichier accepté est arrivé au plus "
        "tard à la date limite (fin de la période + délai de remontée du contrat).",
        "pourcentage",
        "bilans reçus à temps",
        "bilans attendus hors statut « attendu »",
        ("contrat", "partenaire"),
        sql="remontees.sql",
        secret_base="none",
    ),
)

GRAPHIQUES: tuple[Graphique, ...] = (
    Graphique("personnes", "Personnes accompagnées", "line"),
    Graphique("profil", "Profil des bénéficiaires", "line"),
    Graphique("couverture", "Couverture des quartiers prioritaires", "bar"),
    Graphique("parcours", "Assiduité et sorties", "line"),
    Graphique("sorties", "Nombre de sorties", "bar"),
    Graphique("financement", "Financement total", "bar"),
    Graphique("structure", "Structure et durabilité du financement", "line"),
    Graphique("couts", "Coûts", "line"),
    # (v2) report completeness, at contract and partner scopes (data contract section 6)
    Graphique("remontees", "Remontée des bilans", "line"),
)
CHARTS = {
    "beneficiaires_uniques": "personnes", "nouveaux_entrants": "personnes",
    "part_residents_qpv": "profil", "part_femmes": "profil", "part_moins_26_ans": "profil",
    "part_50_ans_et_plus": "profil", "part_infra_bac": "profil",
    "part_non_inscrits_ft": "profil",
    "taux_couverture_qpv": "couverture",
    "taux_assiduite": "parcours", "taux_abandon": "parcours",
    "taux_sorties_positives": "parcours", "taux_emploi_durable": "parcours",
    "sorties": "sorties",
    "financement_total": "financement",
    "part_pluriannuel": "structure", "part_conventions_pluriannuelles": "structure",
    "part_credits_specifiques": "structure",
    "part_premier_financeur": "structure", "part_financement_securise_n1": "structure",
    "cout_par_beneficiaire": "couts", "cout_par_sortie_positive": "couts",
    "taux_remontee": "remontees", "taux_remontee_a_temps": "remontees",  # (v2)
}  # fmt: skip


def _rate(num: str, den: str, comp: str) -> tuple[Cellule, ...]:
    return (Cellule("numerateur", num), Cellule("denominateur", den), Cellule("complement", comp))


_PEOPLE = Cellule("denominateur", "personnes", "ensemble", "ensemble")

# Cells each indicator rests on (pipelines/publish/secret.py explains the rule).
SECRET_CELLS: dict[str, tuple[Cellule, ...]] = {
    "beneficiaires_uniques": (Cellule("valeur", "personnes"),),
    "nouveaux_entrants": (Cellule("valeur", "entrants"),),
    "part_residents_qpv": _rate("personnes_qpv", "personnes", "personnes_hors_qpv"),
    "part_femmes": (
        Cellule("numerateur", "personnes", "sexe", "F"),
        _PEOPLE,
        Cellule("complement", "personnes", "sexe", "H"),
    ),
    "part_moins_26_ans": (
        Cellule("numerateur", "personnes", "tranche_age", "moins_26"),
        _PEOPLE,
        Cellule("complement", "personnes_26_ans_et_plus"),
    ),
    "part_50_ans_et_plus": (
        Cellule("numerateur", "personnes", "tranche_age", "50_plus"),
        _PEOPLE,
        Cellule("complement", "personnes_moins_50_ans"),
    ),
    "part_infra_bac": _rate("personnes_infra_bac", "personnes", "personnes_bac_et_plus"),
    "part_non_inscrits_ft": _rate(
        "personnes_non_inscrites_ft", "personnes", "personnes_inscrites_ft"
    ),
    # the denominator is the QPV population: public, never secret
    "taux_couverture_qpv": (Cellule("numerateur", "personnes_qpv"),),
    # (v2) also the distinct people behind the sessions (source 'personnes': the column
    # PEOPLE_COLUMN of pipelines/publish/secret.py, from marts.assiduite_personnes)
    "taux_assiduite": (
        *_rate("seances_presentes", "seances_programmees", "seances_non_suivies"),
        Cellule("personnes", "personnes_seances"),
    ),
    "sorties": (Cellule("valeur", "sorties"),),
    "taux_abandon": _rate("sorties_abandon", "sorties", "sorties_hors_abandon"),
    "taux_sorties_positives": _rate("sorties_positives", "sorties", "sorties_non_positives"),
    "taux_emploi_durable": _rate(
        "sorties_emploi_durable", "sorties", "sorties_hors_emploi_durable"
    ),
    # funding amounts are never secret
    "financement_total": (),
    "part_pluriannuel": (),
    "part_conventions_pluriannuelles": (),  # agreements are no people (contract section 5)
    "part_credits_specifiques": (),
    "part_premier_financeur": (),
    "part_financement_securise_n1": (),
    "cout_par_beneficiaire": (Cellule("denominateur", "personnes"),),
    "cout_par_sortie_positive": (Cellule("denominateur", "sorties_positives"),),
    # (v2) completeness counts reports, not people: never secret (data contract section 5)
    "taux_remontee": (),
    "taux_remontee_a_temps": (),
}

INDICATEURS: tuple[Indicateur, ...] = tuple(
    replace(i, graphique=CHARTS.get(i.code, ""), cellules_secret=SECRET_CELLS.get(i.code))
    for i in _DECLARED
)
BY_CODE = {i.code: i for i in INDICATEURS}

MODALITES = {
    "ensemble": ("ensemble",),
    "sexe": ("F", "H"),
    "tranche_age": ("moins_26", "26_49", "50_plus"),
    # (v2) breakdowns of data contract section 4
    "residence": ("qpv", "hors_qpv"),
    "niveau_formation": codes_of("niveau_formation"),
    "frein": (*codes_of("freins"), "aucun"),  # aucun: no barrier given
    "prescripteur": (*codes_of("prescripteur"), "non_renseigne"),
    "financeur": codes_of("financeur"),
}

# Scope types where each breakdown exists (data contract section 4).
VENTILATION_PERIMETRES: dict[str, tuple[str, ...]] = {
    "ensemble": ALL_SCOPES,
    "sexe": ("contrat",),
    "tranche_age": ("contrat",),
    "residence": ("contrat", "pilier"),
    "niveau_formation": ("contrat",),
    "frein": ("contrat",),
    "prescripteur": ("contrat",),
    "financeur": NO_QPV,
}

# A person with two barriers counts under both: frein modalities are not a partition of
# 'ensemble' (confidentiality must not treat them as a sum).
NON_ADDITIVES = frozenset({"frein"})

VENTILATION_LIBELLES = {
    "ensemble": "Ensemble",
    "sexe": "Sexe",
    "tranche_age": "Tranche d'âge",
    "residence": "Lieu de résidence",
    "niveau_formation": "Niveau de formation",
    "frein": "Frein déclaré",
    "prescripteur": "Prescripteur",
    "financeur": "Financeur",
}

# French label of every modality, keyed by (ventilation, modalite).
MODALITE_LIBELLES: dict[tuple[str, str], str] = {
    ("ensemble", "ensemble"): "Ensemble",
    ("sexe", "F"): "Femmes",
    ("sexe", "H"): "Hommes",
    ("tranche_age", "moins_26"): "Moins de 26 ans",
    ("tranche_age", "26_49"): "26 à 49 ans",
    ("tranche_age", "50_plus"): "50 ans et plus",
    ("residence", "qpv"): "Résidents d'un QPV",
    ("residence", "hors_qpv"): "Hors QPV",
    ("niveau_formation", "sans_diplome"): "Sans diplôme",
    ("niveau_formation", "cap_bep"): "CAP ou BEP",
    ("niveau_formation", "bac"): "Baccalauréat",
    ("niveau_formation", "bac_plus_2"): "Bac + 2",
    ("niveau_formation", "bac_plus_3_et_plus"): "Bac + 3 et plus",
    ("frein", "langue"): "Langue",
    ("frein", "mobilite"): "Mobilité",
    ("frein", "financier"): "Difficultés financières",
    ("frein", "sante"): "Santé",
    ("frein", "numerique"): "Numérique",
    ("frein", "administratif"): "Démarches administratives",
    ("frein", "garde_enfants"): "Garde d'enfants",
    ("frein", "logement"): "Logement",
    ("frein", "qualification"): "Qualification",
    ("frein", "aucun"): "Aucun frein déclaré",
    ("prescripteur", "france_travail"): "France Travail",
    ("prescripteur", "mission_locale"): "Mission locale",
    ("prescripteur", "ccas"): "CCAS",
    ("prescripteur", "plie"): "PLIE",
    ("prescripteur", "spontane"): "Candidature spontanée",
    ("prescripteur", "autre"): "Autre prescripteur",
    ("prescripteur", "non_renseigne"): "Non renseigné",
    ("financeur", "etat_bop147"): "État – crédits spécifiques (BOP 147)",
    ("financeur", "etat_droit_commun"): "État – droit commun",
    ("financeur", "region"): "Région",
    ("financeur", "departement"): "Département",
    ("financeur", "epci"): "Intercommunalité (EPCI)",
    ("financeur", "commune"): "Commune",
    ("financeur", "caf"): "CAF",
    ("financeur", "fse"): "Fonds social européen (FSE)",
    ("financeur", "bailleur"): "Bailleur social",
    ("financeur", "france_travail"): "France Travail",
    ("financeur", "prive"): "Financeur privé",
    ("financeur", "autre"): "Autre financeur",
}

STATUTS = {
    "atteint": "Atteint",
    "en_bonne_voie": "En bonne voie",
    "a_surveiller": "À surveiller",
    "en_retard": "En retard",
}
