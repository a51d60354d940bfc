"""The site's pages: synthesis, one page per scope, downloads, methodology."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboards.data import PILIER_LABELS, SCOPE_TYPE_LABELS, SCOPE_TYPES, Scope, SiteData
from dashboards.format import format_date, format_number, format_size
from dashboards.html import Cell, NavGroup, NavLink, esc, href, page, table
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
from dashboards.texts import methodology_body
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
        self.title = data.contrat.get("libelle") or "Contrat de ville"
        parts = data.rows.partition_by("perimetre_type", "perimetre_code", as_dict=True)
        self.cells = {key: Cells(df) for key, df in parts.items()}

    def cells_of(self, scope: Scope) -> Cells:
        return self.cells.get((scope.type, scope.code)) or Cells(self.data.rows.clear())

    def nav(self) -> list[NavLink | NavGroup]:
        items: list[NavLink | NavGroup] = [NavLink("Synthèse", "index.html")]
        items += [
            NavLink("Contrat : tous les indicateurs", s.path) for s in self.data.scopes["contrat"]
        ]
        for t in SCOPE_TYPES:
            links = tuple(NavLink(s.label, s.path) for s in self.data.scopes[t])
            items.append(NavGroup(SCOPE_TYPE_LABELS[t][1], links))
        items += [NavLink("Téléchargements", "telechargements.html")]
        items += [NavLink("Revues", "revues.html")]
        items += [NavLink("Méthodologie", "methodologie.html")]
        if self.reports_href:
            items.append(NavLink("Rapports de validation", self.reports_href))
        return items

    def footer(self) -> str:
        d = self.data
        vintage = f"Millésime des données : {esc(d.millesime or 'non renseigné')}"
        if d.date_reception_max is not None:
            vintage += f" · données reçues jusqu'au {esc(format_date(d.date_reception_max))}"
        return (
            f"<p>{vintage}.</p><p>« s » : secret statistique (valeur non publiée) · "
            "« n.d. » : non défini (dénominateur nul) · « — » : sans objet.</p>"
        )

    def render(self, path: str, title: str, body: str, charts: int) -> Page:
        html = page(
            title=title, path=path, site_title=self.title, nav=self.nav(), body=body,
            footer=self.footer(), with_charts=charts > 0,
        )  # fmt: skip
        return Page(path, html, charts)


def _count_charts(body: str) -> int:
    return body.count('<figure class="chart">')


def _vintage_paragraph(d: SiteData) -> str:
    years = f"de {d.years[0]} à {d.years[-1]}" if d.years else "sans année de données"
    text = f"Période couverte : {years}, plus le cumul depuis le début du contrat."
    text += f" Millésime des données : {d.millesime or 'non renseigné'}."
    if d.date_reception_max is not None:
        text += f" Dernières données reçues le {format_date(d.date_reception_max)}."
    return f'<p class="vintage">{esc(text)}</p>'


def key_indicators(ctx: SiteContext, cells: Cells) -> list[str]:
    targeted = {k[0] for k, r in cells.by_key.items() if r.get("valeur_cible") is not None}
    wanted = set(DEFAULT_KEY_INDICATORS) | targeted
    return [i.code for i in INDICATEURS if i.code in wanted and i.code in cells.codes]


def index_page(ctx: SiteContext) -> Page:
    d = ctx.data
    contrat = d.scopes["contrat"][0] if d.scopes["contrat"] else None
    body = [_vintage_paragraph(d)]
    if contrat is None:
        body.append("<p>Aucun indicateur publié au périmètre du contrat.</p>")
        return ctx.render("index.html", "Synthèse", "".join(body), 0)
    cells = ctx.cells_of(contrat)
    codes = key_indicators(ctx, cells)
    body.append(
        '<section aria-labelledby="synthese"><h2 id="synthese">Indicateurs clés et cibles</h2>'
        '<p class="note">Le statut compare la valeur atteinte à la valeur attendue sur la '
        "trajectoire de la cible (ligne droite de la valeur de référence à la cible).</p>"
        f"{synthesis_table(d, cells, codes)}</section>"
    )
    mid = d.midterm.filter(
        (pl.col("perimetre_type") == "contrat") & (pl.col("perimetre_code") == contrat.code)
    )
    if mid.height:
        date_mi = d.contrat.get("date_mi_parcours")
        when = f" (au {esc(format_date(date_mi))})" if date_mi else ""
        body.append(
            f'<section aria-labelledby="mi-parcours"><h2 id="mi-parcours">Lecture à '
            f"mi-parcours{when}</h2>{midterm_table(d, mid, contrat.label)}</section>"
        )
    blocks = "".join(key_indicator_block(d, cells, c) for c in codes)
    body.append(
        '<section aria-labelledby="tendances"><h2 id="tendances">Évolution par année</h2>'
        f"{blocks}</section>"
    )
    body.append(
        '<p>Détail : <a href="' + href(contrat.path) + '">tous les indicateurs du contrat</a>, '
        "et les pages par pilier, partenaire, action et quartier dans le menu.</p>"
    )
    html = "".join(body)
    return ctx.render("index.html", "Synthèse", html, _count_charts(html))


def _links(scopes: list[Scope], root: str) -> str:
    items = "".join(f'<li><a href="{href(root + s.path)}">{esc(s.label)}</a></li>' for s in scopes)
    return f"<ul>{items}</ul>" if items else ""


def _scope_facts(ctx: SiteContext, scope: Scope) -> str:
    """Links between scopes (a partner's actions, an action's partner and pillar...)."""
    d, root = ctx.data, "../"
    by = {t: {s.code: s for s in d.scopes[t]} for t in SCOPE_TYPES}
    facts = [f"<dt>Code</dt><dd><code>{esc(scope.code)}</code></dd>"]
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
                link = f'<a href="{href(root + s.path)}">{esc(label)}</a>' if s else esc(label)
                facts.append(f"<dt>{word}</dt><dd>{link}</dd>")
    elif scope.type in ("partenaire", "pilier"):
        col = "code_partenaire" if scope.type == "partenaire" else "pilier"
        codes = acts.filter(pl.col(col) == scope.code)["code_action"].to_list()
        linked = [by["action"][c] for c in codes if c in by["action"]]
        facts.append(f"<dt>Actions</dt><dd>{_links(linked, root) or 'aucune'}</dd>")
    elif scope.type == "qpv":
        row = d.qpv.filter(pl.col("code_qpv") == scope.code)
        if row.height:
            facts.append(f"<dt>Commune</dt><dd>{esc(row['commune'][0] or '')}</dd>")
            pop = row["population"][0]
            if pop is not None:
                facts.append(f"<dt>Population</dt><dd>{esc(format_number(pop))} habitants</dd>")
    return f'<dl class="facts">{"".join(facts)}</dl>'


def scope_page(ctx: SiteContext, scope: Scope) -> Page:
    d = ctx.data
    cells = ctx.cells_of(scope)
    slug = scope.type
    body = [_scope_facts(ctx, scope), _vintage_paragraph(d)]
    mid = d.midterm.filter(
        (pl.col("perimetre_type") == scope.type) & (pl.col("perimetre_code") == scope.code)
    )
    if mid.height:
        body.append(
            '<section aria-labelledby="mi-parcours"><h2 id="mi-parcours">Lecture à mi-parcours'
            f"</h2>{midterm_table(d, mid, scope.label)}</section>"
        )
    groups = "".join(group_block(d, cells, g, scope.label, slug) for g in GROUPS)
    body.append(
        '<section aria-labelledby="indicateurs"><h2 id="indicateurs">Indicateurs par année</h2>'
        f"{groups or '<p>Aucun indicateur publié pour ce périmètre.</p>'}</section>"
    )
    if scope.type == "contrat":
        parts = "".join(breakdown_block(d, cells, c, v, "vent") for c, v in BREAKDOWNS)
        if parts:
            body.append(
                '<section aria-labelledby="ventilations"><h2 id="ventilations">'
                f"Par sexe et par âge</h2>{parts}</section>"
            )
    html = "".join(body)
    title = f"{SCOPE_TYPE_LABELS[scope.type][0]} : {scope.label}"
    return ctx.render(scope.path, title, html, _count_charts(html))


def downloads_page(ctx: SiteContext, files: list[tuple[str, int]]) -> Page:
    """`files`: (path relative to the site root, size in bytes) of the copied downloads."""
    if files:
        rows = [
            [
                Cell(raw_html=f'<a href="{href(p)}" download>{esc(Path(p).name)}</a>'),
                Cell(DOWNLOAD_KINDS.get(Path(p).suffix.lower(), "Fichier")),
                Cell(format_size(size), css="num"),
            ]
            for p, size in files
        ]
        listing = table("Fichiers à télécharger", ["Fichier", "Format", "Taille"], rows)
    else:
        listing = "<p>Aucun fichier de données n'a été fourni pour cette publication.</p>"
    defs = [
        [
            Cell(i.libelle), Cell(raw_html=f"<code>{esc(i.code)}</code>"), Cell(i.definition),
            Cell(UNIT_LABELS.get(i.unite, i.unite)), Cell(i.numerateur),
            Cell(i.denominateur or "—"), Cell(", ".join(i.perimetres)),
        ]
        for i in INDICATEURS
    ]  # fmt: skip
    header = ["Indicateur", "Code", "Définition", "Unité", "Numérateur", "Dénominateur",
              "Périmètres"]  # fmt: skip
    body = (
        '<section aria-labelledby="fichiers"><h2 id="fichiers">Tables des indicateurs</h2>'
        "<p>Les tables contiennent toutes les valeurs publiées, avec les cibles, les statuts et "
        "le millésime ; les cellules couvertes par le secret statistique y figurent comme "
        f"« s ».</p>{listing}</section>"
        '<section aria-labelledby="definitions"><h2 id="definitions">Définitions</h2>'
        f"{table('Définitions des indicateurs', header, defs, css='wide defs')}</section>"
    )
    return ctx.render("telechargements.html", "Téléchargements", body, 0)


def revues_page(ctx: SiteContext, body: str) -> Page:
    """Frozen review packs (body built by pipelines.revue.catalogue from publish/revues/)."""
    return ctx.render("revues.html", "Revues", body, 0)


def methodology_page(ctx: SiteContext) -> Page:
    body = methodology_body(ctx.data, ctx.reports_href, period_label("cumul", ctx.data.years))
    return ctx.render("methodologie.html", "Méthodologie", body, 0)
