"""(v2) Confidentiality of the new breakdowns and of attendance by people (seuil 5)."""

from __future__ import annotations

import polars as pl
from publish_kit import by_key, count, frame, rate

from pipelines.publish.secret import PEOPLE_COLUMN, Hierarchy, apply_confidentiality

C = "CV01"
EMP, COH = "emploi", "cohesion"


def run(rows, people=None, hierarchy=None):
    """people: {(perimetre_code, modalite): distinct people behind taux_assiduite}."""
    df = frame(rows)
    people = people or {}
    df = df.with_columns(
        pl.Series(
            PEOPLE_COLUMN,
            [
                float(people[(p, m)]) if c == "taux_assiduite" and (p, m) in people else None
                for c, p, m in df.select("code_indicateur", "perimetre_code", "modalite").rows()
            ],
            dtype=pl.Float64,
        )
    )
    return by_key(apply_confidentiality(df, 5, hierarchy))


def reason(out, code, pcode, mod="ensemble"):
    return out[(code, pcode, mod, "2025")]["secret_raison"]


def test_attendance_of_few_people_is_secret_and_cannot_be_recomputed():
    # A1: 3 learners, 60 sessions -> secret although 60 >= 5; the partner total minus A2
    # would give A1's sessions back, so A2 is hidden as well.
    rows = [
        rate("taux_assiduite", "action", "A1", 45, 60),
        rate("taux_assiduite", "action", "A2", 80, 100),
        rate("taux_assiduite", "action", "A3", 70, 100),
        rate("taux_assiduite", "partenaire", "P1", 195, 260),
    ]
    h = Hierarchy({"A1": ("P1", EMP), "A2": ("P1", EMP), "A3": ("P1", EMP)})
    out = run(rows, {("A1", "ensemble"): 3, ("A2", "ensemble"): 12, ("A3", "ensemble"): 30}, h)
    assert reason(out, "taux_assiduite", "A1") == "primaire"
    assert out[("taux_assiduite", "A1", "ensemble", "2025")]["valeur"] is None
    others = {reason(out, "taux_assiduite", a) for a in ("A2", "A3")}
    assert "secondaire" in others
    assert out[("taux_assiduite", "P1", "ensemble", "2025")]["valeur"] == 75.0
    # the same sessions behind 5 people are published
    out = run(rows, {("A1", "ensemble"): 5, ("A2", "ensemble"): 12, ("A3", "ensemble"): 30}, h)
    assert out[("taux_assiduite", "A1", "ensemble", "2025")]["valeur"] == 75.0


def test_barriers_are_not_a_sum():
    # 3 people cite language: secret; the other barriers and 'aucun' need no cover, since
    # one person may cite several barriers (no total to subtract from).
    rows = [
        count("beneficiaires_uniques", "contrat", C, 50),
        count("beneficiaires_uniques", "contrat", C, 3, "frein", "langue"),
        count("beneficiaires_uniques", "contrat", C, 20, "frein", "mobilite"),
        count("beneficiaires_uniques", "contrat", C, 30, "frein", "aucun"),
    ]
    out = run(rows)
    assert reason(out, "beneficiaires_uniques", C, "langue") == "primaire"
    assert out[("beneficiaires_uniques", C, "mobilite", "2025")]["valeur"] == 20
    assert out[("beneficiaires_uniques", C, "aucun", "2025")]["valeur"] == 30
    assert out[("beneficiaires_uniques", C, "ensemble", "2025")]["valeur"] == 50


def test_referrers_are_a_sum():
    # 3 + 20 + 0 ... = 23 new entrants: hiding only 'plie' would leave it as 23 - 20
    rows = [count("nouveaux_entrants", "contrat", C, 23)]
    rows += [count("nouveaux_entrants", "contrat", C, 0, "prescripteur", m)
             for m in ("france_travail", "ccas", "spontane", "autre", "non_renseigne")]  # fmt: skip
    rows += [
        count("nouveaux_entrants", "contrat", C, 3, "prescripteur", "plie"),
        count("nouveaux_entrants", "contrat", C, 20, "prescripteur", "mission_locale"),
    ]
    out = run(rows)
    assert reason(out, "nouveaux_entrants", C, "plie") == "primaire"
    assert reason(out, "nouveaux_entrants", C, "mission_locale") == "secondaire"


def test_residence_of_people_is_the_qpv_share():
    # pilier EMP: 3 QPV residents among 40. The residence row and part_residents_qpv show
    # the same counts: both secret, and the hors_qpv row (37 = 40 - 3) too.
    rows = [
        count("beneficiaires_uniques", "pilier", EMP, 40),
        count("beneficiaires_uniques", "pilier", EMP, 3, "residence", "qpv"),
        count("beneficiaires_uniques", "pilier", EMP, 37, "residence", "hors_qpv"),
        rate("part_residents_qpv", "pilier", EMP, 3, 40),
    ]
    out = run(rows)
    assert reason(out, "beneficiaires_uniques", EMP, "qpv") == "primaire"
    assert reason(out, "part_residents_qpv", EMP) == "primaire"
    assert out[("beneficiaires_uniques", EMP, "hors_qpv", "2025")]["secret"]
    assert out[("beneficiaires_uniques", EMP, "ensemble", "2025")]["valeur"] == 40


def test_exits_by_residence_add_up_from_piliers_to_the_contract():
    # qpv exits: EMP 3 (secret), COH 20, contract 23 -> COH's qpv exits hidden too; inside
    # EMP, ensemble 30 = 3 + 27 -> the 27 hors_qpv exits hidden as well.
    def exits(ptype, code, ens, qpv, hors):
        return [
            rate("taux_abandon", ptype, code, 0, ens),
            rate("taux_abandon", ptype, code, 0, qpv, "residence", "qpv"),
            rate("taux_abandon", ptype, code, 0, hors, "residence", "hors_qpv"),
        ]

    rows = exits("pilier", EMP, 30, 3, 27) + exits("pilier", COH, 50, 20, 30)
    rows += exits("contrat", C, 80, 23, 57)
    h = Hierarchy({"A1": ("P1", EMP), "A2": ("P1", COH)})
    out = run(rows, hierarchy=h)
    assert reason(out, "taux_abandon", EMP, "qpv") == "primaire"
    assert out[("taux_abandon", EMP, "hors_qpv", "2025")]["secret"]
    assert (
        out[("taux_abandon", COH, "qpv", "2025")]["secret"]
        or out[("taux_abandon", C, "qpv", "2025")]["secret"]
    )


def test_education_levels_add_up_to_the_infra_bac_share():
    # sans_diplome 2 (secret), cap_bep 10: part_infra_bac shows 12, so 12 - 10 would give
    # the 2 back: cap_bep or the share must go.
    rows = [count("beneficiaires_uniques", "contrat", C, 40)]
    rows += [
        count("beneficiaires_uniques", "contrat", C, n, "niveau_formation", m)
        for m, n in (("sans_diplome", 2), ("cap_bep", 10), ("bac", 14), ("bac_plus_2", 8),
                     ("bac_plus_3_et_plus", 6))
    ]  # fmt: skip
    rows.append(rate("part_infra_bac", "contrat", C, 12, 40))
    out = run(rows)
    assert reason(out, "beneficiaires_uniques", C, "sans_diplome") == "primaire"
    assert (
        out[("beneficiaires_uniques", C, "cap_bep", "2025")]["secret"]
        or out[("part_infra_bac", C, "ensemble", "2025")]["secret"]
    )
    hidden = [m for (code, _, m, _), r in out.items() if r["secret"]]
    assert len(hidden) >= 2
