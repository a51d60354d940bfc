"""Escaping, file names, table markup and the page layout of the one template set."""

import pytest
from jinja2 import UndefinedError

from dashboards.cells import Cell, Table, value_cell
from dashboards.nav import Link, Menu
from dashboards.paths import safe_name, safe_names
from dashboards.render import environment, render

SCRIPT = "<script>alert(1)</script>"
MACROS = environment().get_template("macros.html").module


def esc(value) -> str:
    """What any template prints for `value`: autoescape, spelled as html.escape does."""
    return environment().from_string("{{ v }}").render(v=value)


def test_esc_text_and_attributes():
    assert esc(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc("a \"b\" & 'c'") == "a &quot;b&quot; &amp; &#x27;c&#x27;"
    assert esc(None) == ""


def test_a_missing_template_variable_fails_the_build():
    with pytest.raises(UndefinedError):
        environment().from_string("{{ absent }}").render()


def test_safe_name_keeps_plain_codes():
    assert safe_name("QN01404M") == "QN01404M"
    assert safe_name("emploi_developpement_economique") == "emploi_developpement_economique"


def test_safe_name_never_lets_a_path_through():
    for code in ("../../etc/passwd", "a/b", "<img src=x>", "CON", "é", "", "x" * 200):
        name = safe_name(code)
        assert name and len(name) <= 70
        assert all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in name), name
        assert name.lower() != "con"
    assert safe_name("a/b") != safe_name("a_b")  # the hash keeps them apart


def test_codes_equal_but_for_case_get_distinct_files():
    names = safe_names(["A1", "a1", "B2"])
    assert names["B2"] == "B2"
    assert names["A1"].lower() != names["a1"].lower()


def test_table_escapes_cells_and_caption():
    html = str(
        MACROS.table(
            Table(
                f"Légende {SCRIPT}",
                ["Indicateur", "2024"],
                [[Cell(SCRIPT), value_cell("12,3\u00a0%")]],
            )
        )
    )
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # caption, aria, cell
    assert '<th scope="row">' in html and '<th scope="col" class="num">2024</th>' in html
    assert "<caption>" in html


def test_secret_cell_shows_s():
    html = str(MACROS.table(Table("Sorties", ["Action", "2025"], [[Cell("A1"), value_cell("s")]])))
    row = '<tr><th scope="row">A1</th>'
    row += '<td class="num secret"><abbr title="secret statistique">s</abbr></td></tr>'
    assert row in html


def test_status_badge_has_text_not_only_colour():
    assert "En retard" in MACROS.status_badge("en_retard")
    assert "À surveiller" in MACROS.status_badge("a_surveiller")
    assert MACROS.status_badge(None) == '<span class="st-none">—</span>'


def test_page_is_french_with_navigation_and_escaped_labels():
    html = render(
        "site_page.html",
        title=f"Action : {SCRIPT}",
        to_site="../",
        site_title="Contrat",
        nav=[
            Link("Synthèse", "../index.html"),
            Menu("Actions", (Link(SCRIPT, "A1.html", current=True),)),
        ],
        charts=True,
        millesime="2025",
        date_reception_max=None,
    )
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<script>alert" not in html
    assert '<script src="../assets/plotly.min.js"></script>' in html
    assert 'href="../index.html"' in html
    assert 'aria-current="page"' in html  # the current page is marked in the menu
