"""Acceptance test: a hand-made messy contract through the real Dagster pipeline, checked
against the data contract (shared/domain/data-contract.md) with figures worked out by hand.

Contract CV_TEST, 2024-01-01 .. 2027-12-31, seuil_secret 3. Actions: EMP01 (MLOC, emploi),
SOC02 (MLOC, cohesion_sociale), PAR03 (ASSO, emploi, starts 2025-04-01), MOB04 (AUTO,
emploi). QPV: Q1 = QN01401A (population 2000), Q2 = QN01402B (1500).

Enrolments in force after every file (accept_kit.py), age = year(entry) - birth year.
P04's id is 40404, a number cell in MLOC's sheet and text in ASSO's CSV: one person.
  E   id   action entry       exit        motif                 sexe age qpv
  E1  P01  EMP01  2025-02-03  2025-09-30  emploi_durable        F    25  Q1
  E2  P02  EMP01  2025-03-15  -                                 H    55  Q2
  E3  P03  SOC02  2025-04-01  -                                 F    35  HORS_QPV
  E15 P03  EMP01  2025-11-03  -                                 F    35  HORS_QPV
  E4  P04  EMP01  2025-05-12  -                                 H    40  Q1
  E9  P04  PAR03  2025-09-01  -          (second partner)       H    40  Q1
  E5  P05  SOC02  2025-06-01  2025-12-15  abandon               F    27  Q1
  E6  P06  SOC02  2025-10-01  2026-03-31  formation_qualifiante H    30  Q1 (2026-S1 report:
                                          exit added, QPV corrected from Q2; applies to 2025)
  E10 P07  PAR03  2025-03-10  -                                 F    37  Q2
  E7  P07  EMP01  2026-01-15  -          (moved to Q1)          F    38  Q1
  E11 P08  PAR03  2025-05-05  -                                 F    22  Q1
  E16 P08  SOC02  2025-05-05  -          (2026-S1 report: wins  F    22  Q2
                                          the tie on entry date)
  E12 P09  PAR03  2025-06-16  2025-11-30  emploi_durable        F    53  Q2
  E13 P10  MOB04  2025-02-10  2025-10-10  autre                 H    20  Q1
  E14 P11  MOB04  2025-04-07  -                                 F    45  HORS_QPV
  E8  P12  SOC02  2026-03-02  -                                 F    22  Q2
  E17 P12  EMP01  2026-03-02  -          (same report: smallest F    22  Q1
                                          code_action wins the tie)
P13 (only in ASSO's first 2025 version, replaced whole by the corrected one) and P14..P29
(rejected rows) must count nowhere. Sessions in force (MOB04, 2025): P10 x4 (2 present,
1 absent, 1 excused), P11 x3 (2 present), P99 x1 present (no enrolment: warning, counts)
-> 8 sessions, 5 present. Funding in force (MLOC file + AUTO's first file; AUTO's v2 is
refused): EMP01 2025 etat_bop147 1250.50 AAP ends 2025-12-31; EMP01 2025 region 10000 CPO
ends 2027-12-31; SOC02 2025 commune 2000 CPO ends 2026-12-31; EMP01 2026 region 10000 CPO
ends 2027-12-31; MOB04 2025 etat_bop147 3000 AAP ends 2025-12-31; MOB04 2025 fse 1250.50
AAP ends 2026-12-31.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import accept_kit as kit
import accept_secret
import dagster as dg
import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from accept_kit import Q1, Q2

import pipelines
from pipelines.defs.resources import DataRoot, Warehouse

C = "CV_TEST"
SEUIL = 3


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
    root = kit.build_root(tmp_path_factory.mktemp("acceptance"))
    result = materialize(root)
    con = duckdb.connect(str(root / "warehouse" / "evaluation.duckdb"), read_only=True)
    yield root, result, con
    con.close()


@pytest.fixture(scope="module")
def rerun(run, tmp_path_factory):
    """A later run on a copy of the first one's data root, after MLOC resubmits 2025."""
    root = tmp_path_factory.mktemp("rerun")
    shutil.copytree(run[0], root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("publish"))
    kit.add_mloc_2025_resubmission(root)
    result = materialize(root)
    con = duckdb.connect(str(root / "warehouse" / "evaluation.duckdb"), read_only=True)
    yield root, result, con
    con.close()


def q(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def ind(con, code, periode, ptype="contrat", pcode=C, vent="ensemble", mod="ensemble"):
    rows = q(
        con,
        "SELECT valeur FROM marts.indicateurs WHERE code_indicateur=? AND periode=? "
        "AND perimetre_type=? AND perimetre_code=? AND ventilation=? AND modalite=?",
        (code, periode, ptype, pcode, vent, mod),
    )
    assert len(rows) == 1, (code, periode, ptype, pcode, vent, mod, rows)
    return rows[0][0]


# ---------------------------------------------------------------- run and files


def test_run_succeeds_and_only_partner_warnings_fail(run):
    _, result, _ = run
    assert result.success
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    # one refused file and rejected rows on purpose: those two checks warn
    assert checks.pop("aucun_fichier_refuse") is False
    assert checks.pop("aucune_ligne_rejetee") is False
    # (v2) this contract's partners do not send every expected report: the check warns
    assert checks.pop("bilans_a_relancer") is False
    assert checks and all(checks.values()), checks


# (status, in force, accepted, rejected, ignored)
EXPECTED_FILES = {
    # 7 good rows (sheet rows 4,5,6,8,9,10,11), 4 bad (12-15), the Total row 17 ignored,
    # blank rows 7 and 16 skipped (not counted)
    kit.M25: ("accepte", True, 7, 4, 1),
    kit.A25_V1: ("accepte", False, 4, 0, 0),  # replaced by the corrected version
    kit.A25_V2: ("accepte", True, 4, 5, 0),  # later mtime (name sorts first): in force
    kit.U25: ("accepte", True, 2, 3, 1),  # row 8: first non-empty cell is "TOTAL"
    kit.S25: ("accepte", True, 8, 2, 0),
    kit.FM25: ("accepte", True, 4, 2, 0),
    kit.FU25: ("accepte", True, 2, 0, 0),  # stays in force: its v2 is refused
    kit.M26: ("accepte", True, 5, 3, 0),
}
# missing Montant accordé; period 2031 outside 2024-2027; header but no data row (a
# Total line is no data row): refused as empty
REFUSED = {kit.FU25_V2, kit.A31, kit.E26}
IDENTICAL = kit.FU25_COPY  # same sha256 as FU25, in force: changes nothing


def test_every_file_status_and_counts(run):
    root, _, con = run
    rows = q(
        con,
        "SELECT source_path, status, in_force, rows_accepted, rows_rejected, rows_ignored "
        "FROM ingest.files",
    )
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(EXPECTED_FILES) | REFUSED | {IDENTICAL}
    assert got[IDENTICAL][:2] == ("identique", False)
    for rel, expected in EXPECTED_FILES.items():
        assert got[rel] == expected, rel
    for rel in REFUSED:
        assert got[rel][:2] == ("refuse", False), rel
    # every received file archived unchanged, refused ones included (A31 has the same
    # bytes as A25_V1: one archived copy serves both)
    received = {hashlib.sha256((root / "incoming" / rel).read_bytes()).hexdigest() for rel in got}
    archived = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (root / "archive").rglob("*")
        if p.is_file()
    }
    assert received <= archived and len(received) == 10  # 12 files, 2 pairs of equal bytes


def _rejections(con, rel):
    rows = q(
        con,
        "SELECT r.row_number, r.colonne FROM ingest.rejections r "
        "JOIN ingest.files f USING (file_id) WHERE f.source_path = ?",
        (rel,),
    )
    return dict(rows)


def test_rejected_rows_are_reported_with_the_partners_row_numbers(run):
    _, _, con = run
    # sheet rows: 12 date 31/02, 13 ASSO's action, 14 sexe X, 15 duplicate of row 4
    m25 = _rejections(con, kit.M25)
    assert set(m25) == {12, 13, 14, 15}
    assert (m25[12], m25[13], m25[14]) == ("date_entree", "code_action", "sexe")
    # CSV lines (blank lines 6 and 7 count): 8 aged 10, 9 unknown QPV, 10 motif without
    # exit, 11 exit before entry, 12 sexe missing
    a25 = _rejections(con, kit.A25_V2)
    assert set(a25) == {8, 9, 10, 11, 12}
    assert (a25[8], a25[9], a25[11], a25[12]) == (
        "annee_naissance",
        "code_qpv",
        "date_sortie",
        "sexe",
    )
    assert a25[10] in {"date_sortie", "motif_sortie"}
    # ODS rows (one title row): 5 exit without motif, 6 unknown action, 7 bad niveau
    assert _rejections(con, kit.U25) == {
        5: "motif_sortie",
        6: "code_action",
        7: "niveau_formation",
    }
    s25 = _rejections(con, kit.S25)  # 10 bad presence, 11 duplicate key of row 2
    assert set(s25) == {10, 11} and s25[10] == "presence"
    assert _rejections(con, kit.FM25) == {6: "montant_accorde", 7: "date_fin"}
    assert _rejections(con, kit.M26) == {
        5: "annee_naissance",
        6: "inscrit_france_travail",
        7: "motif_sortie",
    }
    # messages in French for the partner
    (n,) = q(con, "SELECT count(*) FROM ingest.rejections WHERE message IS NULL OR message=''")[0]
    assert n == 0


def test_warnings_keep_their_rows(run):
    _, _, con = run
    warned = set(
        q(
            con,
            "SELECT f.source_path, w.row_number, w.colonne FROM staging.file_warnings w "
            "JOIN ingest.files f USING (file_id) WHERE f.in_force",
        )
    )
    assert (kit.M25, 5, "freins") in warned  # 'permis' is no frein
    assert (kit.U25, 4, "prescripteur") in warned  # 'voisin'
    assert any(r[:2] == (kit.S25, 9) for r in warned)  # P99 has no enrolment
    assert any(r[:2] == (kit.A25_V2, 3) for r in warned)  # P07 before PAR03 starts
    freins = q(con, "SELECT freins FROM staging.participants WHERE id_participant='P02'")
    assert freins == [("langue",)]


def test_rows_in_force(run):
    _, _, con = run
    ids = {r[0] for r in q(con, "SELECT id_participant FROM staging.participants")}
    # no P13 (replaced), no rejected row; P04 read as 40404 from both the sheet and CSV
    assert ids == {f"P{i:02d}" for i in range(1, 13) if i != 4} | {kit.P04}
    assert q(con, "SELECT count(*) FROM staging.participants") == [(17,)]  # E1..E17
    p06 = q(
        con,
        "SELECT code_qpv, date_sortie::VARCHAR, motif_sortie FROM staging.participants "
        "WHERE id_participant='P06'",
    )
    # the 2026-S1 report wins although the 2025 report arrived after it
    assert p06 == [(Q1, "2026-03-31", "formation_qualifiante")]
    # M26 line 7 (P04's exit, bad motif) is rejected: the 2025 version stays in force
    p04 = q(
        con,
        "SELECT date_sortie FROM staging.participants WHERE id_participant=? "
        "AND code_action='EMP01'",
        (kit.P04,),
    )
    assert p04 == [(None,)]
    # an invalid optional value is dropped, the row kept
    assert q(con, "SELECT prescripteur FROM staging.participants WHERE id_participant='P11'") == [
        (None,)
    ]
    in_force = q(
        con,
        "SELECT source_path FROM ingest.files WHERE in_force AND code_partenaire='ASSO' "
        "AND periode='2025' AND kind='participants'",
    )
    assert in_force == [(kit.A25_V2,)]
    assert q(con, "SELECT count(*), sum(presence='present') FROM staging.seances") == [(8, 5)]


# ---------------------------------------------------------------- indicators


def test_full_grid(run):
    _, _, con = run
    # periods 2024 (contract start, no data), 2025, 2026 (latest data year), cumul.
    # scopes: contrat 1, pilier 2, partenaire 3, action 4, qpv 2 = 12 (10 without qpv).
    # 7 indicators on all scopes (84) + part_residents_qpv (10) + taux_couverture_qpv
    # (contrat + 2 qpv = 3) + 12 indicators on contrat/pilier/partenaire/action (120)
    # = 217, + sexe (2) and tranche_age (3) rows of beneficiaires_uniques and
    # taux_sorties_positives at contract scope (10) = 227 per period.
    # (v2) + residence (2) at contract and 2 piliers for beneficiaires_uniques, taux_assiduite,
    # taux_abandon, taux_sorties_positives, taux_emploi_durable (5 x 3 x 2 = 30),
    # niveau_formation (5) of beneficiaires and positive exits (10), frein (10), prescripteur
    # (7), financeur (12) of financement_total on 10 scopes (120), and
    # part_conventions_pluriannuelles on 10 scopes (10) = 187, + (v2) taux_remontee and
    # taux_remontee_a_temps at contrat + 3 partners (8) -> 422 per period, x 4 = 1688.
    assert q(con, "SELECT count(*) FROM marts.indicateurs") == [(1688,)]
    periods = {r[0] for r in q(con, "SELECT DISTINCT periode FROM marts.indicateurs")}
    assert periods == {"2024", "2025", "2026", "cumul"}


def test_2024_is_an_empty_year(run):
    _, _, con = run
    assert ind(con, "beneficiaires_uniques", "2024") == 0
    assert ind(con, "financement_total", "2024") == 0
    assert ind(con, "part_femmes", "2024") is None
    assert ind(con, "cout_par_beneficiaire", "2024") is None


def test_contract_2025(run):
    _, _, con = run
    a = pytest.approx
    # active in 2025: E1-E6, E9-E16 -> P01..P11 (P03, P04, P08 twice): 11 people
    assert ind(con, "beneficiaires_uniques", "2025") == 11
    assert ind(con, "nouveaux_entrants", "2025") == 11  # all entered in 2025
    # women P01 P03 P05 P07 P08 P09 P11 = 7; men P02 P04 P06 P10 = 4
    assert ind(con, "part_femmes", "2025") == a(100 * 7 / 11)
    assert ind(con, "beneficiaires_uniques", "2025", vent="sexe", mod="F") == 7
    assert ind(con, "beneficiaires_uniques", "2025", vent="sexe", mod="H") == 4
    # under 26: P01 (25) P08 (22) P10 (20); 50+: P02 P09; 26-49: the other 6
    assert ind(con, "part_moins_26_ans", "2025") == a(100 * 3 / 11)
    assert ind(con, "beneficiaires_uniques", "2025", vent="tranche_age", mod="moins_26") == 3
    assert ind(con, "beneficiaires_uniques", "2025", vent="tranche_age", mod="26_49") == 6
    assert ind(con, "beneficiaires_uniques", "2025", vent="tranche_age", mod="50_plus") == 2
    # QPV residents: all but P03 and P11 = 9 (P07 in Q2 via E10, her only 2025 enrolment)
    # (P08: Q2 via E16)
    assert ind(con, "part_residents_qpv", "2025") == a(100 * 9 / 11)
    assert ind(con, "taux_couverture_qpv", "2025") == a(1000 * 9 / 3500)
    # 8 sessions dated 2025, 5 present (excused is not attended)
    assert ind(con, "taux_assiduite", "2025") == a(100 * 5 / 8)
    # exits in 2025: E1 emploi_durable, E5 abandon, E12 emploi_durable, E13 autre
    assert ind(con, "sorties", "2025") == 4
    assert ind(con, "taux_sorties_positives", "2025") == a(50.0)
    assert ind(con, "taux_abandon", "2025") == a(25.0)
    assert ind(con, "taux_emploi_durable", "2025") == a(50.0)
    assert ind(con, "cout_par_sortie_positive", "2025") == a(17501 / 2)
    # infra-bac: P02 P03 P08 (E16) P09 P10; not registered: P02 P04 P07 P10
    assert ind(con, "part_infra_bac", "2025") == a(100 * 5 / 11)
    assert ind(con, "part_non_inscrits_ft", "2025") == a(100 * 4 / 11)
    assert ind(con, "part_50_ans_et_plus", "2025") == a(100 * 2 / 11)
    # exits carry their enrolment's sexe: women E1 E5 E12 (2 positive), man E13 (0)
    assert ind(con, "taux_sorties_positives", "2025", vent="sexe", mod="F") == a(100 * 2 / 3)
    assert ind(con, "taux_sorties_positives", "2025", vent="sexe", mod="H") == a(0.0)
    # 1250.50 + 10000 + 2000 + 3000 + 1250.50 = 17501
    assert ind(con, "financement_total", "2025") == a(17501.0)
    assert ind(con, "part_pluriannuel", "2025") == a(100 * 12000 / 17501)  # region + commune
    # per financeur: etat_bop147 4250.50, region 10000, commune 2000, fse 1250.50
    assert ind(con, "part_credits_specifiques", "2025") == a(100 * 4250.5 / 17501)
    assert ind(con, "part_premier_financeur", "2025") == a(100 * 10000 / 17501)
    # date_fin >= 2026-12-31: region 10000 (2027), commune 2000 (2026), fse 1250.50 (2026)
    assert ind(con, "part_financement_securise_n1", "2025") == a(100 * 13250.5 / 17501)
    assert ind(con, "cout_par_beneficiaire", "2025") == a(17501 / 11)  # 1591


def test_contract_2026(run):
    _, _, con = run
    a = pytest.approx
    # active in 2026: E2 E3 E15 E4 E9 E6 E10 E7 E11 E16 E14 E8 E17 -> P02 P03 P04 P06
    # P07 P08 P11 P12 = 8 people
    assert ind(con, "beneficiaires_uniques", "2026") == 8
    assert ind(con, "nouveaux_entrants", "2026") == 2  # P07 (E7), P12 (E8)
    # women P03 P07 P08 P11 P12 = 5, men 3
    assert ind(con, "part_femmes", "2026") == a(62.5)
    assert ind(con, "beneficiaires_uniques", "2026", vent="sexe", mod="F") == 5
    assert ind(con, "beneficiaires_uniques", "2026", vent="sexe", mod="H") == 3
    assert ind(con, "part_moins_26_ans", "2026") == a(25.0)  # P08, P12
    # residents: P02 Q2, P04 Q1, P06 Q1, P07 Q1 (latest entry E7), P08 Q2, P12 Q1 = 6
    assert ind(con, "part_residents_qpv", "2026") == a(75.0)
    assert ind(con, "taux_couverture_qpv", "2026") == a(1000 * 6 / 3500)
    assert ind(con, "taux_assiduite", "2026") is None  # no session in 2026
    assert ind(con, "sorties", "2026") == 1  # E6, formation_qualifiante
    assert ind(con, "taux_sorties_positives", "2026") == a(100.0)
    assert ind(con, "financement_total", "2026") == a(10000.0)  # EMP01 region CPO
    assert ind(con, "part_pluriannuel", "2026") == a(100.0)
    assert ind(con, "part_premier_financeur", "2026") == a(100.0)
    assert ind(con, "part_financement_securise_n1", "2026") == a(100.0)  # ends 2027-12-31
    assert ind(con, "cout_par_beneficiaire", "2026") == a(1250.0)


def test_contract_cumul(run):
    _, _, con = run
    a = pytest.approx
    # 2024-01-01 .. 2026-12-31: every enrolment, 12 people, all entered in the period
    assert ind(con, "beneficiaires_uniques", "cumul") == 12
    assert ind(con, "nouveaux_entrants", "cumul") == 12
    # women: P01 P03 P05 P07 P08 P09 P11 P12 = 8, men P02 P04 P06 P10 = 4
    assert ind(con, "part_femmes", "cumul") == a(100 * 8 / 12)
    assert ind(con, "beneficiaires_uniques", "cumul", vent="sexe", mod="F") == 8
    assert ind(con, "beneficiaires_uniques", "cumul", vent="sexe", mod="H") == 4
    assert ind(con, "part_moins_26_ans", "cumul") == a(100 * 4 / 12)  # P01 P08 P10 P12
    assert ind(con, "part_residents_qpv", "cumul") == a(100 * 10 / 12)  # not P03, P11
    assert ind(con, "taux_couverture_qpv", "cumul") == a(1000 * 10 / 3500)
    assert ind(con, "taux_assiduite", "cumul") == a(62.5)
    # exits E1 E5 E12 E13 E6; positive E1 E12 E6
    assert ind(con, "sorties", "cumul") == 5
    assert ind(con, "taux_sorties_positives", "cumul") == a(60.0)
    assert ind(con, "financement_total", "cumul") == a(27501.0)
    assert ind(con, "part_pluriannuel", "cumul") == a(100 * 22000 / 27501)
    assert ind(con, "part_premier_financeur", "cumul") == a(100 * 20000 / 27501)  # region
    # last year 2026: date_fin >= 2027-12-31 -> the two region lines
    assert ind(con, "part_financement_securise_n1", "cumul") == a(100 * 20000 / 27501)
    assert ind(con, "cout_par_beneficiaire", "cumul") == a(27501 / 12)
    assert ind(con, "cout_par_sortie_positive", "cumul") == a(27501 / 3)


def test_other_scopes(run):
    _, _, con = run
    a = pytest.approx
    # partner MLOC 2025: P01..P06 and P08; P03 in SOC02 and EMP01 counts once
    assert ind(con, "beneficiaires_uniques", "2025", "partenaire", "MLOC") == 7
    assert ind(con, "beneficiaires_uniques", "2025", "action", "EMP01") == 4  # P01 P02 P03 P04
    assert ind(con, "beneficiaires_uniques", "2025", "action", "SOC02") == 4  # P03 P05 P06 P08
    assert ind(con, "financement_total", "2025", "partenaire", "MLOC") == a(13250.5)
    assert ind(con, "cout_par_beneficiaire", "2025", "partenaire", "MLOC") == a(13250.5 / 7)
    # ASSO: P04 P07 P08 P09 (not P13), no funding -> cost 0 for 4 people
    assert ind(con, "beneficiaires_uniques", "2025", "partenaire", "ASSO") == 4
    assert ind(con, "cout_par_beneficiaire", "2025", "partenaire", "ASSO") == 0
    # AUTO: funding 3000 bop147 + 1250.50 fse, largest financeur 3000
    assert ind(con, "part_premier_financeur", "2025", "partenaire", "AUTO") == a(
        100 * 3000 / 4250.5
    )
    assert ind(con, "taux_assiduite", "2025", "action", "MOB04") == a(62.5)
    assert ind(con, "taux_assiduite", "2025", "action", "EMP01") is None
    # pilier emploi 2025 (EMP01 PAR03 MOB04): P01 P02 P03 P04 P07 P08 P09 P10 P11 = 9,
    # P04 (EMP01 + PAR03) once; cohesion (SOC02) 4
    assert ind(con, "beneficiaires_uniques", "2025", "pilier", kit.EMPLOI) == 9
    assert ind(con, "beneficiaires_uniques", "2025", "pilier", kit.COHESION) == 4
    assert ind(con, "financement_total", "2025", "pilier", kit.EMPLOI) == a(15501.0)
    assert ind(con, "sorties", "2025", "partenaire", "MLOC") == 2  # E1, E5
    # pilier emploi 2026: P02 P03 P04 P07 P08 P11 P12 (P04, P07 in two actions) = 7
    assert ind(con, "beneficiaires_uniques", "2026", "pilier", kit.EMPLOI) == 7
    # qpv scope, by the contract-level enrolment's QPV (P06 corrected to Q1 everywhere;
    # P07 in Q2 in 2025, Q1 in 2026 and cumul; P08 in Q2 and P12 in Q1 by the ties)
    assert ind(con, "beneficiaires_uniques", "2025", "qpv", Q1) == 5  # P01 P04 P05 P06 P10
    assert ind(con, "beneficiaires_uniques", "2025", "qpv", Q2) == 4  # P02 P07 P08 P09
    assert ind(con, "taux_couverture_qpv", "2025", "qpv", Q1) == a(2.5)  # 5 / 2000
    assert ind(con, "taux_couverture_qpv", "2025", "qpv", Q2) == a(1000 * 4 / 1500)
    assert ind(con, "beneficiaires_uniques", "2026", "qpv", Q1) == 4  # P04 P06 P07 P12
    assert ind(con, "beneficiaires_uniques", "2026", "qpv", Q2) == 2  # P02 P08
    # cumul: P01 P04 P05 P06 P07 P10 P12 in Q1, P02 P08 P09 in Q2
    assert ind(con, "beneficiaires_uniques", "cumul", "qpv", Q1) == 7
    assert ind(con, "beneficiaires_uniques", "cumul", "qpv", Q2) == 3
    assert ind(con, "nouveaux_entrants", "2026", "qpv", Q1) == 2  # P07, P12
    assert ind(con, "nouveaux_entrants", "2026", "qpv", Q2) == 0
    assert ind(con, "part_femmes", "cumul", "qpv", Q1) == a(100 * 4 / 7)  # P01 P05 P07 P12


def test_targets(run):
    _, _, con = run
    rows = q(
        con,
        "SELECT code_indicateur, periode, valeur_attendue, valeur_atteinte, statut "
        "FROM marts.cibles_suivi WHERE perimetre_type='contrat' AND perimetre_code=?",
        (C,),
    )
    got = {(r[0], r[1]): r[2:] for r in rows}
    a = pytest.approx
    # beneficiaires_uniques 6 (2024) -> 15 (2027), hausse: expected 9 in 2025, 12 in 2026
    assert got[("beneficiaires_uniques", "2025")] == (a(9.0), 11, "en_bonne_voie")
    assert got[("beneficiaires_uniques", "2026")] == (a(12.0), 8, "en_retard")  # 4 short
    # cout_par_beneficiaire 2000 -> 1400, baisse: expected 1800 in 2025, 1600 in 2026
    assert got[("cout_par_beneficiaire", "2025")] == (a(1800.0), a(1591.0), "en_bonne_voie")
    assert got[("cout_par_beneficiaire", "2026")] == (a(1600.0), a(1250.0), "atteint")
    # (v2) mid-term (2026-01-01) on the latest definitive year <= 2026: none, since no 2024
    # report was ever sent (manquant at date_arrete 2026-06-01) and 2025 misses reports
    # too: the reading says so, with no value and no status
    assert got[("beneficiaires_uniques", "mi_parcours")] == (None, None, None)
    provisional = q(con, "SELECT periode FROM marts.periodes WHERE provisoire ORDER BY 1")
    assert provisional == [("2024",), ("2025",), ("2026",), ("cumul",)]


# ---------------------------------------------------------------- published table


def _fr_number(text):
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _published(root):
    path = root / "publish" / "telechargements" / "indicateurs.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:  # as French Excel opens it
        rows = list(csv.DictReader(fh, delimiter=";"))
    key = ("code_indicateur", "periode", "perimetre_type", "perimetre_code")
    return {(*(r[k] for k in key), r["ventilation"], r["modalite"]): r for r in rows}


EURO_SHARES = {
    "part_pluriannuel",
    "part_credits_specifiques",
    "part_premier_financeur",
    "part_financement_securise_n1",
}


def _small(x):
    return x is not None and 1 <= x <= SEUIL - 1


def test_published_csv_applies_the_secret(run):
    root, _, con = run
    pub = _published(root)
    assert len(pub) == 1688  # every row of marts.indicateurs (see above)
    raw = (root / "publish" / "telechargements" / "indicateurs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    cells = [v for row in pub.values() for v in row.values()]
    assert not [v for v in cells if v and v[0] in "=+-@"]  # nothing a spreadsheet runs
    # MOB04 2025 has 2 people (P10, P11): secret; Q1 has 2 new entrants in 2026
    assert (
        pub[("beneficiaires_uniques", "2025", "action", "MOB04", "ensemble", "ensemble")]["valeur"]
        == "s"
    )
    assert pub[("nouveaux_entrants", "2026", "qpv", Q1, "ensemble", "ensemble")]["valeur"] == "s"
    # zero is published, funding is never secret, decimals with a comma
    assert (
        pub[("beneficiaires_uniques", "2024", "contrat", C, "ensemble", "ensemble")]["valeur"]
        == "0"
    )
    mob = pub[("financement_total", "2025", "action", "MOB04", "ensemble", "ensemble")]
    assert mob["valeur"] == "4250,5"
    femmes = pub[("part_femmes", "2026", "contrat", C, "ensemble", "ensemble")]["valeur"]
    assert _fr_number(femmes) == pytest.approx(62.5)
    # with its label, target and status (11 reached against 9 expected in 2025)
    benef = pub[("beneficiaires_uniques", "2025", "contrat", C, "ensemble", "ensemble")]
    assert benef["valeur"] == "11" and benef["libelle"]
    assert _fr_number(benef["valeur_cible"]) == 15
    assert benef["statut"].lower().replace(" ", "_") == "en_bonne_voie"  # label in French
    checked = 0
    # every row resting on a count of people, exits or sessions between 1 and seuil - 1
    for code, per, ptype, pcode, vent, mod, val, num, den, unit in q(
        con,
        "SELECT code_indicateur, periode, perimetre_type, perimetre_code, ventilation, "
        "modalite, valeur, numerateur, denominateur, unite FROM marts.indicateurs",
    ):
        if code in EURO_SHARES or code == "financement_total":
            continue
        if code == "part_conventions_pluriannuelles":  # agreements are no people (section 5)
            continue
        if code in ("taux_remontee", "taux_remontee_a_temps"):
            # (v2) completeness indicators count reports, not people: never secret
            assert pub[(code, per, ptype, pcode, vent, mod)]["valeur"] != "s", (code, pcode)
            continue
        if unit == "nombre":
            counts = [val]
        elif code == "taux_couverture_qpv":
            counts = [num]  # population is no count of people
        elif unit == "euros":
            counts = [den]
        else:
            counts = [num, den]
        if any(_small(c) for c in counts):
            assert pub[(code, per, ptype, pcode, vent, mod)]["valeur"] == "s", (code, per, pcode)
            checked += 1
    assert checked > 50
    # (v2) an attendance rate resting on 1 to seuil - 1 distinct people is secret too
    people = q(
        con,
        "SELECT periode, perimetre_type, perimetre_code, ventilation, modalite, personnes "
        "FROM marts.assiduite_personnes",
    )
    few = [r[:5] for r in people if _small(r[5])]
    assert few  # the fixture has small actions
    for key in few:
        assert pub[("taux_assiduite", *key)]["valeur"] == "s", key


def test_no_secret_count_can_be_recomputed(run):
    root, _, con = run
    rows = q(
        con,
        "SELECT code_indicateur, periode, perimetre_type, perimetre_code, ventilation, "
        "modalite, valeur, numerateur, denominateur FROM marts.indicateurs",
    )
    true = {}
    for row in rows:
        true.update(accept_secret.cells_of_row(*row))
    known = set()
    for r in _published(root).values():
        if r["valeur"] != "s":
            cells = accept_secret.cells_of_row(
                r["code_indicateur"],
                r["periode"],
                r["perimetre_type"],
                r["perimetre_code"],
                r["ventilation"],
                r["modalite"],
                None,
                None,
                None,
            )
            known.update(cells)
    actions = {
        a: (p, pil)
        for a, p, pil in q(con, "SELECT code_action, code_partenaire, pilier FROM ref.actions")
    }
    periods = ["2024", "2025", "2026", "cumul"]
    found = accept_secret.recomputable(known, accept_secret.groups(true, actions, periods))
    secret = {c for c, v in true.items() if v is not None and 1 <= v <= SEUIL - 1}
    assert secret  # the fixture has small counts
    assert not (secret & found), sorted(secret & found)


def test_xlsx_with_definitions_and_parquet(run):
    root, _, _ = run
    out = root / "publish" / "telechargements"
    sheets = openpyxl.load_workbook(out / "indicateurs.xlsx", read_only=True).sheetnames
    assert any("definition" in name.lower() for name in sheets), sheets
    assert pq.read_metadata(out / "indicateurs.parquet").num_rows == 1688


def test_one_validation_report_per_received_file(run):
    root, _, con = run
    pages = {p.stem for p in (root / "publish" / "rapports").glob("*.html")}
    assert "index" in pages
    file_ids = {r[0] for r in q(con, "SELECT file_id FROM ingest.files")}
    assert file_ids <= pages  # one page per received file, refused ones included


# ---------------------------------------------------------------- a later run


def test_resubmission_in_a_later_run(rerun):
    _, result, con = rerun
    assert result.success
    files = dict(q(con, "SELECT source_path, in_force FROM ingest.files"))
    assert len(files) == 13  # the 12 files of the first run are not recorded again
    assert files[kit.M25_V2] is True and files[kit.M25] is False
    # the resubmission replaces M25 whole: P05 (only in M25) is gone; P06 keeps the
    # 2026-S1 version (Q1, exit 31/03/2026) although the 2025 file was resubmitted later
    p06 = q(
        con,
        "SELECT code_qpv, date_sortie::VARCHAR FROM staging.participants "
        "WHERE id_participant='P06'",
    )
    assert p06 == [(Q1, "2026-03-31")]
    assert q(con, "SELECT count(*) FROM staging.participants WHERE id_participant='P05'") == [(0,)]
    assert ind(con, "beneficiaires_uniques", "2025") == 10
    assert ind(con, "beneficiaires_uniques", "cumul") == 11
    assert ind(con, "sorties", "2025") == 3  # E1, E12, E13: E5 (abandon) left with P05
    assert ind(con, "taux_abandon", "2025") == 0
    assert ind(con, "beneficiaires_uniques", "2025", "qpv", Q1) == 4  # P01 P04 P06 P10
