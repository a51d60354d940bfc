"""The frozen packs under <root>/publish/revues/, read back from their millesime.json,
and the "Revues" page of the live site that lists them."""

from __future__ import annotations

import json
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


def revues_context(revues: Path | None, base: str = "../revues") -> dict:
    """What dashboards/templates/revues.html shows. `base`: the link prefix from the page
    to publish/revues/ (the site's public path publish/tableaux-de-bord/ is its sibling;
    a link computed from the generation folder the site really lives in would be wrong)."""
    return {
        "packs": list(reversed(list_packs(revues))) if revues else [],
        "comparisons": list_comparisons(revues) if revues else [],
        "base": base,
        "comparisons_dir": COMPARISONS,
    }
