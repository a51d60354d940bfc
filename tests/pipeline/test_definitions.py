"""The Dagster code location loads, validates and exposes every stage."""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs

REPO = Path(__file__).resolve().parents[2]


def test_definitions_expose_every_stage():
    d = defs()
    keys = {k.to_user_string() for k in d.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "referentiel",
        "fichiers_partenaires",
        "lignes_en_vigueur",
        "marts/indicateurs",
        "marts/cibles_suivi",
        "marts/indicateurs_publies",
        "publication",
        "marts/completude",
    } <= keys
    assert d.resolve_job_def("pipeline_complet") is not None
    assert d.resolve_sensor_def("nouveaux_fichiers") is not None
    assert d.resolve_schedule_def("actualisation_mensuelle").cron_schedule == "0 6 1 * *"


def test_dagster_definitions_validate_passes(tmp_path):
    env = {"DAGSTER_HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "definitions",
            "validate",
            "-w",
            "workspace.yaml",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "deprecat" not in (out.stdout + out.stderr).lower()


def test_sensor_starts_one_run_per_settled_state_of_incoming(tmp_path, monkeypatch):
    from pipelines.defs.automation.jobs import nouveaux_fichiers

    monkeypatch.setenv("EVAL_DATA_DIR", str(tmp_path))
    folder = tmp_path / "incoming" / "P01" / "2025"
    folder.mkdir(parents=True)
    (folder / "participants.csv").write_text("id_participant\n", encoding="utf-8")

    def tick(cursor):
        ctx = dg.build_sensor_context(cursor=cursor)
        return nouveaux_fichiers(ctx), ctx.cursor

    first, cursor = tick(None)
    assert isinstance(first, dg.SkipReason)  # a file may still be being copied
    started, cursor = tick(cursor)
    assert isinstance(started, dg.RunRequest)
    again, cursor = tick(cursor)
    assert isinstance(again, dg.SkipReason)  # same folder: no second run
    (folder / "seances.csv").write_text("x\n", encoding="utf-8")
    waiting, cursor = tick(cursor)
    assert isinstance(waiting, dg.SkipReason)
    changed, cursor = tick(cursor)
    assert isinstance(changed, dg.RunRequest) and changed.run_key != started.run_key


def test_pandera_check_reports_a_row_in_force_that_breaks_the_schema(tmp_path):
    from pipelines.defs.ingestion.assets import schemas_pandera
    from pipelines.defs.resources import Warehouse
    from pipelines.warehouse import connect

    db = tmp_path / "wh.duckdb"
    with connect(db) as con:  # creates the layout
        con.execute(
            "INSERT INTO raw.seances VALUES ('f1', 3, 'P1', 'A1', DATE '2025-03-04', "
            "'present', true, NULL), "
            "('f1', 4, 'P2', 'A1', DATE '2025-03-04', 'peut-etre', true, NULL)"
        )
    result = schemas_pandera(
        context=dg.build_asset_check_context(), warehouse=Warehouse(database=str(db))
    )
    assert result.passed is False
    assert result.metadata["types_en_echec"].value == "seances"
    assert "peut-etre" in result.metadata["echecs_seances"].value
