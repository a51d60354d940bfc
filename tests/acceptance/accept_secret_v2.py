"""accept_secret.py extended to the v2 breakdowns (data contract sections 4 and 5).

Cells are still keyed by (kind, periode, perimetre_type, perimetre_code, modalite); the v2
modality names (qpv, hors_qpv, the niveau_formation codes, the prescripteur codes) do not
collide with v1's. New sums that hold by definition and that an outsider can use:
- residence: people, exits (and their motifs) = qpv + hors_qpv, at contrat and pilier; the
  qpv people are the numerator of part_residents_qpv; exits add up from piliers to the
  contract in every residence;
- niveau_formation: people and exits = the 5 levels; sans_diplome + cap_bep = infra_bac;
- prescripteur: new entrants = the 7 modalities;
- a share's numerator and its complement make its base, in every modality;
- every sum of accept_secret.groups (written again here: only its constants and
  recomputable() are shared, so this check does not depend on how accept_secret evolves).
`frein` is not additive and sessions by residence leave out sessions with no enrolment:
they give no sum.
"""

from __future__ import annotations

from collections import defaultdict

import accept_secret as v1

NIVEAUX = ("sans_diplome", "cap_bep", "bac", "bac_plus_2", "bac_plus_3_et_plus")
PRESCRIPTEURS = (
    "france_travail",
    "mission_locale",
    "ccas",
    "plie",
    "spontane",
    "autre",
    "non_renseigne",
)
NOT_PEOPLE = {"taux_remontee", "taux_remontee_a_temps", "part_conventions_pluriannuelles"}


def cells_of_row(code, per, ptype, pcode, vent, mod, val, num, den):
    """{cell: value} that one row shows (v1 rules, every modality kept apart)."""
    scope = (per, ptype, pcode)
    if code in NOT_PEOPLE or vent in ("financeur", "frein"):
        return {}  # reports and agreements are no people; barriers give no sum
    if code == "beneficiaires_uniques":
        return {("P", *scope, mod): val}
    if code == "nouveaux_entrants":
        return {("E", *scope, mod): val}
    if code in v1.PEOPLE_SHARES:
        return {("P", *scope, v1.PEOPLE_SHARES[code]): num, ("P", *scope, "ensemble"): den}
    if code == "taux_couverture_qpv":
        part = "residents" if ptype == "contrat" else "ensemble"
        return {("P", *scope, part): num}
    if code == "cout_par_beneficiaire":
        return {("P", *scope, "ensemble"): den}
    if code == "sorties":
        return {("S", *scope, mod): val}
    if code in v1.EXIT_SHARES:
        return {(v1.EXIT_SHARES[code], *scope, mod): num, ("S", *scope, mod): den}
    if code == "cout_par_sortie_positive":
        return {("SP", *scope, "ensemble"): den}
    if code == "taux_assiduite":
        return {("NP", *scope, mod): num, ("N", *scope, mod): den}
    return {}  # funding: never secret


def _v1_groups(true: dict, actions: dict, periods: list[str], contract: str) -> list[tuple]:
    """The sums of accept_secret.groups (v1 breakdowns), on this module's cells."""
    out = []
    comp = "complement:"
    for cell in list(true):
        kind, per, ptype, pcode, mod = cell
        if kind == "P" and mod in v1.PEOPLE_SHARES.values():
            out.append((("P", per, ptype, pcode, "ensemble"), [cell, (comp, *cell)]))
        if kind in ("SA", "SE", "SP", "NP"):
            base = "N" if kind == "NP" else "S"
            out.append(((base, per, ptype, pcode, mod), [cell, (comp, *cell)]))
    for per in periods:
        c = (per, "contrat", contract)
        for kind in ("P", "S", "SP"):
            out.append(((kind, *c, "ensemble"), [(kind, *c, m) for m in ("F", "H")]))
            ages = ("moins_26", "26_49", "50_plus")
            out.append(((kind, *c, "ensemble"), [(kind, *c, m) for m in ages]))
        qpvs = [k for k in true if k[:3] == ("P", per, "qpv") and k[4] == "ensemble"]
        out.append((("P", *c, "residents"), qpvs))
    by_partner, by_pilier = defaultdict(list), defaultdict(list)
    for code, (partner, pilier) in actions.items():
        by_partner[partner].append(code)
        by_pilier[pilier].append(code)
    years = [p for p in periods if p != "cumul"]
    for kind in v1.ADDITIVE:
        for per in periods:
            for ptype, members in (("partenaire", by_partner), ("pilier", by_pilier)):
                for code, acts in members.items():
                    parts = [(kind, per, "action", a, "ensemble") for a in acts]
                    out.append(((kind, per, ptype, code, "ensemble"), parts))
                parts = [(kind, per, ptype, code, "ensemble") for code in members]
                out.append(((kind, per, "contrat", contract, "ensemble"), parts))
        for _, _, ptype, pcode, mod in {k for k in true if k[0] == kind}:
            parts = [(kind, y, ptype, pcode, mod) for y in years]
            out.append(((kind, "cumul", ptype, pcode, mod), parts))
    return out


def groups(true: dict, actions: dict, periods: list[str], contract: str) -> list[tuple]:
    out = _v1_groups(true, actions, periods, contract)
    piliers = sorted({pil for _, pil in actions.values()})
    for per in periods:
        scopes = [("contrat", contract)] + [("pilier", p) for p in piliers]
        for ptype, pcode in scopes:
            for kind in ("P", "S", "SA", "SE", "SP"):
                total = (kind, per, ptype, pcode, "ensemble")
                out.append((total, [(kind, per, ptype, pcode, m) for m in ("qpv", "hors_qpv")]))
            out.append((("P", per, ptype, pcode, "residents"), [("P", per, ptype, pcode, "qpv")]))
        c = (per, "contrat", contract)
        for kind in ("P", "S", "SP"):
            out.append(((kind, *c, "ensemble"), [(kind, *c, m) for m in NIVEAUX]))
        out.append((("P", *c, "infra_bac"), [("P", *c, "sans_diplome"), ("P", *c, "cap_bep")]))
        out.append((("E", *c, "ensemble"), [("E", *c, m) for m in PRESCRIPTEURS]))
        for kind in ("S", "SA", "SE", "SP", "N", "NP"):
            for m in ("qpv", "hors_qpv"):
                parts = [(kind, per, "pilier", p, m) for p in piliers]
                out.append(((kind, *c, m), parts))
    return out
