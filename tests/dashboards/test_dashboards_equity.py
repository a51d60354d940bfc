"""(v2) The four analysis pages in the real headless Chromium: sorting, year choice, secret
cells, the QPV gap in points. Values come from dash_fixture (rule and HAND cells)."""

from __future__ import annotations

from test_dashboards_browser import browser_page, open_page  # noqa: F401 (fixture)

MINUS = "\u2212"


def action_order(page, pilier: str) -> list[str]:
    body = page.locator("section[data-periode='2025'] tbody", has_text=pilier)
    return body.locator("tr.ligne th").all_inner_texts()


def test_comparison_sorts_by_a_click_and_shows_one_year(browser_page, built_site):  # noqa: F811
    site, _ = built_site
    page, events = open_page(browser_page, site, "comparaison.html")
    # the latest year is shown, the others hidden
    assert page.locator("section[data-periode='2025']").is_visible()
    assert not page.locator("section[data-periode='2024']").is_visible()
    # beneficiaires_uniques 2025 by the fixture's rule 100 + 7 x action index + 5 x period
    # index: A1 105, A2 112 (pilier emploi), A3 119 (cohesion, its own group)
    emploi = "Emploi et développement économique"
    header = page.locator("section[data-periode='2025'] thead button", has_text="Bénéficiaires")
    header.click()
    assert action_order(page, emploi) == ["Correspondants Solidarité Emploi",
                                          "Forum emploi <img src=x onerror=alert(1)>"]  # fmt: skip
    header.click()
    assert action_order(page, emploi)[0].startswith("Forum emploi")
    assert page.locator("section[data-periode='2025'] th[aria-sort='descending']").count() == 1
    # A3's 2025 positive exit rate is secret: `s` in the table
    row = page.locator("section[data-periode='2025'] tr.ligne", has_text="Auto-école sociale")
    cells = row.locator("td").all_inner_texts()
    assert cells[4] == "s"  # 5th indicator column: taux_sorties_positives
    page.select_option("#choix-periode", "2024")
    assert page.locator("section[data-periode='2024']").is_visible()
    assert not page.locator("section[data-periode='2025']").is_visible()
    assert events["console"] == [] and page.locator("img").count() == 0


def test_qpv_page_gives_the_gap_in_points(browser_page, built_site):  # noqa: F811
    site, _ = built_site
    page, events = open_page(browser_page, site, "qpv.html")
    table = page.locator("table", has_text="Contrat de ville de Caen la Mer : QPV et hors QPV")
    header = table.locator("thead th").all_inner_texts()
    col = header.index("Écart 2025")
    positive = table.locator("tbody tr", has_text="Taux de sorties positives")
    values = positive.locator("th, td").all_inner_texts()
    # 38.5 % (QPV) against 45 % (others): -6.5 points
    assert values[col - 2 : col + 1] == ["38,5\u00a0%", "45,0\u00a0%", f"{MINUS}6,5\u00a0pts"]
    attendance = table.locator("tbody tr", has_text="Taux d'assiduité").locator("th, td")
    assert attendance.all_inner_texts()[col - 1 : col + 1] == ["s", "s"]  # secret side: no gap
    assert events["console"] == []


def test_publics_and_funders_pages(browser_page, built_site):  # noqa: F811
    site, _ = built_site
    page, _ = open_page(browser_page, site, "publics.html")
    text = page.inner_text("body")
    for label in ("Garde d'enfants", "Aucun frein déclaré", "Mission locale", "Bac + 2"):
        assert label in text
    page, _ = open_page(browser_page, site, "financeurs.html")
    text = page.inner_text("body")
    assert "Financement par financeur et par année" in text
    assert "Part des conventions pluriannuelles (CPO), en nombre" in text
