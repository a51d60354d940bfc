"""Two runs started at the same moment on the same data root and the same DAGSTER_HOME
(an officer launching `make run` twice, or the sensor's run beside a manual one): both
succeed, one waiting for the other at the warehouse lock, and the result is that of a
single run: each file recorded once, no raw row twice, the same indicators."""

from __future__ import annotations

from conftest import copy_inputs
from ops_kit import indicator_table, query, start_cli

LOCK_ERRORS = ("Could not set lock", "database is locked", "WarehouseBusy", "alembic_version")


def test_two_runs_at_once_give_the_result_of_one(demo_inputs, demo_reference, tmp_path):
    root = copy_inputs(demo_inputs, tmp_path / "data")
    home = tmp_path / "dagster_home"  # not prepared: both commands create it at once
    logs = [tmp_path / "run_a.log", tmp_path / "run_b.log"]
    runs = [start_cli(root, home, log) for log in logs]
    codes = [run.wait(timeout=600) for run in runs]
    outputs = [log.read_text(encoding="utf-8") for log in logs]

    for code, output in zip(codes, outputs, strict=True):
        assert code == 0, output[-3000:]
        assert "Exécution réussie." in output
        for error in LOCK_ERRORS:
            assert error not in output, error

    # Premise: the runs did overlap (a step of one waited for the other's lock).
    assert any("Entrepôt occupé par une autre exécution" in output for output in outputs)

    # Each received file recorded once; every file was read by exactly one of the runs.
    files = query(root, "SELECT source_path, status FROM ingest.files ORDER BY 1")
    assert files == demo_reference["files"]
    assert len(query(root, "SELECT DISTINCT run_id FROM ingest.files")) == 1
    in_force = query(
        root,
        "SELECT count(*) FROM ingest.files WHERE in_force "
        "GROUP BY code_partenaire, periode, kind HAVING count(*) > 1",
    )
    assert in_force == []
    # No raw row twice: one row per (file, row number), as many as the files accepted.
    for kind in ("participants", "seances", "financements"):
        (rows, distinct, expected) = query(
            root,
            f"SELECT count(*), count(DISTINCT (file_id, row_number)), "
            f"(SELECT sum(rows_accepted) FROM ingest.files WHERE kind = '{kind}') FROM raw.{kind}",
        )[0]
        assert rows == distinct == expected, kind
        staged = query(root, f"SELECT count(*) FROM staging.{kind}")[0][0]
        assert staged == demo_reference["staging"][kind], kind
    assert indicator_table(root) == demo_reference["indicateurs"]
    assert (root / "publish" / "tableaux-de-bord" / "index.html").is_file()
