"""Row rules of the data contract (section 3) as polars masks, per kind.

Which rules apply to a kind is declared in pipelines/contract/kinds.py (`row_rules`); this
module holds how each rule finds its rows and words its French message (ROW_CHECKS).

Flow: typed columns (fields.py) -> one boolean mask per problem -> rejections
built from the (few) bad rows only (issues.py) -> duplicate keys among the
remaining rows (duplicates.py) -> warnings on optional columns of the kept rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.contract import AGE_RANGE, CONTRACT, Contract
from pipelines.ingest.columns import columns_of
from pipelines.ingest.duplicates import find_duplicates
from pipelines.ingest.fields import field_rules, parse_code_list, parse_fields
from pipelines.ingest.issues import Problem, clean_raw, empty_issues, flag, issues
from pipelines.ingest.model import PartnerContext
from pipelines.ingest.text import message


@dataclass
class Validated:
    accepted: pl.DataFrame
    rejections: pl.DataFrame
    warnings: pl.DataFrame


def validate(
    kind: str,
    frame: pl.DataFrame,
    headers: dict[str, str],
    ctx: PartnerContext,
    contract: Contract = CONTRACT,
) -> Validated:
    """Split the data rows (no Total rows) into accepted rows, rejections and warnings."""
    return validate_together(kind, [frame], headers, [ctx], contract)[0]


def validate_together(
    kind: str,
    frames: list[pl.DataFrame],
    headers: dict[str, str],
    contexts: list[PartnerContext],
    contract: Contract = CONTRACT,
) -> list[Validated]:
    """validate() of several files of one kind with the same header, at once: each file
    gets exactly what it would get alone. Polars' fixed cost per operation was most of the
    cost of a small file (financements 11 ms, participants 36 ms per file, 1.7 and 11-17 ms
    when 8 are validated together). The files' rows are stacked with their position in
    `frames` (_file); keys, duplicates and messages are per file, and what differs between
    the files (partner, period) is read per row (Senders). `frames` is emptied: the raw text
    columns are freed as soon as they are parsed.

    Problem masks are first evaluated on every row (cheap, may over-select: a cell of
    spaces counts as filled); the few selected rows are then cleaned and checked exactly.
    """
    if len({(c.all_actions, c.qpv_codes) for c in contexts}) > 1:
        raise ValueError("files validated together must share the reference (actions, QPV)")
    spec = contract.kind(kind)
    specs = spec.columns
    senders = Senders(tuple(contexts))
    labels = {s.name: headers.get(s.name, s.label) for s in specs}
    required = {s.name for s in specs if s.required}
    warn_only = {s.name for s in specs if s.warn_only}
    present = {n: h for n, h in headers.items() if n in labels}
    frame = senders.stack(frames)
    typed, problems, warn_problems = parse_fields(
        frame, field_rules(contexts[0], kind, contract), present, required, warn_only
    )
    del frame  # the raw columns live on in `typed` until the split below
    dtypes = columns_of(kind, contract)
    absent = [s.name for s in specs if s.name not in present]  # optional columns only
    typed = typed.with_columns(
        *(pl.lit(None, pl.Utf8).alias(f"raw_{name}") for name in absent),
        # typed null: absent columns, and freins (parsed once the rows are kept)
        *(pl.lit(None, t).alias(name) for name, t in dtypes.items() if name not in typed.columns),
    )
    for rule in spec.row_rules:
        problem = ROW_CHECKS[rule.code](labels, senders, rule.column)
        problems += [problem] if problem is not None else []
    keep = [*dtypes, *(f"raw_{n}" for n in warn_only), FILE]
    suspect = typed.select(pl.any_horizontal(p.mask.fill_null(False) for p in problems))
    suspect = suspect.to_series()
    rejections = empty_issues(FILE)
    rejected = pl.repeat(False, len(typed), eager=True)
    if suspect.any():  # a cell of spaces only may turn a suspect row into a good one
        suspects = typed.with_row_index("_index").filter(suspect)
        suspects = flag(clean_raw(suspects), problems)
        bad = suspects.filter(pl.any_horizontal(f"_p{i}" for i in range(len(problems))))
        rejections = issues(bad, problems, FILE)
        rejected = rejected.scatter(bad["_index"], True)
    rows = typed.select(keep)  # no copy: the raw columns go with `typed`
    del typed
    # one file: its key alone (no hash of the file's position over every row)
    per_file = FILE if len(contexts) > 1 else None
    drop, duplicates = find_duplicates(spec, rows, rejected, per_file)
    if per_file is None:
        duplicates = duplicates.with_columns(pl.lit(0, pl.UInt32).alias(FILE))
    kept = rows.filter(~drop) if drop.any() else rows
    del rows
    warnings = [empty_issues(FILE)]
    if warn_problems:
        warned = kept.filter(pl.any_horizontal(p.mask.fill_null(False) for p in warn_problems))
        warnings.append(issues(flag(clean_raw(warned), warn_problems), warn_problems, FILE))
    for column in (c for c in specs if c.type == "codes"):
        kept, list_warnings = parse_code_list(kept, column, labels[column.name], contract, FILE)
        warnings.append(list_warnings)
    order = [FILE, "row_number"]
    rejections = pl.concat([rejections, duplicates]).sort(order, maintain_order=True)
    parts = zip(
        senders.split(kept.select(*dtypes, FILE)),
        senders.split(rejections),
        senders.split(pl.concat(warnings).sort(order, maintain_order=True)),
        strict=True,
    )
    return [Validated(*files_part) for files_part in parts]


FILE = "_file"  # position of a row's file among the files validated together


@dataclass(frozen=True)
class Senders:
    """The contexts of the files validated together. A rule reads what they share as a
    literal, what differs (partner, period) from per-row columns (_partner, _periode_fin)."""

    contexts: tuple[PartnerContext, ...]

    def same(self, attribute: str) -> bool:
        return len({getattr(c, attribute) for c in self.contexts}) == 1

    def stack(self, frames: list[pl.DataFrame]) -> pl.DataFrame:
        """The files' rows one under the other, with their file and per-row context."""
        per_file = {FILE: pl.UInt32}
        if not self.same("code_partenaire"):
            per_file["_partner"] = pl.Utf8
        if not self.same("periode_fin"):
            per_file["_periode_fin"] = pl.Date
        columns = frames[0].columns
        stacked = []
        while frames:  # frames emptied as they are stacked
            position = len(self.contexts) - len(frames)
            ctx = self.contexts[position]
            values = {
                FILE: position, "_partner": ctx.code_partenaire, "_periode_fin": ctx.periode_fin
            }  # fmt: skip
            extra = [pl.lit(values[name], dtype).alias(name) for name, dtype in per_file.items()]
            stacked.append(frames.pop(0).select(*columns, *extra))
        return stacked[0] if len(stacked) == 1 else pl.concat(stacked)

    def split(self, frame: pl.DataFrame) -> list[pl.DataFrame]:
        """`frame` (rows of every file, with FILE) cut back into one frame per file."""
        if len(self.contexts) == 1:  # no copy of a big file's rows
            return [frame.drop(FILE)]
        parts = frame.partition_by(FILE, as_dict=True, include_key=False, maintain_order=True)
        empty = frame.drop(FILE).clear()
        return [parts.get((position,), empty) for position in range(len(self.contexts))]


def _precedes(later: str, earlier: str, rule: str, earlier_words: str):
    """A date column that must not precede another one of the same row."""

    def check(labels: dict[str, str], senders: Senders, column: str) -> Problem:
        return Problem(
            pl.col(later) < pl.col(earlier),
            later,
            rule,
            message(
                "{} : « {} » précède " + earlier_words + " ({}).",
                pl.lit(labels[later]),
                pl.col(f"raw_{later}"),
                pl.col(f"raw_{earlier}"),
            ),
        )

    return check


def _motif_manquant(labels: dict[str, str], senders: Senders, column: str) -> Problem:
    return Problem(
        pl.col("raw_date_sortie").is_not_null() & pl.col("raw_motif_sortie").is_null(),
        "motif_sortie",
        "motif_manquant",
        pl.lit(f"{labels['motif_sortie']} : obligatoire quand une date de sortie est indiquée."),
    )


def _sortie_manquante(labels: dict[str, str], senders: Senders, column: str) -> Problem:
    return Problem(
        pl.col("raw_motif_sortie").is_not_null() & pl.col("raw_date_sortie").is_null(),
        "date_sortie",
        "sortie_manquante",
        message(
            "{} : manquante alors qu'un motif de sortie est indiqué (« {} »).",
            pl.lit(labels["date_sortie"]),
            pl.col("raw_motif_sortie"),
        ),
        valeur=pl.lit(None, pl.Utf8),
    )


def _age_hors_limites(labels: dict[str, str], senders: Senders, column: str) -> Problem:
    entree = pl.col("date_entree")
    age = entree.dt.year().cast(pl.Int32) - pl.col("annee_naissance")
    low, high = AGE_RANGE
    return Problem(
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
    )


def _montant_non_positif(labels: dict[str, str], senders: Senders, column: str) -> Problem:
    return Problem(
        pl.col("montant_accorde") <= 0,
        "montant_accorde",
        "montant_non_positif",
        message(
            "{} : « {} » doit être strictement positif.",
            pl.lit(labels["montant_accorde"]),
            pl.col("raw_montant_accorde"),
        ),
    )


def _other_partner(labels: dict[str, str], senders: Senders, column: str) -> Problem:
    if senders.same("code_partenaire"):
        ctx = senders.contexts[0]
        mine = pl.col("code_action").is_in(sorted(ctx.actions_of_partner))
        partner = pl.lit(ctx.code_partenaire)
    else:  # files of several partners: (partner, action) pairs
        pairs = {
            f"{c.code_partenaire}\x1f{action}"
            for c in senders.contexts
            for action in c.actions_of_partner
        }
        pair = pl.concat_str([pl.col("_partner"), pl.lit("\x1f"), pl.col("code_action")])
        mine, partner = pair.is_in(sorted(pairs)), pl.col("_partner")
    return Problem(
        pl.col("code_action").is_not_null() & ~mine,
        "code_action",
        "action_autre_partenaire",
        message(
            "{} : l'action « {} » est portée par un autre partenaire que {} ;"
            " ne déclarez que vos propres actions.",
            pl.lit(labels["code_action"]),
            pl.col("code_action"),
            partner,
        ),
    )


def _after_period(labels: dict[str, str], senders: Senders, column: str) -> Problem | None:
    """(v2) A report cannot describe what has not happened yet (not checked without a
    period, e.g. a file parsed on its own)."""
    if senders.same("periode_fin"):
        fin = senders.contexts[0].periode_fin
        if fin is None:
            return None
        last_day, shown = pl.lit(fin), pl.lit(fin.strftime("%d/%m/%Y"))
    else:  # files of several periods (a file without one is not checked: null)
        last_day = pl.col("_periode_fin")
        shown = last_day.dt.strftime("%d/%m/%Y")
    return Problem(
        pl.col(column) > last_day,
        column,
        "date_apres_periode",
        message(
            "{} : « {} » est postérieure au dernier jour de la période du bilan ({}) ;"
            " un bilan ne peut décrire que ce qui a déjà eu lieu.",
            pl.lit(labels[column]),
            pl.col(f"raw_{column}"),
            shown,
        ),
    )


# Rule code (declared in pipelines/contract/rules.py) -> (labels, senders, column of the
# declared rule) -> its rows and French message, or None when it does not apply.
ROW_CHECKS = {
    "date_apres_periode": _after_period,
    "action_autre_partenaire": _other_partner,
    "sortie_avant_entree": _precedes(
        "date_sortie", "date_entree", "sortie_avant_entree", "la date d'entrée"
    ),
    "motif_manquant": _motif_manquant,
    "sortie_manquante": _sortie_manquante,
    "age_hors_limites": _age_hors_limites,
    "montant_non_positif": _montant_non_positif,
    "fin_avant_debut": _precedes("date_fin", "date_debut", "fin_avant_debut", "la date de début"),
}
