"""parse_report: a partner's unreadable bytes are a refusal; a fault of ours propagates."""

from __future__ import annotations

import zipfile

import pandera.errors as pa_errors
import polars as pl
import pytest

from pipelines.ingest import parse
from pipelines.ingest.model import PartnerContext

CTX = PartnerContext("ASSO1", frozenset({"A1"}), frozenset({"A1"}), frozenset(), (2024, 2027))
HEADER = "id_participant;code_action;date_seance;presence\n"


def seances(tmp_path, rows: str = "P1;A1;03/02/2025;present\n"):
    path = tmp_path / "seances.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "error", [zipfile.BadZipFile("bad"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "x")]
)
def test_what_a_partners_bytes_can_raise_is_a_refusal(tmp_path, monkeypatch, error):
    def reader(*args):
        raise error

    monkeypatch.setattr(parse, "read_table", reader)
    report = parse.parse_report(seances(tmp_path), "seances", CTX)
    assert report.refusal_rule == "illisible"
    assert "illisible ou endommagé" in report.refusal


def test_a_bug_in_the_rules_propagates(tmp_path, monkeypatch):
    def broken(*args):
        raise KeyError("colonne interne")

    monkeypatch.setattr(parse, "validate_together", broken)
    with pytest.raises(KeyError, match="colonne interne"):
        parse.parse_report(seances(tmp_path), "seances", CTX)


def test_rules_and_schema_disagreeing_propagates(tmp_path, monkeypatch):
    """An accepted row the pandera schema refuses is a bug of the rules, not the file's."""
    real = parse.validate_together

    def lenient(*args):
        checked = real(*args)
        for validated in checked:
            validated.accepted = validated.accepted.with_columns(presence=pl.lit("peut-etre"))
        return checked

    monkeypatch.setattr(parse, "validate_together", lenient)
    with pytest.raises(pa_errors.SchemaError):
        parse.parse_report(seances(tmp_path), "seances", CTX)
