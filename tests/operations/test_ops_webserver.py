"""The real Dagster UI stack (`dagster dev`: webserver + daemon) on a local port: the job
`pipeline_complet` launched through GraphQL is queued, run by the daemon and publishes;
then a launchpad-style run re-reads one partner's files (`partenaire`, `retraiter`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError
from ops_kit import (
    GOOD_FILES,
    REPO,
    build_small_root,
    cli_env,
    dagster_home,
    indicator,
    query,
)

PYTHON_BIN = Path(sys.executable).parent
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:gql")  # the client's own
FINAL = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def retry(action, timeout: float, what: str, log: Path):
    """`action()` until it stops raising DagsterGraphQLClientError (server still starting)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except DagsterGraphQLClientError as err:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: {err}\n{log.read_text()[-3000:]}") from err
            time.sleep(1)


def wait_for_run(client: DagsterGraphQLClient, run_id: str, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while (status := client.get_run_status(run_id)) not in FINAL:
        assert time.monotonic() < deadline, f"run {run_id} still {status} after {timeout} s"
        time.sleep(1)
    return status


@pytest.fixture
def dagster_dev(tmp_path):
    """`dagster dev` on 127.0.0.1:<free port>, stopped (whole process group) at the end."""
    root = build_small_root(tmp_path / "data")
    home = dagster_home(tmp_path / "dagster_home")
    port = free_port()
    log = tmp_path / "dagster_dev.log"
    server = subprocess.Popen(
        [str(PYTHON_BIN / "dagster"), "dev", "-w", "workspace.yaml"]
        + ["-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=cli_env(root, home, PATH=f"{PYTHON_BIN}{os.pathsep}{os.environ['PATH']}"),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        client = retry(
            lambda: DagsterGraphQLClient("127.0.0.1", port_number=port, timeout=60),
            timeout=240,
            what="the Dagster UI never answered",
            log=log,
        )
        yield client, root, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_pipeline_runs_from_the_ui_and_one_partner_can_be_rerun(dagster_dev):
    client, root, log = dagster_dev
    run_id = retry(
        lambda: client.submit_job_execution("pipeline_complet"),
        timeout=240,
        what="pipeline_complet could not be launched",
        log=log,
    )
    assert wait_for_run(client, run_id) == DagsterRunStatus.SUCCESS, log.read_text()[-3000:]

    publish = root / "publish"
    site = (publish / "tableaux-de-bord" / "index.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in site
    csv_text = (publish / "telechargements" / "indicateurs.csv").read_text(encoding="utf-8-sig")
    assert csv_text.startswith("code_indicateur;")
    assert (publish / "rapports" / "index.html").is_file()
    # Figures derived by hand from the files (ops_kit): 7 people, 5 in A1, 20,000.50 €.
    assert indicator(root, "beneficiaires_uniques", "2025", "contrat", "CV-OPS")[0] == 7
    assert indicator(root, "beneficiaires_uniques", "2025", "action", "A1")[0] == 5
    assert indicator(root, "financement_total", "2025", "contrat", "CV-OPS")[0] == 20000.5
    files = query(root, "SELECT source_path, status, run_id FROM ingest.files ORDER BY 1")
    assert files == sorted((rel, "accepte", run_id) for rel, _, _ in GOOD_FILES)

    # The launchpad's config: re-read ASSO1's files only (e.g. after a rule was fixed).
    config = {
        "ops": {"fichiers_partenaires": {"config": {"partenaire": "asso1", "retraiter": True}}}
    }
    rerun_id = retry(
        lambda: client.submit_job_execution("pipeline_complet", run_config=config),
        timeout=60,
        what="the re-run could not be launched",
        log=log,
    )
    assert wait_for_run(client, rerun_id) == DagsterRunStatus.SUCCESS, log.read_text()[-3000:]
    by_run = dict(
        query(root, "SELECT code_partenaire, list(DISTINCT run_id) FROM ingest.files GROUP BY 1")
    )
    assert by_run == {"ASSO1": [rerun_id], "MLJ": [run_id]}
    assert query(root, "SELECT count(*) FROM ingest.files") == [(len(GOOD_FILES),)]
    assert indicator(root, "beneficiaires_uniques", "2025", "contrat", "CV-OPS")[0] == 7
