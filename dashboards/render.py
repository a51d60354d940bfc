"""The one Jinja2 environment behind every HTML page: the site and the validation reports.

Autoescape is on for every template; the only markup we mark safe is Plotly's chart HTML
(`charts.chart_html`). `finalize` escapes with `html.escape`, the spelling the pages have
always used (`&quot;`, `&#x27;`), before autoescape sees the value as already safe.
Templates are compiled once per process (the environment is cached, and so are its
templates), never once per page.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from dashboards.format import format_date, format_number, format_size, format_value
from indicators.registry import STATUTS

HERE = Path(__file__).parent
# site.css is in the search path so that reports can inline it (`{% include "site.css" %}`)
SEARCH_PATH = (HERE / "templates", HERE / "assets")

# status -> (pictogram, CSS class); the text label always accompanies the colour.
STATUT_STYLE = {
    "atteint": ("✔", "st-atteint"),
    "en_bonne_voie": ("↗", "st-bonne-voie"),
    "a_surveiller": ("⚠", "st-surveiller"),
    "en_retard": ("✖", "st-retard"),
}


def _finalize(value: object) -> object:
    if hasattr(value, "__html__"):
        return value  # a macro's output or Plotly's chart
    return Markup(html.escape("" if value is None else str(value), quote=True))


def url(path: str) -> str:
    """A relative link to one of our files, percent-encoded (autoescape does the rest)."""
    return quote(path, safe="/#.-_~")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(p) for p in SEARCH_PATH]),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,  # pages end with a newline; included CSS stays whole
        auto_reload=False,  # templates do not change while a build runs
    )
    env.filters.update(
        url=url,
        number=format_number,
        value=format_value,
        date_fr=format_date,
        size=format_size,
    )
    env.globals.update(STATUTS=STATUTS, STATUT_STYLE=STATUT_STYLE, zip=zip)
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
