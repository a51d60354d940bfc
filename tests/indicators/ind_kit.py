"""Test helpers for the indicators: a real DuckDB warehouse file, rows inserted by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.ingest.staging import fill_session_residences
from pipelines.warehouse import migrate

ROOT = Path(__file__).resolve().parents[2]

PARTICIPANT_COLUMNS = (
    "id_participant",
    "code_action",
    "date_entree",
    "date_sortie",
    "motif_sortie",
    "sexe",
    "annee_naissance",
    "code_qpv",
    "niveau_formation",
    "inscrit_france_travail",
    "code_partenaire",
    "report_order",
)
SEANCE_COLUMNS = ("id_participant", "code_action", "date_seance", "presence", "code_partenaire")
FINANCEMENT_COLUMNS = (
    "code_action",
    "annee",
    "financeur",
    "montant_accorde",
    "type_convention",
    "date_debut",
    "date_fin",
    "code_partenaire",
)


def new_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    migrate(con)
    return con


def insert(con, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows into staging.<table>/ref.<table>, with provenance filled in. Sessions in
    force are raw.seances' rows flagged en_vigueur (staging.seances is a view of them)."""
    if not rows:
        return
    cols = list(columns)
    values = [list(r) for r in rows]
    if table == "staging.seances":
        table, kept = "raw.seances", [i for i, c in enumerate(cols) if c != "code_partenaire"]
        cols = [cols[i] for i in kept] + ["file_id", "row_number", "en_vigueur"]
        values = [[v[i] for i in kept] + ["test", n + 2, True] for n, v in enumerate(values)]
    elif table.startswith("staging."):
        cols += ["file_id", "row_number", "periode", "periode_rang"]
        values = [v + ["test", i + 2, "2025", 1] for i, v in enumerate(values)]
        if "report_order" not in cols:
            cols.append("report_order")
            values = [v + [1] for v in values]
    marks = ", ".join("?" for _ in cols)
    con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", values)
    if table.startswith(("staging.", "raw.")):
        # as the rows-in-force build does: each session takes its enrolment's residence
        fill_session_residences(con)


def write_contract(
    con,
    code="CV1",
    debut=date(2024, 3, 1),
    fin=date(2027, 12, 31),
    mi_parcours=date(2025, 7, 2),
) -> None:
    con.execute(
        "INSERT INTO ref.contrat VALUES (?, 'Contrat de ville test', ?, ?, ?, 5)",
        [code, debut, fin, mi_parcours],
    )


def write_actions(con, actions: list[tuple[str, str, str]], partenaires: list[str]) -> None:
    """actions: (code_action, code_partenaire, pilier)."""
    for code in partenaires:
        con.execute("INSERT INTO ref.partenaires VALUES (?, ?)", [code, f"Structure {code}"])
    for code, partenaire, pilier in actions:
        con.execute(
            "INSERT INTO ref.actions VALUES (?, ?, ?, ?, 'atelier', DATE '2024-01-01', NULL)",
            [code, f"Action {code}", partenaire, pilier],
        )


def write_qpv(con, qpv: dict[str, int]) -> None:
    for code, population in qpv.items():
        con.execute(
            "INSERT INTO ref.qpv VALUES (?, ?, 'Ville', ?)", [code, f"Quartier {code}", population]
        )


def indicator(con, code, periode, ptype, pcode, ventilation="ensemble", modalite="ensemble"):
    """(valeur, numerateur, denominateur) of one cell of marts.indicateurs."""
    rows = con.execute(
        """SELECT valeur, numerateur, denominateur FROM marts.indicateurs
           WHERE code_indicateur = ? AND periode = ? AND perimetre_type = ?
             AND perimetre_code = ? AND ventilation = ? AND modalite = ?""",
        [code, periode, ptype, pcode, ventilation, modalite],
    ).fetchall()
    assert len(rows) == 1, (code, periode, ptype, pcode, ventilation, modalite, rows)
    return rows[0]
