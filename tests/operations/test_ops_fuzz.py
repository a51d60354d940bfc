"""Property-based fuzzing of the file readers and the value normalisers (hypothesis).

Whatever a partner sends, parse_report returns a report (never raises); every data row
under the header is accepted, or rejected with a rule and a French message, or ignored
(Total rows); rows_read == accepted + distinct rejected rows + ignored, and the row
numbers are those of the sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from pipelines.ingest import values
from pipelines.ingest.model import PartnerContext
from pipelines.ingest.parse import parse_report

CTX = PartnerContext(
    code_partenaire="ASSO1",
    actions_of_partner=frozenset({"A1"}),
    all_actions=frozenset({"A1", "M1"}),
    qpv_codes=frozenset({"QN01404M"}),
    contract_years=(2024, 2027),
)
INTERNAL_ERROR = "erreur_traitement"  # parse_report's refusal when it crashed
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # same examples at every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Header cells as partners type them (synonyms of the contract), first column first.
HEADERS = {
    "participants": [
        ("id_participant", "Identifiant", "N° participant"),
        ("code_action", "Action"),
        ("date_entree", "Date d'entrée"),
        ("date_sortie", "Date de sortie"),
        ("motif_sortie", "Motif de sortie"),
        ("sexe", "Sexe (F/H)"),
        ("annee_naissance", "Année de naissance"),
        ("code_qpv", "Code QPV"),
        ("niveau_formation", "Niveau de formation"),
        ("inscrit_france_travail", "Inscrit France Travail"),
        ("freins",),
        ("prescripteur",),
    ],
    "seances": [
        ("id_participant", "Identifiant participant"),
        ("code_action",),
        ("date_seance", "Date de séance"),
        ("presence", "Présence"),
    ],
    "financements": [
        ("code_action", "Code action"),
        ("annee", "Année"),
        ("financeur", "Financeur"),
        ("montant_accorde", "Montant accordé (€)"),
        ("type_convention", "Type de convention"),
        ("date_debut", "Date de début"),
        ("date_fin", "Date de fin"),
    ],
}
FIRST_CELLS = {  # a data row's first cell: never blank, never "Total…"
    "participants": ("P001", "P002", "p 003", "A1"),
    "seances": ("P001", "P002", "X"),
    "financements": ("A1", "M1", "ZZ", "a1"),
}
TRICKY = (
    '=HYPERLINK("http://x")',
    "@SUM(1)",
    "-2+3",
    "+cmd",
    "<script>alert(1)</script>",
    "Élodie Œuvré",
    "1 250,50 €",
    "1.250,50",
    "31/02/2025",
    "29/02/2024",
    "2025-06-01",
    "15/01/25",
    "45678",
    "1E20",
    "99999999999",
    "-1",
    "oui",
    "Non",
    "F",
    "femme",
    "H",
    "QN01404M",
    "HORS_QPV",
    "A1",
    "M1",
    "bac",
    "cap_bep",
    "emploi_durable",
    "abandon",
    "présent",
    "excusé",
    "etat_bop147",
    "region",
    "annuelle_aap",
    "pluriannuelle_cpo",
    "langue; mobilite",
    "spontane",
    "2025",
    "1990",
    "Total",
    "   ",
    '"',
    ";",
)
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    max_size=15,
)
CELL = st.one_of(
    st.none(),
    st.sampled_from(TRICKY),
    TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1899, 12, 31), max_value=dt.date(2199, 12, 31)),
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    st.booleans(),
)
TOTAL_ROW = st.tuples(
    st.integers(min_value=0, max_value=2),  # empty cells before the label
    st.sampled_from(("Total", "TOTAL", "Total général", "total :", " Total des lignes")),
    st.integers(min_value=0, max_value=9999),
)


def valid_row(kind: str, n: int) -> list:
    """A row the contract accepts, whose key no other row of the sheet has (n is unique)."""
    day = dt.date(2024, 1, 1) + dt.timedelta(days=37 * n % 1400)
    if kind == "participants":
        return [f"V{n}", "A1", day, None, None, "FH"[n % 2], 1960 + n % 40, "QN01404M"]
    if kind == "seances":
        return [f"V{n}", "A1", day.strftime("%d/%m/%Y"), ("présent", "A", "excuse")[n % 3]]
    amount = ("1 250,50 €", 8000, "12000.5")[n % 3]
    start = dt.date(2024, 1, 1) + dt.timedelta(days=n)
    return ["A1", 2024 + n % 4, "region", amount, "annuelle_aap", start, dt.date(2027, 12, 31)]


PARTICIPANT_TAIL = ["bac", "oui", None, None]  # niveau, inscrit FT, freins, prescripteur


@st.composite
def sheets(draw, kind: str):
    """(rows, data row numbers, total row numbers, valid row numbers); numbers from 1.

    Rows are title rows, the header (as partners type it), then a mix of valid rows,
    valid rows with one random cell, random rows, Total rows and blank rows.
    """
    header = [draw(st.sampled_from(names)) for names in HEADERS[kind]]
    width = len(header)
    titles = draw(
        st.lists(st.one_of(st.just([]), st.lists(st.sampled_from(TRICKY[:8]), max_size=2)))
    )
    rows: list[list] = [*titles[:5], header]
    data_rows, total_rows, valid_rows = [], [], []
    for n, mode in enumerate(draw(st.lists(st.sampled_from("VVMRRTB"), min_size=1, max_size=14))):
        if mode == "B":  # a blank row: skipped, never counted
            rows.append([None] * width)
            continue
        number = len(rows) + 1
        if mode == "T":
            blanks, label, amount = draw(TOTAL_ROW)
            row = [None] * blanks + [label] + [None] * (width - blanks - 2) + [amount]
            total_rows.append(number)
        elif mode == "R":
            first = draw(st.sampled_from(FIRST_CELLS[kind]))
            row = [first, *draw(st.lists(CELL, min_size=width - 1, max_size=width - 1))]
            data_rows.append(number)
        else:
            row = valid_row(kind, n)
            row += PARTICIPANT_TAIL if kind == "participants" else []
            if mode == "M":  # one cell (not the first) replaced by anything
                row[draw(st.integers(1, width - 1))] = draw(CELL)
            else:
                valid_rows.append(number)
            data_rows.append(number)
        rows.append(row)
    return rows, data_rows, total_rows, valid_rows


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "oui" if cell else "non"
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def write_csv(path: Path, rows, bom: bool) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
        [[_text(c) for c in row] for row in rows]
    )
    path.write_text(buffer.getvalue(), encoding="utf-8-sig" if bom else "utf-8", newline="")


def write_xlsx(path: Path, rows) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, bool):
                sheet.write_boolean(r, c, cell)
            elif isinstance(cell, dt.datetime):
                sheet.write_datetime(r, c, cell, dates)
            elif isinstance(cell, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(cell, dt.time()), dates)
            elif isinstance(cell, int | float):
                sheet.write_number(r, c, cell)
            else:
                sheet.write_string(r, c, cell)
    workbook.close()


def write_ods(path: Path, rows) -> None:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Bilan")
    for row in rows:
        table_row = TableRow()
        for cell in row or [None]:
            table_row.addElement(_ods_cell(cell))
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(path))


def _ods_cell(cell) -> TableCell:
    if cell is None:
        return TableCell()
    if isinstance(cell, bool):
        element = TableCell(valuetype="boolean", booleanvalue="true" if cell else "false")
    elif isinstance(cell, dt.datetime):
        element = TableCell(valuetype="date", datevalue=cell.strftime("%Y-%m-%dT%H:%M:%S"))
    elif isinstance(cell, dt.date):
        element = TableCell(valuetype="date", datevalue=cell.isoformat())
    elif isinstance(cell, int | float):
        element = TableCell(valuetype="float", value=repr(cell))
    else:
        element = TableCell(valuetype="string")
    element.addElement(P(text=_text(cell)))
    return element


def assert_every_row_accounted_for(report, data_rows, total_rows, valid_rows) -> None:
    assert report.refusal_rule != INTERNAL_ERROR, report.refusal
    if not data_rows:  # only Total or blank rows under the header: the contract says empty
        assert report.refused and report.refusal_rule == "fichier_vide", report.refusal
        return
    assert not report.refused, report.refusal
    rejected = set(report.rejections.get_column("row_number").to_list())
    accepted = report.accepted.get_column("row_number").to_list()
    assert len(accepted) == len(set(accepted))
    assert report.rows_read == len(data_rows) + len(total_rows)
    assert report.rows_ignored == len(total_rows)
    assert report.rows_read == len(accepted) + len(rejected) + report.rows_ignored
    assert not rejected & set(accepted)
    assert rejected | set(accepted) == set(data_rows)
    assert set(valid_rows) <= set(accepted), report.rejections
    event(f"accepted rows: {min(len(accepted), 3)}+, rejected rows: {min(len(rejected), 3)}+")
    for issues in (report.rejections, report.warnings):
        assert issues.get_column("regle").null_count() == 0
        assert all(message.strip() for message in issues.get_column("message").to_list())


def assert_a_report(report) -> None:
    """Any outcome is fine except an exception: a refusal with a message, or counted rows."""
    if report.refused:
        assert report.refusal.strip() and report.refusal_rule
        # parse_report turns its own crashes into refusals: those are bugs, not bad files.
        assert report.refusal_rule != INTERNAL_ERROR, report.refusal
        assert report.accepted.height == 0
    else:
        rejected = report.rejections.get_column("row_number").n_unique()
        assert report.rows_read == report.accepted.height + rejected + report.rows_ignored


@FUZZ
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from((".csv", ".xlsx", ".ods", ".xls")),
    kind=st.sampled_from(tuple(HEADERS)),
)
def test_random_bytes_never_raise(tmp_path, data, suffix, kind):
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(data)
    assert_a_report(parse_report(path, kind, CTX))


@FUZZ
@given(data=st.data(), kind=st.sampled_from(tuple(HEADERS)), bom=st.booleans())
def test_random_csv_rows_are_each_accounted_for(tmp_path, data, kind, bom):
    rows, *expected = data.draw(sheets(kind))
    path = tmp_path / f"{kind}.csv"
    write_csv(path, rows, bom)
    assert_every_row_accounted_for(parse_report(path, kind, CTX), *expected)


@FUZZ
@given(data=st.data(), kind=st.sampled_from(tuple(HEADERS)))
def test_random_xlsx_rows_are_each_accounted_for(tmp_path, data, kind):
    rows, *expected = data.draw(sheets(kind))
    path = tmp_path / f"{kind}.xlsx"
    write_xlsx(path, rows)
    assert_every_row_accounted_for(parse_report(path, kind, CTX), *expected)


@settings(FUZZ, max_examples=40)
@given(data=st.data(), kind=st.sampled_from(tuple(HEADERS)))
def test_random_ods_rows_are_each_accounted_for(tmp_path, data, kind):
    rows, *expected = data.draw(sheets(kind))
    path = tmp_path / f"{kind}.ods"
    write_ods(path, rows)
    assert_every_row_accounted_for(parse_report(path, kind, CTX), *expected)


def _apply(parser, texts: list[str]) -> pl.Series:
    frame = pl.DataFrame({"v": texts}, schema={"v": pl.Utf8})
    return values.on_distinct(frame, "v", parser)


NORMALISERS = {
    "date": (values.parse_date, pl.Date),
    "amount": (values.parse_amount, pl.Float64),
    "bool": (values.parse_bool, pl.Boolean),
    "int": (values.parse_int, pl.Int32),
}


@settings(FUZZ, max_examples=150)
@given(texts=st.lists(st.one_of(TEXT, st.sampled_from(TRICKY)), max_size=30))
def test_normalisers_never_raise_on_any_text(texts):
    for name, (parser, dtype) in NORMALISERS.items():
        parsed = _apply(parser, texts)
        assert parsed.dtype == dtype, name
        assert parsed.len() == len(texts)
    years = _apply(values.parse_date, texts).dt.year().drop_nulls()
    assert years.is_between(*values.DATE_YEARS).all()


DATE_FORMATS = ("%d/%m/%Y", "{d}/{m}/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d.%m.%Y", "%d/%m/%y")


@settings(FUZZ, max_examples=150)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    fmt=st.sampled_from(DATE_FORMATS),
    pad=st.sampled_from(("", " ", "\u00a0")),
)
def test_dates_typed_the_french_way_read_back(day, fmt, pad):
    text = day.strftime(fmt.format(d=day.day, m=day.month))
    assert _apply(values.parse_date, [pad + text + pad]).to_list() == [day]
    serial = (day - values.EXCEL_EPOCH).days  # a date cell exported as its Excel number
    assert _apply(values.parse_date, [str(serial)]).to_list() == [day]


@settings(FUZZ, max_examples=150)
@given(amount=st.decimals(min_value=0, max_value=10**9, places=2))
def test_amounts_typed_the_french_way_read_back(amount: Decimal):
    grouped = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    typed = [f"{grouped} €", grouped.replace("\u202f", " "), f"{amount}", f"{amount:.2f} EUR"]
    parsed = _apply(values.parse_amount, typed).to_list()
    assert parsed == [float(amount)] * len(typed)


@settings(FUZZ, max_examples=100)
@given(number=st.integers(min_value=-(2**31) + 1, max_value=2**31 - 1))
def test_integers_read_back_and_huge_ones_are_unreadable(number):
    assert _apply(values.parse_int, [str(number), f"{number}.0"]).to_list() == [number, number]
    huge = str(number * 10**12 + (1 if number >= 0 else -1) * 10**12)
    assert _apply(values.parse_int, [huge]).to_list() == [None]
