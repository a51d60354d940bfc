"""Spreadsheet formula neutralisation (OWASP CSV injection)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipelines.safe_text import neutralise, neutralise_frame


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x","clic")',
        "=cmd|' /C calc'!A0",
        "+33 6 00",
        "-2+3",
        "@SUM(1)",
        "\t=1",
        "\rA",
        "  =1+1",  # blanks before the formula
        "\n@x",
        "\uff1d1+1",  # full-width equals sign
    ],
)
def test_dangerous_prefixes_get_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Auto-école", "a=b", "Atelier @ Caen", "", "'=déjà", "50 %"])
def test_harmless_text_is_untouched(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-3.5, -2, 0, 12.25, None, True, dt.date(2025, 1, 31)])
def test_numbers_and_other_values_are_untouched(value):
    assert neutralise(value) == value and type(neutralise(value)) is type(value)


def test_frame_neutralises_text_columns_only():
    df = pl.DataFrame({"libelle": ["=1+1", "ok", None, "-x"], "valeur": [-1.5, 2.0, None, -3.0]})
    out = neutralise_frame(df)
    assert out["libelle"].to_list() == ["'=1+1", "ok", None, "'-x"]
    assert out["valeur"].to_list() == [-1.5, 2.0, None, -3.0]
    # the vectorised version agrees with the scalar one
    texts = ["=a", "+b", "-c", "@d", "\te", "\rf", " =g", "h", "\uff20i"]
    frame = neutralise_frame(pl.DataFrame({"t": texts}))
    assert frame["t"].to_list() == [neutralise(t) for t in texts]
