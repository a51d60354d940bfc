"""A small, messy contract written by hand, as the officer and partners would write it.

Nothing here imports the product: files are written with csv, xlsxwriter and odfpy.
The people and the expected indicators are tabulated in test_acceptance_contract.py.
"""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

Q1, Q2 = "QN01401A", "QN01402B"
# P04 has a numeric pseudonymous id: a number cell in MLOC's sheet, text in CSV files.
P04 = "40404"
EMPLOI, COHESION = "emploi_developpement_economique", "cohesion_sociale"

# File names (relative to incoming/), in order of modification time.
M25 = "MLOC/2025/Participants MLOC 2025.xlsx"
A25_V1 = "ASSO/2025/participants_ASSO_2025.csv"
# the corrected version sorts before the first by name, but is modified later: it wins
A25_V2 = "ASSO/2025/participants ASSO 2025 corrigé.csv"
U25 = "AUTO/2025/Participants AUTO 2025.ods"
S25 = "AUTO/2025/Présences AUTO 2025.xls"  # old Excel format
FM25 = "MLOC/2025/financements MLOC 2025.csv"
FU25 = "AUTO/2025/financements_AUTO_2025.csv"
FU25_V2 = "AUTO/2025/financements_AUTO_2025_v2.xlsx"
FU25_COPY = "AUTO/2025/Financements AUTO 2025 (copie).csv"  # same bytes as FU25
M26 = "MLOC/2026-S1/participants_MLOC_2026-S1.csv"
A31 = "ASSO/2031/participants_ASSO_2031.csv"
E26 = "MLOC/2026-S1/seances_MLOC_2026-S1.csv"  # a header, a blank line, a Total line
M25_V2 = "MLOC/2025/Participants MLOC 2025 v2.xlsx"  # second run only
# M26 (period 2026-S1) arrives first: it must still win over the 2025 report for P06.
ORDER = (M26, M25, A25_V1, A25_V2, U25, S25, FM25, FU25, FU25_V2, FU25_COPY, A31, E26)


# ---------------------------------------------------------------- writers


def write_csv(path: Path, rows: list[list], sep: str = ";", encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=sep, lineterminator="\r\n").writerows(rows)


def write_xlsx(path: Path, rows: list[list | None]) -> None:
    """One sheet; None is a blank row; date/datetime become Excel date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("Bilan")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row or []):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, stamp)
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif value is not None and value != "":
                ws.write(r, c, value)
    wb.close()


def write_xls(path: Path, rows: list[list]) -> None:
    """Excel 97-2003 (.xls), dates as date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Présences")
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write(r, c, datetime(value.year, value.month, value.day), day)
            else:
                ws.write(r, c, value)
    wb.save(str(path))


def write_ods(path: Path, rows: list[list | None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")
    for row in rows:
        tr = TableRow()
        for value in row or [None]:
            if isinstance(value, date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d/%m/%Y")))
            elif isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif value:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            else:
                cell = TableCell()
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


# ---------------------------------------------------------------- the contract


def write_reference(ref: Path) -> None:
    ref.mkdir(parents=True)
    (ref / "contrat.yaml").write_text(
        "code: CV_TEST\n"
        "libelle: Contrat de ville de test\n"
        "date_debut: 2024-01-01\n"
        "date_fin: 2027-12-31\n"
        "date_mi_parcours: 2026-01-01\n"
        "seuil_secret: 3\n"
        # (v2) the reporting calendar is read at a fixed date, not today's
        "date_arrete: 2026-06-01\n",
        encoding="utf-8",
    )
    head = ["code_action", "libelle", "code_partenaire", "pilier", "type_action"]
    write_csv(
        ref / "actions.csv",
        [
            [*head, "date_debut", "date_fin"],
            ["EMP01", "Accompagnement vers l'emploi", "MLOC", EMPLOI, "accompagnement"]
            + ["2024-01-01", "2027-12-31"],
            ["SOC02", "Ateliers de lien social", "MLOC", COHESION, "atelier"]
            + ["2024-01-01", "2027-12-31"],
            # starts after P07's entry (10/03/2025): a warning, the row still counts
            ["PAR03", "Parrainage", "ASSO", EMPLOI, "parrainage", "2025-04-01", "2027-12-31"],
            ["MOB04", "Auto-école sociale", "AUTO", EMPLOI, "mobilite"]
            + ["01/01/2024", "31/12/2027"],
        ],
        sep=";",
        encoding="cp1252",
    )
    write_csv(
        ref / "partenaires.csv",
        [
            ["code_partenaire", "nom"],
            ["MLOC", "Mission locale"],
            ["ASSO", "Association de parrainage"],
            ["AUTO", "Auto-école sociale"],
        ],
        sep=",",
    )
    write_csv(
        ref / "qpv.csv",
        [
            ["code_qpv", "nom", "commune", "population"],
            [Q1, "Grâce de Dieu", "Caen", "2000"],
            [Q2, "Guérinière", "Caen", "1500"],
        ],
        sep=";",
        encoding="cp1252",
    )
    write_csv(
        ref / "cibles.csv",
        [
            ["code_indicateur", "perimetre_type", "perimetre_code", "annee_reference"]
            + ["valeur_reference", "annee_cible", "valeur_cible", "sens"],
            ["beneficiaires_uniques", "contrat", "CV_TEST", "2024", "6", "2027", "15", "hausse"],
            ["cout_par_beneficiaire", "contrat", "CV_TEST", "2024", "2000", "2027", "1400"]
            + ["baisse"],
        ],
        sep=",",
    )


PARTICIPANT_HEADERS = [
    "N° participant",
    "Action",
    "Date d'entrée",
    "Sexe (F/H)",
    "Année de naissance",
    "Code QPV",
    "Niveau de formation",
    "Inscrit France Travail (oui/non)",
    "Motif de sortie",
    "Date de sortie",
    "Commentaire",
    "Freins",
]


def _m25() -> list[list | None]:
    d = date
    return [
        ["Bilan des participants — Mission locale (MLOC)"],  # sheet row 1
        ["Année 2025, à renvoyer avant le 31/01/2026"],  # 2
        PARTICIPANT_HEADERS,  # 3
        ["P01", "EMP01", d(2025, 2, 3), "F", 2000, Q1, "bac", "oui"]  # 4
        + ["Emploi_Durable", "30/09/2025", "RAS", "mobilite"],
        ["P02", "EMP01", "15/03/2025", "H", 1970, Q2, "sans_diplôme", "non"]  # 5
        + ["", "", "", "langue, permis"],  # 'permis' is no frein: warning
        ["P03", "SOC02", d(2025, 4, 1), "Femme", 1990, "hors_qpv", "CAP_BEP", "OUI"],  # 6
        None,  # 7 blank
        [int(P04), "EMP01", "2025-05-12", "h", 1985, "qn01401a", "bac_plus_2", "N"],  # 8
        ["P05", "SOC02", "01/06/25", "F", 1998, Q1, "BAC", "1"]  # 9
        + ["abandon", datetime(2025, 12, 15, 10, 30)],
        ["P06", "SOC02", "1/10/2025", "Homme", 1995, Q2, "bac", "vrai"],  # 10
        ["P03", "EMP01", "03/11/2025", "F", 1990, "HORS_QPV", "cap_bep", "oui"],  # 11
        ["P20", "EMP01", "31/02/2025", "H", 1990, Q1, "bac", "oui"],  # 12 bad date
        ["P21", "PAR03", d(2025, 3, 1), "H", 1990, Q1, "bac", "oui"],  # 13 ASSO's action
        ["P22", "EMP01", d(2025, 3, 1), "X", 1990, Q1, "bac", "oui"],  # 14 bad sexe
        ["P01", "EMP01", d(2025, 2, 3), "F", 2000, Q1, "bac", "oui"]  # 15 same key as 4
        + ["", "", "saisi deux fois"],
        None,  # 16 blank
        ["Total", "", "", "", "", "", "", "", "", "", "11 lignes"],  # 17
    ]


def _asso(v2: bool) -> list[list]:
    head = [
        "Identifiant participant",
        "Code action",
        "Date d'entrée",
        "Date de sortie",
        "Motif de sortie",
        "Sexe",
        "Année de naissance",
        "Code QPV",
        "Niveau de formation",
        "Inscrit France Travail",
        "Freins",
        "Prescripteur",
    ]
    p04 = [P04, "PAR03", "01/09/2025", "", "", "Masculin", "1985", Q1, "bac_plus_2", "non"]
    p07 = ["P07", "PAR03", "10/03/2025", "", "", "Féminin", "1988", Q2, "Bac", "non"]
    p08 = ["P08", "PAR03", "05/05/2025", "", "", "F", "2003", Q1, "cap_bep", "oui"]
    if not v2:
        p13 = ["P13", "PAR03", "20/05/2025", "", "", "F", "1985", Q2, "bac", "oui"]
        return [head[:10], p04, p07, p08, p13]
    return [
        head,  # line 1
        [*p04, "", "plie"],  # 2
        [*p07, "langue", "spontané"],  # 3 (entry before PAR03 starts: warning)
        [*p08, "", "mission_locale"],  # 4
        ["P09", "PAR03", "16/06/2025", "30/11/2025", "Emploi_durable", "Femme", "1972", Q2]
        + ["Sans_diplôme", "O", "", ""],  # 5
        [],  # 6 empty line
        [""] * 12,  # 7 ';;;;;;;;;;;' as Excel saves a blank row
        ["P25", "PAR03", "01/06/2025", "", "", "F", "2015", Q1, "bac", "oui"],  # 8 aged 10
        ["P26", "PAR03", "01/06/2025", "", "", "H", "1990", "QN99999Z", "bac", "oui"],  # 9
        ["P27", "PAR03", "01/06/2025", "", "Abandon", "H", "1990", "HORS_QPV", "bac", "oui"],
        ["P28", "PAR03", "01/07/2025", "15/06/2025", "abandon", "H", "1990", "HORS_QPV"]
        + ["bac", "oui"],  # 11 exit before entry
        ["P29", "PAR03", "01/07/2025", "", "", "", "1990", "HORS_QPV", "bac", "oui"],  # 12
    ]


def _u25() -> list[list | None]:
    d = date
    return [
        ["Auto-école sociale — bilan 2025"],  # row 1
        ["Identifiant", "Code action", "Date d'entrée", "Date de sortie", "Motif de sortie"]
        + ["Sexe (F/H)", "Année de naissance", "Code QPV", "Niveau de formation"]
        + ["Inscrit France Travail", "Prescripteur"],  # 2
        ["P10", "MOB04", d(2025, 2, 10), d(2025, 10, 10), "Autre", "H", 2005, Q1]
        + ["sans_diplome", "non", "france_travail"],  # 3
        ["P11", "MOB04", "07/04/2025", "", "", "F", 1980, "HORS_QPV", "bac", "oui"]
        + ["voisin"],  # 4 unknown prescripteur: warning, row kept
        ["P14", "MOB04", "01/05/2025", "15/06/2025", "", "F", 1990, Q1, "bac", "oui"],  # 5
        ["P15", "MOB99", "01/05/2025", "", "", "F", 1990, Q1, "bac", "oui"],  # 6
        ["P16", "MOB04", d(2025, 5, 10), "", "", "H", 1990, Q1, "master", "oui"],  # 7
        ["", "TOTAL", "", "", "", "", 5],  # 8 first non-empty cell starts with Total
    ]


def _s25() -> list[list]:
    d = date
    return [
        ["Identifiant", "Code action", "Date de séance", "Présence"],  # row 1
        ["P10", "MOB04", d(2025, 3, 1), "présent"],  # 2
        ["P10", "MOB04", "08/03/2025", "P"],  # 3
        ["P10", "MOB04", "15/03/2025", "absent"],  # 4
        ["P10", "MOB04", "22/03/2025", "excusé"],  # 5
        ["P11", "MOB04", d(2025, 4, 10), "P"],  # 6
        ["P11", "MOB04", d(2025, 4, 17), "Présent"],  # 7
        ["P11", "MOB04", d(2025, 4, 24), "A"],  # 8
        ["P99", "MOB04", d(2025, 5, 1), "P"],  # 9 nobody enrolled: warning, counts
        ["P11", "MOB04", d(2025, 5, 1), "peut-être"],  # 10 bad presence
        ["P10", "MOB04", "01/03/2025", "absent"],  # 11 same key as 2
    ]


FUNDING_HEADERS = [
    "Code action",
    "Année",
    "Financeur",
    "Montant accordé (€)",
    "Type de convention",
    "Date de début",
    "Date de fin",
]


def _fm25() -> list[list]:
    return [
        FUNDING_HEADERS,  # line 1
        ["EMP01", "2025", "etat_bop147", "1\u202f250,50\u00a0€", "annuelle_aap"]
        + ["01/01/2025", "31/12/2025"],  # 2
        ["EMP01", "2025", "Région", "10 000,00 €", "pluriannuelle_cpo"]
        + ["01/01/2025", "31/12/2027"],  # 3
        ["SOC02", "2025", "commune", "2 000 €", "pluriannuelle_cpo", "01/01/2024", "31/12/2026"],
        ["EMP01", "2026", "region", "10 000 €", "pluriannuelle_cpo", "01/01/2025", "31/12/2027"],
        ["EMP01", "2025", "epci", "-500 €", "annuelle_aap", "01/01/2025", "31/12/2025"],  # 6
        ["SOC02", "2025", "caf", "800", "annuelle_aap", "01/07/2025", "30/06/2025"],  # 7
    ]


def _fu25() -> list[list]:
    return [
        FUNDING_HEADERS,
        ["MOB04", "2025", "etat_bop147", "3 000", "annuelle_aap", "01/01/2025", "31/12/2025"],
        ["MOB04", "2025", "FSE", "1250.5", "annuelle_aap", "01/01/2025", "31/12/2026"],
    ]


def _fu25_v2() -> list[list]:  # no "Montant accordé" column: refused whole
    head = [h for h in FUNDING_HEADERS if not h.startswith("Montant")]
    return [head, ["MOB04", "2025", "etat_bop147", "annuelle_aap", "01/01/2025", "31/12/2025"]]


def _m26() -> list[list]:
    return [
        ["Identifiant", "Code action", "Date d'entrée", "Date de sortie", "Motif de sortie"]
        + ["Sexe", "Année de naissance", "Code QPV", "Niveau de formation"]
        + ["Inscrit France Travail"],  # line 1
        # P06 leaves, and his QPV is corrected (Q2 -> Q1) for the same enrolment
        ["P06", "SOC02", "01/10/2025", "31/03/2026", "formation_qualifiante", "H", "1995", Q1]
        + ["bac", "oui"],  # 2
        ["P07", "EMP01", "15/01/2026", "", "", "F", "1988", Q1, "bac", "non"],  # 3 moved
        ["P12", "SOC02", "02/03/2026", "", "", "F", "2004", Q2, "cap_bep", "non"],  # 4
        ["P23", "EMP01", "10/02/2026", "", "", "H", "abc", Q1, "bac", "oui"],  # 5
        ["P24", "EMP01", "12/02/2026", "", "", "H", "1990", Q1, "bac", "peut-être"],  # 6
        # an exit for P04's enrolment with an unknown motif: rejected, E4 stays as it was
        [P04, "EMP01", "12/05/2025", "31/01/2026", "licencié", "H", "1985", Q1]
        + ["bac_plus_2", "non"],  # 7
        # ties on date_entree: P08 also entered PAR03 on 05/05/2025 (ASSO's 2025 report,
        # Q1): this more recent report describes her (Q2). P12 entered SOC02 (Q2, line 4)
        # the same day as EMP01 (Q1): same report, smallest code_action EMP01 describes her.
        ["P08", "SOC02", "05/05/2025", "", "", "F", "2003", Q2, "cap_bep", "oui"],  # 8
        ["P12", "EMP01", "02/03/2026", "", "", "F", "2004", Q1, "cap_bep", "non"],  # 9
    ]


def build_root(root: Path) -> Path:
    write_reference(root / "reference")
    inc = root / "incoming"
    write_xlsx(inc / M25, _m25())
    write_csv(inc / A25_V1, _asso(v2=False), sep=",")
    write_csv(inc / A25_V2, _asso(v2=True), sep=";", encoding="cp1252")
    write_ods(inc / U25, _u25())
    write_xls(inc / S25, _s25())
    write_csv(inc / FM25, _fm25(), encoding="utf-8-sig")
    write_csv(inc / FU25, _fu25())
    write_xlsx(inc / FU25_V2, _fu25_v2())
    write_csv(inc / FU25_COPY, _fu25())
    write_csv(inc / M26, _m26(), sep=",", encoding="utf-8-sig")
    write_csv(inc / A31, _asso(v2=False), sep=",")
    write_csv(inc / E26, [["Identifiant", "Code action", "Date de séance", "Présence"], []])
    with open(inc / E26, "a", encoding="utf-8", newline="") as fh:
        fh.write("Total;;;0\r\n")
    # modification times in the order of ORDER, one hour apart
    start = datetime(2026, 4, 1, 9, 0).timestamp()
    for i, rel in enumerate(ORDER):
        os.utime(inc / rel, (start + 3600 * i, start + 3600 * i))
    return root


def add_mloc_2025_resubmission(root: Path) -> None:
    """MLOC resends its 2025 participants without P05; P06 as first declared (Q2, no exit)."""
    rows = [PARTICIPANT_HEADERS[:10]] + [
        row[:10]
        for row in _m25()[3:11]
        if row is not None and row[0] in ("P01", "P02", "P03", int(P04), "P06")
    ]
    path = root / "incoming" / M25_V2
    write_xlsx(path, rows)
    # an older modification time than M25 (copied with its date kept): arriving in a later
    # run, it is still the new file and replaces M25
    older = datetime(2026, 3, 1, 9, 0).timestamp()
    os.utime(path, (older, older))
