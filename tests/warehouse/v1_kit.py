"""The data root whose warehouse v1 wrote (tests/warehouse/v1_evaluation.duckdb.gz).

v1 = commit aa35dd5 on main, the last version without schema versions. The committed
warehouse was made by `python tests/warehouse/make_v1_warehouse.py` (see its docstring):
the old code, run once by its own CLI on the inputs below. The test rebuilds the same
inputs (same bytes, so the same sha256) beside a copy of that warehouse.

Inputs: ops_kit's small root (4 good files, all as CSV) plus MLJ/2025/seances_mlj.csv,
whose session of P009 (enrolled nowhere) gives one cross-file warning
'seance_sans_inscription', and whose second row is rejected (presence 'peut-etre').
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from tests.operations.ops_kit import GOOD_FILES, SEANCES_HEADER, write_partner_file, write_reference

HERE = Path(__file__).resolve().parent

V1_COMMIT = "aa35dd5"
V1_WAREHOUSE = HERE / "v1_evaluation.duckdb.gz"  # gzip: 6 MB of mostly empty blocks
MLJ_SEANCES = (
    "MLJ/2025/seances_mlj.csv",
    SEANCES_HEADER,
    [["P009", "M1", "12/05/2025", "present"], ["P006", "M1", "12/05/2025", "peut-etre"]],
)


def unpack_v1_warehouse(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(V1_WAREHOUSE, "rb") as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


def build_v1_inputs(root: Path) -> Path:
    write_reference(root)
    for rel, header, rows in [*GOOD_FILES, MLJ_SEANCES]:
        # CSV only: an XLSX embeds its creation time, so it would not give the same sha256
        write_partner_file(root, rel.replace(".xlsx", ".csv"), header, rows)
    return root
