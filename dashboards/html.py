"""HTML building blocks: escaping, page layout with navigation, data tables, status badges.

Every text that reaches a page goes through `esc` (element text and attribute values),
whatever its origin: partner names and labels come from files we do not control.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from hashlib import sha1
from urllib.parse import quote

from indicators.registry import STATUTS

# Okabe-Ito, reordered so that the low-contrast yellow comes last.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442",
)  # fmt: skip
# status -> (pictogram, CSS class); the text label always accompanies the colour.
STATUT_STYLE = {
    "atteint": ("✔", "st-atteint"),
    "en_bonne_voie": ("↗", "st-bonne-voie"),
    "a_surveiller": ("⚠", "st-surveiller"),
    "en_retard": ("✖", "st-retard"),
}
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}


def esc(text: object) -> str:
    """Escape for element text and quoted attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


def href(path: str) -> str:
    """A relative link to one of our files, percent-encoded then escaped for the attribute."""
    return esc(quote(path, safe="/#.-_~"))


def safe_name(code: str, force_hash: bool = False) -> str:
    """File name (without extension) for a scope code: the code itself when it is plain
    ASCII, else a slug plus a short hash so that two codes never share a file."""
    code = str(code)
    plain = _SAFE_NAME.fullmatch(code) and code.lower() not in _WINDOWS_RESERVED
    if plain and not force_hash:
        return code
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", code).strip("_-")[:60] or "x"
    return f"{slug}-{sha1(code.encode()).hexdigest()[:8]}"


def safe_names(codes: list[str]) -> dict[str, str]:
    """File names for codes of one folder. Codes equal but for case get hashed names:
    the site is opened from Windows and macOS disks, which ignore case."""
    lower: dict[str, int] = {}
    for c in codes:
        key = safe_name(c).lower()
        lower[key] = lower.get(key, 0) + 1
    return {c: safe_name(c, force_hash=lower[safe_name(c).lower()] > 1) for c in codes}


def statut_badge(statut: str | None) -> str:
    if not statut:
        return '<span class="st-none">—</span>'
    picto, css = STATUT_STYLE.get(statut, ("", "st-none"))
    label = STATUTS.get(statut, statut)
    return f'<span class="badge {css}"><span aria-hidden="true">{picto}</span> {esc(label)}</span>'


@dataclass(frozen=True)
class Cell:
    """A table cell: `text` is escaped, `raw_html` is trusted markup built by us."""

    text: str = ""
    raw_html: str | None = None
    css: str = ""

    def render(self, tag: str = "td", scope: str = "") -> str:
        attrs = f' scope="{scope}"' if scope else ""
        attrs += f' class="{self.css}"' if self.css else ""
        body = self.raw_html if self.raw_html is not None else esc(self.text)
        return f"<{tag}{attrs}>{body}</{tag}>"


def value_cell(text: str) -> Cell:
    """A formatted value; secret and undefined cells get a class and an explanation."""
    if text == "s":
        return Cell(raw_html='<abbr title="secret statistique">s</abbr>', css="num secret")
    if text == "n.d.":
        return Cell(raw_html='<abbr title="non défini : dénominateur nul">n.d.</abbr>', css="num")
    return Cell(text, css="num")


NUM_CLASS = ' class="num"'


def table(caption: str, header: list[str], rows: list[list[Cell]], css: str = "") -> str:
    """A data table: first column holds row headers; wrapped for horizontal scrolling."""
    # a column of values (statuses included) gets its header aligned like its cells
    numeric = [
        bool(rows) and all(r[i].css.split()[:1] in (["num"], ["status"]) for r in rows)
        for i in range(len(header))
    ]
    head = "".join(
        f'<th scope="col"{NUM_CLASS if n else ""}>{esc(h)}</th>'
        for h, n in zip(header, numeric, strict=True)
    )
    body = "".join(
        "<tr>" + row[0].render("th", "row") + "".join(c.render() for c in row[1:]) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table-wrap {css}" tabindex="0" role="region" aria-label="{esc(caption)}">'
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


@dataclass(frozen=True)
class NavLink:
    label: str
    path: str  # relative to the site root


@dataclass(frozen=True)
class NavGroup:
    label: str
    links: tuple[NavLink, ...]


def _nav(items: list[NavLink | NavGroup], root: str, current: str) -> str:
    def link(item: NavLink) -> str:
        cur = ' aria-current="page"' if item.path == current else ""
        return f'<a href="{href(root + item.path)}"{cur}>{esc(item.label)}</a>'

    parts = []
    for item in items:
        if isinstance(item, NavLink):
            parts.append(f"<li>{link(item)}</li>")
        elif item.links:
            inner = "".join(f"<li>{link(x)}</li>" for x in item.links)
            parts.append(
                f"<li><details><summary>{esc(item.label)}</summary><ul>{inner}</ul></details></li>"
            )
    return f'<nav aria-label="Navigation principale"><ul class="nav">{"".join(parts)}</ul></nav>'


def page(
    *,
    title: str,
    path: str,
    site_title: str,
    nav: list[NavLink | NavGroup],
    body: str,
    footer: str,
    with_charts: bool,
) -> str:
    """A complete page. `path` is relative to the site root (e.g. `pilier/x.html`)."""
    root = "../" * path.count("/")
    scripts = ""
    if with_charts:
        scripts = (
            f'<script src="{root}assets/plotly.min.js"></script>'
            f'<script src="{root}assets/plotly-locale-fr.js"></script>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} – {esc(site_title)}</title>"
        f'<link rel="stylesheet" href="{root}assets/site.css">{scripts}</head>\n<body>'
        '<a class="skip" href="#contenu">Aller au contenu</a>'
        f'<header><p class="site-title">{esc(site_title)}</p>'
        f"{_nav(nav, root, path)}</header>\n"
        f'<main id="contenu"><h1>{esc(title)}</h1>\n{body}\n</main>\n'
        f"<footer>{footer}</footer></body></html>\n"
    )
