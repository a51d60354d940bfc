"""Validation reports for partners (French): one page per received file, plus an overview.

<out_dir>/<file_id>.html         status, counts, version in force, rejected rows, warnings
<out_dir>/<file_id>-rejets.csv   rejected rows for French Excel (';', UTF-8 BOM, no formulas)
<out_dir>/index.html             files of the run, then every file ever received (newest first)
The pages share the site's templates (pipelines/ingest/report_html.py) and link to the site.
The folder is built aside and swapped in whole (old one renamed aside, new one renamed in,
old one deleted), so a reader never sees it half-written. `out_dir` must be dedicated to
these reports: it is replaced.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from dashboards import suivi
from pipelines.fsutil import staged_dir
from pipelines.ingest.report_html import ISSUE_HEADERS, Layout, file_page, index_page
from pipelines.ingest.report_reuse import ReportReuse, rows_by_file, shared_key
from pipelines.publish.relances import reminder_texts
from pipelines.publish.xlsx_jobs import Pending, start_process
from pipelines.safe_text import neutralise_frame
from pipelines.settings import publish_dirs
from pipelines.warehouse import as_frame

FILES_SQL = """
SELECT f.*, p.nom AS nom_partenaire,
       cur.source_path AS vigueur_source, cur.received_at AS vigueur_recu,
       coalesce(w.n, 0) AS n_avertissements
FROM ingest.files AS f
LEFT JOIN ref.partenaires AS p ON p.code_partenaire = f.code_partenaire
LEFT JOIN ingest.files AS cur
    ON cur.in_force AND cur.code_partenaire = f.code_partenaire
    AND cur.periode = f.periode AND cur.kind = f.kind
LEFT JOIN (SELECT file_id, avertissements AS n FROM staging.file_warning_counts) AS w
    ON w.file_id = f.file_id
ORDER BY f.arrival_seq DESC
"""
# A big city's 1,098 pages took 5 CPU-s, all in the publishing process while its other
# outputs waited; from this many pages to render, a publication renders them on a worker.
PAGES_ON_A_WORKER = 200
# a page to render: its name, its file's log row, rejected rows, warnings, its CSV's name
Page = tuple[str, dict, pl.DataFrame, pl.DataFrame, str]


def write_validation_index(
    con: duckdb.DuckDBPyConnection, out_dir: Path, run_id: str | None = None
) -> Path:
    """Rewrite only index.html (atomically): a run that received nothing new keeps every
    file's page, but the overview names the latest run."""
    files = as_frame(con.sql(FILES_SQL))
    target = Path(out_dir) / "index.html"
    tmp = target.with_name(".index.html.tmp")
    tmp.write_text(index_page(_layout(con, Path(out_dir), None), files, run_id), encoding="utf-8")
    os.replace(tmp, target)
    return target


def write_validation_reports(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    run_id: str | None = None,
    site_dir: Path | None = None,
    reuse: ReportReuse | None = None,
    background: list[Pending] | None = None,
) -> list[Path]:
    """Write every file's report and index.html; `run_id` defaults to the latest run;
    `site_dir` (linked from every page) defaults to the site's folder beside `out_dir`, as
    settings.publish_dirs lays out publish/ (also inside a folder built aside). With
    `reuse`, a page whose inputs are those of the reports in force is linked from them.
    With `background` (a publication, whose generation nobody reads before its switch),
    many pages are rendered on a worker process, written into `out_dir` meanwhile; the
    caller waits for what it appends to `background`."""
    out_dir = Path(out_dir)
    layout = _layout(con, out_dir, site_dir)
    files = as_frame(con.sql(FILES_SQL))
    if run_id is None and files.height:
        run_id = files.get_column("run_id")[0]
    all_rejections = _issues(con, "ingest.rejections")
    all_warnings = _issues(con, "staging.file_warnings")  # cross-file ones included
    rejections, warnings = _by_file(all_rejections), _by_file(all_warnings)
    if reuse is not None:
        digests = rows_by_file(all_rejections), rows_by_file(all_warnings)
    empty = _issues(con, "ingest.rejections", limit=0).drop("file_id")
    # the CSV files' rows, neutralised in one pass; a file without rows gets the same header
    csv_rejections, csv_warnings = _csv_rows(all_rejections), _csv_rows(all_warnings)
    empty_csv = _csv_bytes(empty.select(list(ISSUE_HEADERS)).rename(ISSUE_HEADERS))
    written: list[str] = []
    pages: list[Page] = []
    shared = shared_key(layout)
    with _written_into(out_dir, in_place=background is not None) as build:
        for row in files.iter_rows(named=True):
            file_id = row["file_id"]
            rejected = rejections.get(file_id, empty)
            warned = warnings.get(file_id, empty)
            page_name, csv_name = f"{file_id}.html", f"{file_id}-rejets.csv"
            names = [page_name, csv_name]
            if warned.height:
                names.append(f"{file_id}-avertissements.csv")
            written += names
            if reuse is not None:
                key = reuse.key(shared, row, *(d.get(file_id, "") for d in digests))
                if reuse.link(file_id, key, names, build):
                    continue
            rows_csv = csv_rejections.get(file_id)
            (build / csv_name).write_bytes(empty_csv if rows_csv is None else _csv_bytes(rows_csv))
            if warned.height:
                (build / names[2]).write_bytes(_csv_bytes(csv_warnings[file_id]))
            pages.append((page_name, row, rejected, warned, csv_name))
        if background is not None and len(pages) >= PAGES_ON_A_WORKER:
            background.append(start_process(write_pages, layout, pages, build))
        else:
            write_pages(layout, pages, build)
        (build / "index.html").write_text(index_page(layout, files, run_id), encoding="utf-8")
        written.append("index.html")
        # (v2) the report follow-up, beside the reports it links to (data contract section 6)
        (build / suivi.SITE_PATH).write_text(
            suivi.report_side_page(con, layout, reminder_texts(con)), encoding="utf-8"
        )
        written.append(suivi.SITE_PATH)
    return [out_dir / name for name in written]


@contextmanager
def _written_into(out_dir: Path, in_place: bool) -> Iterator[Path]:
    """A folder built aside and swapped in whole (staged_dir), or `out_dir` itself, a
    folder of a generation that is not switched in yet."""
    if not in_place:
        with staged_dir(out_dir) as build:
            yield build
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    yield out_dir


def write_pages(layout: Layout, pages: list[Page], folder: Path) -> int:
    """Render and write the files' pages (on a worker process for a big publication)."""
    for page_name, row, rejected, warned, csv_name in pages:
        (folder / page_name).write_text(
            file_page(layout, row, rejected, warned, csv_name), encoding="utf-8"
        )
    return len(pages)


def _layout(con: duckdb.DuckDBPyConnection, out_dir: Path, site_dir: Path | None) -> Layout:
    if site_dir is None:
        site_dir = out_dir.parent / publish_dirs(Path())["site"].name
    libelle = con.sql("SELECT any_value(libelle) FROM ref.contrat").fetchall()[0][0]
    return Layout.between(out_dir, site_dir, libelle)


def _issues(
    con: duckdb.DuckDBPyConnection, table_name: str, limit: int | None = None
) -> pl.DataFrame:
    return con.sql(
        f"SELECT file_id, row_number, colonne, valeur, regle, message FROM {table_name} "
        "ORDER BY file_id, row_number NULLS FIRST, colonne, regle"
        + ("" if limit is None else f" LIMIT {int(limit)}")
    ).pl()


def _by_file(issues: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """One frame per file, split in a single pass (not one filter per file ever received)."""
    parts = issues.partition_by("file_id", as_dict=True, include_key=False)
    return {key[0]: frame for key, frame in parts.items()}


def _csv_rows(issues: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Each file's issues as its CSV file shows them, for French Excel: French headers, and
    text that Excel would run as a formula gets a '. One vectorised pass, then split."""
    shown = neutralise_frame(issues.select(list(ISSUE_HEADERS))).rename(ISSUE_HEADERS)
    return _by_file(pl.concat([issues.select("file_id"), shown], how="horizontal"))


def _csv_bytes(rows: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    rows.write_csv(out, separator=";", include_bom=True)
    return out.getvalue()
