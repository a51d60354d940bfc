"""The outputs of one publication, in build order (a later one may read an earlier one).

To add an output (e.g. `publish/relances/`): write a function `(con, folder, generation)`
that fills `folder` (empty, already created) and returns a small metadata dict, and add
`Builder("relances", …)` to the list in `builders()`. It is then built, switched in and
cleaned up with the others (pipelines/publish/generation.py); its public path
`publish/relances` appears at the first publication. Never name one `revues`: that
folder belongs to the review-pack job and a publication must not touch it. An output that
goes on after its function returned (on a worker process) gives `Builder(…, finish=…)`,
called before the switch (the partner kit: kit_output.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dashboards.block_cache import BlockCache
from dashboards.site import relative_reports_href, write_site
from pipelines.ingest.report_reuse import ReportReuse
from pipelines.ingest.reports import write_validation_reports
from pipelines.publish.generation import Builder, current_generation
from pipelines.publish.kit_output import KIT, KitOutput
from pipelines.publish.relances import write_relances
from pipelines.publish.tables import export_tables
from pipelines.publish.xlsx_jobs import Pending

DOWNLOADS, REPORTS, SITE = "telechargements", "rapports", "tableaux-de-bord"
RELANCES = "relances"  # (v2) reminder list and texts (data contract section 6)


def builders(con: duckdb.DuckDBPyConnection, run_id: str | None) -> list[Builder]:
    # workbooks still being written by the downloads (big publications): the reports, the
    # kit and the site's other pages are built meanwhile; the pages that list the downloads
    # wait for them. A big publication's report pages and a big partner kit are built on
    # workers too (the kit usually ahead, kit_output.py), waited for at the end.
    deferred: list[Pending] = []
    background: list[Pending] = []

    def downloads(folder: Path, _generation: Path) -> dict:
        return {"fichiers": len(export_tables(con, folder, deferred))}

    pages: list[Pending] = []  # the reports' pages rendered on a worker

    def reports(folder: Path, generation: Path) -> dict:
        # the pages of files whose report has not changed are linked from the reports in
        # force (pipelines/ingest/report_reuse.py)
        reuse = ReportReuse.since(con, current_generation(generation.parent.parent), REPORTS)
        written = write_validation_reports(
            con, folder, run_id=run_id, reuse=reuse, background=pages
        )
        background.extend(pages)
        reuse.record(con, generation)
        return {"pages": len(written), "pages_reprises": reuse.linked}

    def reports_rendered() -> dict:
        if not pages:
            return {}
        return {"pages_sur_un_processus": sum(sum(pending.wait()) for pending in pages)}

    def site(folder: Path, generation: Path) -> dict:
        def workbooks_written() -> None:
            for pending in deferred:
                pending.wait()

        href = relative_reports_href(generation / REPORTS, folder.resolve())
        # the review packs (publish/revues/, never touched here) are listed, not copied
        revues = generation.parent.parent / "revues"
        downloads = generation / DOWNLOADS
        # the pages that do not list the downloads are rendered while the workbooks are
        # being written; the scope pages' charts unchanged since the site in force are
        # taken from it (dashboards/block_cache.py)
        blocks = BlockCache.read(current_generation(generation.parent.parent))
        summary = write_site(con, folder, href, downloads, revues, workbooks_written, blocks)
        blocks.write(generation)
        return {
            "pages": summary.pages,
            "graphiques": summary.charts,
            "pages_graphiques_repris": blocks.reused,
        }

    def relances(folder: Path, _generation: Path) -> dict:
        written = write_relances(con, folder)
        return {"partenaires_a_relancer": len(written) - 1}

    def stopping_background_work(build):
        """A builder that fails while workbooks or the kit are being built elsewhere stops
        that work."""

        def guarded(folder: Path, generation: Path) -> dict:
            try:
                return build(folder, generation)
            except BaseException:
                for pending in (*deferred, *background):
                    pending.cancel()
                raise

        return guarded

    kit = KitOutput(con, background, SITE)
    return [
        Builder(DOWNLOADS, downloads),
        Builder(REPORTS, stopping_background_work(reports), finish=reports_rendered),
        Builder(KIT, stopping_background_work(kit.build), finish=kit.finish),
        Builder(SITE, stopping_background_work(site)),
        Builder(RELANCES, stopping_background_work(relances)),
    ]
