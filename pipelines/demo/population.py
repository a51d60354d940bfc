"""Vectorised draw of people, enrolments, sessions and funding lines (numpy).

Dates are int32 days since 1970-01-01 until the report frames are built; -1 means "none".
Every random draw comes from the one numpy Generator, in a fixed order, so a seed
gives the same population.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from pipelines.demo.contract import (
    ACTIONS,
    FREINS,
    FUNDING,
    MOTIF_OVERRIDES,
    MOTIFS,
    PARTNERS,
    PERIODS,
    PRESCRIPTEURS,
    PROFILES,
    QPVS,
    SHARE_HORS_QPV,
)

EPOCH = date(1970, 1, 1)
NONE = -1
HORS = len(QPVS)  # qpv index meaning HORS_QPV
ABANDON = MOTIFS.index("abandon")
PRESENT, ABSENT, EXCUSE = 0, 1, 2
PRESENCES = ("present", "absent", "excuse")


def day(d: date) -> int:
    return (d - EPOCH).days


@dataclass
class People:
    ids: np.ndarray  # 'P-7F3A21' strings
    sexe: np.ndarray  # 0 = F, 1 = H
    birth: np.ndarray  # year of birth
    qpv: np.ndarray  # index in QPVS, HORS for HORS_QPV
    niveau: np.ndarray  # index in NIVEAUX
    inscrit: np.ndarray  # bool
    freins: np.ndarray  # bit mask over FREINS
    n_partners: np.ndarray  # 1, 2 or 3
    mover: np.ndarray  # bool: changed QPV between enrolments


@dataclass
class Enrolments:
    person: np.ndarray
    partner: np.ndarray  # index in PARTNERS
    action: np.ndarray  # index in ACTIONS
    entree: np.ndarray
    sortie: np.ndarray  # NONE while still in the action at the partner's last report
    motif: np.ndarray  # index in MOTIFS or NONE
    qpv: np.ndarray  # the person's QPV at this enrolment
    inscrit: np.ndarray
    prescripteur: np.ndarray  # index in PRESCRIPTEURS or NONE
    assiduite: np.ndarray  # probability of attending a session

    def __len__(self) -> int:
        return len(self.person)


@dataclass
class Sessions:
    enrol: np.ndarray  # index into Enrolments
    date: np.ndarray
    presence: np.ndarray  # PRESENT, ABSENT, EXCUSE


@dataclass
class Population:
    people: People
    enrolments: Enrolments
    sessions: Sessions
    funding: pl.DataFrame


def partner_horizon(partner_index: int) -> int:
    """Last day covered by the partner's reports: later entries would never be reported."""
    return max(day(PERIODS[p][1]) for p in PARTNERS[partner_index].periods)


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    values = rng.choice(16**6, size=n, replace=False)
    digits = (values[:, None] >> np.arange(20, -1, -4)) & 15
    hexa = np.frombuffer(b"0123456789ABCDEF", dtype="S1")[digits].view("S6").ravel()
    return np.char.add(b"P-", hexa).astype("U8")


def draw_people(rng: np.random.Generator, n: int) -> People:
    young = rng.random(n) < 0.34
    age_2025 = np.where(
        young,
        rng.integers(16, 26, n),
        np.where(rng.random(n) < 0.72, rng.integers(26, 50, n), rng.integers(50, 71, n)),
    )
    qpv_p = np.array([q.weight for q in QPVS]) * (1 - SHARE_HORS_QPV)
    qpv = rng.choice(HORS + 1, size=n, p=np.append(qpv_p, SHARE_HORS_QPV))
    niveau_p = np.where(
        young[:, None], [0.30, 0.30, 0.28, 0.08, 0.04], [0.27, 0.31, 0.21, 0.11, 0.10]
    )
    niveau = (rng.random(n)[:, None] > niveau_p.cumsum(axis=1)).sum(axis=1)
    frein_p = np.array([0.14, 0.36, 0.30, 0.10, 0.22, 0.16, 0.12, 0.09, 0.25])
    bits = rng.random((n, len(FREINS))) < frein_p
    freins = (bits * (1 << np.arange(len(FREINS)))).sum(axis=1)
    n_partners = 1 + (rng.random(n) < 0.11) + (rng.random(n) < 0.03)
    return People(
        ids=_hex_ids(rng, n),
        sexe=(rng.random(n) >= 0.53).astype(np.int8),
        birth=(2025 - age_2025).astype(np.int16),
        qpv=qpv.astype(np.int8),
        niveau=niveau.astype(np.int8),
        inscrit=rng.random(n) < np.where(young, 0.45, 0.64),
        freins=freins.astype(np.int16),
        n_partners=n_partners.astype(np.int8),
        mover=(n_partners > 1) & (rng.random(n) < 0.10),
    )


def _choose_partners(rng: np.random.Generator, people: People) -> tuple[np.ndarray, np.ndarray]:
    """Top-k distinct partners per person (Gumbel trick), no Mission Locale after 25."""
    n = len(people.ids)
    weights = np.tile([p.weight for p in PARTNERS], (n, 1))
    too_old = (2025 - people.birth) >= 26
    for j, p in enumerate(PARTNERS):
        if p.young_only:
            weights[too_old, j] = 0.0
    with np.errstate(divide="ignore"):
        keys = np.log(weights) - np.log(-np.log(rng.random(weights.shape)))
    order = np.argsort(-keys, axis=1, kind="stable")
    rank = np.arange(len(PARTNERS))
    take = rank[None, :] < people.n_partners[:, None]
    person = np.broadcast_to(np.arange(n)[:, None], order.shape)[take]
    return person, order[take]


def _choose_actions(rng: np.random.Generator, partner: np.ndarray) -> np.ndarray:
    action = np.empty(len(partner), dtype=np.int16)
    u = rng.random(len(partner))
    for j, p in enumerate(PARTNERS):
        idx = [i for i, a in enumerate(ACTIONS) if a.partner == p.code]
        cum = np.cumsum([ACTIONS[i].weight for i in idx])
        mask = partner == j
        pick = np.minimum(np.searchsorted(cum / cum[-1], u[mask], side="right"), len(idx) - 1)
        action[mask] = np.asarray(idx)[pick]
    return action


def _to_weekday(days: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday (1970-01-01 was a Thursday)."""
    weekday = (days + 3) % 7  # Monday = 0
    return days + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))


def draw_enrolments(rng: np.random.Generator, people: People) -> Enrolments:
    person, partner = _choose_partners(rng, people)
    action = _choose_actions(rng, partner)
    m = len(person)
    horizon = np.array([partner_horizon(j) for j in range(len(PARTNERS))])[partner]
    start = np.array([day(a.date_debut) for a in ACTIONS])[action]
    entree = start + (rng.random(m) * (horizon - 3 - start)).astype(np.int32)
    entree = _to_weekday(entree)
    entree = np.where(entree > horizon, entree - 3, entree).astype(np.int32)

    types = [a.type_action for a in ACTIONS]
    mean_days = np.array([PROFILES[t].mean_days for t in types])[action]
    duration = rng.gamma(2.0, 1.0, m) * mean_days / 2.0
    duration = np.where(mean_days > 0, np.maximum(duration, 14), 0).astype(np.int32)
    sortie = entree + duration
    sortie = np.where(sortie <= horizon, sortie, NONE).astype(np.int32)

    presence_mean = np.array([PROFILES[t].presence for t in types])[action]
    concentration = 5.0
    assiduite = rng.beta(
        np.maximum(presence_mean * concentration, 0.01),
        np.maximum((1 - presence_mean) * concentration, 0.01),
    )
    motif_p = np.array(
        [MOTIF_OVERRIDES.get(a.code, PROFILES[a.type_action].motifs) for a in ACTIONS]
    )[action]
    motif = (rng.random(m)[:, None] > motif_p.cumsum(axis=1)).sum(axis=1)
    motif = np.minimum(motif, len(MOTIFS) - 1)
    # People who seldom come end up dropping out (the field report's driving-school story).
    dropout = (assiduite < 0.5) & (mean_days > 0) & (rng.random(m) < 0.6)
    motif = np.where(dropout, ABANDON, motif)
    motif = np.where(sortie == NONE, NONE, motif).astype(np.int8)

    # Movers: every enrolment after their first one carries a new address.
    qpv = people.qpv[person].copy()
    first = np.full(len(people.ids), np.iinfo(np.int32).max, dtype=np.int64)
    np.minimum.at(first, person, entree)
    moved = people.mover[person] & (entree > first[person])
    shift = rng.integers(1, HORS + 1, m)
    qpv = np.where(moved, (qpv + shift) % (HORS + 1), qpv).astype(np.int8)

    presc_p = np.array([0.30, 0.16, 0.12, 0.08, 0.22, 0.12])
    prescripteur = rng.choice(len(PRESCRIPTEURS), size=m, p=presc_p)
    prescripteur = np.where(rng.random(m) < 0.12, NONE, prescripteur).astype(np.int8)
    # A few people registered with France Travail between two enrolments.
    inscrit = people.inscrit[person] | ((entree > first[person]) & (rng.random(m) < 0.2))

    order = np.lexsort((entree, person))  # stable, readable order by person then date
    return Enrolments(
        person=person[order].astype(np.int32),
        partner=partner[order].astype(np.int8),
        action=action[order],
        entree=entree[order],
        sortie=sortie[order],
        motif=motif[order],
        qpv=qpv[order],
        inscrit=inscrit[order],
        prescripteur=prescripteur[order],
        assiduite=assiduite[order].astype(np.float32),
    )


def draw_sessions(rng: np.random.Generator, enr: Enrolments, density: float) -> Sessions:
    """Sessions every `step / density` days from entry to exit (or the last report)."""
    steps = np.array([PROFILES[a.type_action].session_step for a in ACTIONS])[enr.action]
    horizon = np.array([partner_horizon(j) for j in range(len(PARTNERS))])[enr.partner]
    end = np.where(enr.sortie == NONE, horizon, enr.sortie)
    has = steps > 0
    step = np.where(has, steps / density, 1.0)
    count = np.where(has, np.floor((end - enr.entree) / step).astype(np.int64) + 1, 0)
    total = int(count.sum())
    enrol = np.repeat(np.arange(len(enr), dtype=np.int32), count)
    group_start = np.repeat(np.cumsum(count) - count, count)
    k = np.arange(total, dtype=np.int64) - group_start
    dates = enr.entree[enrol] + np.round(k * step[enrol]).astype(np.int32)
    dates = _to_weekday(dates)
    keep = dates <= end[enrol]
    same = np.zeros(total, dtype=bool)  # a weekend shift can land on the next session
    same[1:] = (dates[1:] == dates[:-1]) & (enrol[1:] == enrol[:-1])
    keep &= ~same
    enrol, dates, k = enrol[keep], dates[keep], k[keep]

    u = rng.random(len(enrol))
    present = u < enr.assiduite[enrol]
    excused = rng.random(len(enrol)) < 0.3
    presence = np.where(present, PRESENT, np.where(excused, EXCUSE, ABSENT)).astype(np.int8)
    # The last sessions before a drop-out are missed without notice.
    last = np.zeros(len(enr), dtype=np.int64)
    np.maximum.at(last, enrol, k)
    quitting = (enr.motif[enrol] == ABANDON) & (last[enrol] - k < 3)
    presence = np.where(quitting, ABSENT, presence).astype(np.int8)
    return Sessions(enrol=enrol, date=dates.astype(np.int32), presence=presence)


def draw_funding(rng: np.random.Generator, scale: float) -> pl.DataFrame:
    """One line per action, budget year and funder (tens of rows: plain Python is fine)."""
    rows = []
    for j, partner in enumerate(PARTNERS):
        budget, funders = FUNDING[partner.code]
        actions = [a for a in ACTIONS if a.partner == partner.code]
        weight_sum = sum(a.weight for a in actions)
        last_year = date.fromordinal(EPOCH.toordinal() + partner_horizon(j)).year
        for year in range(2024, last_year + 1):
            for a in actions:
                if a.date_debut.year > year:
                    continue
                for f in funders:
                    noise = rng.uniform(0.85, 1.15)
                    amount = budget * scale * f.share * a.weight / weight_sum * noise
                    # amounts are whole hundreds, sometimes with cents as voted
                    cents = rng.random() < 0.3
                    amount = round(amount, 2) if cents else round(amount, -2)
                    in_cpo = f.convention == "pluriannuelle_cpo" and year >= f.cpo_start
                    if in_cpo:
                        debut, fin = date(f.cpo_start, 1, 1), date(f.cpo_start + 2, 12, 31)
                    elif f.financeur == "departement":  # school-year agreements
                        debut, fin = date(year, 9, 1), date(year + 1, 6, 30)
                    else:
                        debut, fin = date(year, 1, 1), date(year, 12, 31)
                    revised = rng.random() < 0.15  # amount topped up in the second half
                    rows.append(
                        {
                            "code_action": a.code,
                            "annee": year,
                            "financeur": f.financeur,
                            "montant_s1": amount,
                            "montant_accorde": round(amount * 1.08, 2) if revised else amount,
                            "type_convention": ("pluriannuelle_cpo" if in_cpo else "annuelle_aap"),
                            "date_debut": debut,
                            "date_fin": fin,
                            "late": f.late,
                        }
                    )
    return pl.DataFrame(rows)


def draw_population(seed: int, n_people: int, session_density: float) -> Population:
    rng = np.random.default_rng(seed)
    people = draw_people(rng, n_people)
    enrolments = draw_enrolments(rng, people)
    sessions = draw_sessions(rng, enrolments, session_density)
    funding = draw_funding(rng, max(1.0, n_people / 2000))
    return Population(people, enrolments, sessions, funding)
