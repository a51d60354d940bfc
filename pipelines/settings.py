"""Where the data lives (data contract section 1). Plain Python, shared by every layer."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_FILE_BYTES = 200 * 1024 * 1024  # a partner file above this size is refused


def data_root() -> Path:
    return Path(os.environ.get("EVAL_DATA_DIR") or REPO_ROOT / "data").resolve()


def warehouse_path(root: Path) -> Path:
    return root / "warehouse" / "evaluation.duckdb"


def publish_dirs(root: Path) -> dict[str, Path]:
    publish = root / "publish"
    return {
        "site": publish / "tableaux-de-bord",
        "telechargements": publish / "telechargements",
        "rapports": publish / "rapports",
    }
