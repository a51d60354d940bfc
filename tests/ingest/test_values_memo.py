"""ParsedMemo: a parser's results kept across files give the same values as parsing anew."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.ingest import values
from pipelines.ingest.values import ParsedMemo, on_distinct, parse_amount, parse_date


def _column(texts: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"v": texts}, schema={"v": pl.Utf8})


def test_memo_gives_the_values_of_a_fresh_parse_file_after_file():
    memo = ParsedMemo()
    first = _column(["03/02/2025", "2025-02-04", None, "demain", "03/02/2025"])
    second = _column(["2025-02-04", "05/02/25", "45694", "demain"])
    assert on_distinct(first, "v", parse_date, memo).to_list() == [
        dt.date(2025, 2, 3), dt.date(2025, 2, 4), None, None, dt.date(2025, 2, 3),
    ]  # fmt: skip
    # 45694 is Excel's serial number of 2025-02-06
    assert on_distinct(second, "v", parse_date, memo).to_list() == [
        dt.date(2025, 2, 4), dt.date(2025, 2, 5), dt.date(2025, 2, 6), None,
    ]  # fmt: skip
    assert set(memo.values) == {"03/02/2025", "2025-02-04", "demain", "05/02/25", "45694"}


def test_memo_keeps_the_type_when_every_value_is_known():
    memo = ParsedMemo()
    on_distinct(_column(["1 250,50 €", "12"]), "v", parse_amount, memo)
    again = on_distinct(_column(["12", "12", None]), "v", parse_amount, memo)
    assert again.dtype == pl.Float64
    assert again.to_list() == [12.0, 12.0, None]


def test_memo_past_its_bound_forgets_older_values_but_not_the_file_in_hand(monkeypatch):
    monkeypatch.setattr(values, "MEMO_MAX_VALUES", 3)
    memo = ParsedMemo()
    on_distinct(_column(["1", "2", "3"]), "v", parse_amount, memo)
    parsed = on_distinct(_column(["3", "4", "5"]), "v", parse_amount, memo)
    assert parsed.to_list() == [3.0, 4.0, 5.0]
    assert set(memo.values) == {"3", "4", "5"}
