"""(v2) Who benefits, what works, who pays: four pages built on the v2 breakdowns.

- comparaison.html: every action and its key indicators for a chosen year, grouped by
  pilier, sortable by a click on a header, with a chart of the same;
- qpv.html: outcomes of QPV residents against the others (contract and each pilier), with
  the gap in points;
- publics.html: beneficiaries by education level and by barrier, new entrants by referrer;
- financeurs.html: each funder's euros by year, pilier and action, the multi-year share by
  count and by euros, the funding secured for the next year, and the funder extracts.
Everything comes from marts.indicateurs_publies (SiteData.rows): secret cells show `s`.
"""

from __future__ import annotations

from pathlib import Path

from dashboards.charts import Series, trend_figure
from dashboards.data import PILIER_LABELS, Scope
from dashboards.format import UNDEFINED, format_number, format_size
from dashboards.html import Cell, esc, href, table, value_cell
from dashboards.sections import Cells, ChartGroup, cell_text, chart_block, group_block, period_label
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

NAV = (
    ("Comparaison des actions", "comparaison.html"),
    ("QPV et hors QPV", "qpv.html"),
    ("Publics et freins", "publics.html"),
    ("Financeurs", "financeurs.html"),
)


def _label(ventilation: str, modalite: str) -> str:
    return MODALITE_LIBELLES.get((ventilation, modalite), modalite)


def _sort_value(row: dict) -> str:
    """data-v of a sortable cell: the exact value, empty when secret or undefined."""
    v = row.get("valeur") if row and not row.get("secret") else None
    return "" if v is None else repr(float(v))


def _td(row: dict, unite: str) -> str:
    cell = value_cell(cell_text(row, unite))
    body = cell.raw_html if cell.raw_html is not None else esc(cell.text)
    return f'<td class="{cell.css}" data-v="{_sort_value(row)}">{body}</td>'


def _unique_labels(scopes: list[Scope]) -> dict[str, str]:
    """Chart categories: labels, with the code when two actions share a label."""
    seen: dict[str, int] = {}
    for s in scopes:
        seen[s.label] = seen.get(s.label, 0) + 1
    return {s.code: s.label if seen[s.label] == 1 else f"{s.label} ({s.code})" for s in scopes}


# ---------------------------------------------------------------- comparison of actions


def comparison_body(ctx) -> tuple[str, int]:
    d = ctx.data
    actions = d.scopes["action"]
    if not actions:
        return "<p>Aucune action publiée.</p>", 0
    periods = d.periods
    default = d.years[-1] if d.years else periods[-1]
    options = "".join(
        f'<option value="{esc(p)}"{" selected" if p == default else ""}>'
        f"{esc(period_label(p, d.years))}</option>"
        for p in periods
    )
    pilier_of = dict(d.actions.select("code_action", "pilier").rows())
    groups: dict[str, list[Scope]] = {}
    for s in actions:
        groups.setdefault(pilier_of.get(s.code, ""), []).append(s)
    body = [
        "<p>Chaque ligne est une action ; cliquez sur un en-tête de colonne pour trier "
        "(les actions restent groupées par pilier ; les cellules secrètes « s » et non "
        "définies « n.d. » viennent en dernier).</p>",
        '<p class="choix"><label for="choix-periode">Période affichée : </label>'
        f'<select id="choix-periode">{options}</select></p>',
    ]
    charts = 0
    for p in periods:
        body.append(
            f'<section data-periode="{esc(p)}" aria-labelledby="comparaison-{esc(p)}">'
            f'<h2 id="comparaison-{esc(p)}">{esc(period_label(p, d.years))}</h2>'
            f"{_comparison_table(ctx, groups, p)}{_comparison_chart(ctx, actions, p)}</section>"
        )
        charts += 1
    body.append('<script src="assets/comparaison.js"></script>')
    return "".join(body), charts


def _comparison_table(ctx, groups: dict[str, list[Scope]], periode: str) -> str:
    d = ctx.data
    head = '<th scope="col">Action</th>' + "".join(
        f'<th scope="col" class="num"><button type="button">{esc(d.labels[c])}</button></th>'
        for c in COMPARED
    )
    bodies = []
    for pilier in sorted(groups, key=lambda x: PILIER_LABELS.get(x, x)):
        rows = [
            f'<tr class="groupe"><th scope="rowgroup" colspan="{len(COMPARED) + 1}">'
            f"{esc(PILIER_LABELS.get(pilier, pilier))}</th></tr>"
        ]
        for s in groups[pilier]:
            cells = ctx.cells_of(s)
            tds = "".join(_td(cells.get(c, periode), d.units[c]) for c in COMPARED)
            link = f'<a href="{href(s.path)}">{esc(s.label)}</a>'
            rows.append(f'<tr class="ligne"><th scope="row">{link}</th>{tds}</tr>')
        bodies.append(f"<tbody>{''.join(rows)}</tbody>")
    caption = f"Indicateurs clés par action, {period_label(periode, d.years)}"
    return (
        f'<div class="table-wrap wide" tabindex="0" role="region" aria-label="{esc(caption)}">'
        f'<table class="sortable"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>{''.join(bodies)}</table></div>"
    )


def _comparison_chart(ctx, actions: list[Scope], periode: str) -> str:
    d = ctx.data
    names = _unique_labels(actions)
    categories = [esc(names[s.code]) for s in actions]
    series = []
    for c in COMPARED_CHART:
        rows = [ctx.cells_of(s).get(c, periode) for s in actions]
        series.append(
            Series(
                d.labels[c], [r.get("valeur") for r in rows], [bool(r.get("secret")) for r in rows]
            )
        )
    fig = trend_figure(series, categories, "pourcentage", "bar")
    fig["layout"]["xaxis"]["categoryarray"] = categories
    label = period_label(periode, d.years)
    tbl = table(
        f"Assiduité et sorties par action, {label} (en %)",
        ["Action", *(d.labels[c] for c in COMPARED_CHART)],
        [
            [Cell(names[s.code])]
            + [value_cell(cell_text(ctx.cells_of(s).get(c, periode), "pourcentage"))
               for c in COMPARED_CHART]
            for s in actions
        ],
    )  # fmt: skip
    return chart_block(
        heading=f"Assiduité et sorties par action, {label}",
        heading_id=f"comparaison-{periode}-graphique-bloc",
        fig=fig,
        tbl=tbl,
        aria=f"Graphique en barres : assiduité et sorties de chaque action, {label}. "
        "Les valeurs sont dans le tableau voisin.",
    )


# ---------------------------------------------------------------- QPV and the others


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


def qpv_body(ctx) -> tuple[str, int]:
    d = ctx.data
    scopes = d.scopes["contrat"] + d.scopes["pilier"]
    if not scopes:
        return "<p>Aucun indicateur publié.</p>", 0
    body = [
        "<p>Résultats des bénéficiaires résidant dans un quartier prioritaire (QPV) comparés "
        "à ceux des autres bénéficiaires. L'écart est donné en points de pourcentage (QPV "
        "moins hors QPV). Une personne est rattachée à l'adresse de son inscription la plus "
        "récente ; une séance ou une sortie, à celle de sa propre inscription.</p>"
    ]
    charts = 0
    for s in scopes:
        cells = ctx.cells_of(s)
        if not any(k[1] == "residence" for k in cells.by_key):
            continue
        body.append(_qpv_block(ctx, s, cells))
        charts += 1
    return "".join(body), charts


def _qpv_block(ctx, scope: Scope, cells: Cells) -> str:
    d = ctx.data
    periods, years = d.periods, d.years
    header = ["Indicateur"]
    for p in periods:
        lab = period_label(p, years)
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
    categories = [esc(d.labels[c]) for c in rates]
    series = []
    for mod in ("qpv", "hors_qpv"):
        r = [cells.get(c, last, "residence", mod) for c in rates]
        series.append(
            Series(_label("residence", mod), [x.get("valeur") for x in r],
                   [bool(x.get("secret")) for x in r])
        )  # fmt: skip
    fig = trend_figure(series, categories, "pourcentage", "bar")
    slug = "qpv-" + scope.path.removesuffix(".html").replace("/", "-")
    title = f"{scope.label} : QPV et hors QPV"
    return chart_block(
        heading=title, heading_id=slug, fig=fig,
        tbl=table(f"{title}, par période", header, rows, css="wide"),
        aria=f"Graphique en barres : {scope.label}, taux des résidents QPV et des autres "
        f"bénéficiaires en {period_label(last, years)}. Les valeurs sont dans le tableau.",
        note=f"Graphique : {esc(period_label(last, years))}.",
    )  # fmt: skip


# ---------------------------------------------------------------- publics and barriers


def publics_body(ctx) -> tuple[str, int]:
    d = ctx.data
    if not d.scopes["contrat"]:
        return "<p>Aucun indicateur publié au périmètre du contrat.</p>", 0
    cells = ctx.cells_of(d.scopes["contrat"][0])
    body = [
        "<p>Au périmètre du contrat. Une personne peut déclarer plusieurs freins : elle "
        "compte alors sous chacun, et la somme des freins peut dépasser le nombre de "
        "bénéficiaires. « Aucun frein déclaré » compte les personnes sans frein "
        "renseigné.</p>"
    ]
    charts = 0
    for code, ventilation in PUBLICS:
        if not any(k[0] == code and k[1] == ventilation for k in cells.by_key):
            continue
        body.append(_modalities_block(ctx, cells, code, ventilation))
        charts += 1
    return "".join(body), charts


def _modalities_block(ctx, cells: Cells, code: str, ventilation: str) -> str:
    d = ctx.data
    periods, years, unite = d.periods, d.years, d.units[code]
    mods = MODALITES[ventilation]
    title = f"{d.labels[code]} par {VENTILATION_LIBELLES[ventilation].lower()}"
    header = ["Modalité", *(period_label(p, years) for p in periods)]
    rows = [
        [Cell(_label(ventilation, m))]
        + [value_cell(cell_text(cells.get(code, p, ventilation, m), unite)) for p in periods]
        for m in mods
    ]
    last = years[-1] if years else "cumul"
    r = [cells.get(code, last, ventilation, m) for m in mods]
    series = [Series(d.labels[code], [x.get("valeur") for x in r],
                     [bool(x.get("secret")) for x in r])]  # fmt: skip
    fig = trend_figure(series, [esc(_label(ventilation, m)) for m in mods], unite, "bar")
    return chart_block(
        heading=title, heading_id=f"publics-{ventilation}", fig=fig,
        tbl=table(f"{title}, par période", header, rows),
        aria=f"Graphique en barres : {title}, {period_label(last, years)}. Les valeurs sont "
        "dans le tableau voisin.",
        note=f"Graphique : {esc(period_label(last, years))}.",
    )  # fmt: skip


# ---------------------------------------------------------------- funders


def funders_body(ctx, downloads: list[tuple[str, int]]) -> tuple[str, int]:
    d = ctx.data
    if not d.scopes["contrat"]:
        return "<p>Aucun indicateur publié au périmètre du contrat.</p>", 0
    contrat = d.scopes["contrat"][0]
    cells = ctx.cells_of(contrat)
    funders = [
        m
        for m in MODALITES["financeur"]
        if any(cells.get("financement_total", p, "financeur", m).get("valeur") for p in d.periods)
    ]
    body, charts = [], 0
    if funders:
        body.append(_funders_by_year(ctx, cells, funders))
        charts += 1
        body.append(_funders_by(ctx, funders, "pilier"))
        body.append(_funders_by(ctx, funders, "action"))
    else:
        body.append("<p>Aucun financement publié.</p>")
    block = group_block(d, cells, DURABILITE, contrat.label, "financeurs")
    if block:
        body.append(
            '<p class="note">La part des conventions pluriannuelles compte les conventions '
            "(une CPO reprise chaque année compte une fois dans le cumul) ; la part du "
            "financement pluriannuel compte les euros.</p>" + block
        )
        charts += 1
    body.append(_funder_files(downloads))
    return "".join(body), charts


def _funders_by_year(ctx, cells: Cells, funders: list[str]) -> str:
    d = ctx.data
    periods, years = d.periods, d.years
    header = ["Financeur", *(period_label(p, years) for p in periods)]
    rows = [
        [Cell(_label("financeur", m))]
        + [value_cell(cell_text(cells.get("financement_total", p, "financeur", m), "euros"))
           for p in periods]
        for m in funders
    ]  # fmt: skip
    series = []
    for m in funders:
        r = [cells.get("financement_total", y, "financeur", m) for y in years]
        series.append(Series(_label("financeur", m), [x.get("valeur") for x in r],
                             [bool(x.get("secret")) for x in r]))  # fmt: skip
    fig = trend_figure(series, years, "euros", "bar")
    return chart_block(
        heading="Financement par financeur et par année", heading_id="financeurs-annees",
        fig=fig, tbl=table("Montants accordés par financeur (en euros)", header, rows),
        aria="Graphique en barres : montants accordés par chaque financeur, par année. Les "
        "valeurs sont dans le tableau voisin.",
    )  # fmt: skip


def _funders_by(ctx, funders: list[str], scope_type: str) -> str:
    """Cumulated euros of each funder for each pilier (or action): a table."""
    d = ctx.data
    scopes = d.scopes[scope_type]
    if not scopes:
        return ""
    word = "pilier" if scope_type == "pilier" else "action"
    header = [word.capitalize(), *(_label("financeur", m) for m in funders)]
    rows = []
    for s in scopes:
        cells = ctx.cells_of(s)
        rows.append(
            [Cell(raw_html=f'<a href="{href(s.path)}">{esc(s.label)}</a>')]
            + [value_cell(cell_text(cells.get("financement_total", "cumul", "financeur", m),
                                    "euros")) for m in funders]
        )  # fmt: skip
    cumul = period_label("cumul", d.years)
    title = f"Financement par {word} et par financeur ({cumul})"
    return (
        f'<section class="block" aria-labelledby="financeurs-{word}">'
        f'<h3 id="financeurs-{word}">{esc(title)}</h3>'
        f"{table(title + ', en euros', header, rows, css='wide')}</section>"
    )


def _funder_files(downloads: list[tuple[str, int]]) -> str:
    files = [(p, n) for p, n in downloads if "/financeurs/" in f"/{p}"]
    if not files:
        return ""
    items = "".join(
        f'<li><a href="{href(p)}" download>{esc(Path(p).name)}</a> ({esc(format_size(n))})</li>'
        for p, n in files
    )
    return (
        '<section aria-labelledby="extraits"><h2 id="extraits">Extraits par financeur</h2>'
        "<p>Pour chaque financeur : ses lignes de financement et les indicateurs publiés des "
        "actions qu'il finance (CSV pour Excel et classeur XLSX avec les définitions ; "
        f"mêmes règles de secret statistique).</p><ul>{items}</ul></section>"
    )


# ---------------------------------------------------------------- pages


def equity_pages(ctx, downloads: list[tuple[str, int]]) -> list:
    """The four pages, rendered with the site's frame (ctx.render)."""
    titles = dict((path, title) for title, path in NAV)
    bodies = {
        "comparaison.html": comparison_body(ctx),
        "qpv.html": qpv_body(ctx),
        "publics.html": publics_body(ctx),
        "financeurs.html": funders_body(ctx, downloads),
    }
    return [ctx.render(path, titles[path], html, n) for path, (html, n) in bodies.items()]
