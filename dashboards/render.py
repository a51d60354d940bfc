"""The one Jinja2 environment behind every HTML page: the site and the validation reports.

Autoescape is on for every template; the only markup we mark safe is Plotly's chart HTML
(`charts.chart_html`). `finalize` escapes with `html.escape`, the spelling the pages have
always used (`&quot;`, `&#x27;`), before autoescape sees the value as already safe.
Templates are compiled once per process (the environment is cached, and so are its
templates), never once per page.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache
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
    return Markup(_text(value))


def _text(value: object) -> str:
    """A value as `{{ value }}` writes it (_finalize, then autoescape)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape("" if value is None else str(value), quote=True)


def record_rows(records, columns, numeric=(), links=None) -> Markup:
    """The body of macros.html's record_table, one `<tr>` line per record (see there).
    Written here: Jinja's cost per cell was most of the rendering of the validation
    reports (500 rejected rows shown per file, 1,100 files at a big city's size)."""
    links = links or {}
    lines = []
    for r in records:
        cells = []
        for key in columns:
            if key in links:
                cells.append(f'<td><a href="{_text(url(r[links[key]]))}">{_text(r[key])}</a></td>')
            elif key in numeric:
                cells.append(f'<td class="n">{_text(r[key])}</td>')
            else:
                cells.append(f"<td>{_text(r[key])}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>\n")
    return Markup("".join(lines))


SECRET_HTML = '<abbr title="secret statistique">s</abbr>'
UNDEFINED_HTML = '<abbr title="non défini : dénominateur nul">n.d.</abbr>'


def status_badge(statut: str | None) -> Markup:
    """A target status as a badge: pictogram and label, never the colour alone."""
    if not statut:
        return Markup('<span class="st-none">—</span>')
    picto, css = STATUT_STYLE.get(statut, ("", "st-none"))
    label = STATUTS.get(statut, statut)
    return Markup(
        f'<span class="badge {_text(css)}"><span aria-hidden="true">{_text(picto)}</span> '
        f"{_text(label)}</span>"
    )


def _cell_content(c) -> str:
    kind = c.kind
    if kind == "text":
        return _text(c.text)
    if kind == "secret":
        return SECRET_HTML
    if kind == "undefined":
        return UNDEFINED_HTML
    if kind == "status":
        return status_badge(c.statut)
    if kind == "code":
        return f"<code>{_text(c.text)}</code>"
    if kind == "download":
        return f'<a href="{_text(url(c.href))}" download>{_text(c.text)}</a>'
    return ""


def table_rows(rows) -> Markup:
    """The body rows of macros.html's table (cells.Table.rows), a row's first cell as its
    header. Written here: Jinja's cost per cell was most of the rendering of the site's
    scope pages (a chart's data table per indicator and breakdown)."""
    out = []
    for row in rows:
        out.append("<tr>")
        for i, c in enumerate(row):
            tag = "th" if i == 0 else "td"
            opening = '<th scope="row"' if i == 0 else "<td"
            css = f' class="{_text(c.css)}"' if c.css else ""
            out.append(f"{opening}{css}>{_cell_content(c)}</{tag}>")
        out.append("</tr>")
    return Markup("".join(out))


def code_items(codes) -> Markup:
    """`<li>` items of (code, label) pairs: a partner guide lists the contract's 1,430 QPV
    under each column that takes one, the same list for every partner."""
    return Markup(_code_items(tuple(map(tuple, codes))))


@lru_cache(maxsize=64)
def _code_items(codes: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"<li><code>{_text(code)}</code> – {_text(label)}</li>" for code, label in codes)


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
    env.globals.update(
        zip=zip,
        record_rows=record_rows,
        table_rows=table_rows,
        code_items=code_items,
        badge_html=status_badge,
        SECRET_HTML=Markup(SECRET_HTML),
    )
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
