"""Published table and its downloads, on a real DuckDB file with hand-made marts rows."""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime

import openpyxl
import polars as pl
import pytest
from publish_kit import count, new_warehouse, rate

from indicators.registry import INDICATEURS
from pipelines.publish.secret import RULES_FR
from pipelines.publish.tables import (
    PUBLISHED_SCHEMA,
    build_published_table,
    export_tables,
    write_published_table,
)

INJECTED = "=cmd|' /C calc'!A0"
H1, H2, H_OLD, H_REFUSED = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)

INDICATEURS_ROWS = [
    # exits: A1 has 3 (secret), so A2 (20) is hidden too; partners and piliers add up
    count("sorties", "action", "A1", 3),
    count("sorties", "action", "A2", 20),
    count("sorties", "action", "A3", 30),
    count("sorties", "partenaire", "P1", 23),
    count("sorties", "partenaire", "P2", 30),
    count("sorties", "pilier", "emploi_developpement_economique", 23),
    count("sorties", "pilier", "cohesion_sociale", 30),
    count("sorties", "contrat", "CV01", 53),
    count("beneficiaires_uniques", "contrat", "CV01", 43),
    count("beneficiaires_uniques", "contrat", "CV01", 3, "sexe", "F"),
    count("beneficiaires_uniques", "contrat", "CV01", 40, "sexe", "H"),
    count("beneficiaires_uniques", "qpv", "Q1", 12),
    count("financement_total", "contrat", "CV01", 12500.5),
    rate("taux_abandon", "action", "A3", 6, 30),
    rate("part_femmes", "qpv", "Q1", 6, 12),
    rate("cout_par_beneficiaire", "contrat", "CV01", 12500.5, 43, unite="euros", factor=1),
    rate("taux_sorties_positives", "action", "A3", 0, 0),  # undefined: empty, not secret
]


def fill_warehouse(con, with_targets=True):
    con.execute(
        "INSERT INTO ref.contrat VALUES ('CV01', 'Contrat de ville de Testville', "
        "'2024-01-01', '2030-12-31', '2027-06-30', 5)"
    )
    con.execute("INSERT INTO ref.partenaires VALUES ('P1', 'Mission emploi'), ('P2', '@SUM(1)')")
    con.execute(
        "INSERT INTO ref.actions VALUES "
        "('A1', ?, 'P1', 'emploi_developpement_economique', 'accompagnement', NULL, NULL), "
        "('A2', 'Auto-école sociale', 'P1', 'emploi_developpement_economique', NULL, NULL, NULL),"
        "('A3', '-Atelier numérique', 'P2', 'cohesion_sociale', NULL, NULL, NULL)",
        [INJECTED],
    )
    con.execute("INSERT INTO ref.qpv VALUES ('Q1', '+Quartier Nord', 'Testville', 4000)")
    con.executemany(
        "INSERT INTO marts.indicateurs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", INDICATEURS_ROWS
    )
    files = [
        ("f1", H1, "accepte", True, datetime(2026, 6, 30, 14, 5)),
        ("f2", H2, "accepte", True, datetime(2026, 3, 1, 9, 0)),
        ("f0", H_OLD, "accepte", False, datetime(2026, 7, 2, 8, 0)),  # replaced since
        ("f3", H_REFUSED, "refuse", False, datetime(2026, 7, 3, 8, 0)),
    ]
    for file_id, sha, status, in_force, received in files:
        con.execute(
            "INSERT INTO ingest.files (file_id, sha256, source_path, archive_path, received_at, "
            "arrival_seq, status, in_force) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            [file_id, sha, f"{file_id}.csv", f"{file_id}.csv", received, status, in_force],
        )
    if with_targets:
        con.execute(
            """INSERT INTO marts.cibles_suivi BY NAME SELECT * FROM (VALUES
            ('sorties', 'contrat', 'CV01', '2025', 2024, 40.0, 2026, 60.0, 'hausse',
             50.0, 53.0, 'atteint'),
            ('sorties', 'action', 'A1', '2025', 2024, 2.0, 2026, 10.0, 'hausse',
             6.0, 3.0, 'en_retard'),
            ('taux_abandon', 'action', 'A3', '2025', 2024, 30.0, 2026, 10.0, 'baisse',
             -2.5, 20.0, 'a_surveiller'),
            ('sorties', 'contrat', 'CV01', 'mi_parcours', 2024, 40.0, 2026, 60.0, 'hausse',
             55.0, 53.0, 'en_retard')
            ) t(code_indicateur, perimetre_type, perimetre_code, periode, annee_reference,
                valeur_reference, annee_cible, valeur_cible, sens, valeur_attendue,
                valeur_atteinte, statut)"""
        )


@pytest.fixture
def warehouse(tmp_path):
    con = new_warehouse(tmp_path / "warehouse.duckdb")
    fill_warehouse(con)
    yield con
    con.close()


def published(con) -> dict[tuple, dict]:
    rows = con.sql("SELECT * FROM marts.indicateurs_publies").pl()
    return {
        (r["code_indicateur"], r["perimetre_code"], r["modalite"]): r
        for r in rows.iter_rows(named=True)
    }


def test_published_table_shape_and_content(warehouse):
    assert write_published_table(warehouse) == len(INDICATEURS_ROWS)
    described = warehouse.execute("DESCRIBE marts.indicateurs_publies").fetchall()
    assert [(c[0], c[1]) for c in described] == [
        ("code_indicateur", "VARCHAR"), ("libelle", "VARCHAR"), ("unite", "VARCHAR"),
        ("periode", "VARCHAR"), ("provisoire", "BOOLEAN"),
        ("perimetre_type", "VARCHAR"), ("perimetre_code", "VARCHAR"),
        ("perimetre_libelle", "VARCHAR"), ("ventilation", "VARCHAR"), ("modalite", "VARCHAR"),
        ("valeur", "DOUBLE"), ("numerateur", "DOUBLE"), ("denominateur", "DOUBLE"),
        ("secret", "BOOLEAN"), ("valeur_cible", "DOUBLE"), ("annee_cible", "INTEGER"),
        ("valeur_attendue", "DOUBLE"), ("statut", "VARCHAR"), ("millesime", "VARCHAR"),
        ("date_reception_max", "TIMESTAMP"), ("empreinte", "VARCHAR"),
    ]  # fmt: skip
    p = published(warehouse)
    a1, a2, a3 = (p[("sorties", a, "ensemble")] for a in ("A1", "A2", "A3"))
    assert a1["secret"] and a1["valeur"] is None and a1["numerateur"] is None
    assert a2["secret"] and a2["valeur"] is None  # secondary: P1 = 23 is published
    assert not a3["secret"] and a3["valeur"] == 30
    assert p[("beneficiaires_uniques", "CV01", "H")]["valeur"] is None
    assert p[("financement_total", "CV01", "ensemble")]["valeur"] == 12500.5
    undefined = p[("taux_sorties_positives", "A3", "ensemble")]
    assert undefined["valeur"] is None and not undefined["secret"]

    assert a3["libelle"] == "Sorties" and a3["unite"] == "nombre"
    assert a1["perimetre_libelle"] == INJECTED  # raw in the warehouse, neutralised on export
    assert p[("sorties", "P2", "ensemble")]["perimetre_libelle"] == "@SUM(1)"
    pilier = p[("sorties", "emploi_developpement_economique", "ensemble")]
    assert pilier["perimetre_libelle"] == "Emploi et développement économique"
    contrat = p[("sorties", "CV01", "ensemble")]
    assert contrat["perimetre_libelle"] == "Contrat de ville de Testville"

    # targets: the period's row, not the mid-term one; status hidden with a secret value
    assert (contrat["valeur_cible"], contrat["annee_cible"]) == (60.0, 2026)
    assert (contrat["valeur_attendue"], contrat["statut"]) == (50.0, "atteint")
    assert a1["valeur_cible"] == 10.0 and a1["statut"] is None
    assert p[("beneficiaires_uniques", "CV01", "ensemble")]["valeur_cible"] is None

    # vintage: in-force accepted files only
    fingerprint = hashlib.sha256(f"{H1}\n{H2}".encode()).hexdigest()
    assert contrat["date_reception_max"] == datetime(2026, 6, 30, 14, 5)
    assert contrat["empreinte"] == fingerprint
    assert contrat["millesime"] == (
        f"données reçues jusqu'au 2026-06-30, empreinte {fingerprint[:12]}…"
    )


def test_rewrite_is_idempotent(warehouse):
    write_published_table(warehouse)
    first = warehouse.sql("SELECT * FROM marts.indicateurs_publies").pl()
    write_published_table(warehouse)
    assert warehouse.sql("SELECT * FROM marts.indicateurs_publies").pl().equals(first)


def test_without_targets_table_nor_files(tmp_path):
    con = new_warehouse(tmp_path / "w.duckdb")
    fill_warehouse(con, with_targets=False)
    con.execute("DELETE FROM ingest.files")
    table = build_published_table(con)
    assert table.schema == pl.Schema(PUBLISHED_SCHEMA)
    assert table["valeur_cible"].null_count() == table.height
    assert table["statut"].null_count() == table.height
    assert set(table["millesime"]) == {"aucune donnée partenaire reçue"}
    assert table["empreinte"].null_count() == table.height
    con.close()


@pytest.fixture
def exported(warehouse, tmp_path):
    write_published_table(warehouse)
    # exact values never leave the warehouse: exports need the published table only
    warehouse.execute("DELETE FROM marts.indicateurs")
    return export_tables(warehouse, tmp_path / "telechargements")


def read_french_csv(path):
    """As French Excel does: UTF-8 with BOM, ';', decimal comma."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def fr_float(text):
    return float(text.replace(",", "."))


def test_csv_reads_back_in_french_excel(exported):
    rows = read_french_csv(exported["indicateurs.csv"])
    assert list(rows[0]) == list(PUBLISHED_SCHEMA)
    assert len(rows) == len(INDICATEURS_ROWS)
    by = {(r["code_indicateur"], r["perimetre_code"], r["modalite"]): r for r in rows}
    a1 = by[("sorties", "A1", "ensemble")]
    assert (a1["valeur"], a1["numerateur"], a1["secret"], a1["statut"]) == ("s", "s", "oui", "")
    assert a1["perimetre_libelle"] == "'" + INJECTED
    assert by[("sorties", "P2", "ensemble")]["perimetre_libelle"] == "'@SUM(1)"
    assert by[("beneficiaires_uniques", "Q1", "ensemble")]["perimetre_libelle"] == (
        "'+Quartier Nord"
    )
    assert fr_float(by[("financement_total", "CV01", "ensemble")]["valeur"]) == 12500.5
    taux = by[("taux_abandon", "A3", "ensemble")]
    assert fr_float(taux["valeur"]) == 20.0 and taux["denominateur"] == "30"
    assert fr_float(taux["valeur_attendue"]) == -2.5  # a negative number, not text
    assert taux["statut"] == "À surveiller"
    cout = by[("cout_par_beneficiaire", "CV01", "ensemble")]
    assert fr_float(cout["valeur"]) == pytest.approx(12500.5 / 43)
    assert by[("taux_sorties_positives", "A3", "ensemble")]["valeur"] == ""
    assert a1["date_reception_max"] == "2026-06-30 14:05:00"
    for row in rows:
        assert not any(
            v.startswith(("=", "+", "-", "@", "\t", "\r"))
            for v in row.values()
            if not _is_number(v)
        )

    definitions = read_french_csv(exported["definitions.csv"])
    assert [d["code"] for d in definitions] == [i.code for i in INDICATEURS]
    assert definitions[0]["libellé"] == "Bénéficiaires uniques"


def _is_number(text):
    try:
        fr_float(text)
    except ValueError:
        return False
    return True


def test_xlsx_reads_back_with_numbers_and_no_formula(exported):
    wb = openpyxl.load_workbook(exported["indicateurs.xlsx"])
    assert wb.sheetnames == ["indicateurs", "definitions", "lisez-moi"]
    ws = wb["indicateurs"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    header = [c.value for c in ws[1]]
    assert header == list(PUBLISHED_SCHEMA)
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    by = {(r["code_indicateur"], r["perimetre_code"], r["modalite"]): r for r in rows}
    assert by[("sorties", "A1", "ensemble")]["valeur"] == "s"
    a2 = by[("sorties", "A2", "ensemble")]
    assert (a2["valeur"], a2["numerateur"], a2["denominateur"]) == ("s", "s", "s")
    assert by[("sorties", "A3", "ensemble")]["denominateur"] is None  # a count: none
    assert by[("sorties", "A3", "ensemble")]["valeur"] == 30
    assert by[("financement_total", "CV01", "ensemble")]["valeur"] == 12500.5
    assert by[("taux_abandon", "A3", "ensemble")]["valeur_attendue"] == -2.5
    assert by[("sorties", "A1", "ensemble")]["perimetre_libelle"] == "'" + INJECTED
    assert by[("sorties", "CV01", "ensemble")]["date_reception_max"] == datetime(2026, 6, 30, 14, 5)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value

    codes = [r[0] for r in wb["definitions"].iter_rows(min_row=2, values_only=True)]
    assert codes == [i.code for i in INDICATEURS]
    readme = {r[0]: r[1] for r in wb["lisez-moi"].iter_rows(values_only=True)}
    assert readme["Millésime"].startswith("données reçues jusqu'au 2026-06-30")
    assert RULES_FR.split("\n\n")[0] in [r[1] for r in wb["lisez-moi"].iter_rows(values_only=True)]


def test_parquet_reads_back_with_null_secrets(exported):
    table = pl.read_parquet(exported["indicateurs.parquet"])
    assert table.schema == pl.Schema(PUBLISHED_SCHEMA)
    a1 = table.filter(pl.col("perimetre_code") == "A1", pl.col("code_indicateur") == "sorties")
    assert a1["secret"].to_list() == [True] and a1["valeur"].to_list() == [None]
    assert a1["perimetre_libelle"].to_list() == ["'" + INJECTED]
    secret = table.filter("secret")
    assert (
        secret.select(pl.col("valeur", "numerateur", "denominateur").null_count()).row(0)
        == (secret.height,) * 3
    )


def test_exports_need_the_published_table(tmp_path):
    con = new_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(RuntimeError, match="write_published_table"):
        export_tables(con, tmp_path / "out")
    con.close()


def test_empty_warehouse_publishes_empty_files(tmp_path):
    con = new_warehouse(tmp_path / "w.duckdb")
    assert write_published_table(con) == 0
    files = export_tables(con, tmp_path / "out")
    assert read_french_csv_header(files["indicateurs.csv"]) == list(PUBLISHED_SCHEMA)
    assert pl.read_parquet(files["indicateurs.parquet"]).height == 0
    wb = openpyxl.load_workbook(files["indicateurs.xlsx"])
    assert [c.value for c in wb["indicateurs"][1]] == list(PUBLISHED_SCHEMA)
    con.close()


def read_french_csv_header(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f, delimiter=";"))


def test_provisional_flag_in_all_three_formats(tmp_path):
    # marts.periodes: 2025 provisional (a report still missing), 2024 definitive; one 2024
    # funding row is added to the 2025 rows of the fixture
    con = new_warehouse(tmp_path / "w.duckdb")
    fill_warehouse(con)
    con.execute(
        "INSERT INTO marts.indicateurs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        count("financement_total", "contrat", "CV01", 900.0, periode="2024"),
    )
    con.execute(
        "INSERT INTO marts.periodes VALUES ('2024', DATE '2024-01-01', DATE '2024-12-31', false),"
        " ('2025', DATE '2025-01-01', DATE '2025-12-31', true)"
    )
    write_published_table(con)
    files = export_tables(con, tmp_path / "out")
    n_2025 = len(INDICATEURS_ROWS)  # every fixture row is in 2025

    csv_rows = read_french_csv(files["indicateurs.csv"])
    assert {(r["periode"], r["provisoire"]) for r in csv_rows} == {("2024", "non"), ("2025", "oui")}
    assert sum(r["provisoire"] == "oui" for r in csv_rows) == n_2025

    ws = openpyxl.load_workbook(files["indicateurs.xlsx"])["indicateurs"]
    header = [c.value for c in ws[1]]
    cells = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert {(r["periode"], r["provisoire"]) for r in cells} == {("2024", "non"), ("2025", "oui")}

    parquet = pl.read_parquet(files["indicateurs.parquet"])
    assert parquet.schema["provisoire"] == pl.Boolean
    flags = parquet.group_by("periode").agg(pl.col("provisoire").unique()).sort("periode")
    assert flags.rows() == [("2024", [False]), ("2025", [True])]
    con.close()
