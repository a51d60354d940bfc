"""The v2 breakdowns and part_conventions_pluriannuelles on a tiny contract, derived by hand.

Contract CV1 from 2024-03-01 (ind_kit defaults); actions A1 (PA, EMP), A2 (PB, COH); QPV Q1.
Enrolments (person, action, entry .. exit, QPV, niveau, freins, prescripteur, report):
 X1 A1 2025-01-10 .. 2025-06-30 emploi_durable Q1 bac langue;mobilite france_travail 1
 X1 A1 2025-09-01 .. HORS_QPV bac - mission_locale 2
 X2 A2 2025-02-01 .. HORS_QPV sans_diplome mobilite - 1
 X3 A2 2024-05-01 .. Q1 cap_bep - ccas 1
 X4 A2 2025-03-01 .. Q1 bac_plus_2 langue;garde_enfants plie 1
In 2025 each person is described by their latest active enrolment: X1 -> the 2025-09-01 one
(HORS_QPV, no barrier, mission_locale), X2, X3, X4 by their only one.
Sessions: X1 A1 2025-01-05 present (before any entry: X1's first A1 enrolment, Q1),
X1 A1 2025-03-01 present (latest entry on or before it: 2025-01-10, Q1), X1 A1 2025-10-01
absent (2025-09-01, HORS_QPV), X2 A2 2025-03-01 present (HORS_QPV), X3 A1 2025-03-01 present
(X3 has no A1 enrolment: no residence, ensemble only).
Funding (action, annee, financeur, euros, convention, date_debut):
 A1 2024 region 1000 CPO 2024-01-01; A1 2025 region 1000 CPO 2024-01-01 (same agreement,
 restated); A1 2025 commune 500 AAP 2025-01-01; A2 2025 region 300 AAP 2025-01-01.
"""

from __future__ import annotations

from datetime import date as d
from decimal import Decimal

import pytest
from ind_kit import (
    FINANCEMENT_COLUMNS,
    SEANCE_COLUMNS,
    indicator,
    insert,
    new_warehouse,
    write_actions,
    write_contract,
    write_qpv,
)

from indicators.compute import compute_indicators

EMP, COH = "emploi_developpement_economique", "cohesion_sociale"
COLUMNS = ("id_participant", "code_action", "date_entree", "date_sortie", "motif_sortie",
           "sexe", "annee_naissance", "code_qpv", "niveau_formation", "inscrit_france_travail",
           "freins", "prescripteur", "code_partenaire", "report_order")  # fmt: skip
PARTICIPANTS = [
    ("X1", "A1", d(2025, 1, 10), d(2025, 6, 30), "emploi_durable", "F", 1990, "Q1", "bac",
     True, "langue;mobilite", "france_travail", "PA", 1),
    ("X1", "A1", d(2025, 9, 1), None, None, "F", 1990, "HORS_QPV", "bac", True, None,
     "mission_locale", "PA", 2),
    ("X2", "A2", d(2025, 2, 1), None, None, "H", 1980, "HORS_QPV", "sans_diplome", False,
     "mobilite", None, "PB", 1),
    ("X3", "A2", d(2024, 5, 1), None, None, "H", 1970, "Q1", "cap_bep", True, None, "ccas",
     "PB", 1),
    ("X4", "A2", d(2025, 3, 1), None, None, "F", 2000, "Q1", "bac_plus_2", False,
     "langue;garde_enfants", "plie", "PB", 1),
]  # fmt: skip
SEANCES = [
    ("X1", "A1", d(2025, 1, 5), "present", "PA"),
    ("X1", "A1", d(2025, 3, 1), "present", "PA"),
    ("X1", "A1", d(2025, 10, 1), "absent", "PA"),
    ("X2", "A2", d(2025, 3, 1), "present", "PB"),
    ("X3", "A1", d(2025, 3, 1), "present", "PA"),
]
AAP, CPO = "annuelle_aap", "pluriannuelle_cpo"
FINANCEMENTS = [
    ("A1", 2024, "region", Decimal(1000), CPO, d(2024, 1, 1), d(2026, 12, 31), "PA"),
    ("A1", 2025, "region", Decimal(1000), CPO, d(2024, 1, 1), d(2026, 12, 31), "PA"),
    ("A1", 2025, "commune", Decimal(500), AAP, d(2025, 1, 1), d(2025, 12, 31), "PA"),
    ("A2", 2025, "region", Decimal(300), AAP, d(2025, 1, 1), d(2025, 12, 31), "PB"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = new_warehouse(tmp_path_factory.mktemp("v2") / "warehouse.duckdb")
    write_contract(con)
    write_actions(con, [("A1", "PA", EMP), ("A2", "PB", COH)], ["PA", "PB"])
    write_qpv(con, {"Q1": 1000})
    insert(con, "staging.participants", COLUMNS, PARTICIPANTS)
    insert(con, "staging.seances", SEANCE_COLUMNS, SEANCES)
    insert(con, "staging.financements", FINANCEMENT_COLUMNS, FINANCEMENTS)
    assert compute_indicators(con)["periodes"] == ["2024", "2025", "cumul"]
    yield con
    con.close()


def value(con, code, periode, ventilation, modalite, ptype="contrat", pcode="CV1"):
    return indicator(con, code, periode, ptype, pcode, ventilation, modalite)


def test_beneficiaries_by_residence(con):
    # 2025: X1 (latest enrolment HORS_QPV), X2 HORS_QPV -> 2 hors_qpv; X3, X4 Q1 -> 2 qpv
    assert value(con, "beneficiaires_uniques", "2025", "residence", "qpv")[0] == 2
    assert value(con, "beneficiaires_uniques", "2025", "residence", "hors_qpv")[0] == 2
    # 2024: only X3 (Q1); pilier COH in 2025: X2 hors, X3 and X4 qpv
    assert value(con, "beneficiaires_uniques", "2024", "residence", "hors_qpv")[0] == 0
    assert value(con, "beneficiaires_uniques", "2024", "residence", "qpv")[0] == 1
    assert value(con, "beneficiaires_uniques", "2025", "residence", "qpv", "pilier", COH)[0] == 2
    assert (
        value(con, "beneficiaires_uniques", "2025", "residence", "hors_qpv", "pilier", COH)[0] == 1
    )


def test_beneficiaries_by_education_level(con):
    # 2025: X1 bac, X2 sans_diplome, X3 cap_bep, X4 bac_plus_2; nobody bac_plus_3_et_plus
    expected = {"bac": 1, "sans_diplome": 1, "cap_bep": 1, "bac_plus_2": 1,
                "bac_plus_3_et_plus": 0}  # fmt: skip
    for modalite, n in expected.items():
        assert value(con, "beneficiaires_uniques", "2025", "niveau_formation", modalite)[0] == n


def test_barriers_are_not_a_partition(con):
    # 2025: X1 described by the 2025-09-01 enrolment (no barrier), X3 none -> aucun 2;
    # X2 mobilite; X4 langue and garde_enfants, counted under both -> 5 for 4 people.
    expected = {"aucun": 2, "mobilite": 1, "langue": 1, "garde_enfants": 1, "sante": 0}
    for modalite, n in expected.items():
        assert value(con, "beneficiaires_uniques", "2025", "frein", modalite)[0] == n
    total = con.execute(
        "SELECT sum(valeur) FROM marts.indicateurs WHERE code_indicateur = "
        "'beneficiaires_uniques' AND periode = '2025' AND ventilation = 'frein'"
    ).fetchall()[0][0]
    assert total == 5
    assert value(con, "beneficiaires_uniques", "2025", "ensemble", "ensemble")[0] == 4


def test_new_entrants_by_referrer(con):
    # 2025 entrants: X1 (latest entry in 2025: mission_locale, not its first france_travail),
    # X2 (none given -> non_renseigne), X4 (plie); X3 entered in 2024.
    expected = {"mission_locale": 1, "non_renseigne": 1, "plie": 1, "france_travail": 0,
                "ccas": 0}  # fmt: skip
    for modalite, n in expected.items():
        assert value(con, "nouveaux_entrants", "2025", "prescripteur", modalite)[0] == n
    assert value(con, "nouveaux_entrants", "2024", "prescripteur", "ccas")[0] == 1


def test_attendance_by_residence_and_people_behind_it(con):
    # 2025 sessions: 5, 4 present -> 80 %. qpv: X1 01-05 and 03-01, both present -> 100 %;
    # hors_qpv: X1 10-01 absent, X2 present -> 50 %; X3's A1 session has no residence.
    assert value(con, "taux_assiduite", "2025", "ensemble", "ensemble") == (80.0, 4, 5)
    assert value(con, "taux_assiduite", "2025", "residence", "qpv") == (100.0, 2, 2)
    assert value(con, "taux_assiduite", "2025", "residence", "hors_qpv") == (50.0, 1, 2)
    # pilier EMP (A1): X1's three sessions and X3's -> qpv 2/2, hors 0/1
    assert value(con, "taux_assiduite", "2025", "residence", "hors_qpv", "pilier", EMP) == (
        0.0, 0, 1)  # fmt: skip
    people = dict(
        ((p, m), n)
        for p, m, n in con.execute(
            "SELECT perimetre_code, modalite, personnes FROM marts.assiduite_personnes "
            "WHERE periode = '2025' AND perimetre_type IN ('contrat', 'pilier')"
        ).fetchall()
    )
    # contract: X1, X2, X3 behind all sessions; qpv: X1; hors_qpv: X1 and X2
    assert people[("CV1", "ensemble")] == 3
    assert people[("CV1", "qpv")] == 1
    assert people[("CV1", "hors_qpv")] == 2
    assert people[(EMP, "ensemble")] == 2  # X1 and X3 in A1


def test_exits_by_residence_and_education_level(con):
    # one exit in 2025: X1's Q1 enrolment, emploi_durable, bac
    assert value(con, "taux_sorties_positives", "2025", "residence", "qpv") == (100.0, 1, 1)
    assert value(con, "taux_emploi_durable", "2025", "residence", "qpv") == (100.0, 1, 1)
    assert value(con, "taux_abandon", "2025", "residence", "qpv") == (0.0, 0, 1)
    assert value(con, "taux_sorties_positives", "2025", "residence", "hors_qpv") == (None, 0, 0)
    assert value(con, "taux_sorties_positives", "2025", "niveau_formation", "bac") == (
        100.0, 1, 1)  # fmt: skip
    assert value(con, "taux_sorties_positives", "2025", "niveau_formation", "cap_bep") == (
        None, 0, 0)  # fmt: skip


def test_funding_by_funder(con):
    # 2025: region 1000 (A1) + 300 (A2) = 1300, commune 500; cumul A1 region 1000 + 1000
    assert value(con, "financement_total", "2025", "financeur", "region")[0] == 1300
    assert value(con, "financement_total", "2025", "financeur", "commune")[0] == 500
    assert value(con, "financement_total", "2025", "financeur", "caf") == (0, 0, None)
    a1 = value(con, "financement_total", "cumul", "financeur", "region", "action", "A1")
    assert a1[0] == 2000
    assert value(con, "financement_total", "2025", "financeur", "region", "pilier", COH)[0] == 300


def test_multi_year_share_counts_agreements_once(con):
    # agreements: (A1, region, CPO, 2024-01-01) with lines in 2024 and 2025,
    # (A1, commune, AAP, 2025-01-01), (A2, region, AAP, 2025-01-01)
    # cumul: 3 agreements, 1 CPO -> 33.33 %, while in euros 2000 / 2800
    share = value(con, "part_conventions_pluriannuelles", "cumul", "ensemble", "ensemble")
    assert share == (pytest.approx(100 / 3), 1, 3)
    assert value(con, "part_pluriannuel", "cumul", "ensemble", "ensemble")[1:] == (2000, 2800)
    # 2024: only the CPO -> 100 %; 2025: 1 of 3; partner PB: 0 of 1; A2 in 2024: no agreement
    assert value(con, "part_conventions_pluriannuelles", "2024", "ensemble", "ensemble") == (
        100.0, 1, 1)  # fmt: skip
    assert value(con, "part_conventions_pluriannuelles", "2025", "ensemble", "ensemble")[1:] == (
        1, 3)  # fmt: skip
    assert value(
        con, "part_conventions_pluriannuelles", "2025", "ensemble", "ensemble", "partenaire", "PB"
    ) == (0.0, 0, 1)
    assert value(
        con, "part_conventions_pluriannuelles", "2024", "ensemble", "ensemble", "action", "A2"
    ) == (None, 0, 0)
