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
# (header, a valid row) per kind; the test then overwrites a few cells at random
FILES = {
    "participants": (
        ["Identifiant", "Code action", "Date d'entrée", "Date de sortie", "Motif de sortie",
         "Sexe", "Année de naissance", "Code QPV", "Niveau de formation",
         "Inscrit France Travail", "Freins", "Prescripteur"],
        ["P1", "EMP01", "03/02/2025", "30/06/2025", "abandon", "F", "1990", "QN01404M", "bac",
         "oui", "langue;mobilite", "ccas"],
    ),
    "seances": (
        ["Identifiant", "Code action", "Date de séance", "Présence"],
        ["P1", "EMP01", "03/02/2025", "présent"],
    ),
    "financements": (
        ["Code action", "Année", "Financeur", "Montant accordé", "Type de convention",
         "Date de début", "Date de fin"],
        ["EMP01", "2025", "CAF", "1 000,50", "CPO", "01/01/2025", "31/12/2026"],
    ),
}  # fmt: skip
cell = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1E20",
            "99999999999",
            "1e400",
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
    ),  # fmt: skip
    st.text(alphabet=st.characters(codec="cp1252", exclude_categories=["Cs", "Cc"]), max_size=12),
)
edits = st.lists(st.tuples(st.integers(0, 11), cell), max_size=4)


def apply(row: list[str], changes: list[tuple[int, str]]) -> list[str]:
    out = list(row)
    for index, value in changes:
        out[index % len(out)] = value
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(FILES)), rows=st.lists(edits, min_size=1, max_size=6))
def test_parse_report_never_raises_and_conserves_rows(kind, rows):
    header, typical = FILES[kind]
    with tempfile.TemporaryDirectory() as folder:
        lines = [apply(typical, changes) for changes in rows]
        path = write_csv(Path(folder) / f"{kind}.csv", [header, *lines])
        report = parse_report(path, kind, CTX)
    assert report.refusal_rule in (None, "fichier_vide")
    if report.refusal is None:
        rejected = report.rejections["row_number"].n_unique()
        assert report.rows_read == len(report.accepted) + rejected + report.rows_ignored
