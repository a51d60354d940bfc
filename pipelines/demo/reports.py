"""What a partner reports for one period, as canonical polars frames (contract section 2).

A report lists every enrolment of the partner active in the period; an exit after the
period's end is not known yet, so it shows up in a later report. Sessions are those dated
in the period; funding lines are those of the period's budget year (a first-half report
only knows the lines granted early, at their initial amount).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.demo.contract import (
    ACTIONS,
    FREINS,
    HORS_QPV,
    MOTIFS,
    NIVEAUX,
    PARTNERS,
    PERIODS,
    PRESCRIPTEURS,
    QPVS,
)
from pipelines.demo.population import NONE, PRESENCES, Population, day

# Small lookup Series: codes are gathered by index, never built row by row from Python.
ACTION_CODES = pl.Series([a.code for a in ACTIONS], dtype=pl.String)
QPV_CODES = pl.Series([q.code for q in QPVS] + [HORS_QPV], dtype=pl.String)
SEXES = pl.Series(["F", "H"], dtype=pl.String)
NIVEAU_CODES = pl.Series(NIVEAUX, dtype=pl.String)
PRESENCE_CODES = pl.Series(PRESENCES, dtype=pl.String)
# every frein combination as the text a partner types (bit mask -> "mobilite;financier")
FREIN_TEXT = pl.Series(
    [";".join(f for b, f in enumerate(FREINS) if mask >> b & 1) or None for mask in range(512)],
    dtype=pl.String,
)
_IDS: list = [None, None]  # (the ids array it was built from, the Series)


def _ids(pop: Population, person: np.ndarray) -> pl.Series:
    """id_participant of people by index (the Series of all ids is built once per population).

    The cache holds the array itself: keyed by id() alone, a new population's array could
    reuse a freed one's address and get the old ids (out-of-bounds gathers)."""
    if _IDS[0] is not pop.people.ids:
        _IDS[:] = [pop.people.ids, pl.Series(pop.people.ids, dtype=pl.String)]
    return _IDS[1].gather(person)


def _optional(codes: tuple[str, ...], idx: np.ndarray) -> pl.Series:
    """Codes by index, NONE -> null."""
    lookup = pl.Series(list(codes) + [None], dtype=pl.String)
    return lookup.gather(np.where(idx == NONE, len(codes), idx))


def _dates(days: np.ndarray) -> pl.Series:
    s = pl.Series(days.astype(np.int32))
    return s.set(s == NONE, None).cast(pl.Date)


def bounds(periode: str) -> tuple[int, int]:
    start, end = PERIODS[periode]
    return day(start), day(end)


def participant_rows(pop: Population, partner: int, periode: str) -> np.ndarray:
    """Enrolments of the partner active in the period, by action then date of entry."""
    enr = pop.enrolments
    start, end = bounds(periode)
    sortie = enr.sortie
    mask = (enr.partner == partner) & (enr.entree <= end) & ((sortie == NONE) | (sortie >= start))
    idx = np.flatnonzero(mask)
    return idx[np.lexsort((enr.entree[idx], enr.action[idx]))]


def participants(pop: Population, partner: int, periode: str) -> pl.DataFrame:
    enr, people = pop.enrolments, pop.people
    end = bounds(periode)[1]
    idx = participant_rows(pop, partner, periode)
    person = enr.person[idx]
    known = (enr.sortie[idx] != NONE) & (enr.sortie[idx] <= end)  # exits after: next report
    return pl.DataFrame(
        {
            "id_participant": _ids(pop, person),
            "code_action": ACTION_CODES.gather(enr.action[idx]),
            "date_entree": _dates(enr.entree[idx]),
            "date_sortie": _dates(np.where(known, enr.sortie[idx], NONE)),
            "motif_sortie": _optional(MOTIFS, np.where(known, enr.motif[idx], NONE)),
            "sexe": SEXES.gather(people.sexe[person]),
            "annee_naissance": people.birth[person].astype(np.int32),
            "code_qpv": QPV_CODES.gather(enr.qpv[idx]),
            "niveau_formation": NIVEAU_CODES.gather(people.niveau[person]),
            "inscrit_france_travail": enr.inscrit[idx],
            "freins": FREIN_TEXT.gather(people.freins[person]),
            "prescripteur": _optional(PRESCRIPTEURS, enr.prescripteur[idx]),
        }
    )


def session_partner(pop: Population) -> np.ndarray:
    return pop.enrolments.partner[pop.sessions.enrol]


def seances(
    pop: Population, partner: int, periode: str, partner_of_session: np.ndarray
) -> pl.DataFrame:
    ses, enr = pop.sessions, pop.enrolments
    start, end = bounds(periode)
    idx = np.flatnonzero((partner_of_session == partner) & (ses.date >= start) & (ses.date <= end))
    enrol = ses.enrol[idx]
    order = np.argsort(enr.action[enrol], kind="stable")  # by action, then person, then date
    idx, enrol = idx[order], enrol[order]
    return pl.DataFrame(
        {
            "id_participant": _ids(pop, enr.person[enrol]),
            "code_action": ACTION_CODES.gather(enr.action[enrol]),
            "date_seance": _dates(ses.date[idx]),
            "presence": PRESENCE_CODES.gather(ses.presence[idx]),
        }
    )


def financements(pop: Population, partner: int, periode: str) -> pl.DataFrame:
    codes = [a.code for a in ACTIONS if a.partner == PARTNERS[partner].code]
    year = int(periode[:4])
    lines = pop.funding.filter(pl.col("code_action").is_in(codes), pl.col("annee") == year)
    if periode.endswith("-S1"):  # only what was granted early, at its first amount
        lines = lines.filter(~pl.col("late")).with_columns(montant_accorde="montant_s1")
    return lines.select(
        "code_action",
        pl.col("annee").cast(pl.Int32),
        "financeur",
        "montant_accorde",
        "type_convention",
        "date_debut",
        "date_fin",
    )
