"""The two review commands behind pipelines.cli (`make revue`, `make revue-comparer`)."""

from __future__ import annotations

import typer

from pipelines import settings
from pipelines.revue.catalogue import revues_dir
from pipelines.revue.pack import RevueRefusee


def _failure_message(result) -> str:
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            return data.user_failure_data.description
        if data.error is not None:
            return data.error.message.strip()
    return "voir les journaux ci-dessus ou `make ui`."


def run_freeze(libelle: str) -> None:
    """Run the Dagster job figer_revue in this process, as `make run` does."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.revue.compare import find_pack

    job = defs().resolve_job_def("figer_revue")
    run_config = {
        "ops": {"figer": {"config": {"libelle": libelle}}},
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )
    if not result.success:
        typer.secho(f"Revue non figée : {_failure_message(result)}", fg="red", err=True)
        raise typer.Exit(1)
    folder = find_pack(revues_dir(settings.data_root()), libelle).path
    typer.secho("Revue figée.", fg="green")
    typer.echo(f"Dossier   : {folder}")
    typer.echo(f"Document  : {folder / 'revue.pdf'} (et revue.html)")
    typer.echo(f"Vérifier  : cd {folder} && sha256sum -c MANIFEST.sha256")


def run_compare(a: str, b: str) -> None:
    from pipelines.revue.compare import write_comparison

    try:
        page = write_comparison(revues_dir(settings.data_root()), a, b)
    except RevueRefusee as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    typer.secho("Comparaison écrite.", fg="green")
    typer.echo(f"Page : {page}")
