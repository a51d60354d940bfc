"""French number, date and size formats for the dashboards (tables, hovers, annotations).

Thousands are separated by a narrow no-break space (U+202F), the decimal mark is a
comma and units follow a no-break space: `1 234,5`, `12,3 %`, `1 250 €`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

NNBSP = "\u202f"  # thousands separator
NBSP = "\u00a0"  # before a unit
MINUS = "\u2212"

SECRET = "s"  # statistical confidentiality, the mark funders know from INSEE tables
UNDEFINED = "n.d."  # rate or cost whose denominator is 0

# unit -> (decimals, suffix)
_UNITS = {
    "nombre": (0, ""),
    "pourcentage": (1, f"{NBSP}%"),
    "pour_mille": (1, f"{NBSP}‰"),
    "euros": (0, f"{NBSP}€"),
}

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_number(value: float | int, decimals: int = 0) -> str:
    """`1234.56, 1` -> `1 234,6` (half away from zero, as people round by hand)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = MINUS if rounded < 0 else ""
    text = f"{abs(rounded):,.{decimals}f}"
    return sign + text.replace(",", NNBSP).replace(".", ",")


# a big site prints the same values thousands of times (tables, hovers); 1 and 1.0 share
# an entry, and print the same
@lru_cache(maxsize=1 << 16)
def format_value(value: float | int | None, unite: str, secret: bool = False) -> str:
    """A published cell as shown to the committee: `s` when secret, `n.d.` when undefined."""
    if secret:
        return SECRET
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return UNDEFINED
    decimals, suffix = _UNITS.get(unite, (1, ""))
    if unite == "nombre" and float(value) != int(value):
        decimals = 1  # a count is whole; show a stray fraction rather than hide it
    return format_number(value, decimals) + suffix


def format_date(value: date | datetime | None) -> str:
    """`2026-03-05` -> `5 mars 2026`, `1er août 2025`; with a time: `5 mars 2026 à 14 h 05`."""
    if value is None:
        return UNDEFINED
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {_MONTHS[value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f" à {value.hour} h {value.minute:02d}"
    return text


def format_size(n_bytes: int) -> str:
    """File size in French units: `850 o`, `12,4 ko`, `3,2 Mo`."""
    if n_bytes < 1000:
        return f"{n_bytes}{NBSP}o"
    if n_bytes < 1_000_000:
        return format_number(n_bytes / 1000, 1) + f"{NBSP}ko"
    return format_number(n_bytes / 1_000_000, 1) + f"{NBSP}Mo"
