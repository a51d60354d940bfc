"""The site's pages: synthesis, one page per scope, downloads, methodology.

A page is one template (templates/<name>.html, extending site_page.html) and one small
function here that gathers its data; see dashboards/README.md.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from markupsafe import Markup

from dashboards import nav
from dashboards.block_cache import BlockCache, scope_digests, scope_key, shared_key
from dashboards.cells import Cell, Table
from dashboards.data import PILIER_LABELS, SCOPE_TYPE_LABELS, SCOPE_TYPES, Scope, SiteData
from dashboards.format import format_date, format_number, format_size
from dashboards.render import environment, render, url
from dashboards.sections import (
    GROUPS,
    Cells,
    ChartData,
    breakdown_block,
    group_block,
    key_indicator_block,
    midterm_table,
    period_label,
    provisional_note,
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


@dataclass(frozen=True)
class _Lookup:
    """ref rows by code, built once for all scope pages (not one filter per page)."""

    action: dict[str, dict]  # code_action -> its first row in ref.actions
    actions_by: dict[str, dict[str, list[str]]]  # column -> value -> code_action, in order
    qpv: dict[str, dict]

    @classmethod
    def of(cls, data: SiteData) -> _Lookup:
        actions, by = {}, {"code_partenaire": {}, "pilier": {}}
        for row in data.actions.iter_rows(named=True):
            actions.setdefault(row["code_action"], row)
            for col, codes in by.items():
                codes.setdefault(row[col], []).append(row["code_action"])
        qpv: dict[str, dict] = {}
        for row in data.qpv.iter_rows(named=True):
            qpv.setdefault(row["code_qpv"], row)
        return cls(actions, by, qpv)


class SiteContext:
    """What every page shares: data, navigation, footer and per-scope cells."""

    def __init__(self, data: SiteData, reports_href: str | None, blocks: BlockCache | None = None):
        self.data = data
        self.reports_href = reports_href
        self.title = data.contrat.get("libelle") or nav.DEFAULT_SITE_TITLE
        self.cells = Cells.by_scope(data.rows)
        self.chart_data = ChartData.of(data)
        self.blocks = blocks or BlockCache()
        self.midterm = data.midterm.partition_by("perimetre_type", "perimetre_code", as_dict=True)
        self._nav_by_depth: dict[str, str] = {}
        self.scopes_by_code = {t: {s.code: s for s in data.scopes[t]} for t in SCOPE_TYPES}
        self.lookup = _Lookup.of(data)

    def nav_html(self, to_site: str, path: str) -> Markup:
        """The navigation of the page at `path`: with hundreds of scopes it lists thousands
        of links, the same on every page of a folder but for the current one, so it is
        rendered once per folder depth and the current page's link marked in the text."""
        if to_site not in self._nav_by_depth:
            menu = nav.resolve(
                to_site=to_site, current="", scopes=self.data.scopes, reports=self.reports_href
            )
            macros = environment().get_template("macros.html").module
            self._nav_by_depth[to_site] = str(macros.nav_list(menu))
        href = html.escape(url(posixpath.normpath(to_site + path)), quote=True)
        link = f'<a href="{href}">'
        marked = f'<a href="{href}" aria-current="page">'
        return Markup(self._nav_by_depth[to_site].replace(link, marked))

    def scope_blocks(self, scope: Scope) -> list[Markup]:
        """The scope's chart blocks (GROUPS) as HTML: rendered, or taken from the site in
        force when their inputs are the same (dashboards/block_cache.py)."""

        def render_blocks() -> list[str]:
            cells, data = self.cells_of(scope), self.chart_data
            blocks = (group_block(data, cells, g, scope.label, scope.type) for g in GROUPS)
            macros = environment().get_template("macros.html").module
            return [str(macros.chart_block(b)) for b in blocks if b]

        digest = self._scope_digests.get((scope.type, scope.code), "")
        key = scope_key(self._blocks_shared, scope.type, scope.label, digest)
        return self.blocks.blocks(key, render_blocks)

    # computed on the first scope page only (a page rendered alone, revues_page_html, has none)
    @cached_property
    def _blocks_shared(self) -> str:
        return shared_key(self.chart_data)

    @cached_property
    def _scope_digests(self) -> dict[tuple[str, str], str]:
        return scope_digests(self.data.rows)

    def cells_of(self, scope: Scope) -> Cells:
        return self.cells.get((scope.type, scope.code)) or Cells()

    def render(
        self, template: str, path: str, title: str, charts: int = 0, **context: object
    ) -> Page:
        """One page from templates/<template>; `path` is relative to the site root;
        `charts`: how many Plotly charts it draws (plotly.js is loaded only when some)."""
        to_site = "../" * path.count("/")
        page = render(
            template, title=title, site_title=self.title, nav_html=self.nav_html(to_site, path),
            to_site=to_site,
            charts=charts > 0, millesime=self.data.millesime,
            date_reception_max=self.data.date_reception_max, **context,
        )  # fmt: skip
        return Page(path, page, charts)


def _vintage(d: SiteData) -> str:
    years = f"de {d.years[0]} à {d.years[-1]}" if d.years else "sans année de données"
    text = f"Période couverte : {years}, plus le cumul depuis le début du contrat."
    text += f" Millésime des données : {d.millesime or 'non renseigné'}."
    if d.date_reception_max is not None:
        text += f" Dernières données reçues le {format_date(d.date_reception_max)}."
    return text


def _midterm(ctx: SiteContext, scope: Scope) -> Table | None:
    d = ctx.data
    mid = ctx.midterm.get((scope.type, scope.code), d.midterm.clear())
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
        provisional_note=provisional_note(d, d.periods),
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
    root = "../"
    by, lookup = ctx.scopes_by_code, ctx.lookup
    facts = [Fact("Code", scope.code, code=True)]
    if scope.type == "action":
        row = lookup.action.get(scope.code)
        if row is not None:
            partner, pilier = row["code_partenaire"], row["pilier"]
            for t, code, word in (
                ("partenaire", partner, "Partenaire"),
                ("pilier", pilier, "Pilier"),
            ):
                s = by[t].get(code)
                label = s.label if s else PILIER_LABELS.get(code, code)
                facts.append(Fact(word, label, links=((label, root + s.path),) if s else ()))
    elif scope.type in ("partenaire", "pilier"):
        col = "code_partenaire" if scope.type == "partenaire" else "pilier"
        codes = lookup.actions_by[col].get(scope.code, [])
        linked = [by["action"][c] for c in codes if c in by["action"]]
        links = tuple((s.label, root + s.path) for s in linked)
        facts.append(Fact("Actions", links=links, as_list=True))
    elif scope.type == "qpv":
        row = lookup.qpv.get(scope.code)
        if row is not None:
            facts.append(Fact("Commune", row["commune"] or ""))
            pop = row["population"]
            if pop is not None:
                facts.append(Fact("Population", f"{format_number(pop)} habitants"))
    return facts


def scope_page(ctx: SiteContext, scope: Scope) -> Page:
    d = ctx.data
    cells = ctx.cells_of(scope)
    groups = ctx.scope_blocks(scope)
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


def scope_list_page(ctx: SiteContext, scope_type: str) -> Page:
    """Every scope of a type with many (nav.listed), one link each, in the menu's order."""
    singular, plural = SCOPE_TYPE_LABELS[scope_type]
    records = [{"libelle": s.label, "code": s.code, "href": s.path}
               for s in ctx.data.scopes[scope_type]]  # fmt: skip
    return ctx.render(
        "scope_list.html", nav.list_path(scope_type), f"{plural} ({format_number(len(records))})",
        records=records, singular=singular,
    )  # fmt: skip
