"""Page sections: a chart with its data table beside it, the synthesis against targets,
the mid-term reading. Cells come from marts.indicateurs_publies (one scope at a time).
Sections are data (ChartBlock, Table); templates/macros.html draws them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from markupsafe import Markup

from dashboards.cells import Cell, Table, status_cell, value_cell
from dashboards.charts import Series, chart_html, trend_figure
from dashboards.data import SiteData
from dashboards.format import format_value
from indicators.registry import GRAPHIQUES, INDICATEURS

UNIT_WORDS = {
    "nombre": "effectifs",
    "pourcentage": "en %",
    "pour_mille": "pour 1 000 habitants",
    "euros": "en euros",
}
MODALITE_LABELS = {
    "F": "Femmes",
    "H": "Hommes",
    "moins_26": "Moins de 26 ans",
    "26_49": "26 à 49 ans",
    "50_plus": "50 ans et plus",
}
VENTILATION_LABELS = {"sexe": "par sexe", "tranche_age": "par tranche d'âge"}


@dataclass(frozen=True)
class ChartData:
    """What a scope's chart blocks read of SiteData besides the scope's cells. All of it is
    in their cache key (dashboards/block_cache.py): group_block reads nothing else."""

    years: list[str]
    periods: list[str]
    units: dict[str, str]
    labels: dict[str, str]
    provisional: frozenset[str]

    @classmethod
    def of(cls, data: SiteData) -> ChartData:
        return cls(data.years, data.periods, data.units, data.labels, data.provisional)


@dataclass(frozen=True)
class ChartGroup:
    key: str
    title: str
    codes: tuple[str, ...]  # indicators of one unit, drawn together
    kind: str  # bar (a single series) | line


# One chart per group of the registry, its indicators in registry order.
GROUPS = tuple(
    ChartGroup(g.key, g.titre, tuple(i.code for i in INDICATEURS if i.graphique == g.key), g.type)
    for g in GRAPHIQUES
)

Key = tuple[str, str, str, str]  # code_indicateur, ventilation, modalite, periode


class Cells:
    """The published cells of one scope, looked up by (code, ventilation, modalite, periode)."""

    def __init__(self, rows: Iterable[dict] = ()):
        self.by_key: dict[Key, dict] = {
            (r["code_indicateur"], r["ventilation"], r["modalite"], r["periode"]): r for r in rows
        }
        self.codes = {k[0] for k in self.by_key}

    @classmethod
    def by_scope(cls, df: pl.DataFrame) -> dict[tuple[str, str], Cells]:
        """Every scope's cells, (perimetre_type, perimetre_code) -> Cells, in one pass over
        the rows (a big city's site has 2,000 scopes)."""
        rows: dict[tuple[str, str], list[dict]] = {}
        for r in df.iter_rows(named=True):
            rows.setdefault((r["perimetre_type"], r["perimetre_code"]), []).append(r)
        return {key: cls(scope_rows) for key, scope_rows in rows.items()}

    def get(self, code: str, periode: str, ventilation="ensemble", modalite="ensemble") -> dict:
        return self.by_key.get((code, ventilation, modalite, periode), {})


NO_DEFINITIVE_YEAR = "aucune année définitive"
PROVISIONAL_NOTE = (
    "Les périodes marquées « provisoire » (barres et points plus clairs) attendent encore des "
    "bilans de partenaires (attendus, manquants ou refusés) : leurs chiffres peuvent changer."
)


def period_label(periode: str, years: list[str], provisional=frozenset()) -> str:
    """'2026 (provisoire)' or 'Cumul 2024–2026 (provisoire)' for a provisional period."""
    label = periode
    if periode == "cumul":
        label = f"Cumul {years[0]}–{years[-1]}" if years else "Cumul"
    return f"{label} (provisoire)" if periode in provisional else label


def provisional_note(data: SiteData | ChartData, periods: list[str]) -> str:
    """The note under a chart or table that shows a provisional period."""
    return PROVISIONAL_NOTE if any(p in data.provisional for p in periods) else ""


def cell_text(row: dict, unite: str) -> str:
    if not row:
        return "—"  # no published row (outside the indicator's scopes)
    return format_value(row.get("valeur"), unite, bool(row.get("secret")))


def target_text(row: dict, unite: str) -> str:
    if not row or row.get("valeur_cible") is None:
        return "—"
    year = f" en {row['annee_cible']}" if row.get("annee_cible") is not None else ""
    return target_value(row["valeur_cible"], unite) + year


def target_value(value: float | None, unite: str) -> str:
    """A target or an expected value: whole people (the trajectory is a straight line)."""
    if value is None:
        return "—"
    return format_value(round(value) if unite == "nombre" else value, unite)


def _series(cells: Cells, code: str, name: str, years: list[str], vent="ensemble", mod="ensemble"):
    rows = [cells.get(code, y, vent, mod) for y in years]
    return Series(
        name=name,
        values=[r.get("valeur") for r in rows],
        secret=[bool(r.get("secret")) for r in rows],
    )


@dataclass(frozen=True)
class ChartBlock:
    heading: str
    heading_id: str
    chart: Markup  # Plotly's div and script: the only markup a page takes as it is
    table: Table
    aria: str
    note: str
    layout: str  # chart-grid | chart-stack


def chart_block(
    *, heading: str, heading_id: str, fig: dict, tbl: Table, aria: str, note: str = ""
) -> ChartBlock:
    # beside the chart while the table is narrow; below it when many years make it wide
    layout = "chart-grid" if len(fig["layout"]["xaxis"]["categoryarray"]) <= 3 else "chart-stack"
    chart = chart_html(fig, heading_id + "-graphique")
    return ChartBlock(heading, heading_id, chart, tbl, aria, note, layout)


def group_block(
    data: SiteData | ChartData, cells: Cells, group: ChartGroup, scope_label: str, slug: str
) -> ChartBlock | None:
    """One chart group for a scope, or None when the scope has none of its indicators."""
    codes = [c for c in group.codes if c in cells.codes]
    if not codes:
        return None
    years, periods = data.years, data.periods
    unite = data.units[codes[0]]
    series = [_series(cells, c, data.labels[c], years) for c in codes]
    kind = group.kind if len(codes) == 1 else "line"
    fig = trend_figure(series, years, unite, kind, data.provisional)
    prov = data.provisional

    last = years[-1] if years else "cumul"
    has_target = any(
        cells.get(c, p).get("valeur_cible") is not None for c in codes for p in periods
    )
    header = ["Indicateur", *(period_label(p, years, prov) for p in periods)]
    if has_target:  # a status on a provisional period is shown as provisional
        header += ["Cible", f"Statut {period_label(last, years, prov)}"]
    rows = []
    for c in codes:
        row = [Cell(data.labels[c])]
        row += [value_cell(cell_text(cells.get(c, p), data.units[c])) for p in periods]
        if has_target:
            latest = cells.get(c, last)
            row += [Cell(target_text(latest, data.units[c]), css="num"), status_cell(latest)]
        rows.append(row)
    caption = f"{group.title} – {scope_label} ({UNIT_WORDS.get(unite, unite)})"
    kind = "en barres" if fig["data"][0]["type"] == "bar" else "en courbes"
    aria = (
        f"Graphique {kind} : {group.title}, {scope_label}, de {years[0]} à {years[-1]}. "
        "Les valeurs sont dans le tableau voisin."
        if years
        else f"Graphique : {group.title}, {scope_label}."
    )
    return chart_block(
        heading=group.title, heading_id=f"{slug}-{group.key}", fig=fig,
        tbl=Table(caption, header, rows), aria=aria, note=provisional_note(data, periods),
    )  # fmt: skip


def breakdown_block(
    data: SiteData, cells: Cells, code: str, ventilation: str, slug: str
) -> ChartBlock | None:
    """Contract-scope breakdown (sexe, tranche_age) of one indicator, by year."""
    mods = sorted(
        {k[2] for k in cells.by_key if k[0] == code and k[1] == ventilation},
        key=lambda m: list(MODALITE_LABELS).index(m) if m in MODALITE_LABELS else 99,
    )
    if not mods:
        return None
    years, periods, unite = data.years, data.periods, data.units[code]
    label = f"{data.labels[code]} {VENTILATION_LABELS.get(ventilation, ventilation)}"
    series = [_series(cells, code, MODALITE_LABELS.get(m, m), years, ventilation, m) for m in mods]
    fig = trend_figure(series, years, unite, "line", data.provisional)
    header = ["Modalité", *(period_label(p, years, data.provisional) for p in periods)]
    rows = [
        [Cell(MODALITE_LABELS.get(m, m))]
        + [value_cell(cell_text(cells.get(code, p, ventilation, m), unite)) for p in periods]
        for m in mods
    ]
    aria = f"Graphique en courbes : {label}, par année. Les valeurs sont dans le tableau voisin."
    return chart_block(
        heading=label, heading_id=f"{slug}-{code}-{ventilation}", fig=fig,
        tbl=Table(f"{label} ({UNIT_WORDS.get(unite, unite)})", header, rows), aria=aria,
        note=provisional_note(data, periods),
    )  # fmt: skip


def key_indicator_block(data: SiteData, cells: Cells, code: str) -> ChartBlock:
    """Synthesis trend of one key indicator: value reached and expected trajectory."""
    years, periods, unite = data.years, data.periods, data.units[code]
    label = data.labels[code]
    series = [_series(cells, code, label, years)]
    expected = [cells.get(code, y).get("valeur_attendue") for y in years]
    if any(v is not None for v in expected):
        series.append(
            Series("Valeur attendue (trajectoire)", expected, [False] * len(years), "expected")
        )
    kind = "bar" if unite in ("nombre", "euros") else "line"
    fig = trend_figure(series, years, unite, kind, data.provisional)
    header = ["", *(period_label(p, years, data.provisional) for p in periods)]
    rows = [
        [Cell("Valeur atteinte")]
        + [value_cell(cell_text(cells.get(code, p), unite)) for p in periods],
    ]
    if len(series) > 1:
        rows.append(
            [Cell("Valeur attendue")]
            + [Cell(target_value(cells.get(code, p).get("valeur_attendue"), unite), css="num")
               for p in periods]
        )  # fmt: skip
    if any(cells.get(code, p).get("statut") or cells.get(code, p).get("secret") for p in periods):
        rows.append([Cell("Statut")] + [status_cell(cells.get(code, p)) for p in periods])
    target = target_text(cells.get(code, years[-1] if years else "cumul"), unite)
    note = " ".join(
        t
        for t in (f"Cible : {target}." if target != "—" else "", provisional_note(data, periods))
        if t
    )
    aria = (
        f"Graphique : {label}, valeur atteinte par année"
        + (" et valeur attendue" if len(series) > 1 else "")
        + ". Les valeurs sont dans le tableau voisin."
    )
    return chart_block(
        heading=label, heading_id=f"cle-{code}", fig=fig, note=note,
        tbl=Table(f"{label} : valeurs et statut par période", header, rows), aria=aria,
    )  # fmt: skip


def synthesis_table(data: SiteData, cells: Cells, codes: list[str]) -> Table:
    """Leads with the latest definitive year; the latest provisional year, if later, is shown
    beside it, clearly labelled (data contract v2, section 6)."""
    years, prov = data.years, data.provisional
    lead = data.lead_year or "cumul"
    extra = data.latest_provisional
    shown = [lead, *([extra] if extra else []), "cumul"]
    header = ["Indicateur"]
    for p in shown:
        label = period_label(p, years, prov)
        header += [f"Valeur {label}" if p != "cumul" else label, f"Statut {label}"]
    header += ["Cible", f"Valeur attendue {period_label(lead, years, prov)}"]
    rows = []
    for c in codes:
        unite, first = data.units[c], cells.get(c, lead)
        row = [Cell(data.labels[c])]
        for p in shown:
            got = cells.get(c, p)
            row += [value_cell(cell_text(got, unite)), status_cell(got) if got else Cell("—")]
        row += [
            Cell(target_text(first, unite), css="num"),
            Cell(target_value(first.get("valeur_attendue"), unite), css="num"),
        ]
        rows.append(row)
    caption = (
        f"Indicateurs clés au périmètre du contrat : {period_label(lead, years, prov)}"
        + (f", {period_label(extra, years, prov)}" if extra else "")
        + " et cumul, au regard des cibles"
    )
    return Table(caption, header, rows, css="wide")


def midterm_table(data: SiteData, mid: pl.DataFrame, scope_label: str) -> Table | None:
    if mid.height == 0:
        return None
    header = ["Indicateur", "Cible", "Valeur attendue à mi-parcours", "Valeur atteinte",
              "Année lue", "Statut"]  # fmt: skip
    rows = []
    for r in mid.iter_rows(named=True):
        c = r["code_indicateur"]
        unite = data.units.get(c, "nombre")
        rows.append(
            [
                Cell(data.labels.get(c, c)),
                Cell(target_text(r, unite), css="num"),
                Cell(target_value(r["valeur_attendue"], unite), css="num"),
                value_cell(format_value(r["valeur_atteinte"], unite, bool(r["secret"]))),
                # (v2) read on the latest definitive year; none: said instead of a status
                Cell(r["periode_valeur"] or NO_DEFINITIVE_YEAR, css="num"),
                status_cell(r) if r["periode_valeur"] else Cell("pas de statut"),
            ]
        )  # fmt: skip
    return Table(f"Lecture à mi-parcours – {scope_label}", header, rows, css="wide")
