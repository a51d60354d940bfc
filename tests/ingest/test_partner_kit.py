"""Partner kit: templates filled as a partner would (openpyxl) go through the real pipeline.

Reference of ingest_kit: ASSO1 runs A1 (2025) and A2; MLJ runs M1; one QPV QN01404M.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipelines.ingest.reports import write_validation_reports
from pipelines.kit import GUIDE, build_partner_kit
from tests.ingest.ingest_kit import make_warehouse, rows, run


@pytest.fixture
def kit(tmp_path):
    root, con = make_warehouse(tmp_path)
    written = build_partner_kit(con, root / "publish" / "kit-partenaire")
    yield root, con, root / "publish" / "kit-partenaire", written
    con.close()


def _fill(template, target, data_rows):
    """Type rows under the header from row 2, as a partner does in the template."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for r, values in enumerate(data_rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _validations(sheet):
    """header label -> data validation formula (or type) on its column."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        found[headers[letter]] = (
            validation.formula1 if validation.type == "list" else validation.type
        )
    return found


def _list_values(book, formula):
    # '=listes!$B$2:$B$4' or 'listes!$B$2:$B$4' -> the cells' values
    sheet_name, cells = formula.lstrip("=").split("!")
    return [c.value for row in book[sheet_name][cells.replace("$", "")] for c in row]


def test_kit_layout_headers_and_drop_downs(kit):
    root, con, out, written = kit
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "ASSO1/financements_ASSO1.xlsx",
        f"ASSO1/{GUIDE}",
        "ASSO1/participants_ASSO1.xlsx",
        "ASSO1/seances_ASSO1.xlsx",
        "MLJ/financements_MLJ.xlsx",
        f"MLJ/{GUIDE}",
        "MLJ/participants_MLJ.xlsx",
        "MLJ/seances_MLJ.xlsx",
        "index.html",
    ]
    book = openpyxl.load_workbook(out / "ASSO1" / "participants_ASSO1.xlsx")
    assert book.sheetnames == ["saisie", "aide", "listes"]
    assert book["listes"].sheet_state == "hidden"
    sheet = book["saisie"]
    assert [c.value for c in sheet[1]] == [
        "Identifiant participant",
        "Code action",
        "Date d'entrée",
        "Date de sortie",
        "Motif de sortie",
        "Sexe",
        "Année de naissance",
        "Code QPV",
        "Niveau de formation",
        "Inscrit France Travail",
        "Freins",
        "Prescripteur",
    ]
    checks = _validations(sheet)
    # the partner's own actions only (A1, A2; M1 belongs to MLJ)
    assert _list_values(book, checks["Code action"]) == ["A1", "A2"]
    assert _list_values(book, checks["Sexe"]) == ["F", "H"]
    assert _list_values(book, checks["Code QPV"]) == ["QN01404M", "HORS_QPV"]
    assert _list_values(book, checks["Inscrit France Travail"]) == ["oui", "non"]
    assert _list_values(book, checks["Motif de sortie"]) == [
        "emploi_durable",
        "emploi_transition",
        "formation_qualifiante",
        "creation_activite",
        "abandon",
        "demenagement",
        "autre",
    ]
    assert checks["Date d'entrée"] == "date" and checks["Année de naissance"] == "whole"
    assert sheet.column_dimensions["C"].number_format == "dd/mm/yyyy"
    funding = openpyxl.load_workbook(out / "MLJ" / "financements_MLJ.xlsx")
    assert _list_values(funding, _validations(funding["saisie"])["Code action"]) == ["M1"]
    assert _validations(funding["saisie"])["Montant accordé"] == "decimal"
    # the aide sheet lists every column with its requirement, and the codes with labels
    aide = [[c.value for c in row] for row in book["aide"].iter_rows()]
    assert ["Motif de sortie", "motif_sortie", "si date de sortie"] == aide[4 + 4][:3]
    assert ["bac_plus_2", "Bac +2"] in [row[:2] for row in aide]


def test_filled_templates_are_accepted_with_no_rejection(kit):
    root, con, out, _ = kit
    asso1 = out / "ASSO1"
    incoming = root / "incoming" / "ASSO1" / "2025"
    _fill(
        asso1 / "participants_ASSO1.xlsx",
        incoming / "participants_ASSO1.xlsx",
        [
            [
                "P001",
                "A1",
                dt.datetime(2025, 2, 3),
                None,
                None,
                "F",
                1990,
                "QN01404M",
                "bac",
                "oui",
                "mobilite",
                "france_travail",
            ],
            [
                "P002",
                "A2",
                dt.datetime(2025, 3, 1),
                dt.datetime(2025, 6, 30),
                "emploi_durable",
                "H",
                1970,
                "HORS_QPV",
                "cap_bep",
                "non",
                None,
                None,
            ],
        ],
    )
    _fill(
        asso1 / "seances_ASSO1.xlsx",
        incoming / "seances_ASSO1.xlsx",
        [
            ["P001", "A1", dt.datetime(2025, 2, 10), "present"],
            ["P002", "A2", dt.datetime(2025, 3, 8), "excuse"],
        ],
    )
    _fill(
        asso1 / "financements_ASSO1.xlsx",
        incoming / "financements_ASSO1.xlsx",
        [
            [
                "A1",
                2025,
                "etat_bop147",
                12000.5,
                "annuelle_aap",
                dt.datetime(2025, 1, 1),
                dt.datetime(2025, 12, 31),
            ]
        ],
    )
    run(con, root, "r1")
    # 2 + 2 + 1 rows typed above, none rejected, none warned
    assert rows(
        con,
        "SELECT kind, status, rows_read, rows_accepted, rows_rejected, rows_warned "
        "FROM ingest.files ORDER BY kind",
    ) == [
        ("financements", "accepte", 1, 1, 0, 0),
        ("participants", "accepte", 2, 2, 0, 0),
        ("seances", "accepte", 2, 2, 0, 0),
    ]
    assert rows(con, "SELECT montant_accorde FROM staging.financements") == [
        (pytest.approx(12000.5),)
    ]
    assert rows(
        con, "SELECT freins, prescripteur FROM staging.participants ORDER BY id_participant"
    ) == [
        ("mobilite", "france_travail"),
        (None, None),
    ]


def test_a_value_outside_a_drop_down_is_still_rejected(kit):
    root, con, out, _ = kit
    # openpyxl, like a paste, does not enforce Excel's validation: the pipeline does
    _fill(
        out / "ASSO1" / "seances_ASSO1.xlsx",
        root / "incoming" / "ASSO1" / "2025" / "seances_ASSO1.xlsx",
        [
            ["P001", "A1", dt.datetime(2025, 2, 10), "présent"],
            ["P001", "A1", dt.datetime(2025, 2, 17), "en retard"],
        ],
    )
    run(con, root, "r1")
    # row 2 'présent' is a spelling of present; row 3 'en retard' is in no list
    assert rows(
        con, "SELECT row_number, colonne, valeur, regle, message FROM ingest.rejections"
    ) == [
        (
            3,
            "presence",
            "en retard",
            "valeur_invalide",
            "Présence : « en retard » n'est pas une valeur admise (present, absent, excuse).",
        )
    ]
    assert rows(con, "SELECT presence FROM staging.seances") == [("present",)]
    # the file's report explains the rule code with the contract's French meaning
    write_validation_reports(con, root / "publish" / "rapports")
    (file_id,) = rows(con, "SELECT file_id FROM ingest.files")[0]
    page = (root / "publish" / "rapports" / f"{file_id}.html").read_text(encoding="utf-8")
    legend = page.split("Règles en cause", 1)[1]
    assert legend.startswith('</h3>\n<dl class="regles"><dt>valeur_invalide</dt><dd>La valeur n')
    assert "elle est seulement ignorée, avec un avertissement.</dd></dl>" in legend


def test_guide_in_chromium_offline(tmp_path):
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    root, con = make_warehouse(tmp_path)
    # an officer's typo that looks like markup must show as text, never run
    con.execute("INSERT INTO ref.partenaires VALUES ('CCAS', '<img src=x onerror=alert(1)>')")
    out = root / "publish" / "kit-partenaire"
    build_partner_kit(con, out)
    con.close()
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail(f"{chromium} is missing: apt-get install chromium")
    events = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--headless"]
        )
        page = browser.new_page()
        page.on("dialog", lambda d: (events.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: events.append(str(e)))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                events.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto((out / "index.html").as_uri())
        page.get_by_role("link", name="Guide et modèles").nth(1).click()  # ASSO1, CCAS, MLJ
        assert page.locator("h1").inner_text() == (
            "Guide du partenaire – <img src=x onerror=alert(1)> (CCAS)"
        )
        page.goto((out / "ASSO1" / GUIDE).as_uri())
        assert page.locator("h1").inner_text() == "Guide du partenaire – Association Élan (ASSO1)"
        assert (
            "incoming/ASSO1/<période>/" in page.locator("#deposer").locator("xpath=..").inner_text()
        )
        # the partner's actions, and the codes of a coded column with their labels
        assert page.locator("#actions + table td code").all_inner_texts() == ["A1", "A2"]
        assert "bac_plus_2 – Bac +2" in page.locator("#participants + p + table").inner_text()
        with page.expect_download() as download:
            page.get_by_role("link", name="seances_ASSO1.xlsx").click()
        assert download.value.suggested_filename == "seances_ASSO1.xlsx"
        browser.close()
    assert events == []


def test_kit_from_the_officers_reference_files(tmp_path):
    from pathlib import Path

    from pipelines.ingest.reference import read_reference

    # the demo reference: 6 partners (partenaires.csv, 7 lines with the header);
    # MEFAC runs EMP-03 and EMP-04 among others (actions.csv, cp1252 as Excel saves it)
    reference = read_reference(Path(__file__).resolve().parents[2] / "data")
    written = build_partner_kit(reference, tmp_path / "kit")
    folders = sorted(p.name for p in (tmp_path / "kit").iterdir() if p.is_dir())
    assert len(folders) == 6 and "MEFAC" in folders
    assert len(written) == 6 * 4 + 1
    book = openpyxl.load_workbook(tmp_path / "kit" / "MEFAC" / "participants_MEFAC.xlsx")
    actions = _list_values(book, _validations(book["saisie"])["Code action"])
    assert {"EMP-03", "EMP-04"} <= set(actions) and "EMP-01" not in actions
