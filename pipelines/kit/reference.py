"""What the partner kit needs from the officer's reference: the contract, the partners,
their actions and the QPV codes, from the warehouse (ref.*) or a read Reference."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl


@dataclass(frozen=True)
class KitReference:
    contrat_code: str
    contrat_libelle: str
    years: tuple[int, int]  # first and last year of the contract
    partenaires: pl.DataFrame  # code_partenaire, nom
    actions: pl.DataFrame  # code_action, libelle, code_partenaire, date_debut, date_fin
    qpv: pl.DataFrame  # code_qpv, nom

    def actions_of(self, code_partenaire: str) -> pl.DataFrame:
        return self.actions.filter(pl.col("code_partenaire") == code_partenaire).sort("code_action")


def _year(value: object) -> int:
    return value.year if isinstance(value, dt.date) else int(str(value)[:4])


def kit_reference(source) -> KitReference:
    """`source`: a DuckDB connection holding ref.*, a pipelines.ingest.reference.Reference,
    or a KitReference already read."""
    if isinstance(source, KitReference):
        return source
    if isinstance(source, duckdb.DuckDBPyConnection):
        contrat = source.sql("SELECT code, libelle, date_debut, date_fin FROM ref.contrat").pl()
        contrat = contrat.row(0, named=True) if contrat.height else {}
        partenaires = source.sql("SELECT code_partenaire, nom FROM ref.partenaires").pl()
        actions = source.sql(
            "SELECT code_action, libelle, code_partenaire, date_debut, date_fin FROM ref.actions"
        ).pl()
        qpv = source.sql("SELECT code_qpv, nom FROM ref.qpv").pl()
    else:
        contrat = source.contrat
        partenaires = source.partenaires.select("code_partenaire", "nom")
        actions = source.actions.select(
            "code_action", "libelle", "code_partenaire", "date_debut", "date_fin"
        )
        qpv = source.qpv.select("code_qpv", "nom")
    return KitReference(
        contrat_code=str(contrat.get("code") or ""),
        contrat_libelle=str(contrat.get("libelle") or contrat.get("code") or ""),
        years=(_year(contrat["date_debut"]), _year(contrat["date_fin"])),
        partenaires=partenaires.sort("code_partenaire"),
        actions=actions,
        qpv=qpv.sort("code_qpv"),
    )
