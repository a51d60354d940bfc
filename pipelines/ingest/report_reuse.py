"""A file's validation report is linked from the publication in force when nothing it is
made from changed.

A report page is rendered from its file's log row (status, counts, version in force,
warnings count), the file's rejected rows, its warnings (cross-file ones too, which move
when another file of the same action changes), the shared layout and the code. After one
partner resubmits one file, the other thousand pages of a big city's contract are the
same: linking them (hard links, fsutil.link_or_copy) instead of rendering saves most of
the reports' 6 CPU-s. Each page's key is a digest of all of that; the keys of a build are
recorded with the generation it was built in, so a publication that failed after building
its reports never makes them reusable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import freshness
from pipelines.fsutil import link_or_copy

STEP = "rapports_pages"


@dataclass
class ReportReuse:
    """`folder`: the reports in force, whose pages have the `keys` (file_id -> key)."""

    folder: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    built: dict[str, str] = field(default_factory=dict)  # this build's keys
    linked: int = 0

    @classmethod
    def since(cls, con, previous_generation: Path | None, folder_name: str) -> ReportReuse:
        facts = freshness.last_facts(con, STEP) or {}
        if previous_generation is None or facts.get("generation") != previous_generation.name:
            return cls()
        return cls(previous_generation / folder_name, facts.get("pages", {}))

    def record(self, con, generation: Path) -> None:
        freshness.record(con, STEP, "", {"generation": generation.name, "pages": self.built})

    def key(self, shared: str, row: dict, *rows_digests: str) -> str:
        """A page's key: what it shares with every page, its file's log row, and the
        digests of its rejected rows and warnings (rows_by_file)."""
        digest = hashlib.sha256(shared.encode())
        digest.update(json.dumps(row, default=str, sort_keys=True).encode())
        for rows in rows_digests:
            digest.update(b"|" + rows.encode())
        return digest.hexdigest()

    def link(self, file_id: str, key: str, names: list[str], build: Path) -> bool:
        """Link the page and its CSV files from the reports in force, when its key is the
        same; False when it must be rendered."""
        self.built[file_id] = key
        if self.folder is None or self.keys.get(file_id) != key:
            return False
        sources = [self.folder / name for name in names]
        if not all(source.is_file() for source in sources):
            return False
        for source in sources:
            link_or_copy(str(source), str(build / source.name))
        self.linked += 1
        return True


def rows_by_file(issues: pl.DataFrame) -> dict[str, str]:
    """file_id -> digest of its rows of `issues`, in order, computed for every file at
    once (shared_key holds the polars version)."""
    return freshness.digests_by(issues, "file_id")


def shared_key(*parts) -> str:
    """What every page shares: the layout and the code that renders it."""
    return freshness.rendering_key(*parts)
