"""Escaping, file names and table markup."""

from dashboards.html import (
    Cell,
    NavGroup,
    NavLink,
    esc,
    page,
    safe_name,
    safe_names,
    statut_badge,
    table,
    value_cell,
)

SCRIPT = "<script>alert(1)</script>"


def test_esc_text_and_attributes():
    assert esc(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc("a \"b\" & 'c'") == "a &quot;b&quot; &amp; &#x27;c&#x27;"
    assert esc(None) == ""


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
    html = table(
        f"Légende {SCRIPT}", ["Indicateur", "2024"], [[Cell(SCRIPT), value_cell("12,3\u00a0%")]]
    )
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # caption, aria, cell
    assert '<th scope="row">' in html and '<th scope="col" class="num">2024</th>' in html
    assert "<caption>" in html


def test_secret_cell_shows_s():
    assert value_cell("s").render() == (
        '<td class="num secret"><abbr title="secret statistique">s</abbr></td>'
    )


def test_status_badge_has_text_not_only_colour():
    assert "En retard" in statut_badge("en_retard")
    assert "À surveiller" in statut_badge("a_surveiller")
    assert statut_badge(None) == '<span class="st-none">—</span>'


def test_page_is_french_with_navigation_and_escaped_labels():
    html = page(
        title=f"Action : {SCRIPT}",
        path="action/A1.html",
        site_title="Contrat",
        nav=[
            NavLink("Synthèse", "index.html"),
            NavGroup("Actions", (NavLink(SCRIPT, "action/A1.html"),)),
        ],
        body="<p>corps</p>",
        footer="",
        with_charts=True,
    )
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<script>alert" not in html
    assert '<script src="../assets/plotly.min.js"></script>' in html
    assert 'href="../index.html"' in html
    assert 'aria-current="page"' in html  # the current page is marked in the menu
