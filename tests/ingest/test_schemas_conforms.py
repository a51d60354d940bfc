"""schemas.conforms, the one-query verdict the workers use before pandera's validate():
it must never say yes to rows pandera refuses, and must say yes to good rows (else the
workers pay pandera's full cost for nothing). Frames are typed as the rules leave them."""

from __future__ import annotations

import datetime as dt
import math

import pandera.errors as pa_errors
import polars as pl
import pytest

from pipelines.ingest.columns import columns_of
from pipelines.ingest.schemas import SCHEMAS, conforms, schema_for

D = dt.date

# fmt: off
GOOD = {
    "participants": [
        # row_number, id, action, entree, sortie, motif, sexe, naissance, qpv, niveau, ft,
        # freins, prescripteur
        (3, "P1", "EMP01", D(2025, 2, 3), None, None, "F", 1990, "QN01404M", "bac", True,
         None, None),
        (4, "P2", "EMP01", D(2025, 2, 3), D(2025, 6, 30), "emploi_durable", "H", 2005,
         "QN01404M", "sans_diplome", False, "mobilite;garde_enfants", "plie"),
    ],
    "seances": [
        (3, "P1", "EMP01", D(2025, 3, 4), "present"),
        (4, "P2", "EMP01", D(2025, 3, 4), "excuse"),
    ],
    "financements": [
        (3, "EMP01", 2025, "etat_bop147", 12000.0, "annuelle_aap", D(2025, 1, 1), D(2025, 12, 31)),
        (4, "EMP01", 2025, "caf", 0.5, "pluriannuelle_cpo", D(2025, 1, 1), D(2025, 1, 1)),
    ],
}
# fmt: on

# (kind, column, value put in the second row, does pandera accept it?), written from the
# contract: domains, required columns, the row rules.
CASES = [
    ("participants", "row_number", 0, False),
    ("participants", "id_participant", "", False),
    ("participants", "id_participant", None, False),
    ("participants", "code_action", None, False),
    ("participants", "date_sortie", D(2025, 2, 2), False),  # before entry
    ("participants", "date_sortie", D(2025, 2, 3), True),  # same day
    ("participants", "date_sortie", None, False),  # a motif without an exit
    ("participants", "motif_sortie", None, False),  # an exit without a motif
    ("participants", "motif_sortie", "emploi", False),
    ("participants", "sexe", "X", False),
    ("participants", "sexe", None, False),
    ("participants", "annee_naissance", 2012, False),  # 13 at entry
    ("participants", "annee_naissance", 2011, True),  # 14
    ("participants", "annee_naissance", 1926, True),  # 99
    ("participants", "annee_naissance", 1925, False),  # 100
    ("participants", "niveau_formation", "bac+2", False),
    ("participants", "inscrit_france_travail", None, False),
    ("participants", "freins", "mobilite;voiture", False),
    ("participants", "freins", "mobilite;", False),
    ("participants", "freins", "langue", True),
    ("participants", "freins", None, True),
    ("participants", "prescripteur", "pole_emploi", False),
    ("participants", "prescripteur", None, True),
    ("seances", "presence", "peut-etre", False),
    ("seances", "presence", "absent", True),
    ("seances", "date_seance", None, False),
    ("seances", "id_participant", "", False),
    ("financements", "annee", 1999, False),
    ("financements", "annee", 2100, True),
    ("financements", "financeur", "banque", False),
    ("financements", "montant_accorde", 0.0, False),
    ("financements", "montant_accorde", -5.0, False),
    ("financements", "montant_accorde", math.nan, False),
    ("financements", "montant_accorde", None, False),
    ("financements", "type_convention", "cpo", False),
    ("financements", "date_fin", D(2024, 12, 31), False),  # ends before it starts
]


def good(kind: str) -> pl.DataFrame:
    return pl.DataFrame(GOOD[kind], schema=SCHEMAS[kind].columns.keys(), orient="row").cast(
        {name: column.dtype.type for name, column in SCHEMAS[kind].columns.items()}
    )


def pandera_accepts(kind: str, frame: pl.DataFrame) -> bool:
    try:
        schema_for(kind).validate(frame)
    except pa_errors.SchemaError:
        return False
    return True


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_good_rows_conform(kind):
    frame = good(kind)
    assert pandera_accepts(kind, frame)
    assert conforms(SCHEMAS[kind], frame)
    assert conforms(SCHEMAS[kind], frame.clear())  # a file whose rows were all rejected


@pytest.mark.parametrize(("kind", "column", "value", "accepted"), CASES)
def test_conforms_says_what_pandera_says(kind, column, value, accepted):
    frame = good(kind)
    changed = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit(value, dtype=frame.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
    )
    assert pandera_accepts(kind, changed) is accepted
    assert conforms(SCHEMAS[kind], changed) is accepted


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_other_columns_or_types_do_not_conform(kind):
    frame = good(kind)
    names = frame.columns
    shapes = {
        "columns swapped": frame.select(names[1], names[0], *names[2:]),
        "a column missing": frame.drop(names[-1]),
        "a column more": frame.with_columns(file_id=pl.lit(1)),
        "row_number as Int64": frame.with_columns(pl.col("row_number").cast(pl.Int64)),
    }
    for shape, changed in shapes.items():
        assert not pandera_accepts(kind, changed), shape
        assert not conforms(SCHEMAS[kind], changed), shape


def test_the_schemas_are_those_of_the_accepted_rows():
    """conforms() evaluates every schema (no feature it would have to leave to pandera)."""
    for kind, schema in SCHEMAS.items():
        assert list(schema.columns) == list(columns_of(kind))
        assert conforms(SCHEMAS[kind], good(kind))
