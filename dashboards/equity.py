"""(v2) Who benefits, what works, who pays: four pages built on the v2 breakdowns.

- comparaison.html: every action and its key indicators for a chosen year, grouped by
  pilier, sortable by a click on a header, with a chart of the same;
- qpv.html: outcomes of QPV residents against the others (contract and each pilier), with
  the gap in points;
- publics.html: beneficiaries by education level and by barrier, new entrants by referrer;
- financeurs.html: each funder's euros by year, pilier and action, the multi-year share by
  count and by euros, the funding secured for the next year, and the funder extracts.
Everything comes from marts.indicateurs_publies (SiteData.rows): secret cells show `s`.
Pages are data here (tables, chart blocks) and markup in templates/comparaison.html and
templates/analyse.html.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as esc
from pathlib import Path

from dashboards.cells import Cell, Table, value_cell
from dashboards.charts import Series, trend_figure
from dashboards.data import PILIER_LABELS, Scope
from dashboards.format import UNDEFINED, format_number, format_size
from dashboards.sections import (
    Cells,
    ChartBlock,
    ChartGroup,
    cell_text,
    chart_block,
    group_block,
    period_label,
)
from indicators.registry import MODALITE_LIBELLES, MODALITES, VENTILATION_LIBELLES

COMPARED = (
    "beneficiaires_uniques", "nouveaux_entrants", "taux_assiduite", "sorties",
    "taux_sorties_positives", "taux_emploi_durable", "cout_par_beneficiaire",
    "cout_par_sortie_positive", "part_conventions_pluriannuelles",
)  # fmt: skip
COMPARED_CHART = ("taux_assiduite", "taux_sorties_positives", "taux_emploi_durable")
RESIDENCE_CODES = (
    "beneficiaires_uniques", "taux_assiduite", "taux_abandon", "taux_sorties_positives",
    "taux_emploi_durable",
)  # fmt: skip
PUBLICS = (
    ("beneficiaires_uniques", "niveau_formation"),
    ("beneficiaires_uniques", "frein"),
    ("nouveaux_entrants", "prescripteur"),
)
DURABILITE = ChartGroup(
    "durabilite",
    "Conventions pluriannuelles et financement sécurisé",
    ("part_conventions_pluriannuelles", "part_pluriannuel", "part_financement_securise_n1"),
    "line",
)

TITLES = {
    "comparaison.html": "Comparaison des actions",
    "qpv.html": "QPV et hors QPV",
    "publics.html": "Publics et freins",
    "financeurs.html": "Financeurs",
}


def _label(ventilation: str, modalite: str) -> str:
    return MODALITE_LIBELLES.get((ventilation, modalite), modalite)


def _unique_labels(scopes: list[Scope]) -> dict[str, str]:
    """Chart categories: labels, with the code when two actions share a label."""
    seen: dict[str, int] = {}
    for s in scopes:
        seen[s.label] = seen.get(s.label, 0) + 1
    return {s.code: s.label if seen[s.label] == 1 else f"{s.label} ({s.code})" for s in scopes}


def _series(name: str, rows: list[dict]) -> Series:
    return Series(name, [r.get("valeur") for r in rows], [bool(r.get("secret")) for r in rows])


# ---------------------------------------------------------------- comparison of actions


@dataclass(frozen=True)
class SortCell:
    """A cell of the sortable table: `sort` is the exact value ('' when secret or empty)."""

    cell: Cell
    sort: str


@dataclass(frozen=True)
class ActionRow:
    label: str
    href: str  # relative to the site root
    cells: list[SortCell]


@dataclass(frozen=True)
class ActionGroup:
    pilier: str
    rows: list[ActionRow]


@dataclass(frozen=True)
class PeriodView:
    code: str
    label: str
    selected: bool
    caption: str
    groups: list[ActionGroup]
    chart: ChartBlock


def _sort_value(row: dict) -> str:
    v = row.get("valeur") if row and not row.get("secret") else None
    return "" if v is None else repr(float(v))


def comparison_context(ctx) -> dict:
    d = ctx.data
    actions = d.scopes["action"]
    periods = d.periods
    default = d.years[-1] if d.years else (periods[-1] if periods else "")
    pilier_of = dict(d.actions.select("code_action", "pilier").rows())
    by_pilier: dict[str, list[Scope]] = {}
    for s in actions:
        by_pilier.setdefault(pilier_of.get(s.code, ""), []).append(s)
    order = sorted(by_pilier, key=lambda x: PILIER_LABELS.get(x, x))
    views = []
    for p in periods if actions else []:
        groups = [
            ActionGroup(
                PILIER_LABELS.get(pilier, pilier),
                [_action_row(ctx, s, p) for s in by_pilier[pilier]],
            )
            for pilier in order
        ]
        label = period_label(p, d.years, d.provisional)
        views.append(
            PeriodView(p, label, p == default, f"Indicateurs clés par action, {label}", groups,
                       _comparison_chart(ctx, actions, p))
        )  # fmt: skip
    header = ["Action", *(d.labels[c] for c in COMPARED)]
    return {"views": views, "header": header}


def _action_row(ctx, scope: Scope, periode: str) -> ActionRow:
    d = ctx.data
    cells = ctx.cells_of(scope)
    values = []
    for c in COMPARED:
        row = cells.get(c, periode)
        values.append(SortCell(value_cell(cell_text(row, d.units[c])), _sort_value(row)))
    return ActionRow(scope.label, scope.path, values)


def _comparison_chart(ctx, actions: list[Scope], periode: str) -> ChartBlock:
    d = ctx.data
    names = _unique_labels(actions)
    categories = [esc(names[s.code]) for s in actions]  # Plotly reads labels as HTML
    series = [
        _series(d.labels[c], [ctx.cells_of(s).get(c, periode) for s in actions])
        for c in COMPARED_CHART
    ]
    fig = trend_figure(series, categories, "pourcentage", "bar")
    label = period_label(periode, d.years, d.provisional)
    rows = [
        [Cell(names[s.code])]
        + [value_cell(cell_text(ctx.cells_of(s).get(c, periode), "pourcentage"))
           for c in COMPARED_CHART]
        for s in actions
    ]  # fmt: skip
    return chart_block(
        heading=f"Assiduité et sorties par action, {label}",
        heading_id=f"comparaison-{periode}-graphique-bloc",
        fig=fig,
        tbl=Table(
            f"Assiduité et sorties par action, {label} (en %)",
            ["Action", *(d.labels[c] for c in COMPARED_CHART)],
            rows,
        ),
        aria=f"Graphique en barres : assiduité et sorties de chaque action, {label}. "
        "Les valeurs sont dans le tableau voisin.",
    )


# ---------------------------------------------------------------- analysis pages


@dataclass(frozen=True)
class TableSection:
    """A table under its own heading (no chart)."""

    heading: str
    heading_id: str
    table: Table


def gap_text(qpv: dict, hors: dict) -> str:
    """QPV minus hors QPV in percentage points; `s` when either side is secret."""
    if not qpv or not hors:
        return "—"
    if qpv.get("secret") or hors.get("secret"):
        return "s"
    a, b = qpv.get("valeur"), hors.get("valeur")
    if a is None or b is None:
        return UNDEFINED
    gap = a - b
    sign = "+" if gap > 0 else ""
    return f"{sign}{format_number(gap, 1)}\u00a0pt" + ("s" if abs(gap) >= 2 else "")


def qpv_context(ctx) -> dict:
    d = ctx.data
    sections = []
    for s in d.scopes["contrat"] + d.scopes["pilier"]:
        cells = ctx.cells_of(s)
        if any(k[1] == "residence" for k in cells.by_key):
            sections.append(_qpv_block(ctx, s, cells))
    return {"intro": QPV_INTRO, "sections": sections, "files": []}


QPV_INTRO = (
    "Résultats des bénéficiaires résidant dans un quartier prioritaire (QPV) comparés à "
    "ceux des autres bénéficiaires, au périmètre du contrat et de chaque pilier. L'écart est "
    "donné en points de pourcentage (QPV moins hors QPV). Une personne est rattachée à "
    "l'adresse de son inscription la plus récente ; une séance ou une sortie, à celle de sa "
    "propre inscription.",
)


def _qpv_block(ctx, scope: Scope, cells: Cells) -> ChartBlock:
    d = ctx.data
    periods, years = d.periods, d.years
    header = ["Indicateur"]
    for p in periods:
        lab = period_label(p, years, d.provisional)
        header += [f"QPV {lab}", f"Hors QPV {lab}", f"Écart {lab}"]
    rows = []
    for c in RESIDENCE_CODES:
        row = [Cell(d.labels[c])]
        for p in periods:
            q, h = cells.get(c, p, "residence", "qpv"), cells.get(c, p, "residence", "hors_qpv")
            gap = gap_text(q, h) if d.units[c] == "pourcentage" else "—"
            row += [value_cell(cell_text(q, d.units[c])), value_cell(cell_text(h, d.units[c]))]
            row.append(value_cell(gap))
        rows.append(row)
    rates = [c for c in RESIDENCE_CODES if d.units[c] == "pourcentage"]
    last = years[-1] if years else "cumul"
    shown = period_label(last, years, d.provisional)  # data contract v2, section 6
    series = [
        _series(_label("residence", mod), [cells.get(c, last, "residence", mod) for c in rates])
        for mod in ("qpv", "hors_qpv")
    ]
    fig = trend_figure(series, [esc(d.labels[c]) for c in rates], "pourcentage", "bar")
    title = f"{scope.label} : QPV et hors QPV"
    return chart_block(
        heading=title,
        heading_id="qpv-" + scope.path.removesuffix(".html").replace("/", "-"),
        fig=fig,
        tbl=Table(f"{title}, par période", header, rows, css="wide"),
        aria=f"Graphique en barres : {scope.label}, taux des résidents QPV et des autres "
        f"bénéficiaires en {shown}. Les valeurs sont dans le tableau.",
        note=f"Graphique : {shown}.",
    )


PUBLICS_INTRO = (
    "Au périmètre du contrat. Une personne peut déclarer plusieurs freins : elle compte "
    "alors sous chacun, et la somme des freins peut dépasser le nombre de bénéficiaires. "
    "« Aucun frein déclaré » compte les personnes sans frein renseigné.",
)


def publics_context(ctx) -> dict:
    d = ctx.data
    sections = []
    if d.scopes["contrat"]:
        cells = ctx.cells_of(d.scopes["contrat"][0])
        for code, ventilation in PUBLICS:
            if any(k[0] == code and k[1] == ventilation for k in cells.by_key):
                sections.append(_modalities_block(ctx, cells, code, ventilation))
    return {"intro": PUBLICS_INTRO, "sections": sections, "files": []}


def _modalities_block(ctx, cells: Cells, code: str, ventilation: str) -> ChartBlock:
    d = ctx.data
    periods, years, unite = d.periods, d.years, d.units[code]
    mods = MODALITES[ventilation]
    title = f"{d.labels[code]} par {VENTILATION_LIBELLES[ventilation].lower()}"
    header = ["Modalité", *(period_label(p, years, d.provisional) for p in periods)]
    rows = [
        [Cell(_label(ventilation, m))]
        + [value_cell(cell_text(cells.get(code, p, ventilation, m), unite)) for p in periods]
        for m in mods
    ]
    last = years[-1] if years else "cumul"
    shown = period_label(last, years, d.provisional)  # data contract v2, section 6
    series = [_series(d.labels[code], [cells.get(code, last, ventilation, m) for m in mods])]
    fig = trend_figure(series, [esc(_label(ventilation, m)) for m in mods], unite, "bar")
    return chart_block(
        heading=title,
        heading_id=f"publics-{ventilation}",
        fig=fig,
        tbl=Table(f"{title}, par période", header, rows),
        aria=f"Graphique en barres : {title}, {shown}. Les valeurs sont dans le tableau voisin.",
        note=f"Graphique : {shown}.",
    )


FUNDERS_INTRO = (
    "Montants accordés par chaque financeur (lignes de financement en vigueur), par année, "
    "par pilier et par action. Les montants de financement ne sont pas soumis au secret "
    "statistique.",
    "La part des conventions pluriannuelles compte les conventions (une CPO reprise chaque "
    "année compte une fois dans le cumul) ; la part du financement pluriannuel compte les "
    "euros.",
)


def funders_context(ctx, downloads: list[tuple[str, int]]) -> dict:
    d = ctx.data
    sections: list = []
    if d.scopes["contrat"]:
        contrat = d.scopes["contrat"][0]
        cells = ctx.cells_of(contrat)
        funders = [
            m
            for m in MODALITES["financeur"]
            if any(
                cells.get("financement_total", p, "financeur", m).get("valeur") for p in d.periods
            )
        ]
        if funders:
            sections.append(_funders_by_year(ctx, cells, funders))
            sections += [s for t in ("pilier", "action") if (s := _funders_by(ctx, funders, t))]
        block = group_block(d, cells, DURABILITE, contrat.label, "financeurs")
        if block:
            sections.append(block)
    files = [
        (p, f"{Path(p).name} ({format_size(n)})") for p, n in downloads if "/financeurs/" in f"/{p}"
    ]
    return {"intro": FUNDERS_INTRO, "sections": sections, "files": files}


def _funders_by_year(ctx, cells: Cells, funders: list[str]) -> ChartBlock:
    d = ctx.data
    periods, years = d.periods, d.years
    header = ["Financeur", *(period_label(p, years, d.provisional) for p in periods)]
    rows = [
        [Cell(_label("financeur", m))]
        + [value_cell(cell_text(cells.get("financement_total", p, "financeur", m), "euros"))
           for p in periods]
        for m in funders
    ]  # fmt: skip
    series = [
        _series(_label("financeur", m),
                [cells.get("financement_total", y, "financeur", m) for y in years])
        for m in funders
    ]  # fmt: skip
    return chart_block(
        heading="Financement par financeur et par année",
        heading_id="financeurs-annees",
        fig=trend_figure(series, years, "euros", "bar"),
        tbl=Table("Montants accordés par financeur (en euros)", header, rows),
        aria="Graphique en barres : montants accordés par chaque financeur, par année. Les "
        "valeurs sont dans le tableau voisin.",
    )


def _funders_by(ctx, funders: list[str], scope_type: str) -> TableSection | None:
    """Cumulated euros of each funder for each pilier (or action)."""
    d = ctx.data
    scopes = d.scopes[scope_type]
    if not scopes:
        return None
    word = "pilier" if scope_type == "pilier" else "action"
    header = [word.capitalize(), *(_label("financeur", m) for m in funders)]
    rows = [
        [Cell(s.label)]
        + [value_cell(cell_text(ctx.cells_of(s).get("financement_total", "cumul", "financeur", m),
                                "euros")) for m in funders]
        for s in scopes
    ]  # fmt: skip
    title = f"Financement par {word} et par financeur ({period_label('cumul', d.years)})"
    return TableSection(title, f"financeurs-{word}", Table(f"{title}, en euros", header, rows,
                                                          css="wide"))  # fmt: skip


# ---------------------------------------------------------------- pages


def equity_pages(ctx) -> list:
    """The pages that do not list the downloads (comparison, QPV, publics), rendered with
    the site's templates (ctx.render): the site renders them while the workbooks are
    still being written."""
    comparison = comparison_context(ctx)
    return [
        ctx.render("comparaison.html", "comparaison.html", TITLES["comparaison.html"],
                   charts=len(comparison["views"]), **comparison),
        _analysis_page(ctx, "qpv.html", qpv_context(ctx)),
        _analysis_page(ctx, "publics.html", publics_context(ctx)),
    ]  # fmt: skip


def funders_page(ctx, downloads: list[tuple[str, int]]):
    """The funders' page, which links their downloads."""
    return _analysis_page(ctx, "financeurs.html", funders_context(ctx, downloads))


def _analysis_page(ctx, path: str, context: dict):
    charts = sum(1 for s in context["sections"] if isinstance(s, ChartBlock))
    return ctx.render("analyse.html", path, TITLES[path], charts=charts, **context)
