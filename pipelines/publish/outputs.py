"""The outputs of one publication, in build order (a later one may read an earlier one).

To add an output (e.g. `publish/relances/`): write a function `(con, folder, generation)`
that fills `folder` (empty, already created) and returns a small metadata dict, and add
`Builder("relances", …)` to the list in `builders()`. It is then built, switched in and
cleaned up with the others (pipelines/publish/generation.py); its public path
`publish/relances` appears at the first publication. Never name one `revues`: that
folder belongs to the review-pack job and a publication must not touch it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dashboards.site import relative_reports_href, write_site
from pipelines import freshness
from pipelines.fsutil import link_tree
from pipelines.ingest.report_reuse import ReportReuse
from pipelines.ingest.reports import write_validation_reports
from pipelines.kit import build_partner_kit
from pipelines.publish.generation import Builder, current_generation
from pipelines.publish.relances import write_relances
from pipelines.publish.tables import export_tables
from pipelines.publish.xlsx_jobs import Pending

DOWNLOADS, REPORTS, SITE = "telechargements", "rapports", "tableaux-de-bord"
KIT = "kit-partenaire"
RELANCES = "relances"  # (v2) reminder list and texts (data contract section 6)
# What the partner kit is made from (pipelines/kit/reference.py), with the code.
KIT_TABLES = ("ref.contrat", "ref.partenaires", "ref.actions", "ref.qpv")


def builders(con: duckdb.DuckDBPyConnection, run_id: str | None) -> list[Builder]:
    # workbooks still being written by the downloads (big publications): the reports and
    # the kit are built meanwhile, the site (which links the downloads) waits for them
    deferred: list[Pending] = []

    def downloads(folder: Path, _generation: Path) -> dict:
        return {"fichiers": len(export_tables(con, folder, deferred))}

    def reports(folder: Path, generation: Path) -> dict:
        # the pages of files whose report has not changed are linked from the reports in
        # force (pipelines/ingest/report_reuse.py)
        reuse = ReportReuse.since(con, current_generation(generation.parent.parent), REPORTS)
        # write_validation_reports replaces its folder whole: give it the generation's path
        folder.rmdir()
        written = write_validation_reports(con, folder, run_id=run_id, reuse=reuse)
        reuse.record(con, generation)
        return {"pages": len(written), "pages_reprises": reuse.linked}

    def site(folder: Path, generation: Path) -> dict:
        def workbooks_written() -> None:
            for pending in deferred:
                pending.wait()

        href = relative_reports_href(generation / REPORTS, folder.resolve())
        # the review packs (publish/revues/, never touched here) are listed, not copied
        revues = generation.parent.parent / "revues"
        downloads = generation / DOWNLOADS
        # the pages that do not list the downloads are rendered while the workbooks are
        # being written
        summary = write_site(con, folder, href, downloads, revues, workbooks_written)
        return {"pages": summary.pages, "graphiques": summary.charts}

    def kit(folder: Path, generation: Path) -> dict:
        # per partner: XLSX templates and the partner guide, linked to this generation's site
        inputs = freshness.tables_fingerprint(con, KIT_TABLES)
        previous = current_generation(generation.parent.parent)
        built = freshness.last_build(con, KIT, inputs)
        if previous is not None and (built or {}).get("generation") == previous.name:
            # the reference has not changed since the kit in force: the same files, linked
            # (and recorded as this generation's, for the next publication to link them)
            linked = link_tree(previous / KIT, folder)
            freshness.record(con, KIT, inputs, {"generation": generation.name})
            return {"fichiers": linked, "reconstruit": 0}
        written = build_partner_kit(con, folder, site_dir=generation / SITE)
        freshness.record(con, KIT, inputs, {"generation": generation.name})
        return {"fichiers": len(written)}

    def relances(folder: Path, _generation: Path) -> dict:
        written = write_relances(con, folder)
        return {"partenaires_a_relancer": len(written) - 1}

    def stopping_the_workbooks(build):
        """A builder that fails while workbooks are being written stops their writing."""

        def guarded(folder: Path, generation: Path) -> dict:
            try:
                return build(folder, generation)
            except BaseException:
                for pending in deferred:
                    pending.cancel()
                raise

        return guarded

    return [
        Builder(DOWNLOADS, downloads),
        Builder(REPORTS, stopping_the_workbooks(reports)),
        Builder(KIT, stopping_the_workbooks(kit)),
        Builder(SITE, stopping_the_workbooks(site)),
        Builder(RELANCES, relances),
    ]
