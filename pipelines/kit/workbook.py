"""One XLSX template per partner and kind: the contract's headers on row 1 of the first
sheet, a drop-down (Excel data validation) on every coded column and on the partner's own
actions, date and amount formats, and an "aide" sheet in French.

The lists live on a hidden "listes" sheet (a list typed inline is limited to 255
characters). Validation only guides the typing: the pipeline checks every value again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from pipelines.contract import CONTRACT, HORS_QPV, Column, Contract, Kind
from pipelines.kit.reference import KitReference
from pipelines.safe_text import neutralise

LAST_ROW = 20_000  # rows prepared with validation and formats (sheet rows 2..LAST_ROW+1)
DATE_RANGE = (dt.date(1950, 1, 1), dt.date(2099, 12, 31))
DATE_FORMAT = "dd/mm/yyyy"
AMOUNT_FORMAT = '#,##0.00 "€"'
BOOLEAN_CHOICES = (("oui", "Oui"), ("non", "Non"))
DATA_SHEET = "saisie"


def template_name(kind: str, code_partenaire: str) -> str:
    """File name that the pipeline recognises as `kind` (contract section 1)."""
    return f"{kind}_{code_partenaire}.xlsx"


def choices(
    column: Column, partner_actions: list[tuple[str, str]], ref: KitReference, contract: Contract
) -> list[tuple[str, str]] | None:
    """(code, French label) offered in the drop-down of a column, None when free text."""
    if column.type == "action":
        return partner_actions
    if column.type == "qpv":
        qpvs = [(c, n or c) for c, n in ref.qpv.select("code_qpv", "nom").iter_rows()]
        return [*qpvs, (HORS_QPV, "Hors quartier prioritaire")]
    if column.type == "booleen":
        return list(BOOLEAN_CHOICES)
    domain = contract.domain_of(column)
    return [(c.code, c.label) for c in domain.codes] if domain else None


def required_text(column: Column, kind: Kind) -> str:
    if column.required:
        return "oui"
    if column.required_with:
        return f"si {kind.column(column.required_with).label.lower()}"
    return "non"


def write_template(
    path: Path,
    kind: Kind,
    code_partenaire: str,
    ref: KitReference,
    contract: Contract = CONTRACT,
) -> Path:
    partner_actions = [
        (code, label or code)
        for code, label in ref.actions_of(code_partenaire)
        .select("code_action", "libelle")
        .iter_rows()
    ]
    # in_memory: no temp file per XML part (a dozen per workbook, 324 workbooks at a big
    # city's size: the kit took 12.2 s, 8.0 s without them)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    with xlsxwriter.Workbook(str(path), options) as book:
        data = book.add_worksheet(DATA_SHEET)
        help_sheet = book.add_worksheet("aide")
        lists = book.add_worksheet("listes")
        header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        formats = {
            "date": book.add_format({"num_format": DATE_FORMAT}),
            "amount": book.add_format({"num_format": AMOUNT_FORMAT}),
            "integer": book.add_format({"num_format": "0"}),
            "text": book.add_format({"num_format": "@"}),
        }
        offered = {}
        for position, column in enumerate(kind.columns):
            data.write_string(0, position, column.label, header)
            value_type = contract.types[column.type]
            data.set_column(
                position, position, max(14, len(column.label) + 4), formats[value_type.excel]
            )
            options = choices(column, partner_actions, ref, contract)
            if options is not None:
                offered[column.name] = options
                source = _write_list(lists, position, column, options)
                _validate_list(data, position, column, source)
            else:
                _validate_value(data, position, column, value_type.excel)
        data.freeze_panes(1, 0)
        data.activate()
        lists.hide()
        _write_help(help_sheet, book, kind, code_partenaire, offered, contract)
    return path


def _write_list(lists, position: int, column: Column, options: list[tuple[str, str]]) -> str:
    lists.write_string(0, position, column.name)
    for row, (code, _label) in enumerate(options, start=1):
        lists.write_string(row, position, neutralise(code))
    letter = xlsxwriter.utility.xl_col_to_name(position)
    return f"=listes!${letter}$2:${letter}${max(2, len(options) + 1)}"


def _input(column: Column) -> dict:
    message = column.help or column.label
    return {
        "input_title": column.label[:32],  # Excel's limits: 32 and 255 characters
        "input_message": message[:255],
    }


def _validate_list(data, position: int, column: Column, source: str) -> None:
    free_list = column.type == "codes"  # several codes in one cell: a warning, not a stop
    data.data_validation(
        1,
        position,
        LAST_ROW,
        position,
        {
            "validate": "list",
            "source": source,
            **_input(column),
            "error_type": "warning" if free_list else "stop",
            "error_title": "Valeur hors liste",
            "error_message": (
                f"{column.label} : choisissez une valeur de la liste (voir l'onglet « aide »)."
            )[:255],
        },
    )


def _validate_value(data, position: int, column: Column, excel: str) -> None:
    rules = {
        "date": {
            "validate": "date",
            "criteria": "between",
            "minimum": DATE_RANGE[0],
            "maximum": DATE_RANGE[1],
            "error_message": f"{column.label} : saisissez une date jj/mm/aaaa.",
        },
        "amount": {
            "validate": "decimal",
            "criteria": ">",
            "value": 0,
            "error_message": f"{column.label} : saisissez un montant en euros supérieur à 0.",
        },
        "integer": {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1900,
            "maximum": 2100,
            "error_message": f"{column.label} : saisissez une année sur 4 chiffres.",
        },
    }
    if excel in rules:
        options = {**rules[excel], **_input(column), "error_title": "Valeur incorrecte"}
        data.data_validation(1, position, LAST_ROW, position, options)
    elif column.help:
        data.data_validation(1, position, LAST_ROW, position, {"validate": "any", **_input(column)})


def _write_help(sheet, book, kind, code_partenaire, offered, contract) -> None:
    """French help: one line per column, then the codes with their labels, then the rules."""
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 4, 60)
    row = 0
    sheet.write_string(row, 0, f"Modèle « {kind.label} » – {neutralise(code_partenaire)}", title)
    row += 1
    sheet.write_string(
        row,
        0,
        f"{kind.description.capitalize()}. Saisissez à partir de la ligne 2 de l'onglet"
        f" « {DATA_SHEET} », sans changer l'en-tête. Déposez le fichier dans"
        f" incoming/{code_partenaire}/<période>/ (période AAAA, AAAA-S1 ou AAAA-S2).",
    )
    row += 2
    for col, text in enumerate(
        ("Colonne", "Nom dans le contrat", "Obligatoire", "Ce qu'il faut saisir", "Codes admis")
    ):
        sheet.write_string(row, col, text, bold)
    for column in kind.columns:
        row += 1
        options = offered.get(column.name)
        codes = "" if options is None else ", ".join(code for code, _ in options)
        what = column.help or contract.types[column.type].help
        cells = (column.label, column.name, required_text(column, kind), what, codes)
        for col, text in enumerate(cells):
            sheet.write_string(row, col, neutralise(text), wrap)
    row += 2
    sheet.write_string(row, 0, "Codes et leur signification", title)
    for column in kind.columns:
        options = offered.get(column.name)
        if not options:
            continue
        row += 1
        sheet.write_string(row, 0, column.label, bold)
        for code, label in options:
            row += 1
            sheet.write_string(row, 0, neutralise(code))
            sheet.write_string(row, 1, neutralise(label))
    row += 2
    sheet.write_string(row, 0, "Règles vérifiées à la réception", title)
    for text in rule_lines(kind, contract):
        row += 1
        sheet.write_string(row, 0, text)


def rule_lines(kind: Kind, contract: Contract = CONTRACT) -> list[str]:
    """The rules of a kind in French, from the contract's rule catalogue."""
    codes = [contract.types[c.type].rule for c in kind.columns]
    codes += ["valeur_manquante", *(r.code for r in kind.row_rules), "doublon"]
    lines = []
    for code in dict.fromkeys(codes):
        rule = contract.rule(code)
        lines.append(f"{rule.label} (règle {code})")
    lines.append(
        "Clé d'une ligne : " + ", ".join(kind.key) + ". Un nouvel envoi pour la même période"
        " remplace le précédent en entier."
    )
    return lines
