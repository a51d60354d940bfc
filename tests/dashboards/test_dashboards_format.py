"""French number, date and size formats (expected strings written by hand)."""

from datetime import date, datetime

import pytest

from dashboards.format import format_date, format_number, format_size, format_value

N = "\u202f"  # narrow no-break space: thousands
B = "\u00a0"  # no-break space: before a unit


@pytest.mark.parametrize(
    ("value", "unite", "expected"),
    [
        (1234, "nombre", f"1{N}234"),
        (1234.5, "nombre", f"1{N}234,5"),
        (999, "nombre", "999"),
        (1_000_000, "nombre", f"1{N}000{N}000"),
        (0, "nombre", "0"),
        (12.25, "pourcentage", f"12,3{B}%"),  # half away from zero, as by hand
        (12.34, "pourcentage", f"12,3{B}%"),
        (100, "pourcentage", f"100,0{B}%"),
        (0.04, "pourcentage", f"0,0{B}%"),
        (1250, "euros", f"1{N}250{B}€"),
        (1234567.5, "euros", f"1{N}234{N}568{B}€"),
        (12.34, "pour_mille", f"12,3{B}‰"),
        (-3.5, "pourcentage", f"\u22123,5{B}%"),
    ],
)
def test_format_value(value, unite, expected):
    assert format_value(value, unite) == expected


def test_secret_wins_over_any_value():
    assert format_value(1234, "nombre", secret=True) == "s"
    assert format_value(None, "pourcentage", secret=True) == "s"


def test_undefined_values():
    assert format_value(None, "pourcentage") == "n.d."
    assert format_value(float("nan"), "euros") == "n.d."


def test_format_number_decimals():
    assert format_number(2.675, 2) == "2,68"
    assert format_number(1234.56, 1) == f"1{N}234,6"


def test_format_date():
    assert format_date(date(2026, 3, 5)) == "5 mars 2026"
    assert format_date(datetime(2026, 1, 15, 10, 30)) == "15 janvier 2026 à 10 h 30"
    assert format_date(date(2025, 8, 1)) == "1er août 2025"


def test_format_size():
    assert format_size(850) == f"850{B}o"
    assert format_size(12_400) == f"12,4{B}ko"
    assert format_size(3_250_000) == f"3,3{B}Mo"
