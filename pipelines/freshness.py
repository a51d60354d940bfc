"""Skip a stage whose inputs and code are those of its last build.

A rerun with nothing new would otherwise recompute the indicators and rebuild the site,
the downloads and the reports, identical, every time. Each stage after the rows in force
records the fingerprint of what it was built from: the file log (every received file,
its status and version in force), the rows in force (ingest.staging_state), the reference
tables (reporting calendar included) and the code that computes and renders (indicators/,
dashboards/, pipelines/). The fingerprint is recorded only after a build succeeded, so a
failed or killed build is always redone.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

REPO = Path(__file__).resolve().parents[1]
CODE_DIRS = ("indicators", "dashboards", "pipelines")
CODE_SUFFIXES = {".py", ".sql", ".js", ".css", ".html", ".j2", ".jinja", ".yaml", ".json"}
# The officer's reference tables; (v2) the reporting calendar: date_arrete (resolved, so
# "today" moves it) and rhythms.
REF_TABLES = (
    "ref.contrat", "ref.actions", "ref.partenaires", "ref.qpv", "ref.cibles",
    "ref.calendrier", "ref.rythmes",
)  # fmt: skip


def _table_text(table: str) -> str:
    """SQL: the whole content of `table` as one text, in a fixed order."""
    return f"(SELECT string_agg(t::VARCHAR, ';' ORDER BY t::VARCHAR) FROM {table} AS t)"


INPUTS_SQL = f"""
SELECT md5(concat_ws('|',
    (SELECT string_agg(f::VARCHAR, ';' ORDER BY file_id) FROM ingest.files AS f),
    (SELECT count(*) FROM ingest.rejections),
    (SELECT count(*) FROM ingest.warnings),
    (SELECT max(inputs) FROM ingest.staging_state),
    {", ".join(_table_text(table) for table in REF_TABLES)},
    ?))
"""


@cache
def code_fingerprint() -> str:
    """sha256 of the source files that compute and render the outputs."""
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, extra: str = "") -> str:
    """What every stage after the rows in force is built from; `extra` for a stage's own
    settings (e.g. an output folder)."""
    rows = con.execute(INPUTS_SQL, [code_fingerprint() + extra]).fetchall()
    return rows[0][0]


def tables_fingerprint(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> str:
    """What an output built from these tables only (and the code) is built from."""
    sql = f"SELECT md5(concat_ws('|', {', '.join(map(_table_text, tables))}, ?))"
    return con.execute(sql, [code_fingerprint()]).fetchall()[0][0]


def last_build(
    con: duckdb.DuckDBPyConnection, step: str, inputs: str, *outputs: Path
) -> dict | None:
    """What the last build of `step` reported (its facts), when it was built from `inputs`
    and its output files still exist; None when it must be built."""
    rows = con.execute(
        "SELECT inputs, facts FROM ingest.build_state WHERE step = ?", [step]
    ).fetchall()
    if not rows or rows[0][0] != inputs or not all(Path(p).exists() for p in outputs):
        return None
    return json.loads(rows[0][1] or "{}")


def last_facts(con: duckdb.DuckDBPyConnection, step: str) -> dict | None:
    """The facts of the last build of `step`, whatever it was built from."""
    rows = con.execute("SELECT facts FROM ingest.build_state WHERE step = ?", [step]).fetchall()
    return json.loads(rows[0][0] or "{}") if rows else None


def record(
    con: duckdb.DuckDBPyConnection, step: str, inputs: str, facts: dict | None = None
) -> None:
    """`step` was built from `inputs`; `facts` (JSON numbers and text) are shown again when
    a later run skips it."""
    con.execute(
        "INSERT OR REPLACE INTO ingest.build_state VALUES (?, ?, now()::TIMESTAMP, ?)",
        [step, inputs, json.dumps(facts or {})],
    )


def rendering_key(*parts) -> str:
    """What every output rendered from `parts` shares: them, the code that renders and the
    polars version (its row hashes, digests_by, are stable within a version only)."""
    return repr((parts, code_fingerprint(), pl.__version__))


def digests_by(frame: pl.DataFrame, key: str | list[str]) -> dict:
    """key value (a tuple for several columns) -> digest of its rows' other columns, in
    order, for every key at once. Polars' row hash is stable within a polars version only:
    a key built on these digests holds pl.__version__."""
    if not frame.height:
        return {}
    columns = [key] if isinstance(key, str) else key
    hashed = frame.select(*columns, pl.Series("h", frame.drop(columns).hash_rows(seed=0)))
    groups = hashed.group_by(columns, maintain_order=True).agg("h")
    return {
        (row[0] if isinstance(key, str) else row[:-1]): hashlib.sha256(
            ",".join(map(str, row[-1])).encode()
        ).hexdigest()
        for row in groups.iter_rows()
    }
