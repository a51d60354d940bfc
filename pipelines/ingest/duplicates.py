"""Duplicate keys inside one file: the first row is kept, the others are rejected."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.issues import empty_issues
from pipelines.ingest.text import message

KEYS = {
    "participants": ("id_participant", "code_action", "date_entree"),
    "seances": ("id_participant", "code_action", "date_seance"),
    "financements": ("code_action", "annee", "financeur", "type_convention", "date_debut"),
}
KEY_WORDS = {
    "participants": "même identifiant, action et date d'entrée",
    "seances": "même identifiant, action et date de séance",
    "financements": "même action, année, financeur, type de convention et date de début",
}


def drop_duplicates(kind: str, kept: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first row of each key; the others become 'doublon' rejections.

    A 64-bit fingerprint of the key (xor of per-column hashes) is sorted to find repeated
    fingerprints; exact keys are then compared on those candidate rows only, so a hash
    collision never rejects a row.
    """
    keys = list(KEYS[kind])
    fingerprint = pl.lit(0, pl.UInt64)
    for seed, key in enumerate(keys):
        fingerprint = fingerprint.xor(pl.col(key).hash(seed=seed))
    prints = kept.select(fingerprint.alias("fp")).to_series()
    ordered = prints.sort()
    repeated = ordered.filter(ordered == ordered.shift(1)).unique()  # diff() overflows u64
    if repeated.is_empty():
        return kept, empty_issues()
    candidates = prints.is_in(repeated.implode())
    rows = kept.with_row_index("_index").filter(candidates)
    rows = rows.with_columns(pl.col("row_number").min().over(keys).alias("_first"))
    dups = rows.filter(pl.col("row_number") != pl.col("_first"))
    if dups.is_empty():
        return kept, empty_issues()
    shown = [
        pl.col(k).dt.strftime("%d/%m/%Y") if kept.schema[k] == pl.Date else pl.col(k) for k in keys
    ]
    issues = dups.select(
        pl.col("row_number").cast(pl.Int32),
        pl.lit(", ".join(keys)).alias("colonne"),
        pl.concat_str(shown, separator=" | ").alias("valeur"),
        pl.lit("doublon").alias("regle"),
        message(
            "Doublon de la ligne {} ({}) : seule la première ligne est conservée.",
            pl.col("_first"),
            pl.lit(KEY_WORDS[kind]),
        ).alias("message"),
    )
    drop = pl.repeat(False, len(kept), eager=True).scatter(dups["_index"], True)
    return kept.filter(~drop), issues
