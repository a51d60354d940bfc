"""Plotly trend charts by year, as figure dicts rendered with plotly.io.to_html.

Secret points are left out of the traces (a gap, never a 0) and marked by an `s`
annotation whose hover says why. Every label is HTML-escaped because Plotly renders
its strings as pseudo-HTML (it decodes the entities back to the visible text).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import plotly.io as pio
from markupsafe import Markup

from dashboards.format import NNBSP, SECRET, format_value

# Okabe-Ito, reordered so that the low-contrast yellow comes last.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442",
)  # fmt: skip

SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "solid", "dash", "dot")
UNIT_SUFFIX = {"pourcentage": "\u00a0%", "pour_mille": "\u00a0‰", "euros": "\u00a0€"}
CONFIG = {
    "locale": "fr",
    "displaylogo": False,
    "responsive": True,
    # sendChartToCloud uploads the chart to Plotly Cloud: never on an offline, confidential site
    "modeBarButtonsToRemove": ["sendChartToCloud", "select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "filename": "graphique"},
}
HEIGHT = 320
PROVISIONAL = "provisoire"
PROVISIONAL_OPACITY = 0.4  # a provisional year's bar or point is drawn lighter


def year_label(year: str, provisional: frozenset[str] | set[str]) -> str:
    """'2026 (provisoire)' for a provisional period (data contract v2, section 6)."""
    return f"{year} ({PROVISIONAL})" if year in provisional else year


@dataclass(frozen=True)
class Series:
    name: str  # raw text, escaped here
    values: list[float | None]  # one per year; None = not drawn
    secret: list[bool]
    style: str = "main"  # main | expected (the target trajectory)


def _annotations(series: list[Series], years: list[str], kind: str) -> list[dict]:
    notes, stacked = [], dict.fromkeys(years, 0)
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        for pos, (year, secret) in enumerate(zip(years, s.secret, strict=True)):
            if not secret:
                continue
            # x as the category's index: a year string would be read as index 2024
            notes.append(
                {
                    "x": pos, "y": 0, "xref": "x", "yref": "y" if kind == "bar" else "paper",
                    "yanchor": "bottom", "yshift": 2 + 16 * stacked[year], "showarrow": False,
                    "text": f"<b>{SECRET}</b>", "font": {"color": colour, "size": 14},
                    "hovertext": f"{escape(s.name)}, {year} : {SECRET} (secret statistique)",
                }
            )  # fmt: skip
            stacked[year] += 1
    return notes


def _trace(
    i: int, s: Series, years: list[str], unite: str, kind: str, provisional=frozenset()
) -> dict:
    texts = [
        None
        if v is None
        else format_value(v, unite) + (" (provisoire)" if y in provisional else "")
        for v, y in zip(s.values, years, strict=True)
    ]  # French numbers in the hover, whatever the browser's locale
    opacity = [PROVISIONAL_OPACITY if y in provisional else 1.0 for y in years]
    trace = {
        "x": years, "y": s.values, "name": escape(s.name), "customdata": texts,
        "hovertemplate": "%{fullData.name}<br>%{x} : %{customdata}<extra></extra>",
    }  # fmt: skip
    colour = PALETTE[i % len(PALETTE)]
    if s.style == "expected":
        trace.update(
            type="scatter", mode="lines+markers", connectgaps=True,
            line={"color": "#444444", "dash": "dot", "width": 2},
            marker={"symbol": "diamond-open", "size": 9, "color": "#444444"},
        )  # fmt: skip
    elif kind == "bar":
        trace.update(
            type="bar", marker={"color": colour, "opacity": opacity},
            texttemplate="%{customdata}", textposition="outside", cliponaxis=False,
        )  # fmt: skip
    else:
        trace.update(
            type="scatter", mode="lines+markers", connectgaps=False,
            line={"color": colour, "dash": DASHES[i % len(DASHES)], "width": 2.5},
            marker={
                "symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8, "color": colour,
                "opacity": opacity,
            },
        )  # fmt: skip
    return trace


def trend_figure(
    series: list[Series],
    years: list[str],
    unite: str,
    kind: str,
    provisional: frozenset[str] | set[str] = frozenset(),
) -> dict:
    """`kind` is 'bar' (one series of counts or euros) or 'line' (several series).
    A provisional year reads "2026 (provisoire)" on the axis and in the hover, and its bar
    or point is drawn lighter; the page adds a note under the chart."""
    main = [s for s in series if s.style == "main"]
    provisional = frozenset(provisional) & set(years)
    return {
        "data": [_trace(i, s, years, unite, kind, provisional) for i, s in enumerate(series)],
        "layout": {
            "separators": f",{NNBSP}",
            "height": HEIGHT,
            "autosize": True,
            "margin": {"l": 64, "r": 16, "t": 28, "b": 24},
            "font": {"family": "DejaVu Sans, Arial, sans-serif", "size": 13, "color": "#1a1a1a"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "xaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": years,
                "tickvals": years,
                "ticktext": [year_label(y, provisional) for y in years],
                "linecolor": "#555555",
                "ticks": "outside",
                "fixedrange": True,
            },  # fmt: skip
            "yaxis": {
                "rangemode": "tozero",
                "separatethousands": True,
                "exponentformat": "none",
                "ticksuffix": UNIT_SUFFIX.get(unite, ""),
                "gridcolor": "#dddddd",
                "zerolinecolor": "#555555",
                "fixedrange": True,
                "automargin": True,
            },  # fmt: skip
            "showlegend": len(series) > 1,
            "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
            "hoverlabel": {"bgcolor": "#ffffff", "font": {"size": 13}},
            "bargap": 0.35,
            "annotations": _annotations(main, years, kind),
        },
    }


def chart_html(fig: dict, div_id: str) -> Markup:
    """The chart's div and its inline script (plotly.js is loaded once by the page).
    The one piece of markup the templates take as it is: Plotly writes it, and every
    label in `fig` was escaped above."""
    n = len(fig["data"])
    height = HEIGHT + (26 * ((n + 1) // 2) if n > 1 else 0)  # room for the legend rows
    fig["layout"]["height"] = height
    html = pio.to_html(
        fig,
        config=CONFIG,
        include_plotlyjs=False,
        full_html=False,
        validate=False,  # figure dicts are built here; validation costs ~20 ms a chart
        div_id=div_id,
        default_height=f"{height}px",
        default_width="100%",
    )
    return Markup(html)
