"""Rendering of the validation reports with the site's template set (dashboards/templates):
same layout, header, navigation and style as the site, and links back to it.

Every value that may come from a partner file is escaped by the templates' autoescape.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from dashboards import nav
from dashboards.render import render
from pipelines.contract import CONTRACT

STATUS_LABELS = {
    "accepte": "Accepté",
    "refuse": "Refusé",
    "identique": "Identique à la version en vigueur",
}
KIND_LABELS = {name: kind.label for name, kind in CONTRACT.kinds.items()}
# French meaning of each rule code, as the contract declares it (legend under the tables)
RULE_LABELS = {code: rule.label for code, rule in CONTRACT.rules.items()}
ISSUE_HEADERS = {
    "row_number": "Ligne",
    "colonne": "Colonne",
    "valeur": "Valeur reçue",
    "regle": "Règle",
    "message": "Message",
}
COUNTS = (
    ("Lignes lues", "rows_read"),
    ("Lignes acceptées", "rows_accepted"),
    ("Lignes rejetées", "rows_rejected"),
    ("Lignes ignorées (lignes « Total »)", "rows_ignored"),
    ("Avertissements", "n_avertissements"),
)
OVERVIEW_HEADERS = {
    "source_path": "Fichier",
    "code_partenaire": "Partenaire",
    "periode": "Période",
    "type": "Type",
    "recu": "Reçu le",
    "statut": "Statut",
    "vigueur": "En vigueur",
    "rows_read": "Lues",
    "rows_accepted": "Acceptées",
    "rows_rejected": "Rejetées",
    "rows_ignored": "Ignorées",
    "n_avertissements": "Avertissements",
}
_NUMERIC = ("rows_read", "rows_accepted", "rows_rejected", "rows_ignored", "n_avertissements")
MAX_HTML_ROWS = 500  # beyond this, the page shows the first rows and points to the CSV


@dataclass(frozen=True)
class Layout:
    """What every report page shares with the site: its title and its navigation."""

    site_title: str
    to_site: str  # from the reports folder to the site root, e.g. '../tableaux-de-bord/'
    reports_index: str  # the reports' index from the site root, e.g. '../rapports/index.html'

    @classmethod
    def between(cls, reports_dir: Path, site_dir: Path, libelle: str | None) -> Layout:
        """Relative links both ways, so that publish/ works offline wherever it is copied."""
        to_site = Path(os.path.relpath(Path(site_dir).resolve(), Path(reports_dir).resolve()))
        back = Path(os.path.relpath(Path(reports_dir).resolve(), Path(site_dir).resolve()))
        title = libelle or nav.DEFAULT_SITE_TITLE
        return cls(title, to_site.as_posix() + "/", (back / "index.html").as_posix())

    def context(self, title: str, current: str) -> dict:
        menu = nav.resolve(
            to_site=self.to_site, current=current, scopes=None, reports=self.reports_index
        )
        return {
            "title": title, "site_title": self.site_title, "nav": menu,
            "to_site": self.to_site, "site_index": self.to_site + "index.html",
            "inline_css": True, "charts": False,
        }  # fmt: skip


def file_page(
    layout: Layout, row: dict, rejected: pl.DataFrame, warned: pl.DataFrame, csv_name: str
) -> str:
    name = Path(row["source_path"]).name
    return render(
        "report_file.html",
        **layout.context(f"Rapport de validation — {name}", current=""),
        name=name, f=row, rejected=rejected, warned=warned, csv_name=csv_name,
        warnings_csv_name=csv_name.replace("-rejets.csv", "-avertissements.csv"),
        counts=COUNTS, kind_labels=KIND_LABELS, status_labels=STATUS_LABELS,
        issue_headers=ISSUE_HEADERS, max_rows=MAX_HTML_ROWS, rule_labels=RULE_LABELS,
    )  # fmt: skip


def _overview(files: pl.DataFrame) -> pl.DataFrame:
    """The overview's text columns, computed by polars for every file at once."""
    return files.with_columns(
        (pl.col("file_id") + ".html").alias("page"),
        pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind")).alias("type"),
        pl.col("received_at").dt.strftime("%d/%m/%Y %H:%M").alias("recu"),
        pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")).alias("statut"),
        pl.when(pl.col("in_force")).then(pl.lit("oui")).otherwise(pl.lit("non")).alias("vigueur"),
    )


def index_page(layout: Layout, files: pl.DataFrame, run_id: str | None) -> str:
    overview = _overview(files)
    of_run = overview.filter(pl.col("run_id") == (run_id or "")).sort("arrival_seq")
    columns = [*OVERVIEW_HEADERS, "page"]
    return render(
        "report_index.html",
        **layout.context("Rapports de validation", current=layout.reports_index),
        generated=datetime.now(), run_id=run_id,
        of_run=of_run.select(columns).to_dicts(), every=overview.select(columns).to_dicts(),
        columns=OVERVIEW_HEADERS, numeric=_NUMERIC, links={"source_path": "page"},
    )  # fmt: skip
