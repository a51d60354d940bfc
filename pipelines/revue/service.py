"""What the command line and the Dagster job run: freeze a pack, then list it on the live
site's Revues page."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.revue.content import table_exists
from pipelines.revue.pack import FrozenPack, RevueRefusee, freeze_review


def freeze(con: duckdb.DuckDBPyConnection, root: Path, libelle: str) -> FrozenPack:
    if not table_exists(con, "marts", "indicateurs_publies"):
        raise RevueRefusee(
            "Aucun indicateur publié dans l'entrepôt : lancez d'abord le pipeline (`make run`)."
        )
    pack = freeze_review(con, root, libelle)
    refresh_revues_page(con, root)
    return pack


def refresh_revues_page(con: duckdb.DuckDBPyConnection, root: Path) -> Path | None:
    """Rewrite the live site's revues.html (one file of the publication in force, replaced
    atomically; the next run's publication lists the packs too) so that a pack frozen
    between two runs is listed at once. Nothing when no site was published yet."""
    from dashboards.site import revues_page_html

    site = settings.publish_dirs(Path(root))["site"]
    if not (site / "index.html").is_file():
        return None
    html = revues_page_html(con, site, settings.publish_dirs(Path(root))["revues"])
    target = site / "revues.html"
    tmp = site / ".revues.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
