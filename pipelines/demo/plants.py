"""Bad rows planted on purpose in partner reports (about 0.5 % of rows).

Each plant breaks one rule of the data contract on a few rows of one file, never two
problems on the same row, so that the validation report can be checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.demo.contract import ACTION_BY_CODE, ACTIONS

# type -> (kind, outcome expected from the pipeline, French description)
PLANT_TYPES = {
    "action_inconnue": ("participants", "rejet", "code action inexistant"),
    "action_autre_partenaire": ("participants", "rejet", "action d'un autre partenaire"),
    "sortie_avant_entree": ("participants", "rejet", "date de sortie avant la date d'entrée"),
    "motif_manquant": ("participants", "rejet", "sortie sans motif de sortie"),
    "age_12": ("participants", "rejet", "âge à l'entrée de 12 ans"),
    "sexe_invalide": ("participants", "rejet", "sexe « X »"),
    "doublon_participant": ("participants", "rejet", "ligne en double (même clé)"),
    "frein_invalide": ("participants", "avertissement", "frein « permis » inconnu"),
    "entree_avant_debut_action": (
        "participants",
        "avertissement",
        "entrée avant le début de l'action",
    ),
    "doublon_seance": ("seances", "rejet", "séance saisie deux fois (même clé)"),
    "seance_sans_inscription": (
        "seances",
        "avertissement",
        "séance d'une personne jamais inscrite",
    ),
    "ligne_total": ("seances", "ignorée", "sous-total « Total P-… » par personne"),
    "montant_negatif": ("financements", "rejet", "montant accordé négatif"),
}


@dataclass(frozen=True)
class Plant:
    partner: str
    periode: str
    kind: str
    type: str
    count: int  # for 2,000 people; scaled with the population
    only_first_version: bool = False  # fixed in the resubmitted version


PLAN: tuple[Plant, ...] = (
    Plant("MLCAEN", "2025", "participants", "action_inconnue", 2),
    Plant("MLCAEN", "2025", "participants", "age_12", 1),
    Plant("MLCAEN", "2025", "participants", "doublon_participant", 2),
    Plant("MLCAEN", "2026-S1", "participants", "sexe_invalide", 1),
    Plant("MLCAEN", "2026-S1", "participants", "frein_invalide", 2),
    Plant("MLCAEN", "2025", "seances", "doublon_seance", 2),
    Plant("MEFAC", "2024", "participants", "doublon_participant", 1),
    Plant("MEFAC", "2024", "participants", "motif_manquant", 1),
    Plant("MEFAC", "2024", "financements", "montant_negatif", 1),
    Plant("MEFAC", "2025", "participants", "action_autre_partenaire", 2),
    Plant("MEFAC", "2025", "participants", "sexe_invalide", 2),
    Plant("MEFAC", "2025", "participants", "frein_invalide", 2),
    Plant("MEFAC", "2025", "seances", "seance_sans_inscription", 2),
    Plant("FJTET", "2025-S1", "participants", "sortie_avant_entree", 2, True),
    Plant("FJTET", "2025-S1", "participants", "motif_manquant", 2, True),
    Plant("FJTET", "2025-S1", "participants", "entree_avant_debut_action", 1),
    Plant("FJTET", "2025-S2", "seances", "seance_sans_inscription", 3),
    Plant("FJTET", "2025-S2", "seances", "ligne_total", 4),
    Plant("FJTET", "2025-S2", "seances", "doublon_seance", 3),
    Plant("FJTET", "2026-S1", "participants", "sortie_avant_entree", 1),
    Plant("MOBILAGGLO", "2025", "participants", "motif_manquant", 2),
    Plant("MOBILAGGLO", "2025", "participants", "age_12", 1),
    Plant("AFPA14", "2024", "participants", "action_autre_partenaire", 1),
    Plant("AFPA14", "2024", "participants", "sortie_avant_entree", 1),
    Plant("AFPA14", "2025", "participants", "doublon_participant", 1),
    Plant("CSCGDD", "2025", "participants", "sexe_invalide", 1),
    Plant("CSCGDD", "2025", "participants", "age_12", 1),
    Plant("CSCGDD", "2025", "financements", "montant_negatif", 1),
)


def _pick(df: pl.DataFrame, rng: np.random.Generator, count: int, cond: pl.Expr) -> list[int]:
    candidates = df.select((cond & ~pl.col("_touched")).fill_null(False)).to_series()
    rows = np.flatnonzero(candidates.to_numpy())
    chosen = rng.choice(rows, size=min(count, len(rows)), replace=False) if len(rows) else rows
    return sorted(int(r) for r in chosen)


def _set(df: pl.DataFrame, rows: list[int], **values: pl.Expr) -> pl.DataFrame:
    hit = pl.col("_row").is_in(rows)
    exprs = [pl.when(hit).then(v).otherwise(pl.col(c)).alias(c) for c, v in values.items()]
    return df.with_columns(*exprs, _touched=pl.col("_touched") | hit)


def _copies(df: pl.DataFrame, rows: list[int], **values) -> pl.DataFrame:
    """New rows placed right after the given rows (the typing mistake sits in place)."""
    extra = df.filter(pl.col("_row").is_in(rows)).with_columns(
        _row=pl.lit(-1, pl.Int64), _pos=pl.col("_pos") + 0.5, _touched=True, **values
    )
    return pl.concat(
        [df.with_columns(_touched=pl.col("_touched") | pl.col("_row").is_in(rows)), extra]
    )


def _other_partner_action(partner: str, rng: np.random.Generator) -> str:
    others = [a.code for a in ACTIONS if a.partner != partner]
    return others[int(rng.integers(len(others)))]


def _fresh_ids(rng: np.random.Generator, known: set[str], n: int) -> list[str]:
    ids: list[str] = []
    while len(ids) < n:
        candidate = f"P-{int(rng.integers(16**6)):06X}"
        if candidate not in known and candidate not in ids:
            ids.append(candidate)
    return ids


def apply(
    df: pl.DataFrame,
    plant: Plant,
    count: int,
    rng: np.random.Generator,
    known_ids: set[str],
) -> tuple[pl.DataFrame, int]:
    """Plant `count` bad rows of `plant.type`; return the frame and how many were planted."""
    t = plant.type
    everything = pl.lit(True)
    with_exit = pl.col("date_sortie").is_not_null() if plant.kind == "participants" else None
    if t == "action_inconnue":
        rows = _pick(df, rng, count, everything)
        return _set(df, rows, code_action=pl.lit("EMP-99")), len(rows)
    if t == "action_autre_partenaire":
        rows = _pick(df, rng, count, everything)
        other = _other_partner_action(plant.partner, rng)
        return _set(df, rows, code_action=pl.lit(other)), len(rows)
    if t == "sortie_avant_entree":
        rows = _pick(df, rng, count, with_exit)
        early = pl.col("date_entree") - pl.duration(days=24)
        return _set(df, rows, date_sortie=early), len(rows)
    if t == "motif_manquant":
        rows = _pick(df, rng, count, with_exit)
        return _set(df, rows, motif_sortie=pl.lit(None, pl.String)), len(rows)
    if t == "age_12":
        rows = _pick(df, rng, count, everything)
        age12 = (pl.col("date_entree").dt.year() - 12).cast(pl.Int32)
        return _set(df, rows, annee_naissance=age12), len(rows)
    if t == "sexe_invalide":
        rows = _pick(df, rng, count, everything)
        return _set(df, rows, sexe=pl.lit("X")), len(rows)
    if t in ("doublon_participant", "doublon_seance"):
        rows = _pick(df, rng, count, everything)
        return _copies(df, rows), len(rows)
    if t == "frein_invalide":
        rows = _pick(df, rng, count, everything)
        permis = pl.concat_str(pl.col("freins").fill_null(""), pl.lit(";permis")).str.strip_chars(
            ";"
        )
        return _set(df, rows, freins=permis), len(rows)
    if t == "entree_avant_debut_action":
        late = [a.code for a in ACTIONS if a.date_debut > ACTIONS[0].date_debut]
        rows = _pick(df, rng, count, pl.col("code_action").is_in(late))
        starts = {c: ACTION_BY_CODE[c].date_debut for c in late}
        start = pl.col("code_action").replace_strict(starts, default=None, return_dtype=pl.Date)
        return _set(df, rows, date_entree=start - pl.duration(days=16)), len(rows)
    if t == "montant_negatif":
        rows = _pick(df, rng, count, everything)
        return _set(df, rows, montant_accorde=-pl.col("montant_accorde")), len(rows)
    if t == "seance_sans_inscription":
        return _sessions_of_strangers(df, count, rng, known_ids)
    if t == "ligne_total":
        return _subtotal_rows(df, count, rng)
    raise ValueError(t)


def _sessions_of_strangers(df, count, rng, known_ids):
    """People the partner forgot to enrol: two sessions each, in no participants file."""
    # distinct (action, date) so that a stranger's two sessions never share a key
    pool = df.filter(~pl.col("_touched")).unique(
        ["code_action", "date_seance"], keep="first", maintain_order=True
    )
    strangers = _fresh_ids(rng, known_ids, (count + 1) // 2)
    who = np.arange(count) // 2
    start = rng.integers(pool.height, size=len(strangers))
    template = pool[(start[who] + np.arange(count) % 2) % pool.height]
    extra = template.with_columns(
        id_participant=pl.Series([strangers[i] for i in who]),
        presence=pl.lit("present"),
        _touched=True,
        _row=pl.lit(-1, pl.Int64),
        _pos=pl.col("_pos") + 0.25,
    )
    known_ids.update(strangers)
    return pl.concat([df, extra]), count


def _subtotal_rows(df, count, rng):
    """'Total P-…' lines typed under some people's sessions (ignored, not rejected)."""
    per_person = df.group_by("id_participant", "code_action", maintain_order=True).agg(
        pl.col("_pos").max(), pl.len().alias("n")
    )
    per_person = per_person.filter(pl.col("n") >= 3)
    chosen = per_person.sample(n=min(count, per_person.height), seed=int(rng.integers(2**31)))
    extra = chosen.select(
        id_participant=pl.concat_str(pl.lit("Total "), pl.col("id_participant")),
        code_action=pl.col("code_action"),
        date_seance=pl.lit(None, pl.Date),
        presence=pl.concat_str(pl.col("n").cast(pl.String), pl.lit(" séances")),
        _row=pl.lit(-1, pl.Int64),
        _pos=pl.col("_pos") + 0.75,
        _touched=pl.lit(True),
    )
    return pl.concat([df, extra.select(df.columns)], how="vertical_relaxed"), chosen.height


def _prepare(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_row_index("_row").with_columns(
        pl.col("_row").cast(pl.Int64), _pos=pl.col("_row").cast(pl.Float64), _touched=pl.lit(False)
    )


def _finish(df: pl.DataFrame) -> pl.DataFrame:
    if df["_row"].min() == -1:  # rows were inserted: put them in place
        df = df.sort("_pos", maintain_order=True)
    return df.drop("_row", "_pos", "_touched")


def plant_versions(
    df: pl.DataFrame,
    partner: str,
    periode: str,
    kind: str,
    resubmitted: bool,
    scale: int,
    rng: np.random.Generator,
    known_ids: set[str],
) -> list[tuple[pl.DataFrame, dict[str, int]]]:
    """The file's versions with their planted rows and counts by type.

    A resubmitted slot gives two versions: the first with every plant, the second the
    same rows with the 'only_first_version' plants corrected.
    """
    plants = [p for p in PLAN if (p.partner, p.periode, p.kind) == (partner, periode, kind)]
    common = [p for p in plants if not (resubmitted and p.only_first_version)]
    first_only = [p for p in plants if resubmitted and p.only_first_version]
    work, done = _prepare(df), {}
    for p in common:
        work, n = apply(work, p, p.count * scale, rng, known_ids)
        done[p.type] = done.get(p.type, 0) + n
    if not resubmitted:
        return [(_finish(work), done)]
    corrected, first_done = work, dict(done)
    for p in first_only:
        work, n = apply(work, p, p.count * scale, rng, known_ids)
        first_done[p.type] = first_done.get(p.type, 0) + n
    return [(_finish(work), first_done), (_finish(corrected), done)]
