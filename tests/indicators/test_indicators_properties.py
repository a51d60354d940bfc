"""Invariants over generated staging data (hypothesis), and agreement with the pandas reference.

A small pool of people, actions and dates forces the hard cases: people in several actions
and partners, entries on the same day (ties broken by report, then action), exits before the
contract start or after the last data year.
"""

from __future__ import annotations

import importlib.util
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ind_kit import (
    FINANCEMENT_COLUMNS,
    PARTICIPANT_COLUMNS,
    ROOT,
    SEANCE_COLUMNS,
    insert,
    new_warehouse,
    write_actions,
    write_contract,
    write_qpv,
)

from indicators.checks import run_checks
from indicators.compute import compute_indicators

ACTIONS = [("A1", "PA", "emploi"), ("A2", "PA", "cohesion"), ("A3", "PB", "emploi")]
PARTNER = {code: partner for code, partner, _ in ACTIONS}
START = date(2024, 3, 1)
MOTIFS = ["emploi_durable", "emploi_transition", "formation_qualifiante", "creation_activite",
          "abandon", "demenagement", "autre"]  # fmt: skip
NIVEAUX = ["sans_diplome", "cap_bep", "bac", "bac_plus_2", "bac_plus_3_et_plus"]

days = st.integers(min_value=-90, max_value=3 * 365)  # around the contract start
enrolment = st.tuples(
    st.sampled_from([f"P{i}" for i in range(8)]),
    st.sampled_from(list(PARTNER)),
    st.sampled_from([0, 30, 200, 400, 700]) | days,  # repeated days force ties
    st.none() | st.integers(min_value=0, max_value=500),
    st.sampled_from(MOTIFS),
    st.sampled_from(["F", "H"]),
    st.integers(min_value=1940, max_value=2008),
    st.sampled_from(["Q1", "Q2", "HORS_QPV"]),
    st.sampled_from(NIVEAUX),
    st.booleans(),
    st.integers(min_value=1, max_value=3),
)
session = st.tuples(
    st.sampled_from([f"P{i}" for i in range(8)]),
    st.sampled_from(list(PARTNER)),
    days,
    st.sampled_from(["present", "absent", "excuse"]),
)
funding = st.tuples(
    st.sampled_from(list(PARTNER)),
    st.integers(min_value=2023, max_value=2027),
    st.sampled_from(["etat_bop147", "region", "epci", "caf"]),
    st.integers(min_value=1, max_value=10_000),
    st.sampled_from(["annuelle_aap", "pluriannuelle_cpo"]),
    st.integers(min_value=0, max_value=4),
)
staging_data = st.tuples(
    st.lists(enrolment, max_size=25, unique_by=lambda e: (e[0], e[1], e[2])),
    st.lists(session, max_size=15),
    st.lists(funding, max_size=8, unique_by=lambda f: (f[0], f[1], f[2], f[4])),
)


def load(con, data) -> None:
    enrolments, sessions, fundings = data
    write_contract(con, debut=START, fin=date(2026, 12, 31))
    write_actions(con, ACTIONS, ["PA", "PB", "PC"])
    write_qpv(con, {"Q1": 800, "Q2": 1500})
    participants = []
    for pid, action, entry, stay, motif, sexe, born, qpv, niveau, ft, report in enrolments:
        entree = START + timedelta(days=entry)
        sortie = None if stay is None else entree + timedelta(days=stay)
        participants.append(
            (pid, action, entree, sortie, motif if sortie else None, sexe, born, qpv, niveau,
             ft, PARTNER[action], report)
        )  # fmt: skip
    insert(con, "staging.participants", PARTICIPANT_COLUMNS, participants)
    insert(
        con,
        "staging.seances",
        SEANCE_COLUMNS,
        [(p, a, START + timedelta(days=x), pr, PARTNER[a]) for p, a, x, pr in sessions],
    )
    insert(
        con,
        "staging.financements",
        FINANCEMENT_COLUMNS,
        [
            (a, y, f, m, t, date(y, 1, 1), date(y + extra, 12, 31), PARTNER[a])
            for a, y, f, m, t, extra in fundings
        ],
    )


def computed(data):
    """Compute the indicators of `data` in a fresh warehouse file; yields the connection."""
    tmp = tempfile.TemporaryDirectory()
    con = new_warehouse(Path(tmp.name) / "warehouse.duckdb")
    load(con, data)
    compute_indicators(con)
    return tmp, con


def values(con, code, ventilation):
    return con.execute(
        """SELECT periode, modalite, numerateur, denominateur FROM marts.indicateurs
           WHERE code_indicateur = ? AND perimetre_type = 'contrat' AND ventilation = ?
           ORDER BY ALL""",
        [code, ventilation],
    ).fetchall()


def sums_by_period(rows):
    out: dict[str, list[float]] = {}
    for periode, _, num, den in rows:
        acc = out.setdefault(periode, [0.0, 0.0])
        acc[0] += num
        acc[1] += den or 0
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staging_data)
def test_invariants_hold(data):
    tmp, con = computed(data)
    try:
        # shares in 0-100, numerator <= denominator, contract distinct count between the
        # largest action and the sum of actions (also pilier and partner), full grid
        assert run_checks(con) == {
            "parts_entre_0_et_100": [],
            "numerateur_inferieur_au_denominateur": [],
            "comptes_distincts_bornes": [],
            "grille_complete": [],
        }
        for code in ("beneficiaires_uniques", "taux_sorties_positives"):
            ensemble = sums_by_period(values(con, code, "ensemble"))
            # F + H = ensemble and moins_26 + 26_49 + 50_plus = ensemble (numerators and bases)
            assert sums_by_period(values(con, code, "sexe")) == ensemble
            assert sums_by_period(values(con, code, "tranche_age")) == ensemble
        # QPV scopes split the contract's QPV residents
        split = con.execute(
            """SELECT c.periode, c.numerateur, sum(q.numerateur)
               FROM marts.indicateurs c JOIN marts.indicateurs q USING (code_indicateur, periode)
               WHERE code_indicateur = 'taux_couverture_qpv' AND c.perimetre_type = 'contrat'
                 AND q.perimetre_type = 'qpv' GROUP BY ALL"""
        ).fetchall()
        assert split and all(contract == total for _, contract, total in split)
    finally:
        con.close()
        tmp.cleanup()


def _pandas_reference():
    path = ROOT / "benchmarks" / "pandas_reference.py"
    spec = importlib.util.spec_from_file_location("pandas_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PANDAS_REFERENCE = _pandas_reference()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staging_data)
def test_same_values_as_the_pandas_reference(data):
    tmp, con = computed(data)
    try:
        diff = PANDAS_REFERENCE.compare(con, PANDAS_REFERENCE.compute(con))
        assert diff["lignes_non_communes"] == 0, diff
        assert all(v == 0 for k, v in diff.items() if k.startswith("nulls_differents")), diff
        assert all(v < 1e-6 for k, v in diff.items() if k.startswith("ecart_max")), diff
    finally:
        con.close()
        tmp.cleanup()
