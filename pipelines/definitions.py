"""Dagster entry point (workspace.yaml): everything under pipelines/defs/ plus resources."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.defs.resources import default_resources


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        # One process: DuckDB takes one writer per file, and steps are short.
        dg.Definitions(executor=dg.in_process_executor, resources=default_resources()),
    )
