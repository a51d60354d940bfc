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
) -> None:
    """Matérialise tout le pipeline avec Dagster et indique où sont les résultats."""
    prepare_dagster_home()
    import dagster as dg

    from pipelines.definitions import defs

    root = settings.data_root()
    typer.echo(f"Données : {root}")
    job = defs().resolve_job_def("pipeline_complet")
    run_config = {}
    if partenaire or retraiter:
        run_config = {
            "ops": {
                "fichiers_partenaires": {
                    "config": {"partenaire": partenaire, "retraiter": retraiter}
                }
            }
        }
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )
    if not result.success:
        typer.secho("Échec de l'exécution : voir les journaux ci-dessus ou `make ui`.", fg="red")
        raise typer.Exit(1)
    dirs = settings.publish_dirs(root)
    typer.secho("Exécution réussie.", fg="green")
    typer.echo(f"Tableaux de bord      : {dirs['site'] / 'index.html'}")
    typer.echo(f"Tables à télécharger  : {dirs['telechargements']}")
    typer.echo(f"Rapports de validation: {dirs['rapports'] / 'index.html'}")


if __name__ == "__main__":
    app()
