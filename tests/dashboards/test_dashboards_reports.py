"""The validation reports and the site are one set of pages: same header, navigation and
style, relative links both ways that work offline in publish/, one declared menu."""

import re
from urllib.parse import unquote

from dashboards import nav
from dashboards.data import Scope
from dashboards.render import SEARCH_PATH

SITE_TITLE = '<p class="site-title">Contrat de ville de Caen la Mer</p>'  # ref.contrat


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_link_between_reports_and_site_resolves(published):
    pages = list(published.rglob("*.html"))
    assert {p.parent.name for p in pages} >= {"rapports", "tableaux-de-bord"}
    for page in pages:
        for target in re.findall(r'(?:href|src)="([^"#]+)', read(page)):
            assert (page.parent / unquote(target)).resolve().is_file(), (page, target)


def test_reports_share_the_site_header_navigation_and_style(published):
    site = read(published / "tableaux-de-bord" / "index.html")
    report_index = read(published / "rapports" / "index.html")
    # f1 is the hand-made warehouse's first file, of partner P01 (markup in its name)
    report = read(published / "rapports" / "f1.html")
    for page in (site, report_index, report):
        assert SITE_TITLE in page
        assert '<nav aria-label="Navigation principale"><ul class="nav">' in page
    # the site links to the reports; the reports link to the site's fixed pages
    assert 'href="../rapports/index.html"' in site
    for target in ("index.html", "telechargements.html", "methodologie.html"):
        assert f'href="../tableaux-de-bord/{target}"' in report
    assert '<a href="../rapports/index.html" aria-current="page">' in report_index
    assert "Retour aux tableaux de bord" in report
    # one stylesheet: the site's file, inlined in the reports (a page may travel alone)
    css = read(published / "tableaux-de-bord" / "assets" / "site.css")
    assert css == read(SEARCH_PATH[1] / "site.css")
    assert f"<style>{css}</style>" in report
    assert "Association Élan &amp; « Avenir » &quot;Nord&quot;" in report


def test_adding_a_menu_entry_is_one_line(monkeypatch):
    scopes = {t: [] for t in ("contrat", "pilier", "partenaire", "action", "qpv")}
    scopes["action"] = [Scope("action", "A1", "Forum", "action/A1.html")]
    # (the real Revues page is in NAV now: the example adds another page)
    monkeypatch.setattr(nav, "NAV", (*nav.NAV[:-1], nav.Page("Annexe", "annexe.html"), nav.NAV[-1]))

    site = nav.resolve(to_site="../", current="action/A1.html", scopes=scopes, reports=None)
    assert [i.label for i in site] == [
        "Synthèse",
        "Actions",
        "Comparaison des actions",  # (v2) analysis pages
        "QPV et hors QPV",
        "Publics et freins",
        "Financeurs",
        "Téléchargements",
        "Revues",
        "Méthodologie",
        "Suivi des remontées",
        "Annexe",
    ]  # fmt: skip  (empty scope menus and absent reports are left out)
    # from action/A1.html: up to the site root, then down to the page itself
    assert site[1].links == (nav.Link("Forum", "../action/A1.html", current=True),)

    reports = nav.resolve(
        to_site="../tableaux-de-bord/", current="../rapports/index.html", scopes=None,
        reports="../rapports/index.html",
    )  # fmt: skip
    assert [(i.label, i.href, i.current) for i in reports][-2:] == [
        ("Annexe", "../tableaux-de-bord/annexe.html", False),
        ("Rapports de validation", "../rapports/index.html", True),
    ]
