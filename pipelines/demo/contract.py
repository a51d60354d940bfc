"""The fictional contract: partners, actions, QPV, report calendar, targets.

Names echo the Normandy field report (Correspondants Solidarité Emploi, auto-école
associative, plateforme mobilité, permanences formation, forum emploi...), but the
contract, its figures and its people are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines.ingest.domains import codes_of

CONTRAT = {
    "code": "CV-CAEN-2024",
    "libelle": "Contrat de ville Caen la Mer – Engagements Quartiers 2030 (fictif)",
    "date_debut": date(2024, 1, 1),
    "date_fin": date(2030, 12, 31),
    "date_mi_parcours": date(2027, 6, 30),
    "seuil_secret": 5,
    # (v2) reporting calendar: reports due 30 days after their period; the calendar is read
    # as of 15/10/2026 so that the demo's statuses never drift with today's date
    "delai_remontee_jours": 30,
    "date_arrete": date(2026, 10, 15),
}

PILIERS = ("emploi_developpement_economique", "cohesion_sociale", "cadre_de_vie")


@dataclass(frozen=True)
class Partner:
    code: str
    nom: str
    weight: float  # share of enrolments
    young_only: bool  # a Mission Locale only serves people under 26
    periods: tuple[str, ...]  # reports actually sent (not every partner every period)
    # (v2) rythme_remontee of partenaires.csv. Every demo partner sent an annual 2024 report,
    # so all are annual: the half-year reports some also send are "non attendus".
    rythme: str = "annuel"


PARTNERS: tuple[Partner, ...] = (
    Partner(
        "MLCAEN",
        "Mission Locale de l'agglomération caennaise",
        0.60,  # weighed among people under 26 only
        True,
        ("2024", "2025-S1", "2025-S2", "2025", "2026-S1"),
    ),
    Partner(
        "MEFAC",
        "Maison de l'Emploi et de la Formation de l'agglomération caennaise",
        0.20,
        False,
        ("2024", "2025", "2026-S1"),
    ),
    Partner(
        "FJTET",
        "FJT Espace-Temps – auto-école associative",
        0.13,
        False,
        ("2024", "2025-S1", "2025-S2", "2026-S1"),
    ),
    Partner(
        "MOBILAGGLO",
        "Plateforme mobilité Mob'Agglo",
        0.15,
        False,
        ("2024", "2025", "2026-S1"),
    ),
    Partner(
        "AFPA14",
        "AFPA Normandie – centre de Caen",
        0.12,
        False,
        ("2024", "2025-S1", "2025-S2", "2025"),
    ),
    Partner(
        "CSCGDD",
        "Centre socioculturel de la Grâce de Dieu",
        0.18,
        False,
        ("2024", "2025"),
    ),
)
PARTNER_BY_CODE = {p.code: p for p in PARTNERS}


@dataclass(frozen=True)
class Action:
    code: str
    libelle: str
    partner: str
    pilier: str
    type_action: str  # accompagnement | permanence | formation | atelier | evenement | chantier
    date_debut: date
    date_fin: date
    weight: float  # share of the partner's enrolments


_EMP, _COH, _CDV = PILIERS
_D0, _D1 = date(2024, 1, 1), date(2030, 12, 31)

ACTIONS: tuple[Action, ...] = (
    Action(
        "EMP-01",
        "Accompagnement renforcé des jeunes des quartiers",
        "MLCAEN",
        _EMP,
        "accompagnement",
        _D0,
        _D1,
        0.8,
    ),
    Action("EMP-02", "Forum emploi dans les quartiers", "MLCAEN", _EMP, "evenement", _D0, _D1, 0.2),
    Action(
        "EMP-03",
        "Correspondants Solidarité Emploi (permanences de proximité)",
        "MEFAC",
        _EMP,
        "permanence",
        _D0,
        _D1,
        0.75,
    ),
    Action(
        "EMP-04",
        "Journée création d'entreprise dans les quartiers",
        "MEFAC",
        _EMP,
        "evenement",
        _D0,
        _D1,
        0.25,
    ),
    Action(
        "EMP-05",
        "Auto-école sociale – préparation au code et à la conduite",
        "FJTET",
        _EMP,
        "formation",
        _D0,
        _D1,
        0.8,
    ),
    Action(
        "COH-01",
        "Intégracode – code de la route en français langue étrangère",
        "FJTET",
        _COH,
        "formation",
        date(2025, 1, 1),
        _D1,
        0.2,
    ),
    Action(
        "EMP-06",
        "Diagnostic mobilité et accompagnement individuel",
        "MOBILAGGLO",
        _EMP,
        "accompagnement",
        _D0,
        _D1,
        0.7,
    ),
    Action(
        "CDV-01",
        "Vélo-école et location solidaire de deux-roues",
        "MOBILAGGLO",
        _CDV,
        "atelier",
        _D0,
        date(2026, 12, 31),
        0.3,
    ),
    Action(
        "EMP-07",
        "Permanences formation dans les quartiers",
        "AFPA14",
        _EMP,
        "permanence",
        _D0,
        _D1,
        0.65,
    ),
    Action(
        "EMP-08",
        "Préparation aux métiers en tension (transport, logistique)",
        "AFPA14",
        _EMP,
        "formation",
        _D0,
        _D1,
        0.35,
    ),
    Action("COH-02", "Ateliers sociolinguistiques", "CSCGDD", _COH, "atelier", _D0, _D1, 0.4),
    Action(
        "COH-03",
        "Ateliers numériques et démarches en ligne",
        "CSCGDD",
        _COH,
        "atelier",
        _D0,
        _D1,
        0.3,
    ),
    Action(
        "EMP-09",
        "Café de l'emploi à la sortie des écoles",
        "CSCGDD",
        _EMP,
        "evenement",
        _D0,
        _D1,
        0.15,
    ),
    Action(
        "CDV-02",
        "Chantier éducatif d'embellissement des halls",
        "CSCGDD",
        _CDV,
        "chantier",
        _D0,
        _D1,
        0.15,
    ),
)
ACTION_BY_CODE = {a.code: a for a in ACTIONS}


@dataclass(frozen=True)
class Qpv:
    code: str
    nom: str
    commune: str
    population: int
    weight: float  # share of QPV residents among participants


QPVS: tuple[Qpv, ...] = (
    Qpv("QN01401M", "La Guérinière", "Caen", 4870, 0.20),
    Qpv("QN01402M", "La Grâce de Dieu", "Caen", 5230, 0.26),
    Qpv("QN01403M", "Pierre Heuzé", "Caen", 3140, 0.12),
    Qpv("QN01404M", "Chemin Vert", "Caen", 4460, 0.17),
    Qpv("QN01405M", "Le Grand Parc", "Hérouville-Saint-Clair", 6980, 0.25),
)
HORS_QPV = "HORS_QPV"
SHARE_HORS_QPV = 0.14

# Report periods (contract section 1): label -> (start, end)
PERIODS = {
    "2024": (date(2024, 1, 1), date(2024, 12, 31)),
    "2025-S1": (date(2025, 1, 1), date(2025, 6, 30)),
    "2025-S2": (date(2025, 7, 1), date(2025, 12, 31)),
    "2025": (date(2025, 1, 1), date(2025, 12, 31)),
    "2026-S1": (date(2026, 1, 1), date(2026, 6, 30)),
}

# The contract's codes, from the one table the validation uses (same order).
MOTIFS = codes_of("motif_sortie")
NIVEAUX = codes_of("niveau_formation")
FREINS = codes_of("freins")
PRESCRIPTEURS = codes_of("prescripteur")


@dataclass(frozen=True)
class Profile:
    """How an action type behaves: duration, sessions, attendance, exits."""

    mean_days: float  # mean time in the action (0 = one-day event)
    session_step: float  # days between sessions (0 = no sessions)
    presence: float  # mean probability of attending a session
    motifs: tuple[float, ...]  # probabilities in MOTIFS order


PROFILES = {
    "accompagnement": Profile(240, 14, 0.86, (0.22, 0.20, 0.18, 0.03, 0.20, 0.05, 0.12)),
    "permanence": Profile(120, 21, 0.80, (0.12, 0.18, 0.20, 0.02, 0.25, 0.06, 0.17)),
    # driving-school style: frequent sessions, many absences and drop-outs
    "formation": Profile(200, 3.5, 0.70, (0.16, 0.15, 0.15, 0.01, 0.33, 0.04, 0.16)),
    "atelier": Profile(180, 7, 0.80, (0.08, 0.10, 0.20, 0.02, 0.30, 0.08, 0.22)),
    "chantier": Profile(150, 7, 0.82, (0.10, 0.25, 0.15, 0.01, 0.25, 0.05, 0.19)),
    "evenement": Profile(0, 0, 0.0, (0.05, 0.12, 0.06, 0.02, 0.0, 0.0, 0.75)),
}
# The business-creation day leads more often to creating an activity.
MOTIF_OVERRIDES = {"EMP-04": (0.02, 0.04, 0.05, 0.22, 0.0, 0.0, 0.67)}


@dataclass(frozen=True)
class Funder:
    financeur: str
    share: float
    convention: str  # annuelle_aap | pluriannuelle_cpo
    cpo_start: int = 2024  # first year of a CPO (3 years)
    late: bool = False  # granted in the second half of the year


# Funding plan per partner: yearly budget (euros) and its funders.
FUNDING: dict[str, tuple[float, tuple[Funder, ...]]] = {
    "MLCAEN": (
        148_000,
        (
            Funder("etat_bop147", 0.30, "annuelle_aap"),
            Funder("region", 0.30, "pluriannuelle_cpo", 2024),
            Funder("epci", 0.20, "pluriannuelle_cpo", 2024),
            Funder("fse", 0.15, "annuelle_aap", late=True),
            Funder("commune", 0.05, "annuelle_aap"),
        ),
    ),
    "MEFAC": (
        96_000,
        (
            Funder("epci", 0.45, "pluriannuelle_cpo", 2024),
            Funder("etat_bop147", 0.25, "annuelle_aap"),
            Funder("france_travail", 0.20, "annuelle_aap"),
            Funder("commune", 0.10, "annuelle_aap"),
        ),
    ),
    "FJTET": (
        72_500,
        (
            Funder("etat_bop147", 0.40, "annuelle_aap"),
            Funder("departement", 0.25, "annuelle_aap"),
            Funder("caf", 0.10, "annuelle_aap"),
            Funder("bailleur", 0.10, "annuelle_aap", late=True),
            Funder("prive", 0.15, "annuelle_aap"),
        ),
    ),
    "MOBILAGGLO": (
        64_000,
        (
            Funder("region", 0.35, "pluriannuelle_cpo", 2025),
            Funder("etat_droit_commun", 0.25, "annuelle_aap"),
            Funder("etat_bop147", 0.25, "annuelle_aap"),
            Funder("epci", 0.15, "annuelle_aap"),
        ),
    ),
    "AFPA14": (
        58_000,
        (
            Funder("region", 0.55, "annuelle_aap"),
            Funder("etat_bop147", 0.20, "annuelle_aap"),
            Funder("fse", 0.25, "annuelle_aap", late=True),
        ),
    ),
    "CSCGDD": (
        41_000,
        (
            Funder("commune", 0.35, "pluriannuelle_cpo", 2024),
            Funder("caf", 0.25, "pluriannuelle_cpo", 2024),
            Funder("etat_bop147", 0.25, "annuelle_aap"),
            Funder("bailleur", 0.10, "annuelle_aap"),
            Funder("autre", 0.05, "annuelle_aap"),
        ),
    ),
}

# Targets (cibles.csv); counts are scaled with the number of people generated.
CIBLES = (
    # code_indicateur, perimetre_type, perimetre_code, an_ref, val_ref, an_cible, val_cible, sens
    ("beneficiaires_uniques", "contrat", "CV-CAEN-2024", 2024, 1100, 2030, 1500, "hausse"),
    ("part_residents_qpv", "contrat", "CV-CAEN-2024", 2024, 80, 2030, 88, "hausse"),
    ("part_non_inscrits_ft", "contrat", "CV-CAEN-2024", 2024, 30, 2030, 40, "hausse"),
    ("taux_sorties_positives", "contrat", "CV-CAEN-2024", 2024, 40, 2030, 50, "hausse"),
    ("part_credits_specifiques", "contrat", "CV-CAEN-2024", 2024, 30, 2030, 22, "baisse"),
    ("part_financement_securise_n1", "contrat", "CV-CAEN-2024", 2024, 25, 2030, 60, "hausse"),
    ("taux_abandon", "pilier", "emploi_developpement_economique", 2024, 30, 2030, 20, "baisse"),
    ("taux_assiduite", "action", "EMP-05", 2024, 68, 2030, 80, "hausse"),
    ("part_femmes", "partenaire", "FJTET", 2024, 40, 2030, 50, "hausse"),
    ("taux_couverture_qpv", "qpv", "QN01405M", 2024, 25, 2030, 40, "hausse"),
)
SCALED_CIBLES = {"beneficiaires_uniques"}
