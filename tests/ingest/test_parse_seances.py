"""Sessions: presence spellings, mixed date formats, duplicates, action rules."""

from __future__ import annotations

import datetime as dt

from pipelines.ingest.parse import parse_report

D = dt.date


def test_seances_csv_utf8_bom_comma(tmp_path, write_csv, partner_ctx):
    rows = [
        ["N° participant", "Action", "Date", "Présent", "Animateur"],
        ["P001", "EMP01", "03/02/2025", "présent", "Léa"],  # 2
        ["P001", "EMP01", "4/2/2025", "P", "Léa"],  # 3
        ["P001", "EMP01", "05/02/25", "absent", "Léa"],  # 4
        ["P001", "EMP01", "2025-02-06", "A", "Léa"],  # 5
        ["P001", "EMP01", "2025-02-07 14:30:00", "Excusée", "Léa"],  # 6
        ["P001", "EMP01", "10/02/2025", " E ", "Léa"],  # 7
        ["P002", "EMP02", "03/02/2025", "EXCUSÉ", "Léa"],  # 8
        ["P001", "EMP01", "2025-02-03", "absent", "Léa"],  # 9 same session as row 2
        ["P002", "EMP02", "11/02/2025", "peut-être", "Léa"],  # 10
        ["P002", "EMP02", "11/02/2025", "", "Léa"],  # 11 same key as 10, 10 was rejected
        ["P003", "CSE09", "11/02/2025", "présent", "Léa"],  # 12
        ["P003", "EMP01", "", "présent", "Léa"],  # 13
    ]
    path = write_csv(tmp_path / "Séances.csv", rows, encoding="utf-8-sig", sep=",")
    report = parse_report(path, "seances", partner_ctx)
    assert report.encoding == "utf-8-sig"
    assert report.accepted.rows() == [
        (2, "P001", "EMP01", D(2025, 2, 3), "present"),
        (3, "P001", "EMP01", D(2025, 2, 4), "present"),
        (4, "P001", "EMP01", D(2025, 2, 5), "absent"),
        (5, "P001", "EMP01", D(2025, 2, 6), "absent"),
        (6, "P001", "EMP01", D(2025, 2, 7), "excuse"),
        (7, "P001", "EMP01", D(2025, 2, 10), "excuse"),
        (8, "P002", "EMP02", D(2025, 2, 3), "excuse"),
    ]
    assert report.rejections.select("row_number", "colonne", "valeur", "regle").rows() == [
        (9, "id_participant, code_action, date_seance", "P001 | EMP01 | 03/02/2025", "doublon"),
        (10, "presence", "peut-être", "valeur_invalide"),
        (11, "presence", None, "valeur_manquante"),
        (12, "code_action", "CSE09", "action_autre_partenaire"),
        (13, "date_seance", None, "valeur_manquante"),
    ]
    assert report.rejections["message"][1] == (
        "Présent : « peut-être » n'est pas une valeur admise (present, absent, excuse)."
    )
    assert report.rows_read == 12
    assert report.rows_read == len(report.accepted) + 5 + report.rows_ignored


def test_duplicate_after_a_rejected_first_row_is_kept(tmp_path, write_csv, partner_ctx):
    rows = [
        ["Identifiant", "Code action", "Date de séance", "Présence"],
        ["P001", "EMP01", "03/02/2025", "???"],  # 2 rejected
        ["P001", "EMP01", "03/02/2025", "absent"],  # 3 first valid row of the key: kept
        ["P001", "emp01", "3/2/2025", "present"],  # 4 duplicate of row 3
        ["P001", "EMP01", "03/02/2025", "present"],  # 5 duplicate of row 3
    ]
    report = parse_report(write_csv(tmp_path / "seances.csv", rows), "seances", partner_ctx)
    assert report.accepted["row_number"].to_list() == [3]
    assert report.rejections.select("row_number", "regle").rows() == [
        (2, "valeur_invalide"),
        (4, "doublon"),
        (5, "doublon"),
    ]
    assert report.rejections["message"][1].startswith("Doublon de la ligne 3 ")


def test_codes_keep_the_reference_spelling(tmp_path, write_csv):
    from pipelines.ingest.model import PartnerContext

    ctx = PartnerContext(
        "ASSO2", frozenset({"Emp-01"}), frozenset({"Emp-01"}), frozenset(), (2024, 2030)
    )
    rows = [
        ["Identifiant", "Code action", "Date de séance", "Présence"],
        ["P001", " EMP-01 ", "03/02/2025", "present"],
        ["P002", "emp - 01", "03/02/2025", "A"],
    ]
    report = parse_report(write_csv(tmp_path / "seances.csv", rows), "seances", ctx)
    assert report.accepted["code_action"].to_list() == ["Emp-01", "Emp-01"]
