"""Acceptance test of the data contract v2, written from shared/domain/data-contract.md only:
a small hand-made contract (accept_v2_kit.py) through the real Dagster pipeline, every
expected figure worked out by hand below.

Contract CV_V2, 2024-01-01 .. 2027-12-31, date_mi_parcours 2025-06-30, seuil_secret 3,
delai_remontee_jours 30, date_arrete 2026-03-15. Actions: EMP01 (MLOC, emploi, from 2025),
SOC02 (MLOC, cohesion_sociale, from 2025), PAR03 (ASSO, emploi, from 2025), MOB04 (AUTO,
emploi, from 2024); all end 2027-12-31. Rhythms: MLOC semestriel, ASSO and AUTO annuel.

Enrolments in force (F = freins; Pr = prescripteur, fr_trav = france_travail, miss_loc =
mission_locale):
  E   id  action entry       exit        motif               qpv   niveau       F          Pr
  E1  P01 MOB04  2024-03-01  2024-11-30  emploi_durable      Q1    bac          mob,langue fr_trav
  E2  P02 MOB04  2024-05-01  2025-03-31  abandon (2025 rep.) HORS  sans_diplome -          -
  E3  P03 MOB04  2025-02-01  -                               Q2    cap_bep      -          miss_loc
  E4  P04 EMP01  2025-02-10  2025-06-30  emploi_transition   Q1    bac          numerique  plie
  E5  P05 SOC02  2025-06-30  -                               HORS  bac_plus_3.. -          -
  E6  P01 EMP01  2025-03-01  -                               HORS  bac          sante      miss_loc
  E7  P06 EMP01  2025-09-01  2025-12-15  formation_qualif.   Q2    cap_bep      logem,fin  ccas
  E8  P06 SOC02  2025-10-01  -                               HORS  sans_diplome -          -
  E9  P07 SOC02  2025-11-01  -                               Q1    bac_plus_2   garde,mob  spontane
  E10 P08 EMP01  2026-02-01  -                               Q1    bac          -          autre
  E11 P09 PAR03  2025-04-01  2025-10-31  abandon             Q2    bac          administr. fr_trav
  E12 P04 PAR03  2025-09-01  -                               Q2    bac          -          -
Rejected (date_apres_periode) or replaced: P90, P91, P92 (and P04's session of 01/07/2025), P98
(first 2025-S1 version, replaced whole), P96/P97 (refused files): they count nowhere.

Active people per period (chosen enrolment = latest date_entree among the active ones):
  2024: P01 (E1), P02 (E2)                                                  -> 2
  2025: P02 (E2), P03 (E3), P04 (E12), P05 (E5), P01 (E6), P06 (E8), P07 (E9), P09 (E11) -> 8
  2026: P03, P05, P01 (E6), P06 (E8), P07, P08, P04 (E12)                   -> 7
  cumul: P01 (E6), P02, P03, P04 (E12), P05, P06 (E8), P07, P08, P09       -> 9

Sessions in force (own enrolment's residence): 2024 P01 MOB04 x2 (1 present, Q1), P02 MOB04
x1 present (HORS); 2025 P04 EMP01 x3 (2 present, Q1), P05 SOC02 x1 excused (HORS), P06 EMP01
x2 present (Q2), P06 SOC02 x1 absent (HORS), P07 SOC02 x3 present (Q1), P99 EMP01 x1 present
(no enrolment: ensemble only).
Funding in force: F1 MOB04 2024 etat_bop147 3000 AAP from 2024-01-01; F2 MOB04 2025
etat_bop147 3000 AAP; F3 MOB04 2025 fse 1000 AAP; F4 EMP01 2025 region 5000 CPO from
2025-01-01; F5 EMP01 2026 region 5000, the same CPO; F6 SOC02 2025 commune 2000 AAP; F7 SOC02
2025 etat_bop147 1000 AAP (F2, F3, F6, F7 from 2025-01-01).
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import accept_secret
import accept_secret_v2
import accept_v2_kit as kit
import dagster as dg
import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from accept_v2_kit import COHESION, EMPLOI, C

import pipelines
from pipelines.defs.resources import DataRoot, Warehouse

SEUIL = 3
a = pytest.approx


def materialize(root: Path):
    found = dg.load_from_defs_folder(path_within_project=Path(pipelines.__file__).parent)
    return dg.materialize(
        [*found.assets, *found.asset_checks],
        resources={
            "data_root": DataRoot(path=str(root)),
            "warehouse": Warehouse(database=str(root / "warehouse" / "evaluation.duckdb")),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = kit.build_root(tmp_path_factory.mktemp("acceptance_v2"))
    result = materialize(root)
    con = duckdb.connect(str(root / "warehouse" / "evaluation.duckdb"), read_only=True)
    yield root, result, con
    con.close()


@pytest.fixture(scope="module")
def run_annuel(tmp_path_factory):
    """The same contract, but partenaires.csv has no rythme_remontee column (everyone is
    annuel) and AUTO never sent its 2024 funding report: no year is definitive."""
    root = kit.build_root(
        tmp_path_factory.mktemp("acceptance_v2_annuel"), with_rythme=False, drop=(kit.AUTO24_F,)
    )
    result = materialize(root)
    con = duckdb.connect(str(root / "warehouse" / "evaluation.duckdb"), read_only=True)
    yield root, result, con
    con.close()


@pytest.fixture(scope="module")
def rerun(run, tmp_path_factory):
    """A later run on a copy of the first run's data root (see add_second_run_files)."""
    root = tmp_path_factory.mktemp("acceptance_v2_rerun")
    shutil.copytree(run[0], root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("publish"))
    kit.add_second_run_files(root)
    result = materialize(root)
    con = duckdb.connect(str(root / "warehouse" / "evaluation.duckdb"), read_only=True)
    yield root, result, con
    con.close()


def q(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def ind(con, code, periode, ptype="contrat", pcode=C, vent="ensemble", mod="ensemble"):
    """(valeur, numerateur, denominateur) of one row of marts.indicateurs."""
    rows = q(
        con,
        "SELECT valeur, numerateur, denominateur FROM marts.indicateurs WHERE "
        "code_indicateur=? AND periode=? AND perimetre_type=? AND perimetre_code=? "
        "AND ventilation=? AND modalite=?",
        (code, periode, ptype, pcode, vent, mod),
    )
    assert len(rows) == 1, (code, periode, ptype, pcode, vent, mod, rows)
    return rows[0]


def val(con, *args, **kw):
    return ind(con, *args, **kw)[0]


def modalites(con, code, periode, vent, ptype="contrat", pcode=C):
    rows = q(
        con,
        "SELECT modalite, valeur FROM marts.indicateurs WHERE code_indicateur=? AND periode=? "
        "AND perimetre_type=? AND perimetre_code=? AND ventilation=?",
        (code, periode, ptype, pcode, vent),
    )
    got = dict(rows)
    assert len(got) == len(rows)
    return got


def test_run_succeeds(run):
    assert run[1].success


# ---------------------------------------------------------------- §3 date_apres_periode


def _rejections(con, rel):
    return q(
        con,
        "SELECT r.row_number, r.colonne, r.regle FROM ingest.rejections r "
        "JOIN ingest.files f USING (file_id) WHERE f.source_path = ? ORDER BY 1",
        (rel,),
    )


def test_dates_after_the_period_are_rejected_with_the_partners_row(run):
    _, _, con = run
    # sheet rows: 1 title, 2 header; row 6 P90 entered 01/07/2025, row 7 P91 left 15/07/2025,
    # both after 30/06/2025 (end of 2025-S1); rows 3 (exit 30/06) and 4 (entry 30/06) kept
    assert _rejections(con, kit.MLOC_S1_V2) == [
        (6, "date_entree", "date_apres_periode"),
        (7, "date_sortie", "date_apres_periode"),
    ]
    # CSV line 6: a session on 01/07/2025; line 5 (30/06/2025) kept
    assert _rejections(con, kit.MLOC_S1_S) == [(6, "date_seance", "date_apres_periode")]
    # CSV line 3: P92 entered on 01/07/2026 in a 2026-S1 report
    assert _rejections(con, kit.MLOC26_P) == [(3, "date_entree", "date_apres_periode")]
    # a budget year 2026 and an agreement ending 2027 in a 2025-S2 report: accepted
    assert _rejections(con, kit.MLOC_S2_F) == []
    msgs = q(con, "SELECT message FROM ingest.rejections WHERE regle='date_apres_periode'")
    assert len(msgs) == 4 and all(m[0] for m in msgs)  # a French message each
    counts = q(
        con,
        "SELECT source_path, rows_accepted, rows_rejected FROM ingest.files WHERE source_path "
        "IN (?, ?, ?, ?)",
        (kit.MLOC_S1_V2, kit.MLOC_S1_S, kit.MLOC26_P, kit.MLOC_S2_F),
    )
    assert sorted(counts) == sorted(
        [(kit.MLOC_S1_V2, 3, 2), (kit.MLOC_S1_S, 4, 1), (kit.MLOC26_P, 1, 1), (kit.MLOC_S2_F, 4, 0)]
    )


def test_rejected_and_replaced_people_count_nowhere(run):
    _, _, con = run
    ids = {
        r[0]
        for r in q(
            con,
            "SELECT DISTINCT p.id_participant FROM raw.participants p JOIN ingest.files f "
            "USING (file_id) WHERE f.in_force",
        )
    }
    assert ids == {f"P0{i}" for i in range(1, 10)}


# ---------------------------------------------------------------- §6 completeness

D = date
# (partner, periode, kind) -> (date_limite, date_reception, statut)
# due dates: last day of the period + 30 days: 30/06 -> 30/07, 31/12 -> 30/01 next year.
EXPECTED_COMPLETUDE = {
    # AUTO, annuel, MOB04 from 2024: 2024, 2025, 2026 (2026 starts before date_arrete)
    ("AUTO", "2024", "participants"): (D(2025, 1, 30), D(2025, 2, 15), "recu_en_retard"),
    # ^ the file of 10/01 was refused, the first accepted one arrived 15/02
    ("AUTO", "2024", "seances"): (D(2025, 1, 30), D(2025, 1, 30), "recu_a_temps"),  # on the day
    ("AUTO", "2024", "financements"): (D(2025, 1, 30), D(2025, 1, 20), "recu_a_temps"),
    # 30/01/2026 23:30 UTC is 31/01/2026 00:30 in Paris: the day after the due date
    ("AUTO", "2025", "participants"): (D(2026, 1, 30), D(2026, 1, 31), "recu_en_retard"),
    ("AUTO", "2025", "seances"): (D(2026, 1, 30), None, "manquant"),  # 30/01 < 15/03/2026
    ("AUTO", "2025", "financements"): (D(2026, 1, 30), D(2026, 1, 15), "recu_a_temps"),
    ("AUTO", "2026", "participants"): (D(2027, 1, 30), None, "attendu"),
    ("AUTO", "2026", "seances"): (D(2027, 1, 30), None, "attendu"),
    ("AUTO", "2026", "financements"): (D(2027, 1, 30), None, "attendu"),
    # MLOC, semestriel, actions from 2025: 2025-S1, 2025-S2, 2026-S1 (2026-S2 starts
    # 01/07/2026, after date_arrete: not expected)
    # first accepted file 20/07 (since replaced by the corrected one of 01/09): on time
    ("MLOC", "2025-S1", "participants"): (D(2025, 7, 30), D(2025, 7, 20), "recu_a_temps"),
    ("MLOC", "2025-S1", "seances"): (D(2025, 7, 30), D(2025, 7, 30), "recu_a_temps"),
    ("MLOC", "2025-S1", "financements"): (D(2025, 7, 30), None, "manquant"),
    # 30/01/2026 22:30 UTC is 23:30 in Paris, still the due date
    ("MLOC", "2025-S2", "participants"): (D(2026, 1, 30), D(2026, 1, 30), "recu_a_temps"),
    ("MLOC", "2025-S2", "seances"): (D(2026, 1, 30), D(2026, 2, 10), "recu_en_retard"),
    ("MLOC", "2025-S2", "financements"): (D(2026, 1, 30), D(2026, 1, 5), "recu_a_temps"),
    ("MLOC", "2025", "seances"): (None, D(2025, 12, 20), "non_attendu"),  # annual file
    ("MLOC", "2026-S1", "participants"): (D(2026, 7, 30), D(2026, 3, 1), "recu_a_temps"),
    ("MLOC", "2026-S1", "seances"): (D(2026, 7, 30), None, "attendu"),
    ("MLOC", "2026-S1", "financements"): (D(2026, 7, 30), None, "attendu"),
    # ASSO, annuel, PAR03 from 2025: nothing expected in 2024; its refused 2024 file is a
    # report no rule expects, with no accepted file: no reception date
    ("ASSO", "2024", "financements"): (None, None, "non_attendu"),
    ("ASSO", "2025", "participants"): (D(2026, 1, 30), D(2026, 1, 20), "recu_a_temps"),
    ("ASSO", "2025", "seances"): (D(2026, 1, 30), None, "manquant"),
    ("ASSO", "2025", "financements"): (D(2026, 1, 30), D(2026, 1, 25), "refuse"),
    ("ASSO", "2026", "participants"): (D(2027, 1, 30), None, "attendu"),
    ("ASSO", "2026", "seances"): (D(2027, 1, 30), None, "attendu"),
    ("ASSO", "2026", "financements"): (D(2027, 1, 30), None, "attendu"),
}  # XXX (unknown partner) and ASSO/2031 (unknown period): no row


def _completude(con):
    rows = q(
        con,
        "SELECT code_partenaire, periode, type_fichier, date_limite, date_reception, statut "
        "FROM marts.completude",
    )
    return {r[:3]: r[3:] for r in rows}


def test_completude_every_case(run):
    got = _completude(run[2])
    assert set(got) == set(EXPECTED_COMPLETUDE), set(got) ^ set(EXPECTED_COMPLETUDE)
    wrong = {k: (got[k], v) for k, v in EXPECTED_COMPLETUDE.items() if got[k] != v}
    assert not wrong, wrong


def test_completude_absent_rythme_column_means_annuel(run_annuel):
    got = _completude(run_annuel[2])
    # MLOC is now annuel: 2025 and 2026 expected; its only 2025 file (seances, 20/12/2025) is
    # on time; its half-year files are reports no rule expects
    assert got[("MLOC", "2025", "participants")] == (D(2026, 1, 30), None, "manquant")
    assert got[("MLOC", "2025", "seances")] == (D(2026, 1, 30), D(2025, 12, 20), "recu_a_temps")
    assert got[("MLOC", "2025-S1", "participants")] == (None, D(2025, 7, 20), "non_attendu")
    assert got[("MLOC", "2026", "participants")] == (D(2027, 1, 30), None, "attendu")
    assert ("MLOC", "2026-S1", "seances") not in got
    assert got[("AUTO", "2024", "financements")] == (D(2025, 1, 30), None, "manquant")
    # MLOC: 2025, 2026 x 3 + 2025-S1 x 2 + 2025-S2 x 3 + 2026-S1 x 1 non_attendu = 12;
    # AUTO 9; ASSO 7 (as in the main run)
    assert len(got) == 28


def test_completude_in_a_later_run(rerun):
    _, result, con = rerun
    assert result.success
    got = _completude(con)
    # the missing report arrives on 10/03/2026, after its due date 30/07/2025
    assert got[("MLOC", "2025-S1", "financements")] == (
        D(2025, 7, 30),
        D(2026, 3, 10),
        "recu_en_retard",
    )
    # the reception date is the one of the first recording: a new mtime changes nothing
    assert got[("AUTO", "2024", "seances")] == (D(2025, 1, 30), D(2025, 1, 30), "recu_a_temps")
    assert len(got) == len(EXPECTED_COMPLETUDE)
    # contract 2025: 9 of the 12 expected reports received now, still 6 on time
    assert ind(con, "taux_remontee", "2025")[1:] == (9, 12)
    assert ind(con, "taux_remontee_a_temps", "2025")[1:] == (6, 12)


def test_periodes(run):
    _, _, con = run
    got = {
        r[0]: r[1:] for r in q(con, "SELECT periode, debut, fin, provisoire FROM marts.periodes")
    }
    # latest year with data: 2026 (P08's entry, F5's budget year). 2024: AUTO's 3 reports
    # received (ASSO's 2024 report is non_attendu); 2025: manquant and refuse; 2026: attendu
    assert got == {
        "2024": (D(2024, 1, 1), D(2024, 12, 31), False),
        "2025": (D(2025, 1, 1), D(2025, 12, 31), True),
        "2026": (D(2026, 1, 1), D(2026, 12, 31), True),
        "cumul": (D(2024, 1, 1), D(2026, 12, 31), True),
    }
    periods = {r[0] for r in q(con, "SELECT DISTINCT periode FROM marts.indicateurs")}
    assert periods == set(got)


# expected reports not `attendu` nor `non_attendu`, (received, on time, all):
#  2024: AUTO x3 (late, on time, on time)                                -> 3, 2, 3
#  2025: AUTO (late, missing, on time), MLOC S1 (on time, on time, missing), MLOC S2 (on time,
#        late, on time), ASSO (on time, missing, refused)                 -> 8, 6, 12
#  2026: MLOC 2026-S1 participants on time                                -> 1, 1, 1
#  cumul                                                                  -> 12, 9, 16
COMPLETENESS = {
    ("contrat", C): {
        "2024": (3, 2, 3),
        "2025": (8, 6, 12),
        "2026": (1, 1, 1),
        "cumul": (12, 9, 16),
    },
    ("partenaire", "AUTO"): {"2024": (3, 2, 3), "2025": (2, 1, 3), "2026": (0, 0, 0)}
    | {"cumul": (5, 3, 6)},
    ("partenaire", "MLOC"): {"2024": (0, 0, 0), "2025": (5, 4, 6), "2026": (1, 1, 1)}
    | {"cumul": (6, 5, 7)},
    ("partenaire", "ASSO"): {"2024": (0, 0, 0), "2025": (1, 1, 3), "2026": (0, 0, 0)}
    | {"cumul": (1, 1, 3)},
}


@pytest.mark.parametrize("scope", sorted(COMPLETENESS))
def test_completeness_rates(run, scope):
    _, _, con = run
    for periode, (recus, a_temps, base) in COMPLETENESS[scope].items():
        v, n, d = ind(con, "taux_remontee", periode, *scope)
        if base == 0:
            assert v is None, (scope, periode, v)
        else:
            assert (v, n, d) == (a(100 * recus / base), recus, base), (scope, periode)
        v, n, d = ind(con, "taux_remontee_a_temps", periode, *scope)
        if base == 0:
            assert v is None, (scope, periode, v)
        else:
            assert (v, n, d) == (a(100 * a_temps / base), a_temps, base), (scope, periode)


def test_completeness_only_at_contract_and_partner_scopes(run):
    _, _, con = run
    scopes = q(
        con,
        "SELECT DISTINCT perimetre_type FROM marts.indicateurs "
        "WHERE code_indicateur IN ('taux_remontee', 'taux_remontee_a_temps')",
    )
    assert {s[0] for s in scopes} == {"contrat", "partenaire"}


# ---------------------------------------------------------------- §4 mid-term reading


def _mi_parcours(con):
    rows = q(
        con,
        "SELECT valeur_attendue, valeur_atteinte, statut FROM marts.cibles_suivi "
        "WHERE periode='mi_parcours' AND code_indicateur='beneficiaires_uniques' "
        "AND perimetre_type='contrat' AND perimetre_code=?",
        (C,),
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_mid_term_on_the_latest_definitive_year(run):
    _, _, con = run
    # date_mi_parcours 2025-06-30; 2025 is provisional, 2024 definitive: compare 2024's 2
    # beneficiaries with 2024's expected 3 (line 1 -> 9 over 2023-2027); short by 1 > 10 % of
    # the distance 8: en_retard (read on 2025 it would wrongly be 8 vs 5, on track)
    assert _mi_parcours(con) == (a(3.0), 2, "en_retard")


def test_mid_term_without_a_definitive_year_gives_no_status(run_annuel):
    _, _, con = run_annuel
    # AUTO's 2024 funding report is missing: 2024 provisional; 2025 too (MLOC 2025
    # participants missing): no definitive year up to 2025
    _, atteinte, statut = _mi_parcours(con)
    assert statut is None and atteinte is None
    periodes = dict(q(con, "SELECT periode, provisoire FROM marts.periodes"))
    assert periodes == {"2024": True, "2025": True, "2026": True, "cumul": True}


# ---------------------------------------------------------------- §4 v2 breakdowns


def test_residence_beneficiaries(run):
    _, _, con = run
    # 2024: P01 Q1, P02 HORS. 2025 (chosen enrolments): qpv P03 E3, P04 E12, P07 E9, P09 E11;
    # hors P02, P05, P01 (E6; E1 not active), P06 (E8 1/10 beats E7 1/09).
    # 2026: qpv P03, P07, P08, P04 (E12); hors P05, P01, P06. cumul: P01 -> E6 (hors, its
    # 2025 entry beats E1), qpv P03 P04 P07 P08 P09, hors P01 P02 P05 P06
    expected = {"2024": (1, 1), "2025": (4, 4), "2026": (4, 3), "cumul": (5, 4)}
    for periode, (qpv, hors) in expected.items():
        got = modalites(con, "beneficiaires_uniques", periode, "residence")
        assert got == {"qpv": qpv, "hors_qpv": hors}, periode
    # pilier emploi 2025 (EMP01, PAR03, MOB04): P02 hors (E2), P03 qpv, P04 qpv (E12),
    # P01 hors (E6), P06 qpv (E7: at this scope SOC02 is not his), P09 qpv
    got = modalites(con, "beneficiaires_uniques", "2025", "residence", "pilier", EMPLOI)
    assert got == {"qpv": 4, "hors_qpv": 2}
    # pilier cohesion_sociale 2025 (SOC02): P05 hors, P06 hors (E8), P07 qpv
    got = modalites(con, "beneficiaires_uniques", "2025", "residence", "pilier", COHESION)
    assert got == {"qpv": 1, "hors_qpv": 2}
    # 2024 cohesion_sociale: nobody; the grid still has both rows at 0
    got = modalites(con, "beneficiaires_uniques", "2024", "residence", "pilier", COHESION)
    assert got == {"qpv": 0, "hors_qpv": 0}


def test_residence_attendance(run):
    _, _, con = run
    # 2025: 11 sessions, 8 present (P04 2, P06 EMP01 2, P07 3, P99 1)
    assert ind(con, "taux_assiduite", "2025") == (a(800 / 11), 8, 11)
    # qpv: P04 E4 Q1 (3, 2 present), P06 E7 Q2 (2, 2), P07 E9 Q1 (3, 3) -> 7/8
    # hors: P05 E5 (1 excused), P06 E8 (1 absent) -> 0/2. P99 (no enrolment): ensemble only,
    # so 8 + 2 = 10 < 11
    assert ind(con, "taux_assiduite", "2025", vent="residence", mod="qpv") == (a(87.5), 7, 8)
    assert ind(con, "taux_assiduite", "2025", vent="residence", mod="hors_qpv") == (0, 0, 2)
    # 2024: P01 E1 Q1 (2, 1 present), P02 E2 HORS (1, 1)
    assert ind(con, "taux_assiduite", "2024", vent="residence", mod="qpv") == (a(50.0), 1, 2)
    assert ind(con, "taux_assiduite", "2024", vent="residence", mod="hors_qpv") == (a(100.0), 1, 1)
    # 2026: no session: rates empty
    assert val(con, "taux_assiduite", "2026", vent="residence", mod="qpv") is None
    # cumul: qpv 8 + 2 = 10 sessions, 7 + 1 = 8 present; hors 2 + 1 = 3, 0 + 1 = 1
    assert ind(con, "taux_assiduite", "cumul", vent="residence", mod="qpv") == (a(80.0), 8, 10)
    assert ind(con, "taux_assiduite", "cumul", vent="residence", mod="hors_qpv")[1:] == (1, 3)
    # pilier emploi 2025: P04 (3, 2) and P06 EMP01 (2, 2) are qpv; P99 ensemble only
    got = ind(con, "taux_assiduite", "2025", "pilier", EMPLOI, "residence", "qpv")
    assert got == (a(80.0), 4, 5)
    assert ind(con, "taux_assiduite", "2025", "pilier", EMPLOI) == (a(500 / 6), 5, 6)
    # pilier cohesion 2025: qpv P07 3/3; hors P05 excused + P06 absent 0/2
    got = ind(con, "taux_assiduite", "2025", "pilier", COHESION, "residence", "qpv")
    assert got == (a(100.0), 3, 3)


def test_residence_exits(run):
    _, _, con = run
    # 2025 exits (own enrolment): E2 hors abandon; E4 Q1 emploi_transition; E7 Q2
    # formation_qualifiante; E11 Q2 abandon. qpv: 3 exits, 1 abandon, 2 positive, 0 durable
    r = ("residence", "qpv")
    assert ind(con, "taux_abandon", "2025", "contrat", C, *r) == (a(100 / 3), 1, 3)
    assert ind(con, "taux_sorties_positives", "2025", "contrat", C, *r) == (a(200 / 3), 2, 3)
    assert ind(con, "taux_emploi_durable", "2025", "contrat", C, *r) == (0, 0, 3)
    h = ("residence", "hors_qpv")
    assert ind(con, "taux_abandon", "2025", "contrat", C, *h) == (a(100.0), 1, 1)
    assert ind(con, "taux_sorties_positives", "2025", "contrat", C, *h) == (0, 0, 1)
    # 2024: only E1 (Q1, emploi_durable); hors has no exit: rates empty
    assert ind(con, "taux_emploi_durable", "2024", "contrat", C, *r) == (a(100.0), 1, 1)
    assert val(con, "taux_abandon", "2024", "contrat", C, *h) is None
    # cumul qpv: E1, E4, E7, E11: 1 durable, 3 positive, 1 abandon out of 4
    assert ind(con, "taux_sorties_positives", "cumul", "contrat", C, *r) == (a(75.0), 3, 4)
    assert ind(con, "taux_emploi_durable", "cumul", "contrat", C, *r) == (a(25.0), 1, 4)
    # pilier emploi 2025: the same 4 exits (all in emploi actions)
    assert ind(con, "taux_abandon", "2025", "pilier", EMPLOI, *r) == (a(100 / 3), 1, 3)
    # pilier cohesion 2025: no exit at all: every residence rate empty
    for code in ("taux_abandon", "taux_sorties_positives", "taux_emploi_durable"):
        assert val(con, code, "2025", "pilier", COHESION, *r) is None


NIVEAUX = ("sans_diplome", "cap_bep", "bac", "bac_plus_2", "bac_plus_3_et_plus")


def test_niveau_formation(run):
    _, _, con = run
    # 2025 chosen enrolments: P02 sans, P06 sans (E8), P03 cap_bep, P04 bac (E12), P01 bac,
    # P09 bac, P07 bac_plus_2, P05 bac_plus_3_et_plus
    got = modalites(con, "beneficiaires_uniques", "2025", "niveau_formation")
    assert got == dict(zip(NIVEAUX, (2, 1, 3, 1, 1), strict=True))
    # 2024: P01 bac, P02 sans_diplome; the others still have their row at 0
    got = modalites(con, "beneficiaires_uniques", "2024", "niveau_formation")
    assert got == dict(zip(NIVEAUX, (1, 0, 1, 0, 0), strict=True))
    # exits 2025 by their own enrolment: E2 sans abandon; E7 cap_bep positive; E4 bac
    # positive, E11 bac abandon; bac_plus_2 and bac_plus_3_et_plus: no exit, empty
    got = modalites(con, "taux_sorties_positives", "2025", "niveau_formation")
    assert got == {
        "sans_diplome": 0,
        "cap_bep": a(100.0),
        "bac": a(50.0),
        "bac_plus_2": None,
        "bac_plus_3_et_plus": None,
    }


FREINS = (
    "langue",
    "mobilite",
    "financier",
    "sante",
    "numerique",
    "administratif",
    "garde_enfants",
    "logement",
    "qualification",
    "aucun",
)


def test_frein_is_not_additive(run):
    _, _, con = run
    zero = dict.fromkeys(FREINS, 0)
    # 2024: P01 (E1) mobilite and langue, P02 none: 3 > 2 beneficiaries
    got = modalites(con, "beneficiaires_uniques", "2024", "frein")
    assert got == zero | {"mobilite": 1, "langue": 1, "aucun": 1}
    # 2025: P01 sante (E6), P07 garde_enfants and mobilite, P09 administratif; P02, P03,
    # P04 (E12), P05, P06 (E8: his E7 barriers logement, financier do not count) none
    got = modalites(con, "beneficiaires_uniques", "2025", "frein")
    assert got == zero | {"sante": 1, "garde_enfants": 1, "mobilite": 1, "administratif": 1} | {
        "aucun": 5
    }
    # cumul: as 2025 plus P08 (none) and P02 (none)... P02 already counted: aucun 6
    got = modalites(con, "beneficiaires_uniques", "cumul", "frein")
    assert got == zero | {"sante": 1, "garde_enfants": 1, "mobilite": 1, "administratif": 1} | {
        "aucun": 6
    }


PRESCRIPTEURS = (
    "france_travail",
    "mission_locale",
    "ccas",
    "plie",
    "spontane",
    "autre",
    "non_renseigne",
)


def test_prescripteur_of_new_entrants(run):
    _, _, con = run
    zero = dict.fromkeys(PRESCRIPTEURS, 0)
    # 2025 entrants (latest entry inside the year): P03 mission_locale, P01 mission_locale
    # (E6), P04 E12 none, P05 none, P06 E8 none, P07 spontane, P09 france_travail
    assert val(con, "nouveaux_entrants", "2025") == 7
    got = modalites(con, "nouveaux_entrants", "2025", "prescripteur")
    assert got == zero | {"mission_locale": 2, "non_renseigne": 3, "spontane": 1} | {
        "france_travail": 1
    }
    # 2024: P01 france_travail (E1), P02 none. 2026: P08 autre
    got = modalites(con, "nouveaux_entrants", "2024", "prescripteur")
    assert got == zero | {"france_travail": 1, "non_renseigne": 1}
    assert modalites(con, "nouveaux_entrants", "2026", "prescripteur") == zero | {"autre": 1}
    # cumul: P01 -> E6 mission_locale (its latest entry), P02 none, P03 mission_locale,
    # P04 none, P05 none, P06 none, P07 spontane, P08 autre, P09 france_travail
    got = modalites(con, "nouveaux_entrants", "cumul", "prescripteur")
    assert got == zero | {"mission_locale": 2, "non_renseigne": 4, "spontane": 1} | {
        "autre": 1,
        "france_travail": 1,
    }


FINANCEURS = (
    "etat_bop147",
    "etat_droit_commun",
    "region",
    "departement",
    "epci",
    "commune",
    "caf",
    "fse",
    "bailleur",
    "france_travail",
    "prive",
    "autre",
)


def test_financeur_breakdown_at_every_funding_scope(run):
    _, _, con = run
    zero = dict.fromkeys(FINANCEURS, 0)

    def fin(periode, ptype="contrat", pcode=C):
        got = modalites(con, "financement_total", periode, "financeur", ptype, pcode)
        return {k: a(v) for k, v in got.items()}

    # 2025: F2 + F7 etat 4000, F3 fse 1000, F4 region 5000, F6 commune 2000 (total 12000)
    assert val(con, "financement_total", "2025") == a(12000.0)
    assert fin("2025") == zero | {"etat_bop147": 4000, "fse": 1000, "region": 5000} | {
        "commune": 2000
    }
    assert fin("2024") == zero | {"etat_bop147": 3000}
    assert fin("2026") == zero | {"region": 5000}  # F5, a future budget year in 2025-S2
    assert fin("cumul") == zero | {"etat_bop147": 7000, "fse": 1000, "region": 10000} | {
        "commune": 2000
    }
    assert fin("2025", "pilier", EMPLOI) == zero | {"etat_bop147": 3000, "fse": 1000} | {
        "region": 5000
    }
    assert fin("2025", "pilier", COHESION) == zero | {"commune": 2000, "etat_bop147": 1000}
    assert fin("2025", "partenaire", "MLOC") == zero | {"region": 5000, "commune": 2000} | {
        "etat_bop147": 1000
    }
    assert fin("2025", "partenaire", "ASSO") == zero  # its funding file was refused
    assert fin("cumul", "action", "MOB04") == zero | {"etat_bop147": 6000, "fse": 1000}


def test_part_conventions_pluriannuelles_counts_agreements(run):
    _, _, con = run
    code = "part_conventions_pluriannuelles"
    # 2024: F1 only, AAP -> 0 of 1
    assert ind(con, code, "2024") == (0, 0, 1)
    # 2025: F2, F3, F4, F6, F7 are 5 agreements, F4 the only CPO -> 1 of 5
    assert ind(con, code, "2025") == (a(20.0), 1, 5)
    assert ind(con, code, "2026") == (a(100.0), 1, 1)  # F5
    # cumul: F4 and F5 are one agreement (EMP01, region, CPO, 2025-01-01): F1, F2, F3,
    # F4/F5, F6, F7 -> 1 of 6 (by funding lines it would be 2 of 7; by euros 50 %)
    assert ind(con, code, "cumul") == (a(100 / 6), 1, 6)
    assert ind(con, code, "cumul", "partenaire", "MLOC") == (a(100 / 3), 1, 3)
    assert ind(con, code, "cumul", "action", "EMP01") == (a(100.0), 1, 1)
    assert val(con, code, "cumul", "partenaire", "ASSO") is None  # no agreement
    assert val(con, "part_pluriannuel", "cumul") == a(50.0)  # v1 share, by euros


# ---------------------------------------------------------------- §5 published tables


def _published(root):
    path = root / "publish" / "telechargements" / "indicateurs.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    key = ("code_indicateur", "periode", "perimetre_type", "perimetre_code")
    return {(*(r[k] for k in key), r["ventilation"], r["modalite"]): r for r in rows}


def test_attendance_secret_by_distinct_people(run):
    root, _, con = run
    pub = _published(root)
    # pilier emploi 2025, residence qpv: 5 sessions, 4 present (both >= 3) but only 2
    # people (P04, P06): secret
    assert ind(con, "taux_assiduite", "2025", "pilier", EMPLOI, "residence", "qpv")[1:] == (4, 5)
    row = ("taux_assiduite", "2025", "pilier", EMPLOI, "residence", "qpv")
    assert pub[row]["valeur"] == "s"
    # pilier cohesion 2025, residence qpv: 3 sessions, 3 present, 1 person (P07): secret
    row = ("taux_assiduite", "2025", "pilier", COHESION, "residence", "qpv")
    assert pub[row]["valeur"] == "s"


def test_completeness_is_never_secret(run):
    root, _, _ = run
    pub = _published(root)
    rows = [r for k, r in pub.items() if k[0] in ("taux_remontee", "taux_remontee_a_temps")]
    # 2 codes x 4 periods x (contrat + 3 partners)
    assert len(rows) == 32
    assert not [r for r in rows if r["valeur"] == "s"]
    # ASSO 2025: 1 of 3 received (a count of 1 would be secret for people)
    r = pub[("taux_remontee", "2025", "partenaire", "ASSO", "ensemble", "ensemble")]
    assert float(r["valeur"].replace(",", ".")) == a(100 / 3)


def test_every_published_table_has_provisoire(run):
    root, _, _ = run
    out = root / "publish" / "telechargements"
    expected = {"2024": "non", "2025": "oui", "2026": "oui", "cumul": "oui"}
    # every published table of figures by period (definitions and modality lists have no
    # period and are left aside), indicateurs in the three formats at least
    tables = 0
    for path in sorted(out.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter=";"))
        if "periode" not in rows[0]:
            continue
        tables += 1
        assert "provisoire" in rows[0], path.name
        got = {(r["periode"], r["provisoire"]) for r in rows if r["periode"] in expected}
        assert got == set(expected.items()), path.name
    assert tables >= 1 and (out / "indicateurs.csv").exists()
    table = pq.read_table(out / "indicateurs.parquet")
    assert str(table.schema.field("provisoire").type) == "bool"
    cols = (table.column("periode").to_pylist(), table.column("provisoire").to_pylist())
    assert set(zip(*cols, strict=True)) == {(p, v == "oui") for p, v in expected.items()}
    ws = openpyxl.load_workbook(out / "indicateurs.xlsx", read_only=True).worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    i, j = header.index("periode"), header.index("provisoire")
    assert {(r[i], r[j]) for r in rows if r[i] in expected} == set(expected.items())


def test_no_secret_count_can_be_recomputed(run):
    root, _, con = run
    rows = q(
        con,
        "SELECT code_indicateur, periode, perimetre_type, perimetre_code, ventilation, "
        "modalite, valeur, numerateur, denominateur FROM marts.indicateurs",
    )
    true = {}
    for row in rows:
        true.update(accept_secret_v2.cells_of_row(*row))
    known = set()
    for r in _published(root).values():
        if r["valeur"] != "s":
            key = ("code_indicateur", "periode", "perimetre_type", "perimetre_code")
            args = (*(r[k] for k in key), r["ventilation"], r["modalite"])
            known.update(accept_secret_v2.cells_of_row(*args, None, None, None))
    actions = {
        a: (p, pil)
        for a, p, pil in q(con, "SELECT code_action, code_partenaire, pilier FROM ref.actions")
    }
    periods = ["2024", "2025", "2026", "cumul"]
    found = accept_secret.recomputable(known, accept_secret_v2.groups(true, actions, periods, C))
    secret = {c for c, v in true.items() if v is not None and 1 <= v <= SEUIL - 1}
    assert secret
    assert not (secret & found), sorted(secret & found)


def test_targets_on_provisional_periods_are_flagged(run):
    root, _, _ = run
    pub = _published(root)
    # beneficiaires_uniques contract: 2024 (definitive) 2 vs 3 expected: en retard;
    # 2025 (provisional) 8 vs 5: on track, shown as provisional
    r24 = pub[("beneficiaires_uniques", "2024", "contrat", C, "ensemble", "ensemble")]
    r25 = pub[("beneficiaires_uniques", "2025", "contrat", C, "ensemble", "ensemble")]
    assert (r24["valeur"], r24["provisoire"]) == ("s", "non")  # 2 people: secret
    assert (r25["valeur"], r25["provisoire"]) == ("8", "oui")
    assert r25["statut"].lower().replace(" ", "_").startswith("en_bonne_voie")


# ---------------------------------------------------------------- §6 pages

CHROMIUM = "/usr/bin/chromium"


def test_every_page_showing_a_provisional_year_says_so(run):
    """Read as the steering committee does, in an offline Chromium: a page that shows 2025
    (a provisional year here) must label it provisional somewhere on the page."""
    from playwright.sync_api import sync_playwright

    site = run[0] / "publish" / "tableaux-de-bord"
    pages = sorted(site.rglob("*.html"))
    assert pages
    unlabelled = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
            text = page.inner_text("body")
            if "2025" in text and "provisoire" not in text.lower():
                unlabelled.append(str(path.relative_to(site)))
        browser.close()
    assert not unlabelled, unlabelled
