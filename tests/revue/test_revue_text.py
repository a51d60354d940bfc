"""The officer's commentary and the automatic sentences, on the dashboards' hand-made
published table (tests/dashboards/dash_fixture.py: CV-CAEN, years 2024-2025)."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest
from dash_fixture import CONTRAT, make_warehouse

from pipelines.revue.commentary import parse_commentary, read_commentary
from pipelines.revue.content import load_review_data
from pipelines.revue.sentences import sentence

N, NB = "\u202f", "\u00a0"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("revue_text") / "evaluation.duckdb"
    make_warehouse(path)
    return path


def _data(path, periodes=None):
    con = duckdb.connect(str(path))
    try:
        if periodes is not None:
            con.execute(
                "CREATE OR REPLACE TABLE marts.periodes "
                "(periode VARCHAR, debut DATE, fin DATE, provisoire BOOLEAN)"
            )
            con.executemany("INSERT INTO marts.periodes VALUES (?, NULL, NULL, ?)", periodes)
        return load_review_data(con, date(2026, 3, 1))
    finally:
        con.close()


def test_sentences_value_change_and_target(warehouse):
    d = _data(warehouse)
    # 1 234 -> 1 500: +266 / 1 234 = +21.6 % -> "+22 %"; 2025 status "atteint" (fixture)
    assert sentence(d, "beneficiaires_uniques", "contrat", CONTRAT) == (
        f"Bénéficiaires uniques : de 1{N}234 en 2024 à 1{N}500 en 2025 (+22{NB}%) ; "
        f"la cible de 3{N}000 en 2030 est atteinte."
    )
    # 40 % -> 42.25 %: +2.25 points, rounded half up to one decimal; status "en_retard"
    assert sentence(d, "taux_sorties_positives", "contrat", CONTRAT) == (
        f"Taux de sorties positives : de 40,0{NB}% en 2024 à 42,3{NB}% en 2025 "
        f"(+2,3{NB}points) ; la cible de 50,0{NB}% en 2030 est en retard."
    )


def test_secret_values_are_never_written_not_even_as_a_change(warehouse):
    d = _data(warehouse)
    assert sentence(d, "taux_sorties_positives", "action", "A3") == (
        "Taux de sorties positives : la valeur de 2025 est couverte par le secret statistique."
    )
    # 2024 is secret, 2025 is not: the 2025 value alone, no change
    text = sentence(d, "beneficiaires_uniques", "action", "A3")
    assert "la valeur de 2024 est couverte par le secret statistique" in text
    assert "%" not in text and " de " not in text.split(":", 1)[1].split(" en 2025")[0]


def test_provisional_year_is_labelled_and_skipped_as_a_reference(tmp_path, warehouse):
    db = tmp_path / "wh.duckdb"
    shutil.copyfile(warehouse, db)
    d = _data(db, [("2024", False), ("2025", True), ("cumul", True)])
    assert sentence(d, "beneficiaires_uniques", "contrat", CONTRAT) == (
        f"Bénéficiaires uniques : de 1{N}234 en 2024 à 1{N}500 en 2025 (période provisoire) "
        f"(+22{NB}%) ; la cible de 3{N}000 en 2030 est atteinte (statut provisoire)."
    )
    # with 2024 provisional too, no definitive year to compare with
    db2 = tmp_path / "wh2.duckdb"
    shutil.copyfile(warehouse, db2)
    d = _data(db2, [("2024", True), ("2025", False), ("cumul", True)])
    assert sentence(d, "beneficiaires_uniques", "contrat", CONTRAT).startswith(
        f"Bénéficiaires uniques : 1{N}500 en 2025 ; la cible"
    )


def test_commentary_sections_raw_html_and_unknown_headings():
    c = parse_commentary(
        "Avant-propos\n\n## Synthèse\nTexte **gras** <script>alert(1)</script>\n\n"
        "```\n## pas un titre\n```\n\n![logo](https://exemple.fr/x.png) "
        "[lien](javascript:alert(1))\n\n## PILIER Emploi_developpement_economique\n- point\n"
        "## Inconnu\nGardé\n"
    )
    synthese = c.take("Synthèse")
    assert "<strong>gras</strong>" in synthese
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in synthese and "<script" not in synthese
    assert "## pas un titre" in synthese  # a heading inside a code block stays in its section
    assert "<img" not in synthese and 'href="javascript' not in synthese
    assert c.take("Pilier emploi_developpement_economique") == "<ul>\n<li>point</li>\n</ul>\n"
    assert [t for t, _ in c.unmatched({"synthese", "pilieremploideveloppementeconomique"})] == [
        "Préambule",
        "Inconnu",
    ]


def test_commentary_file_in_windows_1252(tmp_path):
    (tmp_path / "commentaires.md").write_bytes("## Synthèse\nÉcart constaté.\n".encode("cp1252"))
    assert read_commentary(tmp_path).take("synthese") == "<p>Écart constaté.</p>\n"
    assert read_commentary(tmp_path / "absent").sections == {}
