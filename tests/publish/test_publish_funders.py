"""(v2) One extract per funder, on a real DuckDB file (the hand rows of test_publish_tables)."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest
from publish_kit import new_warehouse
from test_publish_tables import INJECTED, fill_warehouse

from pipelines.publish.tables import export_tables, write_published_table

LINES = [
    # action, annee, financeur, montant, convention, date_debut, date_fin
    ("A1", 2025, "region", 1000, "pluriannuelle_cpo", date(2024, 1, 1), date(2026, 12, 31)),
    ("A3", 2025, "region", 500.5, "annuelle_aap", date(2025, 1, 1), date(2025, 12, 31)),
    ("A2", 2025, "caf", 300, "annuelle_aap", date(2025, 1, 1), date(2025, 12, 31)),
]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("funders")
    con = new_warehouse(tmp / "warehouse.duckdb")
    fill_warehouse(con)
    con.executemany(
        "INSERT INTO staging.financements (file_id, row_number, code_action, annee, financeur, "
        "montant_accorde, type_convention, date_debut, date_fin, code_partenaire, periode, "
        "periode_rang, report_order) VALUES ('f1', 2, ?, ?, ?, ?, ?, ?, ?, 'P1', '2025', 1, 1)",
        LINES,
    )
    write_published_table(con)
    export_tables(con, tmp / "telechargements")
    con.close()
    return tmp / "telechargements" / "financeurs"


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def test_one_extract_per_funder_with_lines(out):
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "caf-financements.csv",
        "caf-indicateurs.csv",
        "caf.xlsx",
        "definitions.csv",
        "modalites.csv",
        "region-financements.csv",
        "region-indicateurs.csv",
        "region.xlsx",
    ]


def test_funding_lines_are_the_funders_own_and_guarded(out):
    lines = read_csv(out / "region-financements.csv")
    # region funds A1 (1000, CPO) and A3 (500.5, AAP); the caf line is not there
    assert [(r["code_action"], r["montant_accorde"]) for r in lines] == [
        ("A1", "1000"),
        ("A3", "500,5"),
    ]
    assert lines[0]["action_libelle"] == "'" + INJECTED  # formula neutralised
    assert lines[1]["action_libelle"] == "'-Atelier numérique"
    assert lines[1]["partenaire_nom"] == "'@SUM(1)"


def test_indicators_of_funded_actions_keep_the_secret(out):
    rows = read_csv(out / "region-indicateurs.csv")
    by = {(r["code_indicateur"], r["perimetre_code"]): r for r in rows}
    # A1 and A3 rows only: sorties A1 (3: primary secret), sorties A3 (30), two A3 rates
    assert set(by) == {
        ("sorties", "A1"),
        ("sorties", "A3"),
        ("taux_abandon", "A3"),
        ("taux_sorties_positives", "A3"),
    }
    assert by[("sorties", "A1")]["valeur"] == "s" and by[("sorties", "A1")]["secret"] == "oui"
    assert by[("sorties", "A3")]["valeur"] == "30"
    assert by[("taux_abandon", "A3")]["valeur"] == "20"  # 6 / 30
    # caf funds A2, whose 20 exits are hidden to protect A1 (secondary secret)
    (caf,) = read_csv(out / "caf-indicateurs.csv")
    assert (caf["perimetre_code"], caf["valeur"]) == ("A2", "s")


def test_xlsx_holds_lines_indicators_definitions_and_labels(out):
    wb = openpyxl.load_workbook(out / "region.xlsx", read_only=True)
    assert wb.sheetnames == ["financements", "indicateurs", "definitions", "modalites",
                             "lisez-moi"]  # fmt: skip
    lines = list(wb["financements"].iter_rows(values_only=True))
    assert lines[1][lines[0].index("montant_accorde")] == 1000
    assert lines[1][lines[0].index("action_libelle")] == "'" + INJECTED
    ind = list(wb["indicateurs"].iter_rows(values_only=True))
    head = ind[0]
    sorties_a1 = next(r for r in ind[1:] if r[head.index("perimetre_code")] == "A1")
    assert sorties_a1[head.index("valeur")] == "s"
    labels = {(r[0], r[2]): r[3] for r in wb["modalites"].iter_rows(min_row=2, values_only=True)}
    assert labels[("residence", "hors_qpv")] == "Hors QPV"
    assert labels[("frein", "garde_enfants")] == "Garde d'enfants"
    assert len(labels) == 2 + 3 + 2 + 5 + 10 + 7 + 12 + 1  # every modality of the contract


def test_xlsx_dates_are_dates_shown_as_days_and_the_readme_lists_its_lines(out):
    wb = openpyxl.load_workbook(out / "region.xlsx")
    ws = wb["financements"]
    head = [c.value for c in ws[1]]
    first = ws.cell(row=2, column=head.index("date_debut") + 1)
    # A1's CPO line starts on 1 January 2024 (LINES): a date cell, shown without a time
    assert first.value.date() == date(2024, 1, 1) and first.number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    readme = wb["lisez-moi"]
    assert (readme["A1"].value, readme["B1"].value) == ("Extrait pour le financeur", "region")
    assert readme["A1"].font.b and readme["A2"].font.b  # the headings, in bold
    assert readme["B2"].alignment.wrap_text
    assert [r[0] for r in readme.iter_rows(values_only=True)][1:5] == [
        "financements", "indicateurs", "definitions", "modalites"
    ]  # fmt: skip
