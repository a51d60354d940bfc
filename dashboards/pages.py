"""The site's pages: synthesis, one page per scope, downloads, methodology.

A page is one template (templates/<name>.html, extending site_page.html) and one small
function here that gathers its data; see dashboards/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboards import nav
from dashboards.cells import Cell, Table
from dashboards.data import PILIER_LABELS, SCOPE_TYPE_LABELS, SCOPE_TYPES, Scope, SiteData
from dashboards.format import format_date, format_number, format_size
from dashboards.render import render
from dashboards.sections import (
    GROUPS,
    Cells,
    breakdown_block,
    group_block,
    key_indicator_block,
    midterm_table,
    period_label,
    synthesis_table,
)
from dashboards.texts import methodology_context
from indicators.registry import INDICATEURS, UNIT_LABELS

# Shown on the synthesis even without a target; indicators with a contract target are added.
DEFAULT_KEY_INDICATORS = (
    "beneficiaires_uniques", "nouveaux_entrants", "part_residents_qpv", "part_non_inscrits_ft",
    "taux_assiduite", "taux_sorties_positives", "financement_total", "part_pluriannuel",
)  # fmt: skip
BREAKDOWNS = (
    ("beneficiaires_uniques", "sexe"),
    ("beneficiaires_uniques", "tranche_age"),
    ("taux_sorties_positives", "sexe"),
    ("taux_sorties_positives", "tranche_age"),
)
DOWNLOAD_KINDS = {
    ".csv": "CSV pour Excel (séparateur « ; », virgule décimale, UTF-8)",
    ".xlsx": "Classeur Excel avec une feuille de définitions",
    ".parquet": "Parquet (pour les outils d'analyse de données)",
}


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root
    html: str
    charts: int


class SiteContext:
    """What every page shares: data, navigation, footer and per-scope cells."""

    def __init__(self, data: SiteData, reports_href: str | None):
        self.data = data
        self.reports_href = reports_href
        self.title = data.contrat.get("libelle") or nav.DEFAULT_SITE_TITLE
        parts = data.rows.partition_by("perimetre_type", "perimetre_code", as_dict=True)
        self.cells = {key: Cells(df) for key, df in parts.items()}

    def cells_of(self, scope: Scope) -> Cells:
        return self.cells.get((scope.type, scope.code)) or Cells(self.data.rows.clear())

    def render(
        self, template: str, path: str, title: str, charts: int = 0, **context: object
    ) -> Page:
        """One page from templates/<template>; `path` is relative to the site root;
        `charts`: how many Plotly charts it draws (plotly.js is loaded only when some)."""
        to_site = "../" * path.count("/")
        menu = nav.resolve(
            to_site=to_site, current=path, scopes=self.data.scopes, reports=self.reports_href
        )
        html = render(
            template, title=title, site_title=self.title, nav=menu, to_site=to_site,
            charts=charts > 0, millesime=self.data.millesime,
            date_reception_max=self.data.date_reception_max, **context,
        )  # fmt: skip
        return Page(path, html, charts)


def _vintage(d: SiteData) -> str:
    years = f"de {d.years[0]} à {d.years[-1]}" if d.years else "sans année de données"
    text = f"Période couverte : {years}, plus le cumul depuis le début du contrat."
    text += f" Millésime des données : {d.millesime or 'non renseigné'}."
    if d.date_reception_max is not None:
        text += f" Dernières données reçues le {format_date(d.date_reception_max)}."
    return text


def _midterm(ctx: SiteContext, scope: Scope) -> Table | None:
    d = ctx.data
    mid = d.midterm.filter(
        (pl.col("perimetre_type") == scope.type) & (pl.col("perimetre_code") == scope.code)
    )
    return midterm_table(d, mid, scope.label)


def key_indicators(cells: Cells) -> list[str]:
    targeted = {k[0] for k, r in cells.by_key.items() if r.get("valeur_cible") is not None}
    wanted = set(DEFAULT_KEY_INDICATORS) | targeted
    return [i.code for i in INDICATEURS if i.code in wanted and i.code in cells.codes]


def index_page(ctx: SiteContext) -> Page:
    d = ctx.data
    contrat = d.scopes["contrat"][0] if d.scopes["contrat"] else None
    if contrat is None:
        return ctx.render("index.html", "index.html", "Synthèse", vintage=_vintage(d), contrat=None)
    cells = ctx.cells_of(contrat)
    codes = key_indicators(cells)
    blocks = [key_indicator_block(d, cells, c) for c in codes]
    return ctx.render(
        "index.html", "index.html", "Synthèse", charts=len(blocks), vintage=_vintage(d),
        contrat=contrat, synthesis=synthesis_table(d, cells, codes),
        midterm=_midterm(ctx, contrat), date_mi=d.contrat.get("date_mi_parcours"), blocks=blocks,
    )  # fmt: skip


@dataclass(frozen=True)
class Fact:
    """One line of a scope page's facts: a code, a text, one link or a list of links."""

    term: str
    text: str = ""
    code: bool = False
    links: tuple[tuple[str, str], ...] = ()  # (label, href relative to the page)
    as_list: bool = False


def _scope_facts(ctx: SiteContext, scope: Scope) -> list[Fact]:
    """Links between scopes (a partner's actions, an action's partner and pillar...)."""
    d, root = ctx.data, "../"
    by = {t: {s.code: s for s in d.scopes[t]} for t in SCOPE_TYPES}
    facts = [Fact("Code", scope.code, code=True)]
    acts = d.actions
    if scope.type == "action":
        row = acts.filter(pl.col("code_action") == scope.code)
        if row.height:
            partner, pilier = row["code_partenaire"][0], row["pilier"][0]
            for t, code, word in (
                ("partenaire", partner, "Partenaire"),
                ("pilier", pilier, "Pilier"),
            ):
                s = by[t].get(code)
                label = s.label if s else PILIER_LABELS.get(code, code)
                facts.append(Fact(word, label, links=((label, root + s.path),) if s else ()))
    elif scope.type in ("partenaire", "pilier"):
        col = "code_partenaire" if scope.type == "partenaire" else "pilier"
        codes = acts.filter(pl.col(col) == scope.code)["code_action"].to_list()
        linked = [by["action"][c] for c in codes if c in by["action"]]
        links = tuple((s.label, root + s.path) for s in linked)
        facts.append(Fact("Actions", links=links, as_list=True))
    elif scope.type == "qpv":
        row = d.qpv.filter(pl.col("code_qpv") == scope.code)
        if row.height:
            facts.append(Fact("Commune", row["commune"][0] or ""))
            pop = row["population"][0]
            if pop is not None:
                facts.append(Fact("Population", f"{format_number(pop)} habitants"))
    return facts


def scope_page(ctx: SiteContext, scope: Scope) -> Page:
    d = ctx.data
    cells = ctx.cells_of(scope)
    groups = [b for g in GROUPS if (b := group_block(d, cells, g, scope.label, scope.type))]
    breakdowns = []
    if scope.type == "contrat":
        breakdowns = [b for c, v in BREAKDOWNS if (b := breakdown_block(d, cells, c, v, "vent"))]
    title = f"{SCOPE_TYPE_LABELS[scope.type][0]} : {scope.label}"
    return ctx.render(
        "scope.html", scope.path, title, charts=len(groups) + len(breakdowns),
        facts=_scope_facts(ctx, scope), vintage=_vintage(d), midterm=_midterm(ctx, scope),
        groups=groups, breakdowns=breakdowns,
    )  # fmt: skip


def downloads_page(ctx: SiteContext, files: list[tuple[str, int]]) -> Page:
    """`files`: (path relative to the site root, size in bytes) of the copied downloads."""
    listing = None
    if files:
        rows = [
            [
                Cell(Path(p).name, kind="download", href=p),
                Cell(DOWNLOAD_KINDS.get(Path(p).suffix.lower(), "Fichier")),
                Cell(format_size(size), css="num"),
            ]
            for p, size in files
        ]
        listing = Table("Fichiers à télécharger", ["Fichier", "Format", "Taille"], rows)
    defs = [
        [
            Cell(i.libelle), Cell(i.code, kind="code"), Cell(i.definition),
            Cell(UNIT_LABELS.get(i.unite, i.unite)), Cell(i.numerateur),
            Cell(i.denominateur or "—"), Cell(", ".join(i.perimetres)),
        ]
        for i in INDICATEURS
    ]  # fmt: skip
    header = ["Indicateur", "Code", "Définition", "Unité", "Numérateur", "Dénominateur",
              "Périmètres"]  # fmt: skip
    definitions = Table("Définitions des indicateurs", header, defs, css="wide defs")
    return ctx.render(
        "downloads.html", "telechargements.html", "Téléchargements",
        listing=listing, definitions=definitions,
    )  # fmt: skip


def revues_page(ctx: SiteContext, revues: dict) -> Page:
    """The frozen review packs; `revues`: pipelines.revue.catalogue.revues_context()."""
    return ctx.render("revues.html", "revues.html", "Revues", **revues)


def methodology_page(ctx: SiteContext) -> Page:
    context = methodology_context(ctx.data, period_label("cumul", ctx.data.years))
    return ctx.render(
        "methodology.html", "methodologie.html", "Méthodologie",
        reports_href=ctx.reports_href, **context,
    )  # fmt: skip
