"""The chart blocks of the scope pages, kept from the site in force for the next one.

A scope page's charts and their tables are most of the site's rendering (a big city's 2,000
scopes: about 3 of its 4 CPU-s). They are made from the scope's published rows, the years,
periods, labels and units (sections.ChartData: all that group_block may read besides the
cells), the scope's label and type, and the code. After one partner resubmits one file,
the rows of most scopes are the same, so their blocks are taken as they were rendered by
the previous publication instead of being rendered again. The page around them is always
rendered (its vintage, navigation and facts change with any file).

The blocks of a build are written beside its generation's outputs (BLOCKS_FILE, not
published); a generation is in force only once every output was built, so the blocks read
back are those of a complete site.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import plotly
import polars as pl
from markupsafe import Markup

from dashboards.sections import ChartData
from pipelines import freshness

BLOCKS_FILE = ".blocs-site.parquet"  # in publish/.generations/<generation>/
SCHEMA = {"cle": pl.String, "blocs": pl.List(pl.String)}


class BlockCache:
    """key -> the HTML of a scope's chart blocks: `previous` from the site in force,
    `built` for this one."""

    def __init__(self, previous: dict[str, list[str]] | None = None):
        self.previous = previous or {}
        self.built: dict[str, list[str]] = {}
        self.reused = 0

    @classmethod
    def read(cls, generation: Path | None) -> BlockCache:
        path = None if generation is None else generation / BLOCKS_FILE
        if path is None or not path.is_file():
            return cls()
        try:
            frame = pl.read_parquet(path).select(*SCHEMA).cast(SCHEMA)
        except (OSError, pl.exceptions.PolarsError):
            return cls()  # unreadable (damaged, older layout): every block is rendered
        return cls(dict(zip(frame["cle"].to_list(), frame["blocs"].to_list(), strict=True)))

    def write(self, generation: Path) -> None:
        path = generation / BLOCKS_FILE
        tmp = path.with_name(path.name + ".tmp")
        frame = pl.DataFrame(
            {"cle": list(self.built), "blocs": list(self.built.values())}, schema=SCHEMA
        )
        frame.write_parquet(tmp)
        os.replace(tmp, path)

    def blocks(self, key: str, render: Callable[[], list[str]]) -> list[Markup]:
        """The blocks of `key`, taken from the site in force or rendered."""
        html = self.previous.get(key)
        if html is None:
            html = render()
        else:
            self.reused += 1
        self.built[key] = html
        return [Markup(h) for h in html]


def shared_key(chart_data: ChartData) -> str:
    """What every scope's blocks share: ChartData, the code and the libraries that draw."""
    fields = json.dumps(asdict(chart_data), default=sorted, sort_keys=True, ensure_ascii=False)
    return freshness.rendering_key(fields, plotly.__version__)


def scope_digests(rows: pl.DataFrame) -> dict[tuple[str, str], str]:
    """(perimetre_type, perimetre_code) -> digest of the scope's published rows, in order,
    for every scope at once (shared_key holds the polars version)."""
    return freshness.digests_by(rows, ["perimetre_type", "perimetre_code"])


def scope_key(shared: str, scope_type: str, scope_label: str, digest: str) -> str:
    text = json.dumps([shared, scope_type, scope_label, digest], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
