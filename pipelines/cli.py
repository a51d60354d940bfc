"""Command line for evaluation officers: a thin shell over Dagster."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from pipelines import settings

app = typer.Typer(add_completion=False, help="Pipeline d'évaluation du contrat de ville.")

INSTANCE_YAML = """\
# Written by `python -m pipelines.cli prepare-home`.
# One run at a time and one step at a time on the warehouse: DuckDB takes a single writer.
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def prepare_dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.REPO_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    return home


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

    root = settings.data_root()
    typer.echo(f"Données : {root}")
    job = defs().resolve_job_def("pipeline_complet")
    run_config: dict = {"loggers": {"console": {"config": {"log_level": journal.upper()}}}}
    if partenaire or retraiter:
        run_config["ops"] = {
            "fichiers_partenaires": {"config": {"partenaire": partenaire, "retraiter": retraiter}}
        }
    with dg.DagsterInstance.get() as instance:
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


def _print_file_outcomes(root: Path, run_id: str) -> None:
    """One line per file received by this run, as the officer will forward it."""
    from rich.console import Console
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
        table.add_row(path, labels.get(status, status), str(ko), msg or "")
    Console().print(table)


if __name__ == "__main__":
    app()
