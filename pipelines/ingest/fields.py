"""Per-column parsing: raw text -> typed value, and what to say when it fails.

`parse_fields` turns each raw column `x` into `raw_x` (text as received) and
`x` (typed, null when unreadable), and lists the column-level problems as
`Problem`s (a mask plus a French message) for the rules module to report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from pipelines.ingest.domains import HORS_QPV, codes_of, synonyms_of
from pipelines.ingest.issues import Problem
from pipelines.ingest.model import PartnerContext
from pipelines.ingest.text import (
    SPACES,
    fold_code_expr,
    message,
    remove_spaces,
    remove_spaces_expr,
)
from pipelines.ingest.values import (
    on_distinct,
    parse_amount,
    parse_bool,
    parse_code,
    parse_date,
    parse_int,
    parse_reference_code,
)

YEARS = (2000, 2100)  # plausible budget years
Parser = Callable[[pl.Expr], pl.Expr]


@dataclass(frozen=True)
class FieldRule:
    parser: Parser
    rule: str
    explain: str  # French, after « value »
    # parse the whole column at once (ids: a million distinct values) instead of the
    # distinct values (dates, codes: a few hundred)
    whole: Callable[[pl.Series], pl.Series] | None = None


def _domain(name: str) -> FieldRule:
    allowed = ", ".join(codes_of(name))
    return FieldRule(
        parse_code(synonyms_of(name)), "valeur_invalide", f"n'est pas une valeur admise ({allowed})"
    )


def _in_range(parser: Parser, low: int, high: int) -> Parser:
    return lambda e: parser(e).pipe(lambda v: pl.when(v.is_between(low, high)).then(v))


DATE = FieldRule(parse_date, "date_invalide", "n'est pas une date lisible (attendu jj/mm/aaaa)")


def field_rules(ctx: PartnerContext) -> dict[str, FieldRule]:
    actions = {_key(code): code for code in ctx.all_actions}
    qpvs = {_key(code): code for code in ctx.qpv_codes}
    qpvs.update({k: HORS_QPV for k in ("HORS_QPV", "HORSQPV", "HORS-QPV")})
    return {
        "id_participant": FieldRule(remove_spaces_expr, "valeur_invalide", "", whole=remove_spaces),
        "code_action": FieldRule(
            parse_reference_code(actions),
            "action_inconnue",
            "est une action inconnue : elle ne figure pas dans la liste des actions du contrat"
            " (actions.csv)",
        ),
        "date_entree": DATE,
        "date_sortie": DATE,
        "date_seance": DATE,
        "date_debut": DATE,
        "date_fin": DATE,
        "motif_sortie": _domain("motif_sortie"),
        "sexe": _domain("sexe"),
        "annee_naissance": FieldRule(
            parse_int, "annee_invalide", "n'est pas une année (attendu aaaa, ex. 1990)"
        ),
        "code_qpv": FieldRule(
            parse_reference_code(qpvs),
            "qpv_inconnu",
            "n'est pas un code QPV de qpv.csv ni HORS_QPV",
        ),
        "niveau_formation": _domain("niveau_formation"),
        "inscrit_france_travail": FieldRule(
            parse_bool, "booleen_invalide", "n'est pas une réponse oui/non (oui, non, O, N, 1, 0)"
        ),
        "prescripteur": _domain("prescripteur"),
        "presence": _domain("presence"),
        "annee": FieldRule(
            _in_range(parse_int, *YEARS),
            "annee_invalide",
            f"n'est pas une année budgétaire plausible (entre {YEARS[0]} et {YEARS[1]})",
        ),
        "financeur": _domain("financeur"),
        "montant_accorde": FieldRule(
            parse_amount, "montant_invalide", "n'est pas un montant lisible (ex. 1 250,50)"
        ),
        "type_convention": _domain("type_convention"),
    }


def _key(code: str) -> str:
    return "".join(code.split()).upper()


def parse_fields(
    frame: pl.DataFrame,
    rules: dict[str, FieldRule],
    headers: dict[str, str],
    required: set[str],
    warn_only: set[str],
) -> tuple[pl.DataFrame, list[Problem], list[Problem]]:
    """Typed columns next to the raw ones, plus (rejection problems, warning problems)."""
    parsed: list[pl.Series] = []
    rejections: list[Problem] = []
    warnings: list[Problem] = []
    for name, header in headers.items():
        rule = rules.get(name)
        if rule is None:  # parsed elsewhere (freins)
            continue
        if rule.whole is not None:
            parsed.append(rule.whole(frame.get_column(name)).alias(name))
        else:
            parsed.append(on_distinct(frame, name, rule.parser).alias(name))
        raw = pl.col(f"raw_{name}")
        invalid = raw.is_not_null() & pl.col(name).is_null()
        text = message("{} : « {} » " + rule.explain + ".", pl.lit(header), raw)
        problem = Problem(invalid, name, rule.rule, text)
        (warnings if name in warn_only else rejections).append(problem)
        if name in required:
            rejections.append(
                Problem(
                    raw.is_null(),
                    name,
                    "valeur_manquante",
                    pl.lit(f"{header} : valeur obligatoire manquante."),
                )
            )
    renamed = frame.rename({n: f"raw_{n}" for n in headers})
    return renamed.with_columns(parsed), rejections, warnings


def parse_freins(kept: pl.DataFrame, label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """freins: list split on ';' or ','; valid items kept (joined by ';'), others warned.

    Worked out once per distinct cell text (people tick from a short list), then mapped
    back to the rows.
    """
    synonyms = synonyms_of("freins")
    cells = pl.DataFrame({"raw_freins": kept.get_column("raw_freins").unique().drop_nulls()})
    items = (
        cells.with_columns(
            pl.col("raw_freins")
            .str.replace_all(",", ";", literal=True)
            .str.split(";")
            .alias("item")
        )
        .explode("item")
        .with_columns(pl.col("item").str.strip_chars(SPACES))
        .filter(pl.col("item").str.len_bytes() > 0)
        .with_columns(
            fold_code_expr(pl.col("item"))
            .replace_strict(synonyms, default=None, return_dtype=pl.Utf8)
            .alias("code")
        )
    )
    per_cell = items.group_by("raw_freins", maintain_order=True).agg(
        pl.col("code").drop_nulls().unique(maintain_order=True).str.join(";").alias("freins"),
        pl.col("item").filter(pl.col("code").is_null()).alias("invalid"),
    )
    codes = per_cell.select(
        "raw_freins", pl.when(pl.col("freins") != "").then(pl.col("freins")).alias("freins")
    )
    kept = kept.with_columns(
        pl.col("raw_freins")
        .replace_strict(codes["raw_freins"], codes["freins"], default=None, return_dtype=pl.Utf8)
        .alias("freins")
    )
    invalid = per_cell.filter(pl.col("invalid").list.len() > 0).select("raw_freins", "invalid")
    allowed = ", ".join(codes_of("freins"))
    warnings = (
        kept.filter(pl.col("raw_freins").is_in(invalid["raw_freins"].implode()))
        .select("row_number", "raw_freins")
        .join(invalid, on="raw_freins", maintain_order="left")
        .explode("invalid")
        .select(
            pl.col("row_number").cast(pl.Int32),
            pl.lit("freins").alias("colonne"),
            pl.col("invalid").alias("valeur"),
            pl.lit("valeur_invalide").alias("regle"),
            message(
                "{} : « {} » n'est pas un frein reconnu ({}) ; valeur ignorée.",
                pl.lit(label),
                pl.col("invalid"),
                pl.lit(allowed),
            ).alias("message"),
        )
    )
    return kept, warnings
