"""HTML building blocks of the validation reports: self-contained pages, escaped tables.

Every value that may come from a partner file goes through `esc` (scalars, html.escape)
or `esc_expr` (polars columns, the same five replacements, vectorised).
"""

from __future__ import annotations

import html
from datetime import datetime

import polars as pl

from pipelines.contract import CONTRACT

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:90rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.88rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.statut{display:inline-block;padding:.1rem .5rem;border-radius:.25rem;font-weight:600}
.accepte{background:#dff3e4;color:#0b5d1e}.refuse{background:#fde2e1;color:#8a1c14}
.identique{background:#e8eaf0;color:#2f3a4f}
.message{border-left:4px solid #c0392b;background:#fdf2f1;padding:.5rem 1rem}
.note{color:#555;font-size:.9rem}
"""

STATUS_LABELS = {
    "accepte": "Accepté",
    "refuse": "Refusé",
    "identique": "Identique à la version en vigueur",
}
KIND_LABELS = {name: kind.label for name, kind in CONTRACT.kinds.items()}


def esc(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def esc_expr(expr: pl.Expr) -> pl.Expr:
    """html.escape(quote=True) on a column: & first, then < > " '."""
    return (
        expr.cast(pl.String)
        .fill_null("")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all('"', "&quot;", literal=True)
        .str.replace_all("'", "&#x27;", literal=True)
    )


def french_datetime(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y à %H:%M") if value else ""


def french_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} Ko".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def table(frame: pl.DataFrame, headers: dict[str, str], numeric: tuple[str, ...] = ()) -> str:
    """A <table> of `frame` (columns in `headers` order), every cell escaped.

    Cells already holding trusted markup must be passed in columns named '*_html'.
    """
    head = "".join(f"<th>{esc(label)}</th>" for label in headers.values())
    if frame.height == 0:
        return f"<table><thead><tr>{head}</tr></thead><tbody></tbody></table>"
    cells = []
    for col in headers:
        value = pl.col(col) if col.endswith("_html") else esc_expr(pl.col(col))
        opening = '<td class="n">' if col in numeric else "<td>"
        cells += [pl.lit(opening), value.fill_null(""), pl.lit("</td>")]
    rows = frame.select(pl.concat_str([pl.lit("<tr>"), *cells, pl.lit("</tr>")]).alias("tr"))
    body = rows.get_column("tr").str.join("\n").item()
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
