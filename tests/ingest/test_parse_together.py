"""Small files of one kind and header validated together (parse.parse_reports): each file
gets exactly the report it gets alone, with its own partner, period, duplicates and row
numbers, although their rows are checked in one pass."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from test_parse_participants import HEADER, ROWS, person

from pipelines.ingest import parse
from pipelines.ingest.model import PartnerContext

ALL_ACTIONS = frozenset({"EMP01", "EMP02", "CSE09"})
QPV = frozenset({"QN01404M", "QN01405N"})


def context(partner: str, actions: set[str], fin: dt.date | None) -> PartnerContext:
    return PartnerContext(partner, frozenset(actions), ALL_ACTIONS, QPV, (2024, 2030), fin)


ASSO1_S1 = context("ASSO1", {"EMP01", "EMP02"}, dt.date(2025, 6, 30))
ASSO2_2025 = context("ASSO2", {"CSE09"}, dt.date(2025, 12, 31))
ASSO1_UNDATED = context("ASSO1", {"EMP01", "EMP02"}, None)
TITLE = [["Bilan des participants — 1er semestre"]]  # ASSO1's header on row 2, as in ROWS


@pytest.fixture
def jobs(tmp_path, write_csv):
    """Four participants files in one chunk: ASSO1's messy report of 2025-S1 (the rows of
    test_parse_participants plus an entry after its period), ASSO2's of 2025, an undated
    ASSO1 file, and a file whose header is typed differently (validated on its own)."""
    first = [*ROWS, person("P030", entree="01/07/2025")]  # row 23: after 30/06/2025
    second = [
        person("P001"),  # row 2: EMP01 is ASSO1's
        person("P005", action="CSE09"),  # row 3: ASSO2's own action
        person("P020", action="CSE09", entree="15/09/2025"),  # row 4: within 2025
        person("P021", action="CSE09", entree="15/01/2026"),  # row 5: after 31/12/2025
        person("P005", action="CSE09"),  # row 6: same key as row 3
    ]
    third = [
        person("P001"),  # row 2: the key of ASSO1's first file, row 3: not a duplicate
        person("P031", entree="15/01/2026"),  # row 3: no period, not checked
    ]
    retyped = [["Identifiant", *HEADER[1:]], person("P040"), person("P040")]
    files = [
        (write_csv(tmp_path / "participants_a.csv", [HEADER, *first], title_rows=TITLE), ASSO1_S1),
        (write_csv(tmp_path / "participants_b.csv", [HEADER, *second]), ASSO2_2025),
        (write_csv(tmp_path / "participants_c.csv", [HEADER, *third]), ASSO1_UNDATED),
        (write_csv(tmp_path / "participants_d.csv", retyped), ASSO1_S1),
    ]
    return [(path, "participants", ctx) for path, ctx in files]


def alone(jobs):
    return [parse.parse_report(p, k, c, check_schema=False) for p, k, c in jobs]


def issues_of(report, frame: str) -> list[tuple[int, str]]:
    return [(r["row_number"], r["regle"]) for r in getattr(report, frame).iter_rows(named=True)]


def test_each_file_gets_its_report_alone(jobs):
    together = parse.parse_reports(jobs)
    for expected, report in zip(alone(jobs), together, strict=True):
        for frame in ("accepted", "rejections", "warnings"):
            assert getattr(report, frame).equals(getattr(expected, frame)), frame
        assert (report.rows_read, report.rows_ignored) == (
            expected.rows_read,
            expected.rows_ignored,
        )
        assert (report.encoding, report.header_row) == (expected.encoding, expected.header_row)
        assert report.extra == expected.extra


def test_partner_period_and_duplicates_stay_per_file(jobs):
    first, second, third, retyped = parse.parse_reports(jobs)
    # ASSO1's file: rows 3-22 of ROWS (a blank row skipped, a Total row ignored) + row 23
    assert (first.header_row, first.rows_read, first.rows_ignored) == (2, 20, 1)
    assert (7, "action_autre_partenaire") in issues_of(first, "rejections")
    assert (23, "date_apres_periode") in issues_of(first, "rejections")
    assert (19, "doublon") in issues_of(first, "rejections")
    # ASSO2's file: EMP01 is another partner's there, and its period ends on 31/12/2025
    assert issues_of(second, "rejections") == [
        (2, "action_autre_partenaire"),
        (5, "date_apres_periode"),
        (6, "doublon"),
    ]
    messages = second.rejections["message"].to_list()
    assert "portée par un autre partenaire que ASSO2" in messages[0]
    assert "(31/12/2025)" in messages[1]
    assert messages[2].startswith("Doublon de la ligne 3 ")
    assert second.accepted["id_participant"].to_list() == ["P005", "P020"]
    other = first.rejections.filter(pl.col("regle") == "action_autre_partenaire")
    assert "que ASSO1" in other["message"][0]
    late = first.rejections.filter(pl.col("regle") == "date_apres_periode")
    assert "(30/06/2025)" in late["message"][0]
    # undated ASSO1 file: P001's key is also in the first file, and 2026 is not checked
    assert third.rejections.height == 0
    assert third.accepted["id_participant"].to_list() == ["P001", "P031"]
    assert issues_of(retyped, "rejections") == [(3, "doublon")]


def test_a_failing_group_is_parsed_again_file_by_file(jobs, monkeypatch):
    """A fault of ours met only with several files (simulated) costs time, not reports."""
    real = parse.validate_together

    def fails_with_several(kind, frames, *args):
        if len(frames) > 1:
            raise RuntimeError("bogue simulé")
        return real(kind, frames, *args)

    monkeypatch.setattr(parse, "validate_together", fails_with_several)
    together = parse.parse_reports(jobs)
    for expected, report in zip(alone(jobs), together, strict=True):
        assert report.accepted.equals(expected.accepted)
        assert report.rejections.equals(expected.rejections)


def test_an_unreadable_file_is_refused_without_stopping_the_others(jobs, tmp_path):
    broken = tmp_path / "participants_z.csv"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    together = parse.parse_reports([*jobs[:2], (broken, "participants", ASSO1_S1)])
    assert together[2].refusal_rule == "format_inconnu"
    assert together[0].accepted.height == alone(jobs[:1])[0].accepted.height


def test_files_of_two_references_are_never_validated_together(tmp_path, write_csv):
    """The parsers are those of one reference's actions and QPVs (field_rules)."""
    path = write_csv(tmp_path / "participants_a.csv", [HEADER, person("P001")])
    frames = [parse._read(path, "participants", 10**8, parse.CONTRACT).frame for _ in range(2)]
    other = PartnerContext("ASSO1", frozenset({"EMP01"}), frozenset({"EMP01"}), QPV, (2024, 2030))
    with pytest.raises(ValueError, match="share the reference"):
        parse.validate_together("participants", frames, {}, [ASSO1_S1, other])
