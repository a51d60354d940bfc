"""The command line leaves without Python's teardown (pipelines/cli.py, main): what it
printed is all there, and its exit code says whether the run failed."""

from __future__ import annotations

import subprocess

from tests.operations.ops_kit import (
    REPO,
    build_small_root,
    cli_command,
    cli_env,
    dagster_home,
    run_cli,
)


def test_a_failed_run_exits_with_1_and_its_message(tmp_path):
    root = build_small_root(tmp_path / "data")
    (root / "reference" / "contrat.yaml").write_text("code: [", encoding="utf-8")  # broken

    done = run_cli(root, dagster_home(tmp_path / "home"))

    assert done.returncode == 1
    assert done.stdout.rstrip().endswith(
        "Échec de l'exécution : voir les journaux ci-dessus ou `make ui`."
    )


def test_a_successful_run_prints_everything_and_exits_with_0(tmp_path):
    root = build_small_root(tmp_path / "data")

    done = run_cli(root, dagster_home(tmp_path / "home"))

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # the last line printed before leaving is there
    assert done.stdout.rstrip().splitlines()[-1].startswith("Relances des bilans   : ")
    assert "4 fichier(s) reçu(s) : 4 accepté ; 14 lignes acceptées, 0 rejetées." in done.stdout


def test_a_wrong_command_line_exits_with_2(tmp_path):
    root = build_small_root(tmp_path / "data")
    done = subprocess.run(
        [*cli_command()[:-1], "revue-comparer"],  # its two reviews are missing
        cwd=REPO,
        env=cli_env(root, dagster_home(tmp_path / "home")),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "Missing argument" in done.stderr
