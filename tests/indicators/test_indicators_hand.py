"""Indicator values of the hand-made fixture (ind_fixture.py), derived by hand.

Periods: 2024, 2025, cumul = 2024-03-01 .. 2025-12-31 (data stop in 2025).
Active enrolments (entry <= end and exit empty or >= start):
  2024: E1 E2 E3 E5 E7 E13 E14 E15 -> P1 P2 P3 P4 P6 P10 P12 P11
  2025: E1 E3 E4 E5 E6 E8 E9 E10 E11 E12 E14 E15 -> P1 P3 P4 P5 P7 P8 P9 P12 P11
  cumul: all but E7 (exit 2024-02-15) and E13 (exit 2024-02-20), before 2024-03-01
Chosen enrolment at contract scope in 2025: P3 -> E4 (latest entry, Q2, bac, FT no);
P7 -> E9 (same day as E8, report 3 > 2: Q2, bac, FT no); P8 -> E10 (same day and report as
E11, smaller action A1: Q1).
"""

from __future__ import annotations

import pytest
from ind_fixture import load_hand_fixture
from ind_kit import indicator, new_warehouse

from indicators.compute import compute_indicators
from indicators.registry import BY_CODE, INDICATEURS

EMP, COH = "emploi_developpement_economique", "cohesion_sociale"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = new_warehouse(tmp_path_factory.mktemp("hand") / "warehouse.duckdb")
    load_hand_fixture(con)
    summary = compute_indicators(con)
    assert summary["periodes"] == ["2024", "2025", "cumul"]
    yield con
    con.close()


def check(con, key, valeur, numerateur, denominateur):
    got = indicator(con, *key)
    expected = (valeur, numerateur, denominateur)
    for g, e in zip(got, expected, strict=True):
        if e is None:
            assert g is None, (key, got)
        else:
            assert g == pytest.approx(e, rel=1e-12), (key, got, expected)


# (code, periode, perimetre_type, perimetre_code[, ventilation, modalite]) -> value, num, den
CASES = [
    # --- beneficiaires_uniques ---
    # 2024 contrat: P1 P2 P3 P4 P6 P10 P12 P11 active -> 8
    (("beneficiaires_uniques", "2024", "contrat", "CV1"), 8, 8, None),
    # 2025 contrat: P1 P3 P4 P5 P7 P8 P9 P12 P11 -> 9 (P3, P7, P8 have two enrolments: once)
    (("beneficiaires_uniques", "2025", "contrat", "CV1"), 9, 9, None),
    # cumul contrat: 2025's nine + P2 (E2 active 2024-05..11) -> 10; P6, P10 left before 03-01
    (("beneficiaires_uniques", "cumul", "contrat", "CV1"), 10, 10, None),
    # 2025 A3: E4 (P3) E6 (P5) E11 (P8) E14 (P12) -> 4
    (("beneficiaires_uniques", "2025", "action", "A3"), 4, 4, None),
    # 2024 A4: E7 (P6, exit 2024-02-15 >= 2024-01-01) -> 1
    (("beneficiaires_uniques", "2024", "action", "A4"), 1, 1, None),
    # 2025 PA (A1, A2): P1 P3 P8 | P4 P7 P11 -> 6
    (("beneficiaires_uniques", "2025", "partenaire", "PA"), 6, 6, None),
    # 2025 PB (A3, A4): P3 P5 P8 P12 | P7 P9 -> 6 (P12's row sent under PC counts for PB)
    (("beneficiaires_uniques", "2025", "partenaire", "PB"), 6, 6, None),
    # PC runs no action -> 0
    (("beneficiaires_uniques", "2025", "partenaire", "PC"), 0, 0, None),
    # 2025 EMP (A1, A3): P1 P3 P8 P5 P12 -> 5 ; COH (A2, A4): P4 P7 P11 P9 -> 4
    (("beneficiaires_uniques", "2025", "pilier", EMP), 5, 5, None),
    (("beneficiaires_uniques", "2025", "pilier", COH), 4, 4, None),
    # 2025 qpv by contract-level enrolment: Q1 P1 P8(E10) P9 P11 -> 4 ; Q2 P3(E4) P5 P7(E9) P12
    (("beneficiaires_uniques", "2025", "qpv", "Q1"), 4, 4, None),
    (("beneficiaires_uniques", "2025", "qpv", "Q2"), 4, 4, None),
    # 2024 qpv: Q1 P1 P3(E3) P11 -> 3
    (("beneficiaires_uniques", "2024", "qpv", "Q1"), 3, 3, None),
    # breakdowns 2025 contrat: F = P1 P3 P5 P7 P9 P11 -> 6 ; H = P4 P8 P12 -> 3
    (("beneficiaires_uniques", "2025", "contrat", "CV1", "sexe", "F"), 6, 6, None),
    (("beneficiaires_uniques", "2025", "contrat", "CV1", "sexe", "H"), 3, 3, None),
    # ages 2025: <26 P1(24) P4(21) P8(24) -> 3 ; 26-49 P3 P7 P12 P11 -> 4 ; 50+ P5(65) P9(50)
    (("beneficiaires_uniques", "2025", "contrat", "CV1", "tranche_age", "moins_26"), 3, 3, None),
    (("beneficiaires_uniques", "2025", "contrat", "CV1", "tranche_age", "26_49"), 4, 4, None),
    (("beneficiaires_uniques", "2025", "contrat", "CV1", "tranche_age", "50_plus"), 2, 2, None),
    # 2024 50+: P2 (54) -> 1
    (("beneficiaires_uniques", "2024", "contrat", "CV1", "tranche_age", "50_plus"), 1, 1, None),
    # --- nouveaux_entrants ---
    # 2024: entries in 2024 E1 E2 E3 E5 E13 E14 E15 -> P1 P2 P3 P4 P10 P12 P11 -> 7
    (("nouveaux_entrants", "2024", "contrat", "CV1"), 7, 7, None),
    # 2025: E4 E6 E8 E9 E10 E11 E12 -> P3 P5 P7 P8 P9 -> 5
    (("nouveaux_entrants", "2025", "contrat", "CV1"), 5, 5, None),
    # cumul: entries from 2024-03-01: all but E7 (2023) and E13 (2024-01-10) -> 10 people
    (("nouveaux_entrants", "cumul", "contrat", "CV1"), 10, 10, None),
    # 2025 PA: E8 (P7) E10 (P8) -> 2 ; PB: E4 E6 E9 E11 E12 -> P3 P5 P7 P8 P9 -> 5
    (("nouveaux_entrants", "2025", "partenaire", "PA"), 2, 2, None),
    (("nouveaux_entrants", "2025", "partenaire", "PB"), 5, 5, None),
    # 2025 qpv of the latest entry: Q1 P8(E10) P9 -> 2 ; Q2 P3(E4) P5 P7(E9) -> 3
    (("nouveaux_entrants", "2025", "qpv", "Q1"), 2, 2, None),
    (("nouveaux_entrants", "2025", "qpv", "Q2"), 3, 3, None),
    # 2024 A4: P6 entered in 2023 -> 0
    (("nouveaux_entrants", "2024", "action", "A4"), 0, 0, None),
    # 2024 EMP (A1, A3): E1 E2 E3 E13 E14 -> 5
    (("nouveaux_entrants", "2024", "pilier", EMP), 5, 5, None),
    # --- profile shares ---
    # 2024 contrat residents: P1 P3 P11 (Q1) P2 P10 P12 (Q2) -> 6 / 8
    (("part_residents_qpv", "2024", "contrat", "CV1"), 75.0, 6, 8),
    # 2025 contrat: everyone but P4 (HORS) -> 8 / 9
    (("part_residents_qpv", "2025", "contrat", "CV1"), 800 / 9, 8, 9),
    # 2025 PA with PA's own enrolments: P1 Q1, P3 E3 Q1, P8 E10 Q1, P4 HORS, P7 E8 Q1, P11 Q1
    (("part_residents_qpv", "2025", "partenaire", "PA"), 500 / 6, 5, 6),
    # 2025 COH: P4 HORS, P7 E9 Q2, P11 Q1, P9 Q1 -> 3 / 4
    (("part_residents_qpv", "2025", "pilier", COH), 75.0, 3, 4),
    # 2025 EMP: P1 Q1, P3 E4 Q2, P8 E10 Q1, P5 Q2, P12 Q2 -> 5 / 5
    (("part_residents_qpv", "2025", "pilier", EMP), 100.0, 5, 5),
    # 2024 contrat women: P1 P3 P11 -> 3 / 8
    (("part_femmes", "2024", "contrat", "CV1"), 37.5, 3, 8),
    # 2025 Q1 women: P1 P9 P11 (P8 is H) -> 3 / 4 ; 2024 Q2: P2 P10 P12 all H -> 0 / 3
    (("part_femmes", "2025", "qpv", "Q1"), 75.0, 3, 4),
    (("part_femmes", "2024", "qpv", "Q2"), 0.0, 0, 3),
    # 2025 A2: P4 H, P7 F, P11 F -> 2 / 3
    (("part_femmes", "2025", "action", "A2"), 200 / 3, 2, 3),
    # 2024 contrat < 26: P1 (24) P4 (21) P10 (25) -> 3 / 8
    (("part_moins_26_ans", "2024", "contrat", "CV1"), 37.5, 3, 8),
    # 2025 A1: P1 (24) P3 (34) P8 (24) -> 2 / 3
    (("part_moins_26_ans", "2025", "action", "A1"), 200 / 3, 2, 3),
    # 2025 contrat 50+: P5 P9 -> 2 / 9 ; Q2 2025: P5 -> 1 / 4
    (("part_50_ans_et_plus", "2025", "contrat", "CV1"), 200 / 9, 2, 9),
    (("part_50_ans_et_plus", "2025", "qpv", "Q2"), 25.0, 1, 4),
    # 2024 contrat infra-bac: P2 sans, P3 cap_bep (E3), P4 sans, P12 cap_bep -> 4 / 8
    (("part_infra_bac", "2024", "contrat", "CV1"), 50.0, 4, 8),
    # 2025 contrat: P4, P9 sans, P12 cap_bep (P3 -> E4 bac, P7 -> E9 bac) -> 3 / 9
    (("part_infra_bac", "2025", "contrat", "CV1"), 100 / 3, 3, 9),
    # 2025 PA: P3 via E3 cap_bep, P4 sans, P7 via E8 cap_bep -> 3 / 6
    (("part_infra_bac", "2025", "partenaire", "PA"), 50.0, 3, 6),
    # 2024 contrat not registered: P2 P4 -> 2 / 8
    (("part_non_inscrits_ft", "2024", "contrat", "CV1"), 25.0, 2, 8),
    # 2025 contrat: P3 (E4) P4 P7 (E9) P9 -> 4 / 9
    (("part_non_inscrits_ft", "2025", "contrat", "CV1"), 400 / 9, 4, 9),
    # 2025 PB: P3 E4 no, P5 yes, P8 E11 yes, P12 yes, P7 E9 no, P9 no -> 3 / 6
    (("part_non_inscrits_ft", "2025", "partenaire", "PB"), 50.0, 3, 6),
    # --- taux_couverture_qpv (per 1,000 inhabitants) ---
    # 2024 contrat: 6 residents / 3,000 -> 2 ; Q1 3 / 1,000 -> 3 ; Q2 3 / 2,000 -> 1.5
    (("taux_couverture_qpv", "2024", "contrat", "CV1"), 2.0, 6, 3000),
    (("taux_couverture_qpv", "2024", "qpv", "Q1"), 3.0, 3, 1000),
    (("taux_couverture_qpv", "2024", "qpv", "Q2"), 1.5, 3, 2000),
    # 2025 contrat: 8 / 3,000 ; Q2: 4 / 2,000 -> 2
    (("taux_couverture_qpv", "2025", "contrat", "CV1"), 8000 / 3000, 8, 3000),
    (("taux_couverture_qpv", "2025", "qpv", "Q2"), 2.0, 4, 2000),
    # --- taux_assiduite (excused = not attended) ---
    # 2024 A1: 02-01 P, 03-15 P, 04-15 A, 05-10 E, 06-10 P -> 3 / 5
    (("taux_assiduite", "2024", "action", "A1"), 60.0, 3, 5),
    # 2024 contrat: A1 3/5 + A2 0/1 (excused) -> 3 / 6
    (("taux_assiduite", "2024", "contrat", "CV1"), 50.0, 3, 6),
    # 2025 contrat: A1 1/1 + A3 2/3 + A4 0/1 (P1 without A4 enrolment still counts) -> 3 / 5
    (("taux_assiduite", "2025", "contrat", "CV1"), 60.0, 3, 5),
    # 2025 PB: A3 2/3 + A4 0/1 -> 2 / 4
    (("taux_assiduite", "2025", "partenaire", "PB"), 50.0, 2, 4),
    # cumul EMP: A1 from 2024-03-01: 3/5 (02-01 out), A3 2/3 -> 5 / 8
    (("taux_assiduite", "cumul", "pilier", EMP), 62.5, 5, 8),
    # cumul contrat: 3/5 + 0/1 + 2/3 + 0/1 -> 5 / 10
    (("taux_assiduite", "cumul", "contrat", "CV1"), 50.0, 5, 10),
    # 2025 A2: no session -> empty rate
    (("taux_assiduite", "2025", "action", "A2"), None, 0, 0),
    # --- exits ---
    # 2024: E2 (11-30), E7 (02-15), E13 (02-20) -> 3
    (("sorties", "2024", "contrat", "CV1"), 3, 3, None),
    # 2025: E3 E5 E6 E11 E15 -> 5 ; cumul: E2 E3 E5 E6 E11 E15 -> 6 (E7, E13 before 03-01)
    (("sorties", "2025", "contrat", "CV1"), 5, 5, None),
    (("sorties", "cumul", "contrat", "CV1"), 6, 6, None),
    # 2025 PA: E3 (A1), E5 and E15 (A2) -> 3
    (("sorties", "2025", "partenaire", "PA"), 3, 3, None),
    # 2024 A1: E2, E13 -> 2
    (("sorties", "2024", "action", "A1"), 2, 2, None),
    # 2024 abandon: E13 -> 1 / 3 ; 2025: E5 -> 1 / 5 ; 2025 COH (A2, A4): E5 of E5 E15 -> 1 / 2
    (("taux_abandon", "2024", "contrat", "CV1"), 100 / 3, 1, 3),
    (("taux_abandon", "2025", "contrat", "CV1"), 20.0, 1, 5),
    (("taux_abandon", "2025", "pilier", COH), 50.0, 1, 2),
    # positives 2025: E3 formation, E6 transition, E11 creation, E15 durable -> 4 / 5
    (("taux_sorties_positives", "2025", "contrat", "CV1"), 80.0, 4, 5),
    # cumul: E2 E3 E6 E11 E15 -> 5 / 6
    (("taux_sorties_positives", "cumul", "contrat", "CV1"), 500 / 6, 5, 6),
    # 2025 PB: E6, E11 -> 2 / 2 ; 2024 A4: E7 autre -> 0 / 1 ; 2024 A3: no exit -> empty
    (("taux_sorties_positives", "2025", "partenaire", "PB"), 100.0, 2, 2),
    (("taux_sorties_positives", "2024", "action", "A4"), 0.0, 0, 1),
    (("taux_sorties_positives", "2024", "action", "A3"), None, 0, 0),
    # 2025 by sex of the exit's enrolment: F E3 E6 E15 -> 3 / 3 ; H E5 abandon, E11 -> 1 / 2
    (("taux_sorties_positives", "2025", "contrat", "CV1", "sexe", "F"), 100.0, 3, 3),
    (("taux_sorties_positives", "2025", "contrat", "CV1", "sexe", "H"), 50.0, 1, 2),
    # 2024 women left nothing -> empty rate
    (("taux_sorties_positives", "2024", "contrat", "CV1", "sexe", "F"), None, 0, 0),
    # 2025 ages: <26 E5 (21) E11 (24) -> 1 / 2 ; 26-49 E3 E15 -> 2 / 2 ; 50+ E6 -> 1 / 1
    (("taux_sorties_positives", "2025", "contrat", "CV1", "tranche_age", "moins_26"), 50.0, 1, 2),
    (("taux_sorties_positives", "2025", "contrat", "CV1", "tranche_age", "26_49"), 100.0, 2, 2),
    (("taux_sorties_positives", "2025", "contrat", "CV1", "tranche_age", "50_plus"), 100.0, 1, 1),
    # 2024: E2 (54) durable -> 50+ 1 / 1 ; E13 (25) abandon -> <26 0 / 1
    (("taux_sorties_positives", "2024", "contrat", "CV1", "tranche_age", "moins_26"), 0.0, 0, 1),
    # emploi durable 2025: E15 -> 1 / 5 ; 2024 A1: E2 of E2 E13 -> 1 / 2
    (("taux_emploi_durable", "2025", "contrat", "CV1"), 20.0, 1, 5),
    (("taux_emploi_durable", "2024", "action", "A1"), 50.0, 1, 2),
    # --- funding ---
    # 2024 contrat: F1 10000 + F2 20000 + F6 8000 -> 38000 (F8 of 2023 is outside every period)
    (("financement_total", "2024", "contrat", "CV1"), 38000, 38000, None),
    # 2025: F3 20000 + F4 15000 + F5 5000.50 + F7 12000 -> 52000.50
    (("financement_total", "2025", "contrat", "CV1"), 52000.5, 52000.5, None),
    # cumul: 38000 + 52000.50 -> 90000.50 ; 2024 PB: nothing -> 0
    (("financement_total", "cumul", "contrat", "CV1"), 90000.5, 90000.5, None),
    (("financement_total", "2024", "partenaire", "PB"), 0, 0, None),
    # 2024 A4: only F8 (2023) -> 0
    (("financement_total", "2024", "action", "A4"), 0, 0, None),
    # CPO 2024: F2 20000 / 38000 ; 2025: F3 + F7 = 32000 / 52000.50
    (("part_pluriannuel", "2024", "contrat", "CV1"), 2_000_000 / 38000, 20000, 38000),
    # agreements (action, financeur, convention, start): 2025: F3 (A1 region CPO, the F2
    # agreement restated), F4, F5 (AAP), F7 (A4 epci CPO) -> 2 of 4; cumul: F1, F2=F3, F4,
    # F5, F6, F7 -> 2 of 6 (the restated CPO counts once)
    (("part_conventions_pluriannuelles", "2025", "contrat", "CV1"), 50.0, 2, 4),
    (("part_conventions_pluriannuelles", "cumul", "contrat", "CV1"), 100 * 2 / 6, 2, 6),
    (("part_pluriannuel", "2025", "contrat", "CV1"), 3_200_000 / 52000.5, 32000, 52000.5),
    # BOP 147 2025: F4 15000 / 52000.50 ; 2024 A1: F1 10000 / 30000
    (("part_credits_specifiques", "2025", "contrat", "CV1"), 1_500_000 / 52000.5, 15000, 52000.5),
    (("part_credits_specifiques", "2024", "action", "A1"), 100 / 3, 10000, 30000),
    # largest financeur, summed over the scope first: cumul region F2 + F3 = 40000
    # (> bop 25000, epci 12000, caf 8000, commune 5000.50), no single line is above 20000
    (("part_premier_financeur", "cumul", "contrat", "CV1"), 4_000_000 / 90000.5, 40000, 90000.5),
    # 2024 A2: caf alone -> 100 % ; 2025 EMP (A1, A3): region 20000 / 40000.50
    (("part_premier_financeur", "2024", "action", "A2"), 100.0, 8000, 8000),
    (("part_premier_financeur", "2025", "pilier", EMP), 2_000_000 / 40000.5, 20000, 40000.5),
    # secured at N+1: 2024 needs date_fin >= 2025-12-31: F2 (2026-12-31) yes, F6 (2025-06-30) no
    (("part_financement_securise_n1", "2024", "contrat", "CV1"), 2_000_000 / 38000, 20000, 38000),
    # 2025 needs >= 2026-12-31: F3 (equal) and F7 -> 32000 ; A3 (AAP ending 2025) -> 0 %
    (("part_financement_securise_n1", "2025", "contrat", "CV1"), 3_200_000 / 52000.5, 32000,
     52000.5),
    (("part_financement_securise_n1", "2025", "action", "A3"), 0.0, 0, 20000.5),
    # cumul, last year 2025 -> >= 2026-12-31: F2 F3 F7 -> 52000 / 90000.50
    (("part_financement_securise_n1", "cumul", "contrat", "CV1"), 5_200_000 / 90000.5, 52000,
     90000.5),
    # no funding in 2024 for PB -> empty share
    (("part_pluriannuel", "2024", "partenaire", "PB"), None, 0, 0),
    # --- costs ---
    # 2024 contrat: 38000 / 8 people ; 2025: 52000.50 / 9 ; cumul 90000.50 / 10
    (("cout_par_beneficiaire", "2024", "contrat", "CV1"), 4750.0, 38000, 8),
    (("cout_par_beneficiaire", "2025", "contrat", "CV1"), 52000.5 / 9, 52000.5, 9),
    (("cout_par_beneficiaire", "cumul", "contrat", "CV1"), 9000.05, 90000.5, 10),
    # 2025 A2: no funding, 3 people -> 0 ; PC: nothing at all -> empty
    (("cout_par_beneficiaire", "2025", "action", "A2"), 0.0, 0, 3),
    (("cout_par_beneficiaire", "2025", "partenaire", "PC"), None, 0, 0),
    # 2025 contrat: 52000.50 / 4 positive exits ; 2024: 38000 / 1 (E2)
    (("cout_par_sortie_positive", "2025", "contrat", "CV1"), 13000.125, 52000.5, 4),
    (("cout_par_sortie_positive", "2024", "contrat", "CV1"), 38000.0, 38000, 1),
    # 2025 A4: 12000 funding, no exit -> empty with its numerator kept
    (("cout_par_sortie_positive", "2025", "action", "A4"), None, 12000, 0),
    # --- (v2) completeness: this fixture has no file log, so no expected report at all ->
    # empty rates over 0 reports (values with reports: tests/indicators/test_completeness.py)
    (("taux_remontee", "2025", "contrat", "CV1"), None, 0, 0),
    (("taux_remontee_a_temps", "cumul", "partenaire", "PB"), None, 0, 0),
]  # fmt: skip


@pytest.mark.parametrize(("key", "valeur", "numerateur", "denominateur"), CASES)
def test_hand_value(con, key, valeur, numerateur, denominateur):
    check(con, key, valeur, numerateur, denominateur)


def test_every_indicator_and_scope_type_is_checked_by_hand():
    codes = {case[0][0] for case in CASES}
    assert codes == {i.code for i in INDICATEURS}
    assert {case[0][2] for case in CASES} == {"contrat", "pilier", "partenaire", "action", "qpv"}


def test_units_come_from_the_registry(con):
    rows = con.execute(
        "SELECT DISTINCT code_indicateur, unite FROM marts.indicateurs ORDER BY ALL"
    ).fetchall()
    assert rows and all(BY_CODE[code].unite == unite for code, unite in rows)
