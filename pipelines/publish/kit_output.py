"""The partner kit as a publication output (publish/kit-partenaire/).

It depends on the reference only: while the reference (and the code) is that of the kit
in force, the same files are linked into the new generation. Otherwise it is built; for a
big contract (108 partners: 324 workbooks, about 8 CPU-s) on a worker process, while the
site is built, and waited for before the switch (Builder.finish).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import freshness
from pipelines.fsutil import link_tree
from pipelines.kit import build_partner_kit
from pipelines.kit.reference import KitReference, kit_reference
from pipelines.publish.generation import current_generation
from pipelines.publish.xlsx_jobs import Pending, start_process

KIT = "kit-partenaire"
# What the partner kit is made from (pipelines/kit/reference.py), with the code.
KIT_TABLES = ("ref.contrat", "ref.partenaires", "ref.actions", "ref.qpv")
BACKGROUND_FROM_PARTNERS = 20  # fewer: built in place, where a worker would cost more


def count_partner_kit(reference: KitReference, folder: Path, site_dir: Path) -> int:
    """build_partner_kit on a worker process; returns the number of files written."""
    return len(build_partner_kit(reference, folder, site_dir=site_dir))


class KitOutput:
    """`build` links, builds, or starts building the kit; `finish` waits for the latter.
    `background` is shared with the other builders, which cancel it when they fail."""

    def __init__(self, con: duckdb.DuckDBPyConnection, background: list[Pending], site: str):
        self.con, self.background, self.site = con, background, site
        self.inputs, self.generation, self.pending = "", "", None

    def build(self, folder: Path, generation: Path) -> dict:
        self.inputs = freshness.tables_fingerprint(self.con, KIT_TABLES)
        self.generation = generation.name
        previous = current_generation(generation.parent.parent)
        built = freshness.last_build(self.con, KIT, self.inputs)
        if previous is not None and (built or {}).get("generation") == previous.name:
            # the reference has not changed since the kit in force: the same files, linked
            # (and recorded as this generation's, for the next publication to link them)
            linked = link_tree(previous / KIT, folder)
            self._record()
            return {"fichiers": linked, "reconstruit": 0}
        reference = kit_reference(self.con)
        # per partner: XLSX templates and the partner guide, linked to this generation's site
        site_dir = generation / self.site
        if reference.partenaires.height < BACKGROUND_FROM_PARTNERS:
            written = build_partner_kit(reference, folder, site_dir=site_dir)
            self._record()
            return {"fichiers": len(written)}
        self.pending = start_process(count_partner_kit, reference, folder, site_dir)
        self.background.append(self.pending)
        return {}

    def finish(self) -> dict:
        if self.pending is None:
            return {}
        (written,) = self.pending.wait()
        self.pending = None
        self._record()
        return {"fichiers": written}

    def _record(self) -> None:
        freshness.record(self.con, KIT, self.inputs, {"generation": self.generation})
