"""Every page of the built site in a real headless Chromium (Debian's), offline: no console
error, no failed request, every chart drawn, secrets as `s`, injections shown as text."""

from pathlib import Path

import pytest
from dash_fixture import PAGES
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
N = "\u202f"
NO_NEW_ENTRANTS = ("qpv.html", "financeurs.html")  # (v2) pages without that indicator

DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(e => e.querySelector('.main-svg')).length"""


@pytest.fixture(scope="module")
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        events = {"console": [], "failed": [], "dialogs": [], "blocked": []}
        page.on(
            "console",
            lambda m: events["console"].append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: events["console"].append(str(e)))
        page.on("requestfailed", lambda r: events["failed"].append(r.url))

        def on_dialog(dialog):
            events["dialogs"].append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                events["blocked"].append(r.request.url)
                r.abort()

        page.route("**/*", route)
        yield page, events
        browser.close()


def open_page(browser_page, site: Path, name: str):
    page, events = browser_page
    for v in events.values():
        v.clear()
    page.goto((site / name).as_uri(), wait_until="load")
    expected = PAGES[name]
    page.wait_for_function(f"() => ({DRAWN})() >= {expected}", timeout=15_000)
    return page, events


def test_every_page_renders_offline(browser_page, built_site):
    site, _ = built_site
    for name, charts in PAGES.items():
        page, events = open_page(browser_page, site, name)
        assert page.evaluate(DRAWN) == charts == page.locator("figure.chart").count(), name
        assert events == {"console": [], "failed": [], "dialogs": [], "blocked": []}, name
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert page.locator("nav a[href$='methodologie.html']").count() == 1, name
        text = page.inner_text("body")
        if charts and name not in NO_NEW_ENTRANTS:
            assert "Nouveaux entrants <script>alert(1)</script>" in text, name


def test_secret_cells_and_injection_as_text(browser_page, built_site):
    site, _ = built_site
    page, events = open_page(browser_page, site, "action/A3.html")
    row = page.locator("table", has_text="Personnes accompagnées").locator("tbody tr").first
    assert row.locator("td").all_inner_texts()[0] == "s"
    # the secret point is not drawn: the annotation `s` stands at 2024, no marker at 0
    chart = page.locator("#action-personnes-graphique")
    assert chart.locator(".annotation-text").all_text_contents() == ["s"]
    assert (
        page.evaluate("document.getElementById('action-personnes-graphique').data[0].y[0]") is None
    )
    page, events = open_page(browser_page, site, "action/A2.html")
    assert "Forum emploi <img src=x onerror=alert(1)>" in page.inner_text("h1")
    assert page.locator("img").count() == 0 and events["dialogs"] == []


def test_french_numbers_in_tables_axes_and_hover(browser_page, built_site):
    site, _ = built_site
    page, _ = open_page(browser_page, site, "index.html")
    assert f"1{N}234" in page.inner_text("body")
    # the French locale is registered: the mode bar speaks French
    titles = page.locator("#cle-beneficiaires_uniques-graphique .modebar-btn")
    names = [titles.nth(i).get_attribute("data-title") for i in range(titles.count())]
    assert "Télécharger le graphique en PNG" in names
    assert not any("Partager" in n or "Share" in n for n in names)  # no upload to a cloud
    chart = page.locator("#cle-financement_total-graphique")
    assert f"1{N}250{N}000\u00a0€" in chart.locator(".bartext").all_text_contents()
    assert any(f"{N}000\u00a0€" in t for t in chart.locator(".ytick").all_text_contents())
    bar = page.locator("#cle-beneficiaires_uniques-graphique .bars .point").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()  # Plotly's drag layer takes the pointer: move the mouse there
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator("#cle-beneficiaires_uniques-graphique .hoverlayer")
    hover.locator(".hovertext").wait_for(timeout=5_000)
    assert f"2024 : 1{N}234" in hover.text_content()


def test_validation_reports_look_like_the_site_and_lead_to_it(browser_page, published):
    page, events = browser_page
    for v in events.values():
        v.clear()
    page.goto((published / "rapports" / "f1.html").as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.lang") == "fr"
    # the site's header colour (#0b3c5d in site.css), inlined in the report
    header = "getComputedStyle(document.querySelector('header')).backgroundColor"
    assert page.evaluate(header) == "rgb(11, 60, 93)"
    assert 'Association Élan & « Avenir » "Nord"' in page.inner_text("dl")  # P01, as text
    page.click("nav a:text-is('Synthèse')")
    page.wait_for_url("**/tableaux-de-bord/index.html")
    page.wait_for_function(f"() => ({DRAWN})() >= {PAGES['index.html']}", timeout=15_000)
    page.click("nav a:text-is('Rapports de validation')")
    page.wait_for_url("**/rapports/index.html")
    assert "Rapports de validation des fichiers reçus" in page.inner_text("h1")
    assert events == {"console": [], "failed": [], "dialogs": [], "blocked": []}
