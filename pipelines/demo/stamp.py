"""Give the demo's partner files their reception dates back (data contract v2, section 6).

The pipeline takes a file's reception date from its modification time, which a git clone
does not keep. The generator lists each demo file with its sha256 and the moment its partner
sent it in <root>/demo-receptions.csv; this tool sets the modification time of every file of
<root>/incoming/ that is listed there with the same content, and touches nothing else:

    .venv/bin/python -m pipelines.demo.stamp data

`make run` calls it for the repository's own data/ only, never on another EVAL_DATA_DIR.
Standard library only: `make run` installs no demo dependency.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys
from datetime import datetime
from pathlib import Path

LIST_NAME = "demo-receptions.csv"
COLUMNS = ("fichier", "sha256", "envoye_le")  # path under incoming/, content, ISO UTC time


def write_list(root: Path, sent: list[tuple[str, str, datetime]]) -> Path:
    """Written by the generator: one line per demo file, in path order."""
    path = Path(root) / LIST_NAME
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(COLUMNS)
        for rel, sha, when in sorted(sent):
            writer.writerow([rel, sha, when.isoformat()])
    return path


def stamp(root: Path) -> int:
    """Set the listed mtimes on unchanged demo files; returns how many files were stamped."""
    root = Path(root)
    listing = root / LIST_NAME
    if not listing.is_file():
        return 0
    done = 0
    with listing.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            path = root / "incoming" / row["fichier"]
            if not path.is_file() or _sha256(path) != row["sha256"]:
                continue  # absent or changed by the user: left alone
            moment = datetime.fromisoformat(row["envoye_le"]).timestamp()
            os.utime(path, (moment, moment))
            done += 1
    return done


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "data")
    print(f"Dates de réception de la démonstration : {stamp(target)} fichier(s) datés.")
