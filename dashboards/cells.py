"""Table cells as data: what a cell says and how it is shown; the `table` macro of
templates/macros.html renders them. No markup here: every text is escaped by the template."""

from __future__ import annotations

from dataclasses import dataclass

from dashboards.format import SECRET, UNDEFINED


@dataclass(frozen=True)
class Cell:
    text: str = ""
    css: str = ""
    kind: str = "text"  # text | secret | undefined | status | code | download
    statut: str | None = None  # kind status
    href: str = ""  # kind download: path relative to the page


def value_cell(text: str) -> Cell:
    """A formatted value; secret and undefined cells get a class and an explanation."""
    if text == SECRET:
        return Cell(text, "num secret", "secret")
    if text == UNDEFINED:
        return Cell(text, "num", "undefined")
    return Cell(text, "num")


def status_cell(row: dict) -> Cell:
    if row.get("secret"):
        return value_cell(SECRET)  # a status would tell which side of the target a secret lies
    return Cell(css="status", kind="status", statut=row.get("statut"))


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]  # the first cell of a row is its header
    css: str = ""

    @property
    def numeric(self) -> list[bool]:
        """A column of values (statuses included) gets its header aligned like its cells."""
        aligned = (["num"], ["status"])
        return [
            bool(self.rows) and all(r[i].css.split()[:1] in aligned for r in self.rows)
            for i in range(len(self.header))
        ]
