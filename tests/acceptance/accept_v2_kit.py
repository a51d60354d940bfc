"""A second hand-made contract for the data contract v2: reporting calendar, completeness,
provisional periods, the date_apres_periode rule, v2 breakdowns, the CPO share by agreement.

Written from shared/domain/data-contract.md only; nothing here imports the product. Files are
written with the v1 kit's writers (csv, xlsxwriter, odfpy). Reception dates are set through
the files' modification times, given in UTC: the product must read them as Europe/Paris
calendar dates (winter: UTC+1). People, files and expected figures are tabulated in
test_acceptance_v2.py.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from accept_kit import write_csv, write_ods, write_xlsx

C = "CV_V2"
Q1, Q2 = "QN01401A", "QN01402B"
EMPLOI, COHESION = "emploi_developpement_economique", "cohesion_sociale"


def utc(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# incoming/ path -> modification time (UTC). Comments: Paris reception date, outcome.
AUTO24_V1 = "AUTO/2024/participants_AUTO_2024.csv"  # 10/01/2025, refused (no Code QPV)
AUTO24_V2 = "AUTO/2024/Participants AUTO 2024 v2.xlsx"  # 15/02/2025, accepted
AUTO24_S = "AUTO/2024/Présences AUTO 2024.csv"  # 30/01/2025 (the due date)
AUTO24_F = "AUTO/2024/financements_AUTO_2024.csv"  # 20/01/2025
AUTO25_P = "AUTO/2025/Participants AUTO 2025.ods"  # 23:30 UTC 30/01 = 00:30 Paris 31/01/2026
AUTO25_F = "AUTO/2025/Financements AUTO 2025.xlsx"  # 15/01/2026
MLOC_S1_V1 = "MLOC/2025-S1/participants_MLOC_2025-S1.csv"  # 20/07/2025, later replaced
MLOC_S1_V2 = "MLOC/2025-S1/Participants MLOC 2025-S1 corrigé.xlsx"  # 01/09/2025
MLOC_S1_S = "MLOC/2025-S1/seances_MLOC_2025-S1.csv"  # 30/07/2025 (the due date)
MLOC_S2_P = "MLOC/2025-S2/participants_MLOC_2025-S2.csv"  # 22:30 UTC = 23:30 Paris 30/01/2026
MLOC_S2_S = "MLOC/2025-S2/Séances MLOC 2025-S2.xlsx"  # 10/02/2026
MLOC_S2_F = "MLOC/2025-S2/financements_MLOC_2025-S2.csv"  # 05/01/2026
MLOC25_S = "MLOC/2025/seances_MLOC_2025.csv"  # 20/12/2025: annual file of a half-yearly partner
MLOC26_P = "MLOC/2026-S1/participants_MLOC_2026-S1.csv"  # 01/03/2026
ASSO25_P = "ASSO/2025/participants_ASSO_2025.csv"  # 20/01/2026
ASSO25_F = "ASSO/2025/financements_ASSO_2025.csv"  # 25/01/2026, refused (no amount)
ASSO24_F = "ASSO/2024/financements_ASSO_2024.csv"  # 01/03/2025, refused; ASSO has no 2024 action
XXX25_P = "XXX/2025/participants_XXX_2025.csv"  # unknown partner folder: refused, no row
ASSO31_P = "ASSO/2031/participants_ASSO_2031.csv"  # period outside the contract: no row

MTIMES = {
    AUTO24_V1: utc(2025, 1, 10),
    AUTO24_V2: utc(2025, 2, 15),
    AUTO24_S: utc(2025, 1, 30),
    AUTO24_F: utc(2025, 1, 20),
    AUTO25_P: utc(2026, 1, 30, 23, 30),
    AUTO25_F: utc(2026, 1, 15),
    MLOC_S1_V1: utc(2025, 7, 20),
    MLOC_S1_V2: utc(2025, 9, 1),
    MLOC_S1_S: utc(2025, 7, 30),
    MLOC_S2_P: utc(2026, 1, 30, 22, 30),
    MLOC_S2_S: utc(2026, 2, 10),
    MLOC_S2_F: utc(2026, 1, 5),
    MLOC25_S: utc(2025, 12, 20),
    MLOC26_P: utc(2026, 3, 1),
    ASSO25_P: utc(2026, 1, 20),
    ASSO25_F: utc(2026, 1, 25),
    ASSO24_F: utc(2025, 3, 1),
    XXX25_P: utc(2026, 1, 10),
    ASSO31_P: utc(2026, 1, 11),
}


def write_reference(ref: Path, with_rythme: bool = True, mi_parcours: str = "2025-06-30") -> None:
    ref.mkdir(parents=True)
    (ref / "contrat.yaml").write_text(
        f"code: {C}\n"
        "libelle: Contrat de ville v2 de test\n"
        "date_debut: 2024-01-01\n"
        "date_fin: 2027-12-31\n"
        f"date_mi_parcours: {mi_parcours}\n"
        "seuil_secret: 3\n"
        "delai_remontee_jours: 30\n"
        "date_arrete: 2026-03-15\n",
        encoding="utf-8",
    )
    write_csv(
        ref / "actions.csv",
        [
            ["code_action", "libelle", "code_partenaire", "pilier", "type_action"]
            + ["date_debut", "date_fin"],
            ["EMP01", "Accompagnement emploi", "MLOC", EMPLOI, "accompagnement"]
            + ["01/01/2025", "31/12/2027"],
            ["SOC02", "Ateliers de lien social", "MLOC", COHESION, "atelier"]
            + ["01/01/2025", "31/12/2027"],
            ["PAR03", "Parrainage", "ASSO", EMPLOI, "parrainage", "01/01/2025", "31/12/2027"],
            ["MOB04", "Auto-école sociale", "AUTO", EMPLOI, "mobilite", "01/01/2024", "31/12/2027"],
        ],
        encoding="cp1252",
    )
    partners = [["MLOC", "Mission locale"], ["ASSO", "Parrainage"], ["AUTO", "Auto-école"]]
    if with_rythme:  # as an officer types it: capitals, accents left out
        rythmes = {"MLOC": "Semestriel", "ASSO": "annuel", "AUTO": "Annuel"}
        rows = [["code_partenaire", "nom", "Rythme de remontée"]]
        rows += [[p, n, rythmes[p]] for p, n in partners]
    else:
        rows = [["code_partenaire", "nom"], *partners]
    write_csv(ref / "partenaires.csv", rows, sep=",")
    write_csv(
        ref / "qpv.csv",
        [
            ["code_qpv", "nom", "commune", "population"],
            [Q1, "Grâce de Dieu", "Caen", "2000"],
            [Q2, "Guérinière", "Caen", "1500"],
        ],
        encoding="cp1252",
    )
    write_csv(
        ref / "cibles.csv",
        [
            ["code_indicateur", "perimetre_type", "perimetre_code", "annee_reference"]
            + ["valeur_reference", "annee_cible", "valeur_cible", "sens"],
            # straight line 1 (2023) -> 9 (2027): expected 3 in 2024, 5 in 2025, 7 in 2026
            ["beneficiaires_uniques", "contrat", C, "2023", "1", "2027", "9", "hausse"],
        ],
        sep=",",
    )


P_HEAD = [
    "N° participant",
    "Code action",
    "Date d'entrée",
    "Date de sortie",
    "Motif de sortie",
    "Sexe (F/H)",
    "Année de naissance",
    "Code QPV",
    "Niveau de formation",
    "Inscrit France Travail",
    "Freins",
    "Prescripteur",
]
S_HEAD = ["Identifiant", "Code action", "Date de séance", "Présence"]
F_HEAD = [
    "Code action",
    "Année",
    "Financeur",
    "Montant accordé (€)",
    "Type de convention",
    "Date de début",
    "Date de fin",
]
F_HEAD_NO_AMOUNT = [h for h in F_HEAD if not h.startswith("Montant")]


def _files() -> dict[str, tuple[str, list]]:
    d = date
    return {
        AUTO24_V1: (
            "csv",
            [
                [h for h in P_HEAD if h != "Code QPV"],
                ["P01", "MOB04", "01/03/2024", "", "", "F", "1990", "bac", "oui", "", ""],
            ],
        ),
        AUTO24_V2: (
            "xlsx",
            [
                ["Auto-école sociale — participants 2024"],  # row 1
                P_HEAD,  # 2
                ["P01", "MOB04", d(2024, 3, 1), d(2024, 11, 30), "Emploi_durable", "F", 1990]
                + [Q1, "bac", "oui", "mobilité; langue", "france_travail"],  # 3
                ["P02", "MOB04", d(2024, 5, 1), "", "", "H", 1970, "HORS_QPV", "sans_diplome"]
                + ["non", "", ""],  # 4
            ],
        ),
        AUTO24_S: (
            "csv",
            [
                S_HEAD,
                ["P01", "MOB04", "05/03/2024", "présent"],
                ["P01", "MOB04", "12/03/2024", "absent"],
                ["P02", "MOB04", "05/05/2024", "P"],
            ],
        ),
        AUTO24_F: (
            "csv",
            [
                F_HEAD,
                ["MOB04", "2024", "etat_bop147", "3 000 €", "annuelle_aap"]
                + ["01/01/2024", "31/12/2024"],
            ],
        ),
        AUTO25_P: (
            "ods",
            [
                P_HEAD,  # row 1
                # P02's enrolment restated with its exit: the 2025 report wins
                ["P02", "MOB04", d(2024, 5, 1), d(2025, 3, 31), "abandon", "H", 1970]
                + ["HORS_QPV", "sans_diplome", "non", "", ""],  # 2
                ["P03", "MOB04", d(2025, 2, 1), "", "", "F", 2001, Q2, "cap_bep", "oui"]
                + ["", "mission_locale"],  # 3
            ],
        ),
        AUTO25_F: (
            "xlsx",
            [
                F_HEAD,
                ["MOB04", 2025, "etat_bop147", 3000, "annuelle_aap", d(2025, 1, 1)]
                + [d(2025, 12, 31)],
                ["MOB04", 2025, "FSE", 1000, "annuelle_aap", d(2025, 1, 1), d(2025, 12, 31)],
            ],
        ),
        MLOC_S1_V1: (  # replaced as a whole by the corrected version: P98 counts nowhere
            "csv",
            [P_HEAD, ["P98", "EMP01", "01/03/2025", "", "", "H", "1980", Q1, "bac", "oui"]],
        ),
        MLOC_S1_V2: (
            "xlsx",
            [
                ["Mission locale — participants 1er semestre 2025"],  # row 1
                P_HEAD,  # 2
                # exit on the period's last day: accepted
                ["P04", "EMP01", d(2025, 2, 10), "30/06/2025", "emploi_transition", "H", 2003]
                + [Q1, "bac", "oui", "numerique", "plie"],  # 3
                # entry on the period's last day: accepted
                ["P05", "SOC02", "30/06/2025", "", "", "F", 1960, "HORS_QPV"]
                + ["bac_plus_3_et_plus", "non", "", ""],  # 4
                ["P01", "EMP01", d(2025, 3, 1), "", "", "F", 1990, "HORS_QPV", "bac", "non"]
                + ["santé", "mission_locale"],  # 5
                ["P90", "EMP01", "01/07/2025", "", "", "H", 1990, Q1, "bac", "oui"],  # 6
                ["P91", "SOC02", d(2025, 5, 1), "15/07/2025", "abandon", "H", 1990, Q1]
                + ["bac", "oui"],  # 7
            ],
        ),
        MLOC_S1_S: (
            "csv",
            [
                S_HEAD,  # line 1
                ["P04", "EMP01", "01/03/2025", "présent"],  # 2
                ["P04", "EMP01", "08/03/2025", "present"],  # 3
                ["P04", "EMP01", "15/03/2025", "absent"],  # 4
                ["P05", "SOC02", "30/06/2025", "excusé"],  # 5 the period's last day
                ["P04", "EMP01", "01/07/2025", "présent"],  # 6 after the period
            ],
        ),
        MLOC_S2_P: (
            "csv",
            [
                P_HEAD,
                ["P06", "EMP01", "01/09/2025", "15/12/2025", "formation_qualifiante", "H"]
                + ["1975", Q2, "cap_bep", "oui", "logement;financier", "ccas"],
                ["P06", "SOC02", "01/10/2025", "", "", "H", "1975", "HORS_QPV", "sans_diplome"]
                + ["oui", "", ""],
                ["P07", "SOC02", "01/11/2025", "", "", "F", "1995", Q1, "bac_plus_2", "oui"]
                + ["garde_enfants, mobilite", "spontané"],
            ],
        ),
        MLOC_S2_S: (
            "xlsx",
            [
                S_HEAD,
                ["P06", "EMP01", d(2025, 9, 10), "P"],
                ["P06", "EMP01", d(2025, 9, 17), "P"],
                ["P06", "SOC02", d(2025, 10, 5), "A"],
                ["P07", "SOC02", d(2025, 11, 5), "présent"],
                ["P07", "SOC02", d(2025, 11, 12), "présent"],
                ["P07", "SOC02", d(2025, 11, 19), "présent"],
            ],
        ),
        MLOC_S2_F: (
            "csv",
            [
                F_HEAD,
                ["EMP01", "2025", "region", "5 000 €", "pluriannuelle_cpo", "01/01/2025"]
                + ["31/12/2027"],
                # a future budget year in a 2025 report: accepted (same CPO restated)
                ["EMP01", "2026", "region", "5 000 €", "pluriannuelle_cpo", "01/01/2025"]
                + ["31/12/2027"],
                ["SOC02", "2025", "commune", "2 000", "annuelle_aap", "01/01/2025", "31/12/2025"],
                ["SOC02", "2025", "etat_bop147", "1000", "annuelle_aap", "01/01/2025"]
                + ["30/06/2026"],
            ],
        ),
        MLOC25_S: (  # P99 has no enrolment: kept with a warning, no residence
            "csv",
            [S_HEAD, ["P99", "EMP01", "01/10/2025", "présent"]],
        ),
        MLOC26_P: (
            "csv",
            [
                P_HEAD,  # line 1
                ["P08", "EMP01", "01/02/2026", "", "", "H", "2000", Q1, "bac", "oui", "", "autre"],
                ["P92", "EMP01", "01/07/2026", "", "", "H", "2000", Q1, "bac", "oui"],  # 3
            ],
        ),
        ASSO25_P: (
            "csv_cp1252",
            [
                P_HEAD,
                ["P09", "PAR03", "01/04/2025", "31/10/2025", "Abandon", "F", "1985", Q2, "bac"]
                + ["non", "administratif", "france_travail"],
                ["P04", "PAR03", "01/09/2025", "", "", "H", "2003", Q2, "bac", "oui", "", ""],
            ],
        ),
        ASSO25_F: (
            "csv",
            [
                F_HEAD_NO_AMOUNT,
                ["PAR03", "2025", "region", "annuelle_aap", "01/01/2025"] + ["31/12/2025"],
            ],
        ),
        ASSO24_F: (
            "csv",
            [
                F_HEAD_NO_AMOUNT,
                ["PAR03", "2024", "region", "annuelle_aap", "01/01/2024"] + ["31/12/2024"],
            ],
        ),
        XXX25_P: (
            "csv",
            [P_HEAD, ["P97", "EMP01", "01/03/2025", "", "", "H", "1980", Q1, "bac", "oui"]],
        ),
        ASSO31_P: (
            "csv",
            [P_HEAD, ["P96", "PAR03", "01/03/2025", "", "", "H", "1980", Q1, "bac", "oui"]],
        ),
    }


def build_root(root: Path, with_rythme: bool = True, drop: tuple[str, ...] = ()) -> Path:
    write_reference(root / "reference", with_rythme=with_rythme)
    inc = root / "incoming"
    for rel, (fmt, rows) in _files().items():
        if rel in drop:
            continue
        path = inc / rel
        if fmt == "csv":
            write_csv(path, rows)
        elif fmt == "csv_cp1252":
            write_csv(path, rows, encoding="cp1252")
        elif fmt == "xlsx":
            write_xlsx(path, rows)
        else:
            write_ods(path, rows)
        stamp = MTIMES[rel].timestamp()
        os.utime(path, (stamp, stamp))
    return root


MLOC_S1_F = "MLOC/2025-S1/financements_MLOC_2025-S1.csv"  # second run: 10/03/2026, late


def add_second_run_files(root: Path) -> None:
    """Before a later run: MLOC sends its missing 2025-S1 funding report, and AUTO's 2024
    sessions file (already recorded) gets a new modification time with the same bytes, as
    when a partner's folder is copied again."""
    inc = root / "incoming"
    path = inc / MLOC_S1_F
    rows = [F_HEAD, ["SOC02", "2025", "caf", "500", "annuelle_aap", "01/01/2025", "30/06/2025"]]
    write_csv(path, rows)
    late = utc(2026, 3, 10).timestamp()
    os.utime(path, (late, late))
    again = utc(2025, 3, 1).timestamp()
    os.utime(inc / AUTO24_S, (again, again))
