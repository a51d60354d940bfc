"""The whole pipeline, materialized by Dagster on a copy of the committed demo contract.

Expected figures come from the demo generator's plan (pipelines/demo, printed summary):
62 files, one refused (financements without the granted amount), one resubmission
(FJTET 2025-S1 v2), 32 planted rejected rows (25 participants, 5 duplicate sessions,
2 negative amounts).
"""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import pipelines
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.demo.stamp import stamp
from pipelines.settings import publish_dirs, warehouse_path

DEMO = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    for part in ("reference", "incoming"):
        shutil.copytree(DEMO / part, root / part)
    # as `make run` does: the reception dates a git clone does not keep
    shutil.copy(DEMO / "demo-receptions.csv", root)
    assert stamp(root) == 62
    # The plain (unbound) assets and checks: resources are given below.
    found = dg.load_from_defs_folder(path_within_project=Path(pipelines.__file__).parent)
    assets = [*found.assets, *found.asset_checks]
    result = dg.materialize(
        assets,
        resources={
            "data_root": DataRoot(path=str(root)),
            "warehouse": Warehouse(database=str(warehouse_path(root))),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return root, result


def _query(root, sql):
    con = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_run_succeeds_and_every_check_passes_but_partner_warnings(demo_run):
    _root, result = demo_run
    assert result.success
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    # The demo plants a refused file and bad rows on purpose: those checks warn.
    assert checks.pop("aucun_fichier_refuse") is False
    assert checks.pop("aucune_ligne_rejetee") is False
    assert checks.pop("bilans_a_relancer") is False  # missing, late and refused reports
    assert checks and all(checks.values()), checks


def test_file_outcomes_match_the_planted_problems(demo_run):
    root, _ = demo_run
    status = dict(_query(root, "SELECT status, count(*) FROM ingest.files GROUP BY status"))
    assert status == {"accepte": 61, "refuse": 1}
    refused = _query(root, "SELECT source_path, message FROM ingest.files WHERE status='refuse'")
    assert refused[0][0] == "MOBILAGGLO/2025/financements-mobagglo-2025.csv"
    assert "Montant accordé" in refused[0][1]
    assert _query(root, "SELECT sum(rows_rejected) FROM ingest.files") == [(32,)]
    in_force = _query(
        root,
        "SELECT source_path FROM ingest.files WHERE in_force AND code_partenaire='FJTET' "
        "AND periode='2025-S1' AND kind='participants'",
    )
    assert in_force == [("FJTET/2025-S1/participants_2025-S1_v2.xlsx",)]
    # every received file is archived, the refused one included
    assert len(list((root / "archive").rglob("*.*"))) == 62


def test_indicators_are_published_everywhere(demo_run):
    root, _ = demo_run
    # 2,000 people in the demo, every one enrolled at least once in 2024-2026
    (cumul,) = _query(
        root,
        "SELECT valeur FROM marts.indicateurs WHERE code_indicateur='beneficiaires_uniques' "
        "AND periode='cumul' AND perimetre_type='contrat' AND ventilation='ensemble'",
    )
    assert 1900 <= cumul[0] <= 2000
    dirs = publish_dirs(root)
    assert (dirs["site"] / "index.html").is_file()
    assert (dirs["rapports"] / "index.html").is_file()
    # the partner kit: the demo's partners each get three templates and a guide
    kits = sorted(p.name for p in dirs["kit"].iterdir() if p.is_dir())
    partners = _query(root, "SELECT code_partenaire FROM ref.partenaires ORDER BY 1")
    assert kits == [code for (code,) in partners] and len(kits) >= 2
    for code in kits:
        assert len(list((dirs["kit"] / code).glob("*.xlsx"))) == 3
        assert (dirs["kit"] / code / "guide-partenaire.html").is_file()
    for name in ("indicateurs.csv", "indicateurs.xlsx", "indicateurs.parquet"):
        assert (dirs["telechargements"] / name).is_file()


def test_every_report_status_occurs_in_the_demo(demo_run):
    root, _ = demo_run
    # demo calendar: every partner annual, due 30 days after the period, as of 15/10/2026;
    # partner j sends 18 + 5 j days after the period ends (pipelines/demo/generate.py)
    got = dict(_query(root, "SELECT statut, count(*) FROM marts.completude GROUP BY statut"))
    assert got == {
        # 2024 and 2025: MLCAEN (18 days), MEFAC (23), FJTET 2024 (28) x 3 kinds
        "recu_a_temps": 15,
        # MOBILAGGLO (33 days), AFPA14 (38), CSCGDD (43): 2024 x 3 + 2025 x 3 minus the
        # refused MOBILAGGLO 2025 funding file
        "recu_en_retard": 17,
        "refuse": 1,
        "manquant": 3,  # FJTET sent 2025-S1 and 2025-S2 but no 2025 report
        "attendu": 18,  # 2026 for the 6 partners, due 30/01/2027
        # half-year files: MLCAEN 2025-S1, S2, 2026-S1 (3 x 3), FJTET 2025-S1 (3),
        # 2025-S2 (2), 2026-S1 (3), MEFAC and MOBILAGGLO 2026-S1 (2 x 3), AFPA14 2025-S1 (3),
        # 2025-S2 (2)
        "non_attendu": 28,
    }
    periodes = dict(_query(root, "SELECT periode, provisoire FROM marts.periodes"))
    assert periodes == {"2024": False, "2025": True, "2026": True, "cumul": True}
    # the mid-term (30/06/2027) reads 2024, the latest definitive year
    assert _query(
        root, "SELECT DISTINCT periode_valeur FROM marts.cibles_suivi WHERE periode = 'mi_parcours'"
    ) == [("2024",)]
    relances = publish_dirs(root)["relances"]
    assert (relances / "relances.csv").is_file() and (relances / "FJTET.txt").is_file()
