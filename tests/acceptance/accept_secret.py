"""An outside attacker's view of the published table: which counts can be recomputed?

Built from the data contract only (section 5: "no secret cell can be recomputed from
published totals, breakdowns or rates"). Every row shows counts ("cells"): people, new
entrants, exits, sessions, and sub-counts through a share's numerator. A cell is known
when a published row shows it; sums that hold by definition (total = parts of a breakdown,
a share's numerator + its complement = its base, exits and sessions summed from actions to
partners, piliers and the contract and from years to cumul) then reveal more cells.
"""

from __future__ import annotations

from collections import defaultdict

# share code -> the sub-count its numerator shows (base: the people of the scope)
PEOPLE_SHARES = {
    "part_femmes": "F",
    "part_moins_26_ans": "moins_26",
    "part_50_ans_et_plus": "50_plus",
    "part_residents_qpv": "residents",
    "part_infra_bac": "infra_bac",
    "part_non_inscrits_ft": "non_inscrits",
}
EXIT_SHARES = {"taux_abandon": "SA", "taux_emploi_durable": "SE", "taux_sorties_positives": "SP"}
ADDITIVE = ("S", "SA", "SE", "SP", "N", "NP")  # per enrolment / per session: they add up


COMP = "complement:"
# (v2) additive breakdowns of data contract section 4 (frein is not: a person may have two)
NIVEAUX = ("sans_diplome", "cap_bep", "bac", "bac_plus_2", "bac_plus_3_et_plus")
PRESCRIPTEURS = ("france_travail", "mission_locale", "ccas", "plie", "spontane", "autre",
                 "non_renseigne")  # fmt: skip
RESIDENCES = ("residence:qpv", "residence:hors_qpv")


def _mod(vent, mod):
    """Modality name of a cell: v1 names as they are, v2 ones prefixed by the breakdown."""
    return mod if vent in ("ensemble", "sexe", "tranche_age") else f"{vent}:{mod}"


def cells_of_row(code, per, ptype, pcode, vent, mod, val, num, den):
    """{cell: value} that one row shows."""
    scope = (per, ptype, pcode)
    mod = _mod(vent, mod)
    if code == "beneficiaires_uniques":
        # people by residence are the numerator / complement of part_residents_qpv
        if mod == "residence:qpv":
            return {("P", *scope, "residents"): val}
        if mod == "residence:hors_qpv":
            return {(COMP, "P", *scope, "residents"): val}
        return {("P", *scope, mod): val}
    if code == "nouveaux_entrants":
        return {("E", *scope, mod): val}
    if code in PEOPLE_SHARES:
        return {("P", *scope, PEOPLE_SHARES[code]): num, ("P", *scope, "ensemble"): den}
    if code == "taux_couverture_qpv":
        part = "residents" if ptype == "contrat" else "ensemble"
        return {("P", *scope, part): num}
    if code == "cout_par_beneficiaire":
        return {("P", *scope, "ensemble"): den}
    if code == "sorties":
        return {("S", *scope, "ensemble"): val}
    if code in EXIT_SHARES:
        return {(EXIT_SHARES[code], *scope, mod): num, ("S", *scope, mod): den}
    if code == "cout_par_sortie_positive":
        return {("SP", *scope, "ensemble"): den}
    if code == "taux_assiduite":
        return {("NP", *scope, mod): num, ("N", *scope, mod): den}
    return {}  # funding: never secret


def groups(true: dict, actions: dict, periods: list[str]) -> list[tuple]:
    """(total, parts) sums that hold by definition; `actions`: code -> (partner, pilier)."""
    out = []
    comp = COMP
    true = {k: v for k, v in true.items() if k[0] != COMP}  # complements are no totals
    for cell in list(true):
        kind, per, ptype, pcode, mod = cell
        if kind == "P" and mod in PEOPLE_SHARES.values():
            out.append((("P", per, ptype, pcode, "ensemble"), [cell, (comp, *cell)]))
        if kind in ("SA", "SE", "SP", "NP"):
            base = "N" if kind == "NP" else "S"
            out.append(((base, per, ptype, pcode, mod), [cell, (comp, *cell)]))
    for per in periods:
        c = (per, "contrat")
        for kind in ("P", "S", "SP"):
            total = [k for k in true if k[0] == kind and k[1:3] == c and k[4] == "ensemble"]
            for t in total:
                out.append((t, [(kind, *t[1:4], m) for m in ("F", "H")]))
                out.append((t, [(kind, *t[1:4], m) for m in ("moins_26", "26_49", "50_plus")]))
                # (v2) education level at contract scope
                out.append((t, [(kind, *t[1:4], f"niveau_formation:{m}") for m in NIVEAUX]))
            if kind == "P":
                for t in total:
                    infra = [(kind, *t[1:4], f"niveau_formation:{m}") for m in NIVEAUX[:2]]
                    rest = [(kind, *t[1:4], f"niveau_formation:{m}") for m in NIVEAUX[2:]]
                    out.append(((kind, *t[1:4], "infra_bac"), infra))
                    out.append(((comp, kind, *t[1:4], "infra_bac"), rest))
        for t in [k for k in true if k[0] == "E" and k[1:3] == c and k[4] == "ensemble"]:
            out.append((t, [("E", *t[1:4], f"prescripteur:{m}") for m in PRESCRIPTEURS]))
        res = [k for k in true if k[:3] == ("P", per, "contrat") and k[4] == "residents"]
        qpvs = [k for k in true if k[:3] == ("P", per, "qpv") and k[4] == "ensemble"]
        for r in res:
            out.append((r, qpvs))
    # (v2) exits and sessions by residence: ensemble = qpv + hors_qpv (sessions with no
    # enrolment have no residence: taken as exact, the strongest attack)
    for kind, per, ptype, pcode, mod in [k for k in true if k[4] == "ensemble"]:
        if kind in ("S", "SA", "SE", "SP", "N", "NP") and ptype in ("contrat", "pilier"):
            out.append(((kind, per, ptype, pcode, mod), [(kind, per, ptype, pcode, m)
                                                         for m in RESIDENCES]))  # fmt: skip
    by_partner, by_pilier = defaultdict(list), defaultdict(list)
    for code, (partner, pilier) in actions.items():
        by_partner[partner].append(code)
        by_pilier[pilier].append(code)
    contract = next(k[3] for k in true if k[2] == "contrat")
    for kind in ADDITIVE:
        for per in periods:
            for ptype, members in (("partenaire", by_partner), ("pilier", by_pilier)):
                for code, acts in members.items():
                    out.append(
                        (
                            (kind, per, ptype, code, "ensemble"),
                            [(kind, per, "action", a, "ensemble") for a in acts],
                        )
                    )
                out.append(
                    (
                        (kind, per, "contrat", contract, "ensemble"),
                        [(kind, per, ptype, code, "ensemble") for code in members],
                    )
                )
            # (v2) piliers -> contract by residence
            for m in RESIDENCES:
                out.append(
                    (
                        (kind, per, "contrat", contract, m),
                        [(kind, per, "pilier", code, m) for code in by_pilier],
                    )
                )
        years = [p for p in periods if p != "cumul"]
        for _, _, ptype, pcode, mod in {k for k in true if k[0] == kind}:
            out.append(
                (
                    (kind, "cumul", ptype, pcode, mod),
                    [(kind, y, ptype, pcode, mod) for y in years],
                )
            )
    return out


def recomputable(known: set, groups_: list[tuple]) -> set:
    """Close `known` under the sums: a total from all its parts, a part from the rest."""
    known = set(known)
    changed = True
    while changed:
        changed = False
        for total, parts in groups_:
            missing = [p for p in parts if p not in known]
            if total in known and len(missing) == 1:
                known.add(missing[0])
                changed = True
            elif total not in known and not missing:
                known.add(total)
                changed = True
    return known
