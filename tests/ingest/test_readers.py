"""Reading files as partners send them: encodings, separators, formats, refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.ingest.parse import parse_report

HEADER = ["Identifiant", "Code action", "Date de séance", "Présence"]
ROWS = [
    ["P001", "EMP01", "03/02/2025", "présent"],
    ["P002", "EMP01", "03/02/2025", "Absent"],
    ["P003", "EMP02", "2025-02-04", "excusé"],
]


def test_csv_cp1252_semicolon_with_title_rows(tmp_path, write_csv, partner_ctx):
    path = write_csv(
        tmp_path / "seances.csv",
        [HEADER, *ROWS],
        encoding="cp1252",
        title_rows=[["Feuille d'émargement 2025"], []],
    )
    report = parse_report(path, "seances", partner_ctx)
    assert report.refusal is None
    assert report.encoding == "cp1252"
    assert report.header_row == 3
    assert report.accepted["row_number"].to_list() == [4, 5, 6]
    assert report.accepted["presence"].to_list() == ["present", "absent", "excuse"]
    assert report.accepted["date_seance"].to_list() == [
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 4),
    ]
    assert (report.rows_read, report.rows_ignored) == (3, 0)


@pytest.mark.parametrize(("encoding", "recorded"), [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_csv_utf8_comma_separator(tmp_path, write_csv, partner_ctx, encoding, recorded):
    path = write_csv(tmp_path / "presences.csv", [HEADER, *ROWS], encoding=encoding, sep=",")
    report = parse_report(path, "seances", partner_ctx)
    assert report.encoding == recorded
    assert report.header_row == 1
    assert report.accepted["id_participant"].to_list() == ["P001", "P002", "P003"]


def test_utf16_tab_separated_unicode_text_export(tmp_path, write_csv, partner_ctx):
    path = write_csv(tmp_path / "seances.csv", [HEADER, *ROWS], encoding="utf-16", sep="\t")
    report = parse_report(path, "seances", partner_ctx)
    assert (report.encoding, len(report.accepted)) == ("utf-16", 3)
    assert report.accepted["presence"].to_list() == ["present", "absent", "excuse"]


def test_csv_lone_carriage_returns_and_blank_rows(tmp_path, write_csv, partner_ctx):
    rows = [HEADER, ROWS[0], [], ROWS[1], ["", "", "", ""], ROWS[2]]
    path = write_csv(tmp_path / "seances.csv", rows, encoding="utf-8", line_end="\r")
    report = parse_report(path, "seances", partner_ctx)
    # rows 3 and 5 are blank: skipped, neither read nor rejected
    assert report.accepted["row_number"].to_list() == [2, 4, 6]
    assert report.rows_read == 3
    assert report.rejections.is_empty()


def test_csv_mostly_ascii_then_windows_1252_is_read_as_cp1252(tmp_path, write_csv, partner_ctx):
    # 300 kB of plain ASCII rows before the first accented byte: the guess on the head
    # says UTF-8, the full read proves otherwise.
    rows = [HEADER] + [[f"P{i:05d}", "EMP01", "03/02/2025", "absent"] for i in range(12_000)]
    rows.append(["P99999", "EMP01", "03/02/2025", "excusé"])
    path = write_csv(tmp_path / "seances.csv", rows, encoding="cp1252")
    report = parse_report(path, "seances", partner_ctx)
    assert report.encoding == "cp1252"
    assert len(report.accepted) == 12_001
    assert report.accepted["presence"][-1] == "excuse"


def test_quoted_fields_with_separator_and_newline(tmp_path, write_csv, partner_ctx):
    header = [*HEADER, "Commentaire"]
    rows = [header, ["P001", "EMP01", "03/02/2025", "présent", "arrivé en retard; puis\nparti"]]
    rows.append(["P002", "EMP01", "03/02/2025", "absent", ""])
    path = write_csv(tmp_path / "seances.csv", rows, encoding="utf-8")
    report = parse_report(path, "seances", partner_ctx)
    # row numbers are records (spreadsheet rows), the quoted newline stays in its cell
    assert report.accepted["row_number"].to_list() == [2, 3]


def test_xlsx_title_row_total_row_and_date_cells(tmp_path, write_xlsx, partner_ctx):
    rows = [
        HEADER,
        ["P001", "EMP01", dt.date(2025, 2, 3), "P"],
        ["P002", "EMP01", dt.datetime(2025, 2, 3, 14, 30), "A"],
        ["P003", "EMP02", 45693, "E"],  # a date typed as an Excel serial number
        ["P004", "EMP02", "05/02/2025", "présent"],
        [],
        ["TOTAL séances", None, None, 4],
    ]
    path = write_xlsx(tmp_path / "seances.xlsx", rows, title_rows=[["Bilan des séances 2025"]])
    report = parse_report(path, "seances", partner_ctx)
    assert report.refusal is None
    assert (report.encoding, report.header_row) == ("xlsx", 2)
    assert report.accepted["row_number"].to_list() == [3, 4, 5, 6]
    assert report.accepted["date_seance"].to_list() == [
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 5),  # serial 45693
        dt.date(2025, 2, 5),
    ]
    assert report.accepted["presence"].to_list() == ["present", "absent", "excuse", "present"]
    assert (report.rows_read, report.rows_ignored) == (5, 1)
    assert report.rejections.is_empty()


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls(tmp_path, write_ods, write_xls, partner_ctx, fmt):
    rows = [HEADER, ["P001", "EMP01", dt.date(2025, 2, 3), "présent"], ["Total", 1]]
    writer = {"ods": write_ods, "xls": write_xls}[fmt]
    path = writer(tmp_path / f"seances.{fmt}", rows, title_rows=[["Titre"], []])
    report = parse_report(path, "seances", partner_ctx)
    assert report.refusal is None
    assert (report.encoding, report.header_row) == (fmt, 3)
    assert report.accepted.rows() == [(4, "P001", "EMP01", dt.date(2025, 2, 3), "present")]
    assert (report.rows_read, report.rows_ignored) == (2, 1)


def _refusal(path, ctx, **kwargs):
    report = parse_report(path, "seances", ctx, **kwargs)
    assert report.accepted.is_empty() and report.rejections.is_empty()
    return report.refusal_rule, report.refusal


def test_refusals_of_unusable_files(tmp_path, write_csv, write_xlsx, partner_ctx):
    empty = tmp_path / "seances.csv"
    empty.write_bytes(b"")
    assert _refusal(empty, partner_ctx) == ("fichier_vide", "Le fichier est vide (0 octet).")

    junk = tmp_path / "seances_junk.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    rule, message = _refusal(junk, partner_ctx)
    assert rule == "illisible" and "illisible" in message

    corrupt = tmp_path / "seances.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    rule, message = _refusal(corrupt, partner_ctx)
    assert rule == "illisible" and message.startswith("Le classeur est illisible ou endommagé")

    renamed = write_xlsx(tmp_path / "vrai.xlsx", [HEADER, ROWS[0]])
    as_csv = tmp_path / "seances_renomme.csv"
    as_csv.write_bytes(renamed.read_bytes())
    rule, message = _refusal(as_csv, partner_ctx)
    assert rule == "format_inconnu" and "contient un classeur" in message

    unclosed = tmp_path / "seances_guillemet.csv"
    unclosed.write_text('Identifiant;Code action;Date de séance;Présence\nP1;EMP01;"03/02;P\n')
    rule, message = _refusal(unclosed, partner_ctx)
    assert rule == "illisible" and "guillemets non refermés" in message

    text = tmp_path / "seances.txt"
    text.write_text("Identifiant;Code action\n")
    rule, message = _refusal(text, partner_ctx)
    assert rule == "format_inconnu" and "« .txt » non accepté" in message

    big = write_csv(tmp_path / "seances_gros.csv", [HEADER, *ROWS])
    rule, message = _refusal(big, partner_ctx, max_bytes=100)
    assert rule == "taille_max" and "au-delà de la limite" in message


def test_header_only_and_no_header_are_empty(tmp_path, write_csv, write_xlsx, partner_ctx):
    header_only = write_xlsx(tmp_path / "seances.xlsx", [HEADER, [], ["Total", 0]])
    rule, message = _refusal(header_only, partner_ctx)
    assert rule == "fichier_vide"
    assert message == "Aucune ligne de données sous l'en-tête (ligne 1) : le fichier est vide."

    no_header = write_csv(tmp_path / "seances.csv", [["Bonjour"], ["ceci", "n'est pas", "un"]])
    rule, message = _refusal(no_header, partner_ctx)
    assert rule == "fichier_vide"
    assert message.startswith("Aucune ligne d'en-tête reconnue dans les 20 premières lignes")


def test_missing_required_columns_are_named(tmp_path, write_csv, partner_ctx):
    rows = [["Identifiant", "Date de séance", "Commentaire"], ["P001", "03/02/2025", ""]]
    path = write_csv(tmp_path / "seances.csv", rows)
    rule, message = _refusal(path, partner_ctx)
    assert rule == "colonne_manquante"
    assert message == (
        "Colonne(s) obligatoire(s) absente(s) : « Code action », « Présence ». "
        "L'en-tête doit se trouver dans les 20 premières lignes."
    )


def test_header_beyond_row_20_is_not_found(tmp_path, write_csv, partner_ctx):
    titles = [[f"titre {i}"] for i in range(20)]
    path = write_csv(tmp_path / "seances.csv", [HEADER, *ROWS], title_rows=titles)
    rule, _ = _refusal(path, partner_ctx)
    assert rule == "fichier_vide"
