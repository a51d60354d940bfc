"""Whatever partners type in the cells, parse_report neither raises nor loses a row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.ingest.model import PartnerContext
from pipelines.ingest.parse import parse_report
from tests.ingest.conftest import write_csv

CTX = PartnerContext(
    "ASSO1",
    frozenset({"EMP01"}),
    frozenset({"EMP01", "CSE09"}),
    frozenset({"QN01404M"}),
    (2024, 2030),
)
HEADER = [
    "Identifiant",
    "Code action",
    "Date d'entrée",
    "Date de sortie",
    "Motif de sortie",
    "Sexe",
    "Année de naissance",
    "Code QPV",
    "Niveau de formation",
    "Inscrit France Travail",
    "Freins",
    "Prescripteur",
]
TYPICAL = [
    "P1",
    "EMP01",
    "03/02/2025",
    "30/06/2025",
    "abandon",
    "F",
    "1990",
    "QN01404M",
    "bac",
    "oui",
    "langue;mobilite",
    "ccas",
]
cell = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1E20",
            "99999999999",
            "31/02/2025",
            "2025-13-01",
            "45678",
            "Total",
            "total général",
            "\u00a0",
            "1 250,50 €",
            ";",
            ",",
            '"',
            "é",
            "\n",
            "NaN",
            "inf",
            "EMP01",
            "CSE09",
            "hors qpv",
            "P1",
        ]
    ),
    st.text(alphabet=st.characters(codec="cp1252", exclude_categories=["Cs", "Cc"]), max_size=12),
)
row = st.lists(st.tuples(st.integers(0, len(TYPICAL) - 1), cell), max_size=4).map(
    lambda edits: [edits_apply(TYPICAL, edits)]
)


def edits_apply(base: list[str], edits: list[tuple[int, str]]) -> list[str]:
    out = list(base)
    for index, value in edits:
        out[index] = value
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=6))
def test_parse_report_never_raises_and_conserves_rows(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "participants.csv", [HEADER, *(r[0] for r in rows)])
        report = parse_report(path, "participants", CTX)
    assert report.refusal_rule in (None, "fichier_vide")
    if report.refusal is None:
        rejected = report.rejections["row_number"].n_unique()
        assert report.rows_read == len(report.accepted) + rejected + report.rows_ignored
