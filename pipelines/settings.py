"""Where the data lives (data contract section 1). Plain Python, shared by every layer."""

from __future__ import annotations

import math
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Numbers fixed by the data contract or by the settings, defined here once; every layer
# imports them (the SQL of migration 0001 keeps v1's DEFAULT 5 as history, unused: the
# reference always writes seuil_secret).
MAX_FILE_BYTES = 200 * 1024 * 1024  # a partner file above this size is refused
MAX_FILE_MB_ENV = "EVAL_MAX_FILE_MB"  # overrides it, in megabytes (decimals allowed)
REFERENCE_MAX_BYTES = 50 * 1024 * 1024  # a reference file of the evaluation officer
HEADER_SEARCH_ROWS = 20  # the header row is looked for in the first rows of a file
AGE_RANGE = (14, 99)  # age at entry (year of entry - year of birth), bounds included
DEFAULT_SEUIL_SECRET = 5  # statistical secrecy threshold when contrat.yaml sets none
# DuckDB's memory for the warehouse: beyond it, big sorts spill to warehouse/*.tmp. Measured
# at the many-files shape (25 M sessions): rows in force in the same time (31.1 s against
# 30.6 s), peak 2.55 GiB instead of 4.31 GiB. EVAL_DUCKDB_MEMORY overrides it (e.g. "8GB").
DUCKDB_MEMORY_LIMIT = "2.5GB"
DUCKDB_MEMORY_ENV = "EVAL_DUCKDB_MEMORY"


def data_root() -> Path:
    return Path(os.environ.get("EVAL_DATA_DIR") or REPO_ROOT / "data").resolve()


def max_file_bytes() -> int:
    """Size limit of a partner file: EVAL_MAX_FILE_MB if set, else MAX_FILE_BYTES.

    Read at run time, so an officer can raise it for one big report without a code change.
    """
    raw = os.environ.get(MAX_FILE_MB_ENV, "").strip()
    if not raw:
        return MAX_FILE_BYTES
    try:
        megabytes = float(raw.replace(",", "."))
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes > 0):
        raise ValueError(
            f"{MAX_FILE_MB_ENV} doit être une taille en Mo supérieure à 0 (reçu « {raw} »)."
        )
    return int(megabytes * 1024 * 1024)


def warehouse_path(root: Path) -> Path:
    return root / "warehouse" / "evaluation.duckdb"


def publish_dirs(root: Path) -> dict[str, Path]:
    publish = root / "publish"
    return {
        "site": publish / "tableaux-de-bord",
        "telechargements": publish / "telechargements",
        "rapports": publish / "rapports",
        "kit": publish / "kit-partenaire",
        # frozen review packs: written once by `make revue`, never by a run
        "revues": publish / "revues",
        "relances": publish / "relances",  # (v2) reminder list and texts
    }


def duckdb_memory_limit() -> str:
    return os.environ.get(DUCKDB_MEMORY_ENV, "").strip() or DUCKDB_MEMORY_LIMIT
