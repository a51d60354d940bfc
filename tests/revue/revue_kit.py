"""A small real contract for the review tests: the demo's reference files and the reports
of three partners (MEFAC: CSV in Windows-1252; MOBILAGGLO: CSV with one refused file;
FJTET: XLSX, half-yearly, with a resubmission), run through the real Dagster pipeline into a
real DuckDB warehouse."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb

import pipelines
from pipelines.defs.resources import DataRoot, Warehouse
from pipelines.settings import warehouse_path

DEMO = Path(__file__).resolve().parents[2] / "data"
PARTNERS = ("MEFAC", "MOBILAGGLO", "FJTET")
CONTRAT = "Contrat de ville Caen la Mer – Engagements Quartiers 2030 (fictif)"
SCRIPT = "<script>alert('revue')</script>"
COMMENTARY = f"""Note liminaire du chargé de mission.

## Synthèse
Le comité note une **baisse** des entrées en 2026. {SCRIPT}

<img src=x onerror="alert(2)">

## Pilier emploi_developpement_economique
Les permanences de proximité portent l'essentiel des résultats du pilier.

## Un titre qui ne correspond à aucune section
Texte conservé en annexe.
"""
# MEFAC's 2025 funding report, resubmitted with the EPCI line of EMP-04 raised by 1 000 €.
ORIGINAL = "MEFAC/2025/financements_2025.csv"
RESUBMITTED = "MEFAC/2025/financements_2025_v2.csv"
REFUSED = "MEFAC/2025/participants_2025 (copie abîmée).xlsx"


def make_root(root: Path) -> Path:
    shutil.copytree(DEMO / "reference", root / "reference")
    for p in PARTNERS:
        shutil.copytree(DEMO / "incoming" / p, root / "incoming" / p)
    (root / "reference" / "commentaires.md").write_text(COMMENTARY, encoding="utf-8")
    return root


def run_pipeline(root: Path) -> None:
    found = dg.load_from_defs_folder(path_within_project=Path(pipelines.__file__).parent)
    result = dg.materialize(
        [*found.assets, *found.asset_checks],
        resources=resources(root),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    failed = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert not failed, failed


def resources(root: Path) -> dict:
    return {
        "data_root": DataRoot(path=str(root)),
        "warehouse": Warehouse(database=str(warehouse_path(root))),
    }


def freeze_with_dagster(root: Path, libelle: str) -> dg.ExecuteInProcessResult:
    from pipelines.defs.revue.jobs import figer_revue

    return figer_revue.execute_in_process(
        run_config={"ops": {"figer": {"config": {"libelle": libelle}}}},
        resources=resources(root),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def resubmit(root: Path) -> None:
    """The corrected funding report, and a broken copy of a participants report."""
    incoming = root / "incoming"
    raw = (incoming / ORIGINAL).read_bytes()
    old = "EMP-04;Journée création d'entreprise dans les quartiers;2025;epci;9 203,24 €"
    new = old.replace("9 203,24", "10 203,24")
    assert raw.count(old.encode("cp1252")) == 1
    (incoming / RESUBMITTED).write_bytes(raw.replace(old.encode("cp1252"), new.encode("cp1252")))
    (incoming / REFUSED).write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    later = time.time() + 5  # modified after the originals: the resubmission wins
    for name in (RESUBMITTED, REFUSED):
        os.utime(incoming / name, (later, later))


def query(root: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
