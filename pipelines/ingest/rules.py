"""Row rules of the data contract (section 3) as polars masks, per kind.

Flow: typed columns (fields.py) -> one boolean mask per problem -> rejections
built from the (few) bad rows only (issues.py) -> duplicate keys among the
remaining rows (duplicates.py) -> warnings on optional columns of the kept rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines import settings
from pipelines.ingest.duplicates import find_duplicates
from pipelines.ingest.fields import field_rules, parse_fields, parse_freins
from pipelines.ingest.headers import KIND_COLUMNS
from pipelines.ingest.issues import Problem, clean_raw, empty_issues, flag, issues
from pipelines.ingest.model import PartnerContext
from pipelines.ingest.schemas import columns_of
from pipelines.ingest.text import message

AGE_RANGE = settings.AGE_RANGE
WARN_ONLY = {"prescripteur", "freins"}  # optional: an invalid value is dropped with a warning


@dataclass
class Validated:
    accepted: pl.DataFrame
    rejections: pl.DataFrame
    warnings: pl.DataFrame


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
    rejected = pl.repeat(False, len(typed), eager=True)
    if suspect.any():  # a cell of spaces only may turn a suspect row into a good one
        suspects = typed.with_row_index("_index").filter(suspect)
        suspects = flag(clean_raw(suspects), problems)
        bad = suspects.filter(pl.any_horizontal(f"_p{i}" for i in range(len(problems))))
        rejections = issues(bad, problems)
        rejected = rejected.scatter(bad["_index"], True)
    rows = typed.select(keep)  # no copy: the raw columns go with `typed`
    del typed
    drop, duplicates = find_duplicates(kind, rows, rejected)
    kept = rows.filter(~drop) if drop.any() else rows
    del rows
    warnings = [empty_issues()]
    if warn_problems:
        warned = kept.filter(pl.any_horizontal(p.mask.fill_null(False) for p in warn_problems))
        warnings.append(issues(flag(clean_raw(warned), warn_problems), warn_problems))
    if kind == "participants":
        kept, freins_warnings = parse_freins(kept, labels["freins"])
        warnings.append(freins_warnings)
    return Validated(
        accepted=kept.select(list(dtypes)),
        rejections=pl.concat([rejections, duplicates]).sort("row_number", maintain_order=True),
        warnings=pl.concat(warnings).sort("row_number", maintain_order=True),
    )


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
