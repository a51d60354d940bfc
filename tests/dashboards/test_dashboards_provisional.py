"""(v2) Provisional periods and the "Suivi des remontées" page, in a real headless Chromium
(offline): labels, lighter bars, notes, the synthesis led by the latest definitive year, and
the report matrix readable without colour with working links to the validation reports.

The hand-made dashboards warehouse (years 2024, 2025 + cumul) gets a reporting calendar (30
days, as of 15/03/2026); marts.completude comes from the real SQL. Its three files: f1 (P01
2025 participants, recorded 10/01/2026, accepted), f2 (P02 2025 financements, 15/01/2026,
accepted), f3 (P02 2025 seances, 15/01/2026, refused). Both partners are annual (default) and
run actions without dates, so 2024, 2025 and 2026 are expected of each; 2025 is due on
31/12/2025 + 30 days = 30/01/2026.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from test_dashboards_browser import ARGS, CHROMIUM  # noqa: F401  (same browser settings)

from dashboards.sections import PROVISIONAL_NOTE
from indicators.completeness import STATUT_LIBELLES, compute_completeness


@pytest.fixture(scope="module")
def provisional_publish(tmp_path_factory, warehouse):
    from dashboards.site import build_site
    from pipelines.ingest.reports import write_validation_reports

    root = tmp_path_factory.mktemp("dash_provisional")
    path = root / "evaluation.duckdb"
    shutil.copy(warehouse, path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO ref.calendrier VALUES (30, DATE '2026-03-15')")
    counts = compute_completeness(con)
    # 2025 misses reports (and f3 was refused): 2025 and the cumul are provisional
    con.execute(
        "INSERT INTO marts.periodes VALUES ('2024', DATE '2024-01-01', DATE '2024-12-31', false),"
        " ('2025', DATE '2025-01-01', DATE '2025-12-31', true),"
        " ('cumul', DATE '2024-01-01', DATE '2025-12-31', true)"
    )
    publish = root / "publish"
    write_validation_reports(con, publish / "rapports", run_id="run-1")
    build_site(con, publish / "tableaux-de-bord", publish / "rapports")
    con.close()
    return publish, counts


def test_completeness_of_the_fixture(provisional_publish):
    _, counts = provisional_publish
    # 2 partners x 3 years x 3 kinds = 18 expected: f1 and f2 on time, f3 refused,
    # the other 2024 and 2025 reports missing (12 - 3 = 9), 2026 not yet due (6)
    assert counts == {
        "recu_a_temps": 2, "recu_en_retard": 0, "refuse": 1, "manquant": 9, "attendu": 6,
        "non_attendu": 0,
    }  # fmt: skip


@pytest.fixture(scope="module")
def page(provisional_publish):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 900})
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
        )
        yield pg, errors
        browser.close()


def goto(page, path):
    pg, errors = page
    errors.clear()
    pg.goto(path.as_uri(), wait_until="load")
    return pg


def test_scope_page_marks_the_provisional_year(page, provisional_publish):
    publish, _ = provisional_publish
    pg = goto(page, publish / "tableaux-de-bord" / "contrat" / "CV-CAEN.html")
    pg.wait_for_function("() => document.querySelectorAll('.main-svg').length > 0")
    block = pg.locator("section.block", has=pg.locator("#contrat-financement"))
    headers = block.locator("thead th").all_inner_texts()
    assert headers[1:3] == ["2024", "2025 (provisoire)"]
    assert headers[3] == "Cumul 2024–2025 (provisoire)"
    assert PROVISIONAL_NOTE in block.inner_text()
    chart = "document.getElementById('contrat-financement-graphique')"
    # the axis says it and the provisional bar is lighter
    assert pg.evaluate(f"{chart}._fullLayout.xaxis.ticktext") == ["2024", "2025 (provisoire)"]
    assert pg.evaluate(f"{chart}.data[0].marker.opacity") == [1, 0.4]
    ticks = pg.locator("#contrat-financement-graphique .xtick text").all_text_contents()
    assert ticks == ["2024", "2025 (provisoire)"]
    assert page[1] == []


def test_synthesis_leads_with_the_latest_definitive_year(page, provisional_publish):
    publish, _ = provisional_publish
    pg = goto(page, publish / "tableaux-de-bord" / "index.html")
    table = pg.locator("table", has_text="Indicateurs clés au périmètre du contrat")
    caption = table.locator("caption").inner_text()
    assert caption == (
        "Indicateurs clés au périmètre du contrat : 2024, 2025 (provisoire) et cumul, "
        "au regard des cibles"
    )
    assert table.locator("thead th").all_inner_texts()[1:5] == [
        "Valeur 2024", "Statut 2024", "Valeur 2025 (provisoire)", "Statut 2025 (provisoire)",
    ]  # fmt: skip
    # beneficiaires_uniques (fixture HAND): 1 234 in 2024 first, 1 500 in 2025 beside it
    row = table.locator("tbody tr", has_text="Bénéficiaires uniques").locator("td")
    assert row.all_inner_texts()[0:3:2] == ["1\u202f234", "1\u202f500"]


def test_report_matrix_reads_without_colour_and_links_to_reports(page, provisional_publish):
    publish, _ = provisional_publish
    pg = goto(page, publish / "tableaux-de-bord" / "suivi-remontees.html")
    cells = pg.locator("td.suivi")
    # 18 expected reports, each shown once; every cell says its status in words
    assert cells.count() == 18
    words = set(STATUT_LIBELLES.values())
    assert all(any(w in t for w in words) for t in cells.all_inner_texts())
    seances = pg.locator("section[aria-labelledby='suivi-seances']")
    assert seances.locator("thead th").all_inner_texts() == ["Partenaire", "2024", "2025", "2026"]
    refused = seances.locator("tbody tr", has_text="P02").locator("td").nth(1)
    assert refused.inner_text().split("\n") == [
        "✖ Refusé", "échéance : 30 janvier 2026", "reçu le 15 janvier 2026",
        "44 jours de retard",  # 30/01/2026 -> 15/03/2026
        "rapport de validation",
    ]  # fmt: skip
    refused.locator("a").click()
    pg.wait_for_load_state("load")
    assert pg.url.endswith("/rapports/f3.html")
    assert "Rapport de validation" in pg.locator("h1").inner_text()


def test_officer_copy_beside_the_reports_has_the_reminders(page, provisional_publish):
    publish, _ = provisional_publish
    pg = goto(page, publish / "rapports" / "suivi-remontees.html")
    assert pg.locator("td.suivi").count() == 18
    on_time = pg.locator("td[data-statut='recu_a_temps'] a")
    assert sorted(on_time.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == [
        "f1.html", "f2.html",
    ]  # fmt: skip
    texts = pg.locator("pre.relance").all_inner_texts()
    assert len(texts) == 2  # both partners have missing reports
    assert "Bilans non reçus" in texts[0] and "incoming/P01/2024/" in texts[0]
    pg = goto(page, publish / "rapports" / "index.html")
    assert pg.locator("a[href='suivi-remontees.html']").count() == 1


def test_methodology_explains_provisional_periods(page, provisional_publish):
    publish, _ = provisional_publish
    pg = goto(page, publish / "tableaux-de-bord" / "methodologie.html")
    text = pg.locator("section[aria-labelledby='remontees']").inner_text()
    assert "Périodes provisoires de cette publication : 2025, le cumul 2024–2025." in text
    assert "Dernière année définitive : 2024." in text
    assert "(30 jours)" in text and "(15 mars 2026)" in text
