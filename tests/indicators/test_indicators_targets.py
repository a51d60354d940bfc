"""Targets: straight-line expected values, clamping, mid-term reading and the four statuses.

marts.indicateurs is written by hand here so that the values reached are chosen freely.
Year periods 2024, 2025, 2026 (+ cumul, ignored by targets). date_mi_parcours 2027-07-02: the
mid-term reading (v2) takes the latest definitive year not after 2027 and compares it with the
expected value of that same year; with no provisional period here that is 2026.
"""

from __future__ import annotations

from datetime import date

import pytest
from ind_kit import write_contract

from indicators.compute import compute_targets

# (code, perimetre_type, perimetre_code, ref year, ref value, target year, target value, sens)
CIBLES = [
    ("taux_sorties_positives", "contrat", "CV1", 2024, 40, 2030, 52, "hausse"),
    ("part_femmes", "action", "A1", 2024, 50, 2026, 55, "hausse"),
    ("cout_par_beneficiaire", "contrat", "CV1", 2024, 1000, 2028, 800, "baisse"),
    ("taux_abandon", "pilier", "EMP", 2025, 20, 2027, 10, "baisse"),
    ("part_femmes", "action", "ZZ", 2024, 10, 2026, 20, "hausse"),  # unknown scope
]
# value reached per (code, perimetre_code) and year (None = empty rate)
VALEURS = {
    ("taux_sorties_positives", "CV1"): {"2024": 40, "2025": 41, "2026": 42},
    ("part_femmes", "A1"): {"2024": None, "2025": 56, "2026": 55},
    ("cout_par_beneficiaire", "CV1"): {"2024": 990, "2025": 965, "2026": 930},
    ("taux_abandon", "EMP"): {"2024": 9, "2025": 20, "2026": 16},
}
PTYPE = {"CV1": "contrat", "A1": "action", "EMP": "pilier"}


def load(con, mi_parcours=date(2027, 7, 2)) -> None:
    write_contract(con, debut=date(2024, 1, 1), fin=date(2030, 12, 31), mi_parcours=mi_parcours)
    con.executemany("INSERT INTO ref.cibles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", CIBLES)
    rows = []
    for (code, pcode), by_year in VALEURS.items():
        for periode, valeur in [*by_year.items(), ("cumul", 1.0)]:
            rows.append((code, periode, PTYPE[pcode], pcode, valeur, "pourcentage"))
    con.executemany(
        """INSERT INTO marts.indicateurs VALUES
           (?, ?, ?, ?, 'ensemble', 'ensemble', ?, NULL, NULL, ?)""",
        rows,
    )


def suivi(con) -> dict:
    rows = con.execute(
        """SELECT code_indicateur, perimetre_code, periode, valeur_attendue, valeur_atteinte,
                  statut, periode_valeur
           FROM marts.cibles_suivi"""
    ).fetchall()
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


# (code, perimetre_code, periode) -> (expected value, value reached, status)
EXPECTED = {
    # hausse 40 (2024) -> 52 (2030): +2 a year; tolerance 10 % of 12 = 1.2
    ("taux_sorties_positives", "CV1", "2024"): (40, 40, "en_bonne_voie"),  # on the line
    ("taux_sorties_positives", "CV1", "2025"): (42, 41, "a_surveiller"),  # 1 short <= 1.2
    ("taux_sorties_positives", "CV1", "2026"): (44, 42, "en_retard"),  # 2 short > 1.2
    # mid-term (v2): latest definitive year <= 2027 is 2026 (no report is provisional here):
    # expected 40 + 2 x (2026 - 2024) = 44, reached 42 (2026)
    ("taux_sorties_positives", "CV1", "mi_parcours"): (44, 42, "en_retard"),
    # hausse 50 (2024) -> 55 (2026): 56 >= 55 and 55 >= 55 already meet the final target
    ("part_femmes", "A1", "2024"): (50, None, None),  # empty rate: no status
    ("part_femmes", "A1", "2025"): (52.5, 56, "atteint"),
    ("part_femmes", "A1", "2026"): (55, 55, "atteint"),
    ("part_femmes", "A1", "mi_parcours"): (55, 55, "atteint"),  # 2026: 55
    # baisse 1000 (2024) -> 800 (2028): -50 a year; tolerance 10 % of 200 = 20
    ("cout_par_beneficiaire", "CV1", "2024"): (1000, 990, "en_bonne_voie"),  # below the line
    ("cout_par_beneficiaire", "CV1", "2025"): (950, 965, "a_surveiller"),  # 15 above <= 20
    ("cout_par_beneficiaire", "CV1", "2026"): (900, 930, "en_retard"),  # 30 above > 20
    ("cout_par_beneficiaire", "CV1", "mi_parcours"): (900, 930, "en_retard"),  # as 2026
    # baisse 20 (2025) -> 10 (2027); tolerance 10 % of 10 = 1
    ("taux_abandon", "EMP", "2024"): (20, 9, "atteint"),  # before 2025: clamped to 20; 9 <= 10
    ("taux_abandon", "EMP", "2025"): (20, 20, "en_bonne_voie"),  # equal to the expected value
    ("taux_abandon", "EMP", "2026"): (15, 16, "a_surveiller"),  # 1 above = the tolerance
    ("taux_abandon", "EMP", "mi_parcours"): (15, 16, "a_surveiller"),  # as 2026
    # unknown scope: expected values still read on the line, nothing reached
    ("part_femmes", "ZZ", "2024"): (10, None, None),
    ("part_femmes", "ZZ", "2025"): (15, None, None),
    ("part_femmes", "ZZ", "2026"): (20, None, None),
    ("part_femmes", "ZZ", "mi_parcours"): (20, None, None),
}  # fmt: skip


def test_expected_values_and_statuses(warehouse):
    load(warehouse)
    # 5 targets x (3 years + mid-term)
    assert compute_targets(warehouse) == 20
    got = suivi(warehouse)
    assert set(got) == set(EXPECTED)
    for key, (attendue, atteinte, statut) in EXPECTED.items():
        g_attendue, g_atteinte, g_statut, periode_valeur = got[key]
        assert g_attendue == pytest.approx(attendue, rel=1e-12), key
        assert g_atteinte == atteinte, key
        assert g_statut == statut, key
        # data stop in 2026: the mid-term reads the 2026 value
        assert periode_valeur == ("2026" if key[2] == "mi_parcours" else key[2])


def test_targets_keep_the_reference_columns(warehouse):
    load(warehouse)
    compute_targets(warehouse)
    row = warehouse.execute(
        """SELECT perimetre_type, annee_reference, valeur_reference, annee_cible, valeur_cible,
                  sens
           FROM marts.cibles_suivi
           WHERE code_indicateur = 'taux_abandon' AND periode = '2025'"""
    ).fetchall()
    assert row == [("pilier", 2025, 20.0, 2027, 10.0, "baisse")]


def test_mid_term_within_the_data_reads_its_own_year(warehouse):
    # 2025-01-01 is day 1: t = 2025 exactly; the value reached is 2025's
    load(warehouse, mi_parcours=date(2025, 1, 1))
    compute_targets(warehouse)
    got = suivi(warehouse)
    # hausse line at 2025: 42, reached 41 -> 1 short <= 1.2
    assert got[("taux_sorties_positives", "CV1", "mi_parcours")] == (
        pytest.approx(42),
        41,
        "a_surveiller",
        "2025",
    )


def test_no_mid_term_date_no_mid_term_row_and_recompute_replaces(warehouse):
    load(warehouse, mi_parcours=None)
    assert compute_targets(warehouse) == 15
    # a second run replaces the rows
    assert compute_targets(warehouse) == 15


def provisional(con, *years: str) -> None:
    """marts.periodes as 95_periodes.sql leaves it: the given years provisional."""
    for periode in ("2024", "2025", "2026"):
        con.execute(
            "INSERT INTO marts.periodes VALUES (?, ?, ?, ?)",
            [periode, date(int(periode), 1, 1), date(int(periode), 12, 31), periode in years],
        )


def test_mid_term_skips_a_provisional_year(warehouse):
    # 2026 is provisional: the latest definitive year <= 2027 is 2025;
    # expected on the hausse line at 2025: 40 + 2 = 42, reached 41 -> 1 short <= 1.2
    load(warehouse)
    provisional(warehouse, "2026")
    compute_targets(warehouse)
    got = suivi(warehouse)
    assert got[("taux_sorties_positives", "CV1", "mi_parcours")] == (
        pytest.approx(42),
        41,
        "a_surveiller",
        "2025",
    )
    # baisse 20 (2025) -> 10 (2027): 2025 expected 20, reached 20 -> en_bonne_voie
    assert got[("taux_abandon", "EMP", "mi_parcours")] == (20, 20, "en_bonne_voie", "2025")
    # the yearly rows are kept; their provisional mark comes from marts.periodes
    assert got[("taux_sorties_positives", "CV1", "2026")][2] == "en_retard"


def test_mid_term_without_a_definitive_year_says_so(warehouse):
    load(warehouse)
    provisional(warehouse, "2024", "2025", "2026")
    compute_targets(warehouse)
    got = suivi(warehouse)
    # no definitive year: no year read, no expected value, no value, no status
    assert got[("taux_sorties_positives", "CV1", "mi_parcours")] == (None, None, None, None)
    assert got[("part_femmes", "A1", "mi_parcours")] == (None, None, None, None)
