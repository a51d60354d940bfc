"""The site's navigation, declared once. Adding a page to the menu is one line in NAV.

Entries are resolved for one page into links relative to that page; the validation
reports resolve the same list without the per-scope menus (they do not load the site's
data) and with their own path to the site.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from dashboards.data import SCOPE_TYPE_LABELS, SCOPE_TYPES
from dashboards.format import format_number

REPORTS = "rapports"  # path placeholder: the validation reports, beside the site
DEFAULT_SITE_TITLE = "Contrat de ville"  # the header's title when the contract has no label


@dataclass(frozen=True)
class Page:
    """A fixed page of the site; `path` is relative to the site root."""

    label: str
    path: str


@dataclass(frozen=True)
class Scopes:
    """One link per scope of a type; `menu=True` folds them under the type's plural label."""

    type: str
    label: str = ""
    menu: bool = True


NAV = (
    Page("Synthèse", "index.html"),
    Scopes("contrat", "Contrat : tous les indicateurs", menu=False),
    *(Scopes(t) for t in SCOPE_TYPES),
    # (v2) analyses across actions, residents, publics and funders (dashboards/equity.py)
    Page("Comparaison des actions", "comparaison.html"),
    Page("QPV et hors QPV", "qpv.html"),
    Page("Publics et freins", "publics.html"),
    Page("Financeurs", "financeurs.html"),
    Page("Téléchargements", "telechargements.html"),
    Page("Revues", "revues.html"),
    Page("Méthodologie", "methodologie.html"),
    Page("Suivi des remontées", "suivi-remontees.html"),
    Page("Rapports de validation", REPORTS),
)


# Beyond this many scopes of a type (a big city's 500 actions, 1,400 QPV), the menu shows
# one link to the type's list page instead of every scope: repeated on each of thousands of
# pages, the full menu made most of a 500 MB site.
MENU_MAX = 40


def listed(scopes: list) -> bool:
    """Whether the scopes of one type get a list page rather than a menu of their own."""
    return len(scopes) > MENU_MAX


def list_path(scope_type: str) -> str:
    """The list page of a scope type, at the site root (no scope code can collide)."""
    return f"liste-{scope_type}.html"


@dataclass(frozen=True)
class Link:
    label: str
    href: str  # relative to the current page, not yet percent-encoded
    current: bool = False


@dataclass(frozen=True)
class Menu:
    label: str
    links: tuple[Link, ...]


def resolve(
    *, to_site: str, current: str, scopes: dict | None, reports: str | None
) -> list[Link | Menu]:
    """The menu of one page. `to_site`: prefix from the page to the site root ('', '../',
    '../tableaux-de-bord/'); `current`: the page's own path from the site root; `scopes`:
    SiteData.scopes, or None to leave out the per-scope entries; `reports`: the reports'
    index from the site root, or None when there are none."""

    def link(label: str, path: str) -> Link:
        return Link(label, posixpath.normpath(to_site + path), path == current)

    items: list[Link | Menu] = []
    for entry in NAV:
        if isinstance(entry, Page):
            path = reports if entry.path == REPORTS else entry.path
            if path:
                items.append(link(entry.label, path))
        elif scopes is not None:
            plural = SCOPE_TYPE_LABELS[entry.type][1]
            if entry.menu and listed(scopes[entry.type]):
                n = format_number(len(scopes[entry.type]))
                items.append(link(f"{plural} ({n})", list_path(entry.type)))
                continue
            links = tuple(link(entry.label or s.label, s.path) for s in scopes[entry.type])
            if not entry.menu:
                items += links
            elif links:
                items.append(Menu(plural, links))
    return items
