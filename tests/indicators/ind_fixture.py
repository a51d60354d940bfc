"""A small hand-made contract whose indicators are derived by hand in the tests.

Contract CV1 from 2024-03-01 to 2027-12-31; data stop in 2025, so the periods are 2024, 2025
and cumul = 2024-03-01 .. 2025-12-31.
Partners PA, PB, PC (PC runs nothing). Actions: A1 (PA, EMP), A2 (PA, COH), A3 (PB, EMP),
A4 (PB, COH), with EMP = emploi_developpement_economique, COH = cohesion_sociale.
QPV: Q1 (1,000 inhabitants), Q2 (2,000); HORS_QPV otherwise.

Enrolments (E#), people (P#), age at entry = year(entry) - birth year:
 E1  P1  A1 2024-03-10 ..             F 2000 (24) Q1  bac          FT yes  report 1
 E2  P2  A1 2024-05-01 .. 2024-11-30  H 1970 (54) Q2  sans_diplome FT no   emploi_durable
 E3  P3  A1 2024-06-01 .. 2025-03-31  F 1990 (34) Q1  cap_bep      FT yes  formation_qualifiante
 E4  P3  A3 2025-02-01 ..             F 1990 (35) Q2  bac          FT no   report 3 (moved QPV)
 E5  P4  A2 2024-09-01 .. 2025-06-30  H 2003 (21) HORS sans_diplome FT no  abandon, report 4
                                      (the exit came in a later report)
 E6  P5  A3 2025-01-15 .. 2025-10-31  F 1960 (65) Q2  bac_plus_2   FT yes  emploi_transition
 E7  P6  A4 2023-11-01 .. 2024-02-15  H 1985 (38) HORS bac         FT yes  autre
 E8  P7  A2 2025-04-01 ..             F 1998 (27) Q1  cap_bep      FT yes  report 2
 E9  P7  A4 2025-04-01 ..             F 1998 (27) Q2  bac          FT no   report 3
 E10 P8  A1 2025-05-01 ..             H 2001 (24) Q1  bac          FT yes  report 2
 E11 P8  A3 2025-05-01 .. 2025-09-30  H 2001 (24) HORS bac         FT yes  creation_activite, rep 2
 E12 P9  A4 2025-12-01 ..             F 1975 (50) Q1  sans_diplome FT no   report 3
 E13 P10 A1 2024-01-10 .. 2024-02-20  H 1999 (25) Q2  bac          FT yes  abandon
 E14 P12 A3 2024-07-01 ..             H 1995 (29) Q2  cap_bep      FT yes  (row sent under PC:
                                      scopes must come from actions.csv, so it counts for PB)
 E15 P11 A2 2024-04-01 .. 2025-01-31  F 1980 (44) Q1  bac_plus_3_et_plus FT yes emploi_durable

Sessions: A1 2024-02-01 P10 present, 2024-03-15 P1 present, 2024-04-15 P1 absent,
2024-05-10 P2 excuse, 2024-06-10 P2 present, 2025-01-20 P1 present; A2 2024-10-01 P4 excuse;
A3 2025-02-01 P5 present, 2025-03-01 P5 absent, 2025-03-01 P3 present; A4 2025-06-01 P1
absent (P1 has no A4 enrolment: a warning row, it counts).

Funding (action, annee, financeur, amount, convention, start, end):
 F1 A1 2024 etat_bop147 10000    AAP 2024-01-01 2024-12-31
 F2 A1 2024 region      20000    CPO 2024-01-01 2026-12-31
 F3 A1 2025 region      20000    CPO 2024-01-01 2026-12-31
 F4 A3 2025 etat_bop147 15000    AAP 2025-01-01 2025-12-31
 F5 A3 2025 commune      5000.50 AAP 2025-01-01 2025-12-31
 F6 A2 2024 caf          8000    AAP 2024-01-01 2025-06-30
 F7 A4 2025 epci        12000    CPO 2025-01-01 2027-12-31
 F8 A4 2023 epci          999    AAP 2023-01-01 2023-12-31 (before the contract: no period)
"""

from __future__ import annotations

from datetime import date as d
from decimal import Decimal

from ind_kit import (
    FINANCEMENT_COLUMNS,
    PARTICIPANT_COLUMNS,
    SEANCE_COLUMNS,
    insert,
    write_actions,
    write_contract,
    write_qpv,
)

EMP = "emploi_developpement_economique"
COH = "cohesion_sociale"
ACTIONS = [("A1", "PA", EMP), ("A2", "PA", COH), ("A3", "PB", EMP), ("A4", "PB", COH)]
PARTENAIRES = ["PA", "PB", "PC"]
QPV = {"Q1": 1000, "Q2": 2000}
PARTNER = {"A1": "PA", "A2": "PA", "A3": "PB", "A4": "PB"}


def _p(pid, action, entree, sortie, motif, sexe, naissance, qpv, niveau, ft, report=1, by=None):
    return (pid, action, entree, sortie, motif, sexe, naissance, qpv, niveau, ft,
            by or PARTNER[action], report)  # fmt: skip


PARTICIPANTS = [
    _p("P1", "A1", d(2024, 3, 10), None, None, "F", 2000, "Q1", "bac", True),
    _p("P2", "A1", d(2024, 5, 1), d(2024, 11, 30), "emploi_durable", "H", 1970, "Q2",
       "sans_diplome", False),
    _p("P3", "A1", d(2024, 6, 1), d(2025, 3, 31), "formation_qualifiante", "F", 1990, "Q1",
       "cap_bep", True),
    _p("P3", "A3", d(2025, 2, 1), None, None, "F", 1990, "Q2", "bac", False, report=3),
    _p("P4", "A2", d(2024, 9, 1), d(2025, 6, 30), "abandon", "H", 2003, "HORS_QPV",
       "sans_diplome", False, report=4),
    _p("P5", "A3", d(2025, 1, 15), d(2025, 10, 31), "emploi_transition", "F", 1960, "Q2",
       "bac_plus_2", True, report=3),
    _p("P6", "A4", d(2023, 11, 1), d(2024, 2, 15), "autre", "H", 1985, "HORS_QPV", "bac", True),
    _p("P7", "A2", d(2025, 4, 1), None, None, "F", 1998, "Q1", "cap_bep", True, report=2),
    _p("P7", "A4", d(2025, 4, 1), None, None, "F", 1998, "Q2", "bac", False, report=3),
    _p("P8", "A1", d(2025, 5, 1), None, None, "H", 2001, "Q1", "bac", True, report=2),
    _p("P8", "A3", d(2025, 5, 1), d(2025, 9, 30), "creation_activite", "H", 2001, "HORS_QPV",
       "bac", True, report=2),
    _p("P9", "A4", d(2025, 12, 1), None, None, "F", 1975, "Q1", "sans_diplome", False,
       report=3),
    _p("P10", "A1", d(2024, 1, 10), d(2024, 2, 20), "abandon", "H", 1999, "Q2", "bac", True),
    _p("P12", "A3", d(2024, 7, 1), None, None, "H", 1995, "Q2", "cap_bep", True, by="PC"),
    _p("P11", "A2", d(2024, 4, 1), d(2025, 1, 31), "emploi_durable", "F", 1980, "Q1",
       "bac_plus_3_et_plus", True),
]  # fmt: skip

SEANCES = [
    ("P10", "A1", d(2024, 2, 1), "present", "PA"),
    ("P1", "A1", d(2024, 3, 15), "present", "PA"),
    ("P1", "A1", d(2024, 4, 15), "absent", "PA"),
    ("P2", "A1", d(2024, 5, 10), "excuse", "PA"),
    ("P2", "A1", d(2024, 6, 10), "present", "PA"),
    ("P1", "A1", d(2025, 1, 20), "present", "PA"),
    ("P4", "A2", d(2024, 10, 1), "excuse", "PA"),
    ("P5", "A3", d(2025, 2, 1), "present", "PB"),
    ("P5", "A3", d(2025, 3, 1), "absent", "PB"),
    ("P3", "A3", d(2025, 3, 1), "present", "PB"),
    ("P1", "A4", d(2025, 6, 1), "absent", "PB"),
]

AAP, CPO = "annuelle_aap", "pluriannuelle_cpo"
FINANCEMENTS = [
    ("A1", 2024, "etat_bop147", Decimal("10000"), AAP, d(2024, 1, 1), d(2024, 12, 31), "PA"),
    ("A1", 2024, "region", Decimal("20000"), CPO, d(2024, 1, 1), d(2026, 12, 31), "PA"),
    ("A1", 2025, "region", Decimal("20000"), CPO, d(2024, 1, 1), d(2026, 12, 31), "PA"),
    ("A3", 2025, "etat_bop147", Decimal("15000"), AAP, d(2025, 1, 1), d(2025, 12, 31), "PB"),
    ("A3", 2025, "commune", Decimal("5000.50"), AAP, d(2025, 1, 1), d(2025, 12, 31), "PB"),
    ("A2", 2024, "caf", Decimal("8000"), AAP, d(2024, 1, 1), d(2025, 6, 30), "PA"),
    ("A4", 2025, "epci", Decimal("12000"), CPO, d(2025, 1, 1), d(2027, 12, 31), "PB"),
    ("A4", 2023, "epci", Decimal("999"), AAP, d(2023, 1, 1), d(2023, 12, 31), "PB"),
]


def load_hand_fixture(con) -> None:
    write_contract(con)
    write_actions(con, ACTIONS, PARTENAIRES)
    write_qpv(con, QPV)
    insert(con, "staging.participants", PARTICIPANT_COLUMNS, PARTICIPANTS)
    insert(con, "staging.seances", SEANCE_COLUMNS, SEANCES)
    insert(con, "staging.financements", FINANCEMENT_COLUMNS, FINANCEMENTS)
