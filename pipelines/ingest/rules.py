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
from pipelines.ingest.text import SPACES, fold_code_expr, message
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


def validate(
    kind: str, frame: pl.DataFrame, headers: dict[str, str], ctx: PartnerContext
) -> Validated:
    """Split the data rows (no Total rows) into accepted rows, rejections and warnings.

    Problem masks are first evaluated on every row (cheap, may over-select: a cell of
    spaces counts as filled); the few selected rows are then cleaned and checked exactly.
    """
    specs = KIND_COLUMNS[kind]
    labels = {s.name: headers.get(s.name, s.label) for s in specs}
    required = {s.name for s in specs if s.required}
    present = {n: h for n, h in headers.items() if n in labels}
    typed, problems, warn_problems = parse_fields(
        frame, field_rules(ctx), present, required, WARN_ONLY
    )
    del frame  # the raw columns live on in `typed` until the split below
    dtypes = columns_of(kind)
    absent = [s.name for s in specs if s.name not in present]  # optional columns only
    typed = typed.with_columns(
        *(pl.lit(None, pl.Utf8).alias(f"raw_{name}") for name in absent),
        # typed null: absent columns, and freins (parsed once the rows are kept)
        *(pl.lit(None, t).alias(name) for name, t in dtypes.items() if name not in typed.columns),
    )
    problems += CROSS_RULES[kind](labels, ctx)
    keep = [*dtypes, *(f"raw_{n}" for n in WARN_ONLY if n in labels)]
    suspect = typed.select(pl.any_horizontal(p.mask.fill_null(False) for p in problems))
    suspect = suspect.to_series()
    rejections = empty_issues()
    if suspect.any():
        suspects = _flag(_clean_raw(typed.filter(suspect)), problems)
        bad = pl.any_horizontal(pl.col(f"_p{i}") for i in range(len(problems)))
        rejections = _issues(suspects.filter(bad), problems)
        kept = typed.select(keep).filter(~suspect)
        recovered = suspects.filter(~bad).select(keep)
        if len(recovered):  # a cell of spaces only: the row was fine after all
            kept = pl.concat([kept, recovered]).sort("row_number")
    else:
        kept = typed.select(keep)
    del typed
    kept, duplicates = _drop_duplicates(kind, kept)
    warnings = [empty_issues()]
    if warn_problems:
        warned = kept.filter(pl.any_horizontal(p.mask.fill_null(False) for p in warn_problems))
        warnings.append(_issues(_flag(_clean_raw(warned), warn_problems), warn_problems))
    if kind == "participants":
        kept, freins_warnings = _freins(kept, labels["freins"])
        warnings.append(freins_warnings)
    return Validated(
        accepted=kept.select(list(dtypes)),
        rejections=pl.concat([rejections, duplicates]).sort("row_number", maintain_order=True),
        warnings=pl.concat(warnings).sort("row_number", maintain_order=True),
    )


def _clean_raw(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells of spaces only count as empty (done on the few suspect rows only)."""
    raw = [c for c in frame.columns if c.startswith("raw_")]
    blank = {c: pl.col(c).str.strip_chars(SPACES) == "" for c in raw}
    return frame.with_columns(pl.when(~blank[c]).then(pl.col(c)).alias(c) for c in raw)


def _flag(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    return frame.with_columns(
        p.mask.fill_null(False).alias(f"_p{i}") for i, p in enumerate(problems)
    )


def _issues(frame: pl.DataFrame, problems: list[Problem]) -> pl.DataFrame:
    """One issue line per (row, problem) from a frame flagged by _flag."""
    parts = []
    for i, problem in enumerate(problems):
        valeur = problem.valeur if problem.valeur is not None else pl.col(f"raw_{problem.colonne}")
        parts.append(
            frame.filter(pl.col(f"_p{i}")).select(
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
            message(
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
            message(
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
            message(
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
            message(
                "{} : « {} » doit être strictement positif.",
                pl.lit(labels["montant_accorde"]),
                pl.col("raw_montant_accorde"),
            ),
        ),
        Problem(
            pl.col("date_fin") < pl.col("date_debut"),
            "date_fin",
            "fin_avant_debut",
            message(
                "{} : « {} » précède la date de début ({}).",
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
        message(
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
        message(
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
