"""The built site from the hand-made warehouse (conftest): files, links, escaping, secrets,
atomic replacement. The browser test opens the same site."""

import html
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import duckdb
import plotly
import pytest
from dash_fixture import PAGES, make_publish_inputs

from dashboards.site import build_site


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_summary_and_pages(built_site):
    site, summary = built_site
    assert summary.pages == 19  # 13 + 4 v2 analysis pages + Revues + Suivi des remontées
    assert summary.charts == sum(PAGES.values()) == 89  # 75 + 11 (analysis) + 3 (completeness)
    written = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert set(PAGES) <= written
    assert summary.bytes == sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    for name, charts in PAGES.items():
        assert read(site, name).count('<figure class="chart">') == charts, name


def test_plotly_js_shipped_once_and_no_network(built_site):
    site, _ = built_site
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (site / "assets" / "plotly.min.js").read_bytes() == bundled.read_bytes()
    assert "Plotly.register" in read(site, "assets/plotly-locale-fr.js")
    for name, charts in PAGES.items():
        html = read(site, name)
        assert not re.search(r"(src|href)=\"(https?:)?//", html), name
        assert html.count("plotly.min.js") == (1 if charts else 0), name
        if charts:
            assert '"locale": "fr"' in html and '"separators":",\\u202f"' in html


def test_every_relative_link_resolves(built_site):
    site, _ = built_site
    for page in site.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"#]+)', page.read_text(encoding="utf-8")):
            assert (page.parent / unquote(target)).resolve().is_file(), (page, target)


def test_injected_markup_is_escaped(built_site):
    site, _ = built_site
    for name in PAGES:
        html = read(site, name)
        assert "<script>alert" not in html and "<img src=x" not in html, name
    action = read(site, "action/A2.html")
    assert "Forum emploi &lt;img src=x onerror=alert(1)&gt;" in action
    assert "Nouveaux entrants &lt;script&gt;alert(1)&lt;/script&gt;" in read(site, "index.html")
    # chart labels are escaped for Plotly's pseudo-HTML too (it shows the entities as text)
    a1 = read(site, "action/A1.html")
    chart = a1[a1.index('"action-personnes-graphique"') :]
    assert (
        '"name":"Nouveaux entrants &lt;script&gt;alert(1)&lt;' in chart[: chart.index("</script>")]
    )
    partner = read(site, "partenaire/P01.html")
    assert "Association Élan &amp; « Avenir » &quot;Nord&quot;" in partner


def _row(html: str, caption_part: str, row_label: str) -> list[str]:
    """The cells of one row of the table whose caption contains `caption_part`."""
    start = html.index(caption_part)
    tbody = html[start : html.index("</table>", start)]
    row = re.search(r"<tr><th scope=\"row\">" + re.escape(row_label) + r"</th>(.*?)</tr>", tbody)
    assert row, (caption_part, row_label)
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


def test_values_secrets_and_french_formats(built_site):
    site, _ = built_site
    n, b = "\u202f", "\u00a0"
    index = read(site, "index.html")
    assert _row(index, "Bénéficiaires uniques : valeurs", "Valeur atteinte") == [
        f"1{n}234", f"1{n}500", f"2{n}100",
    ]  # fmt: skip
    assert _row(index, "Taux de sorties positives : valeurs", "Valeur atteinte")[:2] == [
        f"40,0{b}%", f"42,3{b}%",
    ]  # fmt: skip
    a3 = read(site, "action/A3.html")
    assert (
        _row(a3, "Personnes accompagnées – Auto-école sociale", "Bénéficiaires uniques")[0] == "s"
    )
    assert _row(a3, "Assiduité et sorties", "Taux de sorties positives")[:2] == ["s", "s"]
    assert _row(a3, "Nombre de sorties", "Sorties")[0] == "s"
    a1 = read(site, "action/A1.html")
    assert _row(a1, "Financement total –", "Financement total")[1] == f"1{n}250{b}€"
    assert _row(read(site, "action/A2.html"), "Coûts", "Coût par sortie positive")[0] == "n.d."
    qpv = read(site, "qpv/QN01405M.html")
    assert _row(qpv, "Profil des bénéficiaires", "Part des femmes")[1] == "s"
    coverage = _row(read(site, "qpv/QN01404M.html"), "Couverture", "Taux de couverture QPV")
    assert coverage[1] == f"12,3{b}‰"
    contrat = read(site, "contrat/CV-CAEN.html")
    assert _row(contrat, "Bénéficiaires uniques par tranche", "50 ans et plus")[0] == "s"


def test_secret_points_are_gaps_with_an_s_annotation(built_site):
    site, _ = built_site
    a3 = read(site, "action/A3.html")
    script = a3[a3.index('"action-personnes-graphique"') :]
    script = script[: script.index("</script>")]
    assert '"y":[null,' in script  # 2024 is secret: no point, never a 0
    assert '"text":"\\u003cb\\u003es\\u003c\\u002fb\\u003e"' in script
    assert "s (secret statistique)" in script


def test_synthesis_targets_status_and_midterm(built_site):
    site, _ = built_site
    index = read(site, "index.html")
    synth = _row(index, "Indicateurs clés au périmètre du contrat", "Taux de sorties positives")
    # value 2025, status 2025, cumul, status cumul, target, expected 2025
    assert synth[0] == "42,3\u00a0%" and "En retard" in synth[1]
    assert synth[4] == "50,0\u00a0% en 2030" and synth[5] == "45,0\u00a0%"
    mid = _row(index, "Lecture à mi-parcours", "Bénéficiaires uniques")
    assert mid[2:4] == ["1\u202f500", "2025"] and "Atteint" in mid[4]
    # A3's mid-term value was read on a secret cell: value and status hidden
    a3 = read(site, "action/A3.html")
    assert _row(a3, "Lecture à mi-parcours", "Taux de sorties positives")[2:] == ["s", "2025", "s"]
    assert "37,5" not in a3
    # equal to the published 2024 value, but read on 2025, which is secret: hidden too
    qpv = read(site, "qpv/QN01405M.html")
    assert _row(qpv, "Profil des bénéficiaires", "Part des femmes")[:2] == ["35,5\u00a0%", "s"]
    assert _row(qpv, "Lecture à mi-parcours", "Part des femmes")[2:] == ["s", "2025", "s"]


def test_downloads_reports_and_methodology(built_site):
    site, _ = built_site
    assert (site / "telechargements" / "indicateurs.csv").is_file()
    # the reports live beside the site under publish/: linked, not copied
    assert not (site / "rapports").exists()
    downloads = read(site, "telechargements.html")
    assert 'href="telechargements/indicateurs.parquet"' in downloads
    assert "Nombre de personnes distinctes" in downloads  # registry definitions
    method = read(site, "methodologie.html")
    from pipelines.publish.secret import RULES_FR

    first = RULES_FR.split("\n\n")[0]
    assert html.escape(first) in method
    assert "Seuil de ce contrat : 5 (les effectifs de 1 à 4 ne sont pas publiés)." in method
    assert 'href="../rapports/index.html"' in method
    assert "Mission locale Caen" in method  # files in force
    assert 'href="../rapports/index.html"' in read(site, "index.html")  # in the navigation
    assert 'href="../../rapports/index.html"' in read(site, "action/A2.html")


def test_only_the_pages_listing_downloads_wait_for_the_workbooks(tmp_path, warehouse, monkeypatch):
    """The publication writes the workbooks on other processes meanwhile: every page that
    does not list them is rendered before the site waits (downloads_ready)."""
    from dashboards.pages import SiteContext
    from dashboards.site import write_site

    rendered: list[str] = []
    render = SiteContext.render

    def recording(self, template, path, *args, **kwargs):
        rendered.append(path)
        return render(self, template, path, *args, **kwargs)

    monkeypatch.setattr(SiteContext, "render", recording)
    before_wait: list[str] = []
    (tmp_path / "site").mkdir()
    _, downloads = make_publish_inputs(tmp_path / "inputs")
    (downloads / "financeurs").mkdir()
    (downloads / "financeurs" / "caf.xlsx").write_bytes(b"PK")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        write_site(con, tmp_path / "site", None, downloads,
                   downloads_ready=lambda: before_wait.extend(rendered))  # fmt: skip
    finally:
        con.close()
    after_wait = rendered[len(before_wait) :]
    assert sorted(after_wait) == ["financeurs.html", "telechargements.html"]
    for page in ("index.html", "comparaison.html", "qpv.html", "publics.html", "revues.html",
                 "methodologie.html", "action/A2.html"):  # fmt: skip
        assert page in before_wait
    assert 'href="telechargements/financeurs/' in read(tmp_path / "site", "financeurs.html")


def test_rebuild_replaces_the_site_whole(tmp_path, warehouse):
    out = tmp_path / "site"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        build_site(con, out, None, None)
        (out / "ancien.html").write_text("old", encoding="utf-8")
        summary = build_site(con, out, None, None)
    finally:
        con.close()
    assert not (out / "ancien.html").exists()
    assert not (out / "rapports").exists() and summary.pages == 19
    assert "Rapports de validation" not in read(out, "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary left


def test_failed_build_keeps_the_published_site(tmp_path, warehouse):
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(warehouse, db)
    out = tmp_path / "site"
    con = duckdb.connect(str(db))
    try:
        build_site(con, out, *make_publish_inputs(tmp_path / "in"))
        con.execute("DROP TABLE marts.indicateurs_publies")
        with pytest.raises(duckdb.CatalogException):
            build_site(con, out, None, None)
    finally:
        con.close()
    assert (out / "index.html").is_file() and "Rapports de validation" in read(out, "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "site", "wh.duckdb"]


def test_empty_warehouse_and_leftovers_of_a_killed_build(tmp_path, warehouse):
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(warehouse, db)
    con = duckdb.connect(str(db))
    (tmp_path / ".site.tmp-dead0000" / "assets").mkdir(parents=True)  # a killed build
    try:
        con.execute("DELETE FROM marts.indicateurs_publies")
        con.execute("DROP TABLE marts.cibles_suivi")
        summary = build_site(con, tmp_path / "site", None, None)
    finally:
        con.close()
    # synthesis, downloads, revues, methodology, report follow-up, and the 4 v2 analysis
    # pages saying there is no data
    assert (summary.pages, summary.charts) == (9, 0)
    assert "Aucun indicateur publié" in read(tmp_path / "site", "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "wh.duckdb"]


def test_a_scope_type_with_many_scopes_gets_a_list_page_instead_of_a_menu(
    tmp_path, warehouse, monkeypatch
):
    """A big city's 500 actions: one menu link to their list page on every page, not 500.
    The fixture has 3 actions and 2 partners: with the menu limit at 2, actions are listed
    on liste-action.html, partners keep their menu."""
    monkeypatch.setattr("dashboards.nav.MENU_MAX", 2)
    reports, downloads = make_publish_inputs(tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        summary = build_site(con, tmp_path / "site", reports, downloads)
    finally:
        con.close()
    site = tmp_path / "site"
    assert summary.pages == 20  # the 19 pages of test_summary_and_pages + the list page
    listing = read(site, "liste-action.html")
    assert "<h1>Actions (3)</h1>" in listing
    links = re.findall(r'<td><a href="([^"]+)">([^<]+)</a></td><td>([^<]+)</td>', listing)
    assert [(href, code) for href, _, code in links] == [
        ("action/A1.html", "A1"), ("action/A2.html", "A2"), ("action/A3.html", "A3")
    ]  # fmt: skip
    assert links[1][1] == "Forum emploi &lt;img src=x onerror=alert(1)&gt;"
    for page in ("index.html", "action/A2.html", "qpv/QN01404M.html"):
        text = read(site, page)
        nav = text[text.index("<nav") : text.index("</nav>")]
        assert "Actions (3)</a>" in nav and "action/A1.html" not in nav, page
        assert "<summary>Partenaires</summary>" in nav, page
    # the list page marks itself as the current page in the menu
    assert 'href="liste-action.html" aria-current="page">Actions (3)' in listing
