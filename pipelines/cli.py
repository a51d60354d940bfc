"""Command line for evaluation officers: a thin shell over Dagster."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer

from pipelines import progress, settings, warehouse

app = typer.Typer(add_completion=False, help="Pipeline d'évaluation du contrat de ville.")

INSTANCE_MARKER = "# Written by `python -m pipelines.cli prepare-home`."
INSTANCE_YAML = f"""\
{INSTANCE_MARKER}
# One queued run at a time. Steps on the warehouse are serialised by its lock file
# (pipelines/warehouse.py), not by a Dagster pool: a run killed with kill -9 would keep
# its pool slot forever and block every later run, whereas the kernel frees the lock.
concurrency:
  runs:
    max_concurrent_runs: 1
telemetry:
  enabled: false
"""


def prepare_dagster_home() -> Path:
    """Create or upgrade DAGSTER_HOME, safely even when two commands start at once."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.REPO_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    with warehouse.exclusive_lock(home / ".prepare.lock", timeout_s=300):
        config = home / "dagster.yaml"
        current = config.read_text(encoding="utf-8") if config.exists() else None
        # An earlier version of our own file is upgraded; an officer's own file is kept.
        outdated = current is not None and current.startswith(INSTANCE_MARKER)
        outdated = outdated and current != INSTANCE_YAML
        if current is None or outdated:
            tmp = config.with_name(".dagster.yaml.tmp")
            tmp.write_text(INSTANCE_YAML, encoding="utf-8")
            os.replace(tmp, config)
        if outdated or not (home / "history" / "runs.db").exists():
            _initialise_instance(release_pool_slots=outdated)
    return home


def _initialise_instance(release_pool_slots: bool) -> None:
    """Create the SQLite storages now: two runs creating them at the same moment fail
    ("table alembic_version already exists"). On upgrade, free the pool slots that runs
    killed under the former `pools: default_limit: 1` kept: every later run waited for them.
    """
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        if release_pool_slots:
            storage = instance.event_log_storage
            for run_id in storage.get_concurrency_run_ids():
                storage.free_concurrency_slots_for_run(run_id)


@app.command("prepare-home")
def prepare_home() -> None:
    """Crée DAGSTER_HOME (historique des exécutions) s'il manque."""
    typer.echo(f"DAGSTER_HOME : {prepare_dagster_home()}")


@app.command()
def run(
    partenaire: str = typer.Option("", help="Ne traiter que les fichiers de ce partenaire."),
    retraiter: bool = typer.Option(False, help="Relire les fichiers déjà reçus."),
    journal: str = typer.Option("INFO", help="Niveau du journal Dagster (DEBUG, INFO, WARNING)."),
) -> None:
    """Matérialise tout le pipeline avec Dagster et indique où sont les résultats."""
    prepare_dagster_home()
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.gc_policy import fewer_collections

    fewer_collections()
    root = settings.data_root()
    typer.echo(f"Données : {root}")
    job = defs().resolve_job_def("pipeline_complet")
    run_config: dict = {"loggers": {"console": {"config": {"log_level": journal.upper()}}}}
    if partenaire or retraiter:
        run_config["ops"] = {
            "fichiers_partenaires": {"config": {"partenaire": partenaire, "retraiter": retraiter}}
        }
    # live display on a terminal, one line per stage in CI and logs
    with dg.DagsterInstance.get() as instance, progress.reporting(progress.for_stream(sys.stdout)):
        result = job.execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )
    if not result.success:
        typer.secho("Échec de l'exécution : voir les journaux ci-dessus ou `make ui`.", fg="red")
        raise typer.Exit(1)
    _print_file_outcomes(root, result.run_id)
    dirs = settings.publish_dirs(root)
    typer.secho("Exécution réussie.", fg="green")
    typer.echo(f"Tableaux de bord      : {dirs['site'] / 'index.html'}")
    typer.echo(f"Tables à télécharger  : {dirs['telechargements']}")
    typer.echo(f"Rapports de validation: {dirs['rapports'] / 'index.html'}")
    typer.echo(f"Kit partenaire        : {dirs['kit'] / 'index.html'}")
    typer.echo(f"Relances des bilans   : {dirs['relances'] / 'relances.csv'}")


@app.command()
def revue(
    libelle: str = typer.Option(..., help="Libellé de la revue, ex. « COPIL du 15 mars 2027 »."),
) -> None:
    """Fige la revue à mi-parcours (job Dagster figer_revue) dans publish/revues/."""
    prepare_dagster_home()
    from pipelines.revue.cli import run_freeze

    run_freeze(libelle)


@app.command("revue-comparer")
def revue_comparer(
    a: str = typer.Argument(..., help="Revue A (dossier ou libellé), la plus ancienne."),
    b: str = typer.Argument(..., help="Revue B (dossier ou libellé)."),
) -> None:
    """Écrit la page des indicateurs qui ont changé entre deux revues figées, et pourquoi."""
    from pipelines.revue.cli import run_compare

    run_compare(a, b)


def _print_file_outcomes(root: Path, run_id: str) -> None:
    """One line per file received by this run, as the officer will forward it."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from pipelines import warehouse

    with warehouse.connect(settings.warehouse_path(root)) as con:
        rows = con.sql(
            "SELECT source_path, status, rows_accepted, rows_rejected, rows_ignored, message "
            "FROM ingest.files WHERE run_id = ? ORDER BY source_path",
            params=[run_id],
        ).fetchall()
    if not rows:
        typer.echo("Aucun nouveau fichier reçu depuis la dernière exécution.")
        return
    labels = {"accepte": "accepté", "refuse": "REFUSÉ", "identique": "identique"}
    counts = {label: sum(r[1] == key for r in rows) for key, label in labels.items()}
    typer.echo(
        f"{len(rows)} fichier(s) reçu(s) : "
        + ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        + f" ; {sum(r[2] for r in rows)} lignes acceptées, {sum(r[3] for r in rows)} rejetées."
    )
    to_send_back = [r for r in rows if r[1] == "refuse" or r[3]]
    if not to_send_back:
        return
    table = Table(title="Fichiers à renvoyer au partenaire avec leur rapport de validation")
    for col in ("Fichier", "Statut", "Rejetées", "Motif du refus"):
        table.add_column(col, overflow="fold")
    for path, status, _ok, ko, _ign, msg in to_send_back:
        # partner-chosen names and messages are text, never rich markup
        table.add_row(escape(path), labels.get(status, status), str(ko), escape(msg or ""))
    Console().print(table)


def main() -> None:
    """Run the command, then leave without Python's own teardown: unloading Dagster's,
    polars' and DuckDB's modules took a second after every run (1.2 s of a 10 s rerun).
    Every file and connection is closed by then; the streams are flushed here."""
    try:
        app()
        code = 0
    except SystemExit as done:
        code = done.code
    if not isinstance(code, int):  # sys.exit("message") or sys.exit(None)
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
