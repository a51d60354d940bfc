"""Tables' rows written in Python (dashboards/render.py) read as the Jinja macros wrote them:
every text escaped, a row's first cell as its header, links percent-encoded."""

from __future__ import annotations

from dashboards.cells import Cell, Table
from dashboards.render import environment


def _macro(name: str, *args) -> str:
    module = environment().get_template("macros.html").module
    return str(getattr(module, name)(*args))


def test_table_rows_escape_text_and_keep_each_kind_of_cell():
    table = Table(
        "Légende <b>",
        ["Action", "Valeur", "Statut", "Fichier"],
        [
            [
                Cell("A&B <script>"),
                Cell("12,5", "num"),
                Cell(kind="status", statut="en_retard", css="status"),
                Cell("données.csv", kind="download", href="a b/données.csv"),
            ],
            [
                Cell("QPV", kind="code"),
                Cell("s", "num secret", "secret"),
                Cell(kind="status"),
                Cell(""),
            ],
        ],
    )
    html = _macro("table", table)
    assert "<caption>Légende &lt;b&gt;</caption>" in html
    assert (
        '<tbody><tr><th scope="row">A&amp;B &lt;script&gt;</th><td class="num">12,5</td>'
        '<td class="status"><span class="badge st-retard"><span aria-hidden="true">✖</span> '
        "En retard</span></td>"
        '<td><a href="a%20b/donn%C3%A9es.csv" download>données.csv</a></td></tr>'
        '<tr><th scope="row"><code>QPV</code></th>'
        '<td class="num secret"><abbr title="secret statistique">s</abbr></td>'
        '<td><span class="st-none">—</span></td><td></td></tr></tbody>'
    ) in html


def test_record_rows_one_line_per_record_with_links_and_numbers():
    html = _macro(
        "record_table",
        [{"nom": "L'<atelier>", "n": 3, "href": "x y.html"}, {"nom": None, "n": 0, "href": "z"}],
        {"nom": "Nom", "n": "Lignes"},
        ("n",),
        {"nom": "href"},
    )
    assert html == (
        "<table><thead><tr><th>Nom</th><th>Lignes</th></tr></thead><tbody>\n"
        '<tr><td><a href="x%20y.html">L&#x27;&lt;atelier&gt;</a></td><td class="n">3</td></tr>\n'
        '<tr><td><a href="z"></a></td><td class="n">0</td></tr>\n'
        "</tbody></table>"
    )


def test_status_badge_shows_its_pictogram_beside_its_label():
    assert _macro("status_badge", "atteint") == (
        '<span class="badge st-atteint"><span aria-hidden="true">✔</span> Atteint</span>'
    )


def test_code_items_escape_codes_and_labels_and_serve_every_partner_alike():
    from dashboards.render import code_items

    codes = [("QN01404M", "Les Hauts <Nord>"), ("HORS_QPV", "Hors QPV & autres")]
    expected = (
        "<li><code>QN01404M</code> – Les Hauts &lt;Nord&gt;</li>"
        "<li><code>HORS_QPV</code> – Hors QPV &amp; autres</li>"
    )
    assert str(code_items(codes)) == expected
    assert str(code_items(list(codes))) == expected  # a list of the same pairs: same items
