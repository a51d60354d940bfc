"""Funding lines: French amounts, years, financeur and convention spellings, rules."""

from __future__ import annotations

import datetime as dt

from pipelines.ingest.parse import parse_report

HEADER = [
    "Action",
    "Année",
    "Financeur",
    "Montant accordé (€)",
    "Type de convention",
    "Date de début",
    "Date de fin",
]


def line(
    montant,
    financeur="Région",
    annee="2025",
    convention="Annuelle (AAP)",
    debut="01/01/2025",
    fin="31/12/2025",
    action="EMP01",
):
    return [action, annee, financeur, montant, convention, debut, fin]


ROWS = [
    line("1 250,50 €", "État BOP 147"),  # 2
    line("1\u00a0250,50", "Crédits spécifiques", convention="CPO", fin="31/12/2027"),  # 3
    line("1\u202f250,50 €", "CAF"),  # 4
    line("1250.5", "Département"),  # 5
    line("2 000", "FSE+", convention="pluriannuelle", debut="2025-01-01"),  # 6
    line("0", "EPCI"),  # 7
    line("-5", "Commune"),  # 8
    line("beaucoup", "Bailleur social"),  # 9
    line("100", "Mécène"),  # 10
    line("100", "Ville", annee="1850"),  # 11
    line("100", "Ville", annee="deux mille"),  # 12
    line("100", "Ville", debut="01/07/2025", fin="30/06/2025"),  # 13
    line("300", "Région"),  # 14
    line("400", "region"),  # 15 same key as row 14
    line("100", "Etat droit commun", convention="triennale"),  # 16
]


def test_financements_csv_with_comma_separator(tmp_path, write_csv, partner_ctx):
    # UTF-8: the narrow no-break space (Excel 365 thousands separator) has no cp1252 byte
    path = write_csv(tmp_path / "financements.csv", [HEADER, *ROWS], sep=",", encoding="utf-8")
    report = parse_report(path, "financements", partner_ctx)
    assert report.refusal is None
    assert report.accepted.select(
        "row_number", "financeur", "montant_accorde", "type_convention"
    ).rows() == [
        (2, "etat_bop147", 1250.5, "annuelle_aap"),
        (3, "etat_bop147", 1250.5, "pluriannuelle_cpo"),
        (4, "caf", 1250.5, "annuelle_aap"),
        (5, "departement", 1250.5, "annuelle_aap"),
        (6, "fse", 2000.0, "pluriannuelle_cpo"),
        (14, "region", 300.0, "annuelle_aap"),
    ]
    first = report.accepted.row(0, named=True)
    assert (first["code_action"], first["annee"], first["date_debut"], first["date_fin"]) == (
        "EMP01",
        2025,
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert report.rejections.select("row_number", "colonne", "valeur", "regle").rows() == [
        (7, "montant_accorde", "0", "montant_non_positif"),
        (8, "montant_accorde", "-5", "montant_non_positif"),
        (9, "montant_accorde", "beaucoup", "montant_invalide"),
        (10, "financeur", "Mécène", "valeur_invalide"),
        (11, "annee", "1850", "annee_invalide"),
        (12, "annee", "deux mille", "annee_invalide"),
        (13, "date_fin", "30/06/2025", "fin_avant_debut"),
        (
            15,
            "code_action, annee, financeur, type_convention, date_debut",
            "EMP01 | 2025 | region | annuelle_aap | 01/01/2025",
            "doublon",
        ),
        (16, "type_convention", "triennale", "valeur_invalide"),
    ]
    messages = report.rejections["message"].to_list()
    assert messages[0] == "Montant accordé (€) : « 0 » doit être strictement positif."
    assert messages[4] == (
        "Année : « 1850 » n'est pas une année budgétaire plausible (entre 2000 et 2100)."
    )
    assert messages[6] == "Date de fin : « 30/06/2025 » précède la date de début (01/07/2025)."
    assert messages[7].startswith("Doublon de la ligne 14 (même action, année, financeur")
    assert report.rows_read == 15 == len(report.accepted) + 9


def test_spreadsheet_numbers_and_cents(tmp_path, write_xlsx, partner_ctx):
    # Number cells, not text: 999.999 must not read as "999 999" (French thousands dot).
    rows = [HEADER, line(999.999), line(1.5, "CAF"), line("0,004", "EPCI"), line(12000, "FSE")]
    report = parse_report(
        write_xlsx(tmp_path / "financements.xlsx", rows), "financements", partner_ctx
    )
    assert report.accepted.select("row_number", "montant_accorde").rows() == [
        (2, 1000.0),  # rounded to the cent, as stored
        (3, 1.5),
        (5, 12000.0),
    ]
    assert report.rejections.select("row_number", "regle").rows() == [
        (4, "montant_non_positif")  # 0,004 € is 0,00 € once stored in cents
    ]
