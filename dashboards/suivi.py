"""Data of the "Suivi des remontées" page (data contract v2, section 6): for each kind of
file, a partner x period matrix of marts.completude, each cell with its status in words (and
a sign, so that it reads without colour), the due date, the days late and the file whose
validation report it links to. No markup here: the template renders it.

The same page is published on the site and beside the validation reports; only the link
prefix to the reports differs (`reports_prefix`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import date

import duckdb

from indicators.completeness import STATUT_LIBELLES, STATUTS

KIND_LABELS = {
    "participants": "Participants",
    "seances": "Séances (présences)",
    "financements": "Financements",
}
# a sign beside the words: the status reads without colour (and in black and white print)
SIGNS = {
    "recu_a_temps": "✔",
    "recu_en_retard": "⏱",
    "refuse": "✖",
    "manquant": "!",
    "attendu": "…",
    "non_attendu": "+",
}
EXPLANATIONS = {
    "recu_a_temps": "premier fichier accepté reçu au plus tard à la date limite",
    "recu_en_retard": "premier fichier accepté reçu après la date limite",
    "refuse": "des fichiers sont arrivés, aucun n'a été accepté",
    "manquant": "rien reçu et la date limite est passée",
    "attendu": "rien reçu, la date limite n'est pas encore passée",
    "non_attendu": "bilan reçu qu'aucune règle n'attend (chargé comme les autres)",
}

COMPLETUDE_SQL = """
    SELECT c.code_partenaire, coalesce(p.nom, c.code_partenaire) AS nom, c.periode,
        c.type_fichier, c.debut, c.statut, c.date_limite, c.date_reception, c.jours_retard,
        c.file_id_en_vigueur
    FROM marts.completude AS c
    LEFT JOIN ref.partenaires AS p USING (code_partenaire)
    ORDER BY c.code_partenaire, c.debut, c.periode
"""


@dataclass(frozen=True)
class SuiviCell:
    statut: str
    text: str  # status in words
    sign: str
    css: str  # suivi-<statut>
    date_limite: date | None
    date_reception: date | None
    jours_retard: int | None
    href: str  # the file's validation report, relative to the page ('' when none)


@dataclass(frozen=True)
class SuiviRow:
    code_partenaire: str
    nom: str
    cells: list[SuiviCell | None]  # one per period of the matrix; None: nothing expected


@dataclass(frozen=True)
class SuiviMatrix:
    kind: str
    label: str
    periods: list[str]
    rows: list[SuiviRow]


@dataclass(frozen=True)
class Legend:
    statut: str
    text: str
    sign: str
    css: str
    explanation: str
    count: int


@dataclass(frozen=True)
class SuiviView:
    matrices: list[SuiviMatrix]
    legend: list[Legend]
    date_arrete: date | None
    delai: int | None

    @property
    def empty(self) -> bool:
        return not any(m.rows for m in self.matrices)


def _period_key(periode: str) -> tuple[int, int]:
    """2025-S1 < 2025-S2 < 2025 < 2026-S1, as the contract orders reports."""
    year, _, half = periode.partition("-S")
    return int(year), int(half) if half else 3


def load_suivi(con: duckdb.DuckDBPyConnection, reports_prefix: str | None) -> SuiviView:
    """`reports_prefix`: path from the page to the validation reports' folder ('' beside
    them, e.g. '../rapports/' from the site), or None when there are no reports to link."""
    rows = con.sql(COMPLETUDE_SQL).fetchall()
    settings = con.execute("SELECT max(date_arrete), max(delai_remontee_jours) FROM ref.calendrier")
    date_arrete, delai = settings.fetchall()[0]
    matrices = []
    for kind, label in KIND_LABELS.items():
        mine = [r for r in rows if r[3] == kind]
        periods = sorted({r[2] for r in mine}, key=_period_key)
        by_partner: dict[str, tuple[str, dict[str, SuiviCell]]] = {}
        for code, nom, periode, _k, _d, statut, limite, recu, retard, file_id in mine:
            href = (
                f"{reports_prefix}{file_id}.html" if file_id and reports_prefix is not None else ""
            )
            cell = SuiviCell(
                statut,
                STATUT_LIBELLES[statut],
                SIGNS[statut],
                f"suivi-{statut.replace('_', '-')}",
                limite,
                recu,
                retard,
                href,
            )
            by_partner.setdefault(code, (nom, {}))[1][periode] = cell
        matrix_rows = [
            SuiviRow(code, nom, [cells.get(p) for p in periods])
            for code, (nom, cells) in sorted(by_partner.items())
        ]
        matrices.append(SuiviMatrix(kind, label, periods, matrix_rows))
    counts = {s: sum(1 for r in rows if r[5] == s) for s in STATUTS}
    legend = [
        Legend(
            s,
            STATUT_LIBELLES[s],
            SIGNS[s],
            f"suivi-{s.replace('_', '-')}",
            EXPLANATIONS[s],
            counts[s],
        )
        for s in STATUTS
    ]
    return SuiviView(matrices, legend, date_arrete, delai)


SITE_PATH = "suivi-remontees.html"  # on the site and in the reports' folder alike
TITLE = "Suivi des remontées"


def reports_prefix(reports_href: str | None) -> str | None:
    """From a page at the site root to the reports' folder ('../rapports/index.html' ->
    '../rapports/'), or None when the site has no reports."""
    if not reports_href:
        return None
    return posixpath.dirname(reports_href) + "/" if "/" in reports_href else ""


def report_side_page(con: duckdb.DuckDBPyConnection, layout, relances: dict[str, str]) -> str:
    """The page written beside the validation reports (pipelines/ingest/reports.py), with
    the reminder texts to paste into e-mails; `layout`: report_html.Layout."""
    from dashboards.render import render

    return render(
        "report_suivi.html",
        **layout.context(TITLE, current=""),
        suivi=load_suivi(con, ""),
        relances=sorted(relances.items()),
    )


def site_page(ctx, con: duckdb.DuckDBPyConnection):
    """The site's page (`ctx`: pages.SiteContext); cells link to the reports beside the site."""
    view = load_suivi(con, reports_prefix(ctx.reports_href))
    return ctx.render("suivi.html", SITE_PATH, TITLE, suivi=view)
