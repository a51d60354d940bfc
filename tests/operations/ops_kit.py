"""Shared by the operations tests: a small hand-made data root, real writers, runs.

The contract CV-OPS (2024-2027) has two partners, ASSO1 (action A1) and MLJ (action M1),
and two QPV (QN01404M, 4,200 inhabitants; QN01405M, 1,800). GOOD_FILES holds one report
per kind, all in 2025; the expected figures, derived by hand from them:
- people P001..P007; P001 is followed by both partners (A1 then M1): contract
  beneficiaires_uniques 2025 = 7, A1 = 5, M1 = 3;
- women: P001, P002, P005, P007 -> part_femmes contract 2025 = 4/7;
- sessions of A1 in 2025: present, absent, excuse, present -> taux_assiduite A1 = 50 %;
- funding of A1 in 2025: 12,000.00 + 8,000.50 -> financement_total = 20,000.50.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import xlsxwriter

from pipelines import settings, warehouse
from pipelines.cli import INSTANCE_YAML
from tests.contract_headers import FINANCEMENTS_HEADER, PARTICIPANTS_HEADER, SEANCES_HEADER  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


ASSO1_PARTICIPANTS = [
    ["P001", "A1", "15/01/2025", "", "", "F", "1990", "QN01404M", "bac", "oui", "", ""],
    ["P002", "A1", "01/02/2025", "", "", "F", "2001", "QN01404M", "cap_bep", "non", "", ""],
    [
        *["P003", "A1", "01/03/2025", "30/06/2025", "emploi_durable", "H", "1970"],
        *["QN01405M", "sans_diplome", "oui", "", ""],
    ],
    ["P004", "A1", "10/03/2025", "", "", "H", "1985", "HORS_QPV", "bac_plus_2", "oui", "", ""],
    ["P005", "A1", "02/04/2025", "", "", "F", "1999", "QN01404M", "bac", "non", "", ""],
]
MLJ_PARTICIPANTS = [
    ["P001", "M1", "01/05/2025", "", "", "F", "1990", "QN01404M", "bac", "oui", "", ""],
    ["P006", "M1", "05/05/2025", "", "", "H", "2003", "QN01405M", "cap_bep", "oui", "", ""],
    ["P007", "M1", "06/06/2025", "", "", "F", "2004", "QN01404M", "bac", "non", "", ""],
]
ASSO1_SEANCES = [
    ["P001", "A1", "20/01/2025", "present"],
    ["P002", "A1", "20/01/2025", "absent"],
    ["P003", "A1", "20/01/2025", "excuse"],
    ["P001", "A1", "27/01/2025", "present"],
]
ASSO1_FINANCEMENTS = [
    ["A1", "2025", "etat_bop147", "12 000,00 €", "annuelle_aap", "01/01/2025", "31/12/2025"],
    ["A1", "2025", "region", "8000,50", "pluriannuelle_cpo", "01/01/2025", "31/12/2027"],
]

# (relative path under incoming/, header, rows); the MLJ file is an XLSX workbook.
GOOD_FILES = [
    ("ASSO1/2025/participants_asso1.csv", PARTICIPANTS_HEADER, ASSO1_PARTICIPANTS),
    ("ASSO1/2025/seances_asso1.csv", SEANCES_HEADER, ASSO1_SEANCES),
    ("ASSO1/2025/financements_asso1.csv", FINANCEMENTS_HEADER, ASSO1_FINANCEMENTS),
    ("MLJ/2025/participants_mlj.xlsx", PARTICIPANTS_HEADER, MLJ_PARTICIPANTS),
]
GOOD_ROWS = {"participants": 8, "seances": 4, "financements": 2}


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    """A ';' CSV as French Excel saves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], title_rows=()) -> Path:
    """An XLSX with text cells as typed, real date cells for dates, no formulas."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("Bilan")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate([*title_rows, *rows]):
        for c, cell in enumerate(row):
            if isinstance(cell, dt.datetime):
                sheet.write_datetime(r, c, cell, date_format)
            elif isinstance(cell, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(cell, dt.time()), date_format)
            elif isinstance(cell, str):
                sheet.write_string(r, c, cell)
            elif cell is not None:
                sheet.write(r, c, cell)
    workbook.close()
    return path


def write_partner_file(root: Path, rel: str, header: list[str], rows: list[list]) -> Path:
    path = root / "incoming" / rel
    if path.suffix == ".xlsx":
        return write_xlsx(path, [header, *rows])
    return write_csv(path, [header, *rows])


def write_reference(
    root: Path,
    contrat_libelle: str = "Contrat de ville test opérations",
    action_libelles: tuple[str, str] = ("Permis solidaire", "Parrainage"),
    partner_names: tuple[str, str] = ("Association Élan", "Mission locale jeunes"),
    qpv_names: tuple[str, str] = ("Quartier Nord", "Quartier Sud"),
) -> None:
    """The reference of contract CV-OPS; the texts can be replaced (injection tests)."""
    ref = root / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    libelle = contrat_libelle.replace("\\", "\\\\").replace('"', '\\"')
    (ref / "contrat.yaml").write_text(
        "code: CV-OPS\n"
        f'libelle: "{libelle}"\n'
        "date_debut: 2024-01-01\n"
        "date_fin: 2027-12-31\n"
        "date_mi_parcours: 2026-01-01\n"
        "seuil_secret: 5\n",
        encoding="utf-8",
    )
    emp = "emploi_developpement_economique"
    write_csv(
        ref / "actions.csv",
        [
            ["code_action", "libelle", "code_partenaire", "pilier", "type_action"]
            + ["date_debut", "date_fin"],
            ["A1", action_libelles[0], "ASSO1", emp, "mobilite", "01/01/2024", "31/12/2027"],
            ["M1", action_libelles[1], "MLJ", emp, "accompagnement", "01/01/2024", "31/12/2027"],
        ],
    )
    write_csv(
        ref / "partenaires.csv",
        [["code_partenaire", "nom"], ["ASSO1", partner_names[0]], ["MLJ", partner_names[1]]],
    )
    write_csv(
        ref / "qpv.csv",
        [
            ["code_qpv", "nom", "commune", "population"],
            ["QN01404M", qpv_names[0], "Caen", "4200"],
            ["QN01405M", qpv_names[1], "Caen", "1800"],
        ],
    )
    write_csv(
        ref / "cibles.csv",
        [
            ["code_indicateur", "perimetre_type", "perimetre_code", "annee_reference"]
            + ["valeur_reference", "annee_cible", "valeur_cible", "sens"],
            ["beneficiaires_uniques", "contrat", "CV-OPS", "2024", "0", "2027", "30", "hausse"],
        ],
    )


def build_small_root(root: Path) -> Path:
    """Reference + GOOD_FILES under `root`."""
    write_reference(root)
    for rel, header, rows in GOOD_FILES:
        write_partner_file(root, rel, header, rows)
    return root


def dagster_home(path: Path) -> Path:
    """A DAGSTER_HOME holding the instance configuration the CLI writes."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "dagster.yaml").write_text(INSTANCE_YAML, encoding="utf-8")
    return path


def cli_env(root: Path, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVAL_", "DAGSTER_"))}
    env.update(EVAL_DATA_DIR=str(root), DAGSTER_HOME=str(home), PYTHONUNBUFFERED="1", **extra)
    return env


def cli_command() -> list[str]:
    return [PYTHON, "-m", "pipelines.cli", "run"]


def run_cli(root: Path, home: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m pipelines.cli run` to completion, as `make run` does."""
    return subprocess.run(
        cli_command(),
        cwd=REPO,
        env=cli_env(root, home),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_cli(root: Path, home: Path, log: Path) -> subprocess.Popen:
    """Start the CLI in its own process group (so that a kill reaches all of it)."""
    return subprocess.Popen(
        cli_command(),
        cwd=REPO,
        env=cli_env(root, home),
        stdout=log.open("w", encoding="utf-8"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_when(process: subprocess.Popen, condition, log: Path, timeout: float = 600) -> None:
    """SIGKILL the process group as soon as `condition()` holds (polled every 10 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(
                "the run ended before the moment chosen to kill it:\n"
                + log.read_text(encoding="utf-8")[-3000:]
            )
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError("the moment chosen to kill the run never came")
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL


def archived_files(root: Path) -> int:
    """Files completely archived (a copy in progress is a hidden .tmp-* file)."""
    archive = root / "archive"
    if not archive.is_dir():
        return 0
    return sum(1 for p in archive.rglob("*") if p.is_file() and not p.name.startswith("."))


def run_in_process(root: Path, monkeypatch, run_config: dict | None = None):
    """pipeline_complet in this process (real assets and resources, ephemeral instance)."""
    import dagster as dg

    from pipelines.definitions import defs

    monkeypatch.setenv("EVAL_DATA_DIR", str(root))
    job = defs().resolve_job_def("pipeline_complet")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance, run_config=run_config or {}, raise_on_error=False
        )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def query(root: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read the warehouse under the writer lock (no run is writing meanwhile)."""
    with warehouse.connect(settings.warehouse_path(root), timeout_s=120, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


INDICATOR_KEY = "code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite"


def indicator_table(root: Path) -> list[tuple]:
    """marts.indicateurs, every column, in key order."""
    return query(root, f"SELECT * FROM marts.indicateurs ORDER BY {INDICATOR_KEY}")


def indicator(root: Path, code: str, periode: str, ptype: str, pcode: str) -> tuple:
    """(valeur, numerateur, denominateur) of one 'ensemble' row."""
    rows = query(
        root,
        "SELECT valeur, numerateur, denominateur FROM marts.indicateurs WHERE code_indicateur = ?"
        " AND periode = ? AND perimetre_type = ? AND perimetre_code = ?"
        " AND ventilation = 'ensemble'",
        [code, periode, ptype, pcode],
    )
    assert len(rows) == 1, rows
    return rows[0]


def open_readonly(root: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.warehouse_path(root)), read_only=True)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative posix path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# in build order (pipelines/publish/outputs.py); (v2) relances: the reminder list
PUBLIC_FOLDERS = (
    "telechargements", "rapports", "tableaux-de-bord", "kit-partenaire", "relances"
)  # fmt: skip


def publication(root: Path) -> dict[str, bytes]:
    """What readers see: every file under the public folders of publish/, links followed."""
    publish = root / "publish"
    return {
        f"{name}/{rel}": data
        for name in PUBLIC_FOLDERS
        if (publish / name).exists()
        for rel, data in tree(publish / name).items()
    }
