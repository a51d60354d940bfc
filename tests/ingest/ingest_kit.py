"""Small builders shared by the load / staging / reports tests: a real data root with a real
DuckDB warehouse and reference rows; partner files come from conftest's real writers."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.ingest.load import ingest_files, reference_scope
from pipelines.ingest.scan import scan_incoming
from pipelines.ingest.staging import build_staging
from pipelines.warehouse import migrate
from tests.contract_headers import FINANCEMENTS_HEADER, PARTICIPANTS_HEADER, SEANCES_HEADER  # noqa: F401

# Contract 2024-2027; A1 runs in 2025 only, A2 over the whole contract, both by ASSO1.
REFERENCE_SQL = """
INSERT INTO ref.contrat VALUES
    ('CV-TEST', 'Contrat de ville test', DATE '2024-01-01', DATE '2027-12-31',
     DATE '2026-01-01', 5);
INSERT INTO ref.partenaires VALUES ('ASSO1', 'Association Élan'), ('MLJ', 'Mission locale');
INSERT INTO ref.actions VALUES
    ('A1', 'Permis solidaire', 'ASSO1', 'emploi_developpement_economique', 'mobilite',
     DATE '2025-01-01', DATE '2025-12-31'),
    ('A2', 'Atelier numérique', 'ASSO1', 'emploi_developpement_economique', 'numerique',
     DATE '2024-01-01', DATE '2027-12-31'),
    ('M1', 'Parrainage', 'MLJ', 'emploi_developpement_economique', 'accompagnement',
     DATE '2024-01-01', DATE '2027-12-31');
INSERT INTO ref.qpv VALUES ('QN01404M', 'Quartier Nord', 'Caen', 4200);
"""


def make_warehouse(tmp_path: Path) -> tuple[Path, duckdb.DuckDBPyConnection]:
    root = tmp_path / "data"
    (root / "incoming").mkdir(parents=True)
    (root / "warehouse").mkdir()
    con = duckdb.connect(str(root / "warehouse" / "test.duckdb"))
    migrate(con)
    con.execute(REFERENCE_SQL)
    return root, con


def participant(
    ident: str,
    action: str,
    entree: str,
    sortie: str = "",
    motif: str = "",
    sexe: str = "F",
    naissance: str = "1990",
) -> list[str]:
    return [ident, action, entree, sortie, motif, sexe, naissance, "QN01404M", "bac", "oui", "", ""]


def drop(
    writer, root: Path, rel: str, header: list[str], rows: list[list], mtime: float | None = None
) -> Path:
    """Write a partner file under <root>/incoming/<rel> with one of conftest's real writers
    (write_csv: cp1252 ';' as French Excel saves it, write_xlsx...), optionally dated."""
    path = root / "incoming" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    writer(path, [header, *rows])
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def run(con: duckdb.DuckDBPyConnection, root: Path, run_id: str, reprocess: bool = False, **kw):
    """One pipeline pass: scan, ingest, rebuild staging. Returns the IngestSummary."""
    years, partners = reference_scope(con)
    files = scan_incoming(root, years, partners, 10 * 1024 * 1024)
    summary = ingest_files(con, root, files, run_id, reprocess=reprocess, **kw)
    build_staging(con)
    return summary


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def in_force(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return rows(
        con,
        "SELECT source_path FROM ingest.files WHERE in_force ORDER BY source_path",
    )
