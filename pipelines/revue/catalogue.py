"""The frozen packs under <root>/publish/revues/, read back from their millesime.json,
and the "Revues" page of the live site that lists them."""

from __future__ import annotations

import json
import os
from pathlib import Path

MILLESIME = "millesime.json"
COMPARISONS = "comparaisons"


def revues_dir(root: Path) -> Path:
    return Path(root) / "publish" / "revues"


def list_packs(revues: Path) -> list[dict]:
    """Every complete pack (a folder with its millesime.json), oldest first. Hidden
    folders are builds in progress or left by a killed freeze: never listed."""
    packs = []
    if not revues.is_dir():
        return packs
    for folder in revues.iterdir():
        if folder.name.startswith(".") or not (folder / MILLESIME).is_file():
            continue
        try:
            meta = json.loads((folder / MILLESIME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        meta["dossier"] = folder.name
        packs.append(meta)
    return sorted(packs, key=lambda m: (m.get("fige_le") or "", m["dossier"]))


def list_comparisons(revues: Path) -> list[str]:
    folder = revues / COMPARISONS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.html") if not p.name.startswith("."))


def revues_context(revues: Path, from_dir: Path) -> dict:
    """What dashboards/templates/revues.html shows, for a page living in `from_dir`
    (links are relative: the packs live beside the site, under publish/revues/)."""
    rel = Path(os.path.relpath(Path(revues).resolve(), Path(from_dir).resolve())).as_posix()
    return {
        "packs": list(reversed(list_packs(revues))),
        "comparisons": list_comparisons(revues),
        "base": rel,
        "comparisons_dir": COMPARISONS,
    }
