"""Charts of the review drawn as in the site (dashboards.charts), sized for an A4 page.

A fixed width and no responsive resizing: Chromium lays out the print at the paper width,
and a chart that resized itself while printing could be caught half-drawn.
"""

from __future__ import annotations

import plotly.io as pio
from markupsafe import Markup

from dashboards.charts import CONFIG, HEIGHT, Series, trend_figure
from pipelines.revue.content import ReviewData

PRINT_WIDTH = 660  # px: A4 (210 mm) minus 2 x 16 mm margins at 96 dpi, minus a little air
PRINT_CONFIG = {**CONFIG, "responsive": False, "displayModeBar": False}


def chart_html(fig: dict, div_id: str) -> Markup:
    n = len(fig["data"])
    height = HEIGHT + (26 * ((n + 1) // 2) if n > 1 else 0)
    fig["layout"].update(height=height, width=PRINT_WIDTH, autosize=False)
    html = pio.to_html(
        fig,
        config=PRINT_CONFIG,
        include_plotlyjs=False,
        full_html=False,
        validate=False,
        div_id=div_id,
        default_height=f"{height}px",
        default_width=f"{PRINT_WIDTH}px",
    )
    return Markup(html)  # Plotly's own markup; the labels inside are escaped by trend_figure


def trend_chart(d: ReviewData, code: str, ptype: str, pcode: str, div_id: str) -> Markup:
    """Value reached by year (secret years are a gap marked `s`) and, with a target, the
    expected trajectory."""
    years, unite = d.years, d.site.units.get(code, "nombre")
    rows = [d.cell(code, ptype, pcode, y) for y in years]
    label = d.site.labels.get(code, code)
    series = [
        Series(
            label,
            [None if r.get("secret") else r.get("valeur") for r in rows],
            [bool(r.get("secret")) for r in rows],
        )
    ]
    expected = [r.get("valeur_attendue") for r in rows]
    if any(v is not None for v in expected):
        series.append(
            Series("Valeur attendue (trajectoire)", expected, [False] * len(years), "expected")
        )
    kind = "bar" if unite in ("nombre", "euros") else "line"
    return chart_html(trend_figure(series, years, unite, kind), div_id)
