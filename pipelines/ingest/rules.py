"""Row rules of the data contract (section 3) as polars masks, per kind.

Flow: typed columns (fields.py) -> one boolean mask per problem -> rejections
built from the (few) bad rows only -> duplicate keys among the remaining rows
-> warnings on optional columns of the kept rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.ingest.domains import codes_of, synonyms_of
from pipelines.ingest.fields import Problem, field_rules, parse_fields
from pipelines.ingest.headers import KIND_COLUMNS
from pipelines.ingest.model import ISSUE_COLUMNS, PartnerContext
from pipelines.ingest.schemas import columns_of
from pipelines.ingest.text import fold_code_expr
from pipelines.ingest.values import on_distinct

AGE_RANGE = (14, 99)
ISSUE_SCHEMA = {
    "row_number": pl.Int32,
    "colonne": pl.Utf8,
    "valeur": pl.Utf8,
    "regle": pl.Utf8,
    "message": pl.Utf8,
}
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
WARN_ONLY = {"prescripteur", "freins"}  # optional: an invalid value is dropped with a warning


@dataclass
class Validated:
    accepted: pl.DataFrame
    rejections: pl.DataFrame
    warnings: pl.DataFrame


def empty_issues() -> pl.DataFrame:
    return pl.DataFrame(schema=ISSUE_SCHEMA)


def validate(kind: str, frame: pl.DataFrame, headers: dict[str, str], ctx: PartnerContext):
    """Split the data rows (no Total rows) into accepted rows, rejections and warnings."""
    specs = KIND_COLUMNS[kind]
    labels = {s.name: headers.get(s.name, s.label) for s in specs}
    required = {s.name for s in specs if s.required}
    present = {n: h for n, h in headers.items() if n in labels}
    typed, problems, warn_problems = parse_fields(
        frame, field_rules(ctx), present, required, WARN_ONLY
    )
    dtypes = columns_of(kind)
    absent = [s.name for s in specs if s.name not in present]  # optional columns only
    typed = typed.with_columns(
        *(pl.lit(None, pl.Utf8).alias(f"raw_{name}") for name in absent),
        *(pl.lit(None, dtypes[name]).alias(name) for name in absent),
    )
    problems += CROSS_RULES[kind](labels, ctx)
    typed = typed.with_columns(
        p.mask.fill_null(False).alias(f"_p{i}") for i, p in enumerate(problems)
    )
    flags = [f"_p{i}" for i in range(len(problems))]
    bad = pl.any_horizontal(flags)
    rejections = _issues(typed.filter(bad), problems, flags)
    kept = typed.filter(~bad).drop(flags)
    kept, duplicates = _drop_duplicates(kind, kept)
    warnings = [_issues(kept, warn_problems)]
    if kind == "participants":
        kept, freins_warnings = _freins(kept, labels["freins"])
        warnings.append(freins_warnings)
    return Validated(
        accepted=kept,
        rejections=pl.concat([rejections, duplicates]).sort("row_number", maintain_order=True),
        warnings=pl.concat(warnings).sort("row_number", maintain_order=True),
    )


def _issues(frame: pl.DataFrame, problems: list[Problem], flags: list[str] | None = None):
    parts = []
    for i, problem in enumerate(problems):
        mask = pl.col(flags[i]) if flags else problem.mask.fill_null(False)
        valeur = problem.valeur if problem.valeur is not None else pl.col(f"raw_{problem.colonne}")
        parts.append(
            frame.filter(mask).select(
                pl.col("row_number").cast(pl.Int32),
                pl.lit(problem.colonne).alias("colonne"),
                valeur.cast(pl.Utf8).alias("valeur"),
                pl.lit(problem.regle).alias("regle"),
                problem.message.cast(pl.Utf8).alias("message"),
            )
        )
    return pl.concat([empty_issues(), *parts]).select(ISSUE_COLUMNS)


def _participants_rules(labels: dict[str, str], ctx: PartnerContext) -> list[Problem]:
    entree, sortie = pl.col("date_entree"), pl.col("date_sortie")
    raw_sortie, raw_motif = pl.col("raw_date_sortie"), pl.col("raw_motif_sortie")
    age = entree.dt.year().cast(pl.Int32) - pl.col("annee_naissance")
    low, high = AGE_RANGE
    return [
        _other_partner(labels, ctx),
        Problem(
            sortie < entree,
            "date_sortie",
            "sortie_avant_entree",
            pl.format(
                "{} : « {} » précède la date d'entrée ({}).",
                pl.lit(labels["date_sortie"]),
                raw_sortie,
                pl.col("raw_date_entree"),
            ),
        ),
        Problem(
            raw_sortie.is_not_null() & raw_motif.is_null(),
            "motif_sortie",
            "motif_manquant",
            pl.lit(
                f"{labels['motif_sortie']} : obligatoire quand une date de sortie est indiquée."
            ),
        ),
        Problem(
            raw_motif.is_not_null() & raw_sortie.is_null(),
            "date_sortie",
            "sortie_manquante",
            pl.format(
                "{} : manquante alors qu'un motif de sortie est indiqué (« {} »).",
                pl.lit(labels["date_sortie"]),
                raw_motif,
            ),
            valeur=pl.lit(None, pl.Utf8),
        ),
        Problem(
            ~age.is_between(low, high),
            "annee_naissance",
            "age_hors_limites",
            pl.format(
                "{} : âge à l'entrée de {} ans (année d'entrée {} moins année de naissance {}) ;"
                " il doit être compris entre {} et {} ans.",
                pl.lit(labels["annee_naissance"]),
                age,
                entree.dt.year(),
                pl.col("annee_naissance"),
                pl.lit(low),
                pl.lit(high),
            ),
        ),
    ]


def _seances_rules(labels: dict[str, str], ctx: PartnerContext) -> list[Problem]:
    return [_other_partner(labels, ctx)]


def _financements_rules(labels: dict[str, str], ctx: PartnerContext) -> list[Problem]:
    return [
        _other_partner(labels, ctx),
        Problem(
            pl.col("montant_accorde") <= 0,
            "montant_accorde",
            "montant_non_positif",
            pl.format(
                "{} : « {} » doit être strictement positif.",
                pl.lit(labels["montant_accorde"]),
                pl.col("raw_montant_accorde"),
            ),
        ),
        Problem(
            pl.col("date_fin") < pl.col("date_debut"),
            "date_fin",
            "fin_avant_debut",
            pl.format(
                "{} : la date de fin ({}) précède la date de début ({}).",
                pl.lit(labels["date_fin"]),
                pl.col("raw_date_fin"),
                pl.col("raw_date_debut"),
            ),
        ),
    ]


def _other_partner(labels: dict[str, str], ctx: PartnerContext) -> Problem:
    mine = sorted(ctx.actions_of_partner)
    return Problem(
        pl.col("code_action").is_not_null() & ~pl.col("code_action").is_in(mine),
        "code_action",
        "action_autre_partenaire",
        pl.format(
            "{} : l'action « {} » est portée par un autre partenaire que {} ;"
            " ne déclarez que vos propres actions.",
            pl.lit(labels["code_action"]),
            pl.col("code_action"),
            pl.lit(ctx.code_partenaire),
        ),
    )


CROSS_RULES = {
    "participants": _participants_rules,
    "seances": _seances_rules,
    "financements": _financements_rules,
}


def _drop_duplicates(kind: str, kept: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first row of each key; the others become 'doublon' rejections.

    A hash of the key finds candidate repeats cheaply; the exact key comparison then
    runs on the candidates only, so a hash collision never rejects a row.
    """
    keys = list(KEYS[kind])
    hashes = kept.select(pl.struct(keys).hash(seed=0)).to_series()
    repeated = ~hashes.is_first_distinct()
    if not repeated.any():
        return kept, empty_issues()
    candidates = kept.filter(hashes.is_in(hashes.filter(repeated).implode()))
    candidates = candidates.with_columns(pl.col("row_number").min().over(keys).alias("_first"))
    dups = candidates.filter(pl.col("row_number") != pl.col("_first"))
    issues = dups.select(
        pl.col("row_number").cast(pl.Int32),
        pl.lit(", ".join(keys)).alias("colonne"),
        pl.concat_str([pl.col(f"raw_{k}") for k in keys], separator=" | ").alias("valeur"),
        pl.lit("doublon").alias("regle"),
        pl.format(
            "Doublon de la ligne {} ({}) : seule la première ligne est conservée.",
            pl.col("_first"),
            pl.lit(KEY_WORDS[kind]),
        ).alias("message"),
    )
    return kept.filter(~pl.col("row_number").is_in(dups["row_number"].implode())), issues


def _freins(kept: pl.DataFrame, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """freins: list split on ';' or ','; valid items kept (joined by ';'), others warned."""
    items = (
        kept.select(
            "row_number",
            pl.col("raw_freins")
            .str.replace_all(",", ";", literal=True)
            .str.split(";")
            .alias("item"),
        )
        .filter(pl.col("item").is_not_null())
        .explode("item")
        .with_columns(pl.col("item").str.strip_chars())
        .filter(pl.col("item").str.len_bytes() > 0)
        .with_row_index("_order")
    )
    synonyms = synonyms_of("freins")
    items = items.with_columns(
        on_distinct(
            items,
            "item",
            lambda e: fold_code_expr(e).replace_strict(
                synonyms, default=None, return_dtype=pl.Utf8
            ),
        ).alias("code")
    )
    allowed = ", ".join(codes_of("freins"))
    warnings = items.filter(pl.col("code").is_null()).select(
        pl.col("row_number").cast(pl.Int32),
        pl.lit("freins").alias("colonne"),
        pl.col("item").alias("valeur"),
        pl.lit("valeur_invalide").alias("regle"),
        pl.format(
            "{} : « {} » n'est pas un frein reconnu ({}) ; valeur ignorée.",
            pl.lit(label),
            pl.col("item"),
            pl.lit(allowed),
        ).alias("message"),
    )
    joined = (
        items.filter(pl.col("code").is_not_null())
        .group_by("row_number", maintain_order=True)
        .agg(pl.col("code").unique(maintain_order=True).str.join(";").alias("freins"))
    )
    kept = kept.drop("freins", strict=False).join(
        joined, on="row_number", how="left", maintain_order="left"
    )
    return kept, warnings
