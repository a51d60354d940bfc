"""pandera contracts of the accepted rows (columns of raw.<kind> minus file_id).

parse_report validates every accepted frame against these models: the rule
masks of rules.py decide what is rejected, the models state what "accepted"
means and fail loudly if the two ever disagree.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from pipelines import settings
from pipelines.ingest.domains import codes_of
from pipelines.ingest.fields import YEARS

_FREINS = "|".join(codes_of("freins"))
FREINS_PATTERN = rf"^({_FREINS})(;({_FREINS}))*$"


class _Row(pa.DataFrameModel):
    row_number: pl.Int32 = pa.Field(ge=1)

    class Config:
        strict = True
        ordered = True


class Participants(_Row):
    id_participant: pl.Utf8 = pa.Field(str_length={"min_value": 1})
    code_action: pl.Utf8
    date_entree: pl.Date
    date_sortie: pl.Date = pa.Field(nullable=True)
    motif_sortie: pl.Utf8 = pa.Field(nullable=True, isin=codes_of("motif_sortie"))
    sexe: pl.Utf8 = pa.Field(isin=codes_of("sexe"))
    annee_naissance: pl.Int32
    code_qpv: pl.Utf8
    niveau_formation: pl.Utf8 = pa.Field(isin=codes_of("niveau_formation"))
    inscrit_france_travail: pl.Boolean
    freins: pl.Utf8 = pa.Field(nullable=True, str_matches=FREINS_PATTERN)
    prescripteur: pl.Utf8 = pa.Field(nullable=True, isin=codes_of("prescripteur"))

    @pa.dataframe_check
    def sortie_apres_entree(cls, data: PolarsData) -> pl.LazyFrame:
        sortie, entree = pl.col("date_sortie"), pl.col("date_entree")
        return data.lazyframe.select(sortie.is_null() | (sortie >= entree))

    @pa.dataframe_check
    def motif_ssi_sortie(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("date_sortie").is_null() == pl.col("motif_sortie").is_null()
        )

    @pa.dataframe_check
    def age_a_l_entree(cls, data: PolarsData) -> pl.LazyFrame:
        age = pl.col("date_entree").dt.year().cast(pl.Int32) - pl.col("annee_naissance")
        return data.lazyframe.select(age.is_between(*settings.AGE_RANGE))


class Seances(_Row):
    id_participant: pl.Utf8 = pa.Field(str_length={"min_value": 1})
    code_action: pl.Utf8
    date_seance: pl.Date
    presence: pl.Utf8 = pa.Field(isin=codes_of("presence"))


class Financements(_Row):
    code_action: pl.Utf8
    annee: pl.Int32 = pa.Field(in_range={"min_value": YEARS[0], "max_value": YEARS[1]})
    financeur: pl.Utf8 = pa.Field(isin=codes_of("financeur"))
    montant_accorde: pl.Float64 = pa.Field(gt=0)
    type_convention: pl.Utf8 = pa.Field(isin=codes_of("type_convention"))
    date_debut: pl.Date
    date_fin: pl.Date

    @pa.dataframe_check
    def fin_apres_debut(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("date_fin") >= pl.col("date_debut"))


SCHEMAS: dict[str, type[_Row]] = {
    "participants": Participants,
    "seances": Seances,
    "financements": Financements,
}


def columns_of(kind: str) -> dict[str, pl.DataType]:
    """Accepted columns of a kind with their polars dtypes, in raw.<kind> order."""
    schema = SCHEMAS[kind].to_schema()
    return {name: column.dtype.type for name, column in schema.columns.items()}
