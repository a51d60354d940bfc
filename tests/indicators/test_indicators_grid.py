"""Full grid, empty values, periods, runner behaviour and invariant checks."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from ind_fixture import load_hand_fixture
from ind_kit import (
    FINANCEMENT_COLUMNS,
    PARTICIPANT_COLUMNS,
    indicator,
    insert,
    write_actions,
    write_contract,
    write_qpv,
)

from indicators.checks import run_checks
from indicators.compute import compute_indicators, sql_files
from indicators.registry import INDICATEURS, MODALITES, VENTILATION_PERIMETRES


def expected_grid_size(n_periods: int, n_scopes: dict[str, int]) -> int:
    """Rows the registry implies: every indicator x period x listed scope x breakdown."""
    total = 0
    for ind in INDICATEURS:
        for ptype in ind.perimetres:
            modalities = sum(
                len(MODALITES[v]) for v in ind.ventilations if ptype in VENTILATION_PERIMETRES[v]
            )
            total += n_periods * n_scopes[ptype] * modalities
    return total


def test_full_grid_size_of_the_hand_fixture(warehouse):
    load_hand_fixture(warehouse)
    summary = compute_indicators(warehouse)
    # scopes: 1 contrat, 2 piliers, 3 partners (PC without action), 4 actions, 2 QPV
    # per period: beneficiaires 12 + 5 breakdowns, nouveaux_entrants 12, part_residents_qpv 10,
    # five other shares 5 x 12, couverture 3, assiduite 10, sorties/abandon/durable 3 x 10,
    # sorties positives 10 + 5, five funding indicators 5 x 10, two costs 2 x 10 -> 227
    # (v2) beneficiaires residence 3 x 2 (contrat + 2 piliers) + niveau 5 + frein 10 = 21,
    # nouveaux_entrants prescripteur 7, assiduite residence 6, abandon / durable residence
    # 2 x 6, sorties positives residence 6 + niveau 5, financement_total financeur 12 x 10,
    # part_conventions_pluriannuelles 10 -> 187 more, 414 per period,
    # (v2) taux_remontee and taux_remontee_a_temps at contrat + 3 partners: 2 x 4 -> 422
    # 3 periods (2024, 2025, cumul) -> 1266
    assert summary["lignes"] == 1266
    sizes = {"contrat": 1, "pilier": 2, "partenaire": 3, "action": 4, "qpv": 2}
    assert expected_grid_size(3, sizes) == 1266
    (n,) = warehouse.execute("SELECT count(*) FROM marts.indicateurs").fetchall()[0]
    assert n == 1266


def test_empty_scope_has_zero_counts_and_empty_rates(warehouse):
    load_hand_fixture(warehouse)
    compute_indicators(warehouse)
    rows = warehouse.execute(
        """SELECT code_indicateur, valeur, numerateur, denominateur, unite
           FROM marts.indicateurs WHERE perimetre_code = 'PC' AND periode = '2025'"""
    ).fetchall()
    by_code = {code: (valeur, num, den, unite) for code, valeur, num, den, unite in rows}
    # PC runs no action: counts and euros 0 with an empty denominator, rates and costs empty
    assert by_code["beneficiaires_uniques"] == (0, 0, None, "nombre")
    assert by_code["sorties"] == (0, 0, None, "nombre")
    assert by_code["financement_total"] == (0, 0, None, "euros")
    assert by_code["part_femmes"] == (None, 0, 0, "pourcentage")
    assert by_code["taux_assiduite"] == (None, 0, 0, "pourcentage")
    assert by_code["cout_par_sortie_positive"] == (None, 0, 0, "euros")
    assert len(by_code) == sum("partenaire" in i.perimetres for i in INDICATEURS)


def test_no_data_gives_start_year_and_cumul_with_zeros(warehouse):
    write_contract(warehouse, debut=date(2024, 3, 1), fin=date(2027, 12, 31))
    write_actions(warehouse, [("A1", "PA", "cadre_de_vie")], ["PA"])
    write_qpv(warehouse, {"Q1": 500})
    summary = compute_indicators(warehouse)
    assert summary["periodes"] == ["2024", "cumul"]
    # 2 periods; scopes 1 contrat, 1 pilier, 1 partner, 1 action, 1 QPV
    sizes = {"contrat": 1, "pilier": 1, "partenaire": 1, "action": 1, "qpv": 1}
    assert summary["lignes"] == expected_grid_size(2, sizes)
    assert indicator(warehouse, "beneficiaires_uniques", "cumul", "qpv", "Q1") == (0, 0, None)
    # coverage has a population to divide by: 0 residents / 500 -> 0, not empty
    assert indicator(warehouse, "taux_couverture_qpv", "2024", "qpv", "Q1") == (0, 0, 500)
    assert indicator(warehouse, "taux_abandon", "2024", "contrat", "CV1") == (None, 0, 0)


def test_periods_stop_at_contract_end_and_count_funding_years(warehouse):
    write_contract(warehouse, debut=date(2024, 1, 1), fin=date(2026, 12, 31))
    write_actions(warehouse, [("A1", "PA", "cadre_de_vie")], ["PA"])
    # one enrolment entering 2024, leaving 2029 (after the contract) ; funding for 2025
    insert(
        warehouse,
        "staging.participants",
        PARTICIPANT_COLUMNS,
        [("X", "A1", date(2024, 5, 1), date(2029, 1, 1), "autre", "F", 1990, "HORS_QPV",
          "bac", True, "PA", 1)],
    )  # fmt: skip
    insert(
        warehouse,
        "staging.financements",
        FINANCEMENT_COLUMNS,
        [("A1", 2025, "epci", 100, "annuelle_aap", date(2025, 1, 1), date(2025, 12, 31), "PA")],
    )
    summary = compute_indicators(warehouse)
    # latest year with data is 2029, capped at the contract's end year 2026
    assert summary["periodes"] == ["2024", "2025", "2026", "cumul"]
    assert summary["derniere_annee"] == 2026
    # the exit of 2029 lies in no period; the person is active in every year
    assert indicator(warehouse, "sorties", "cumul", "contrat", "CV1") == (0, 0, None)
    assert indicator(warehouse, "beneficiaires_uniques", "2026", "action", "A1") == (1, 1, None)


def test_recompute_replaces_the_table(warehouse):
    load_hand_fixture(warehouse)
    compute_indicators(warehouse)
    warehouse.execute("DELETE FROM staging.participants WHERE id_participant = 'P1'")
    summary = compute_indicators(warehouse)
    assert summary["lignes"] == 1266
    # 2024 contrat: 8 people minus P1 -> 7
    assert indicator(warehouse, "beneficiaires_uniques", "2024", "contrat", "CV1") == (7, 7, None)


def test_a_failing_run_keeps_the_previous_table(warehouse):
    load_hand_fixture(warehouse)
    compute_indicators(warehouse)
    warehouse.execute("DROP VIEW staging.seances")
    with pytest.raises(duckdb.Error):
        compute_indicators(warehouse)
    (n,) = warehouse.execute("SELECT count(*) FROM marts.indicateurs").fetchall()[0]
    assert n == 1266
    temp = warehouse.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE 'ind_%'"
    ).fetchall()[0][0]
    assert temp == 0


def test_two_contracts_are_refused(warehouse):
    write_contract(warehouse, code="CV1")
    write_contract(warehouse, code="CV2")
    with pytest.raises(ValueError, match="exactly one contract"):
        compute_indicators(warehouse)


def test_sql_files_run_preparation_then_registry_order_then_grid():
    names = [p.name for p in sql_files()]
    registry_files = list(dict.fromkeys(i.sql for i in INDICATEURS))
    numbered = [n for n in names if n[:2].isdigit()]
    assert names == [n for n in numbered if int(n[:2]) < 90] + registry_files + [
        n for n in numbered if int(n[:2]) >= 90
    ]
    # (v2) 95_periodes.sql flags the periods of the grid as provisional or not
    assert names[-2:] == ["90_grille.sql", "95_periodes.sql"]
    assert "cibles.sql" not in names and "completude.sql" not in names


def test_checks_pass_on_the_hand_fixture(warehouse):
    load_hand_fixture(warehouse)
    compute_indicators(warehouse)
    assert run_checks(warehouse) == {
        "parts_entre_0_et_100": [],
        "numerateur_inferieur_au_denominateur": [],
        "comptes_distincts_bornes": [],
        "grille_complete": [],
    }


def test_checks_report_broken_rows(warehouse):
    load_hand_fixture(warehouse)
    compute_indicators(warehouse)
    warehouse.execute(
        """UPDATE marts.indicateurs SET valeur = 120, numerateur = 12
           WHERE code_indicateur = 'part_femmes' AND periode = '2025'
             AND perimetre_code = 'A1'"""
    )
    # 2025 contrat counts 9 people; its actions count 3, 3, 4, 2 -> 3 is below the max 4
    warehouse.execute(
        """UPDATE marts.indicateurs SET valeur = 3
           WHERE code_indicateur = 'beneficiaires_uniques' AND periode = '2025'
             AND perimetre_type = 'contrat' AND ventilation = 'ensemble'"""
    )
    warehouse.execute(
        """DELETE FROM marts.indicateurs
           WHERE code_indicateur = 'sorties' AND periode = 'cumul' AND perimetre_code = 'A4'"""
    )
    found = run_checks(warehouse)
    assert [(r["perimetre_code"], r["valeur"]) for r in found["parts_entre_0_et_100"]] == [
        ("A1", 120)
    ]
    # A1 2025 part_femmes: 12 women out of 3 people
    assert [
        (r["numerateur"], r["denominateur"]) for r in found["numerateur_inferieur_au_denominateur"]
    ] == [(12, 3)]
    assert [
        (r["perimetre_type"], r["valeur"], r["max_actions"], r["somme_actions"])
        for r in found["comptes_distincts_bornes"]
    ] == [("contrat", 3, 4, 12)]
    assert [(r["code_indicateur"], r["probleme"]) for r in found["grille_complete"]] == [
        ("sorties", "manquante")
    ]
