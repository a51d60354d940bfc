"""Statistical confidentiality on hand-made tables (seuil 5 unless said otherwise)."""

from __future__ import annotations

import numpy as np
import polars as pl
from publish_kit import by_key, count, frame, rate

from indicators.registry import INDICATEURS
from pipelines.publish.secret import RULES_FR, Hierarchy, apply_confidentiality, quantities_of

C = "CV01"


def run(rows, seuil=5, hierarchy=None):
    return by_key(apply_confidentiality(frame(rows), seuil, hierarchy))


def secret_of(out, code, pcode, mod="ensemble", periode="2025"):
    return out[(code, pcode, mod, periode)]["secret_raison"]


# ---------------------------------------------------------------- primary


def test_small_count_is_secret_zero_and_threshold_are_published():
    out = run(
        [
            count("beneficiaires_uniques", "action", "A1", 3),
            count("beneficiaires_uniques", "action", "A2", 0),
            count("beneficiaires_uniques", "action", "A3", 4),
            count("beneficiaires_uniques", "action", "A4", 5),
        ]
    )
    a1 = out[("beneficiaires_uniques", "A1", "ensemble", "2025")]
    assert a1["secret"] and a1["secret_raison"] == "primaire"
    assert a1["valeur"] is None and a1["numerateur"] is None
    assert out[("beneficiaires_uniques", "A2", "ensemble", "2025")]["valeur"] == 0
    assert out[("beneficiaires_uniques", "A2", "ensemble", "2025")]["secret"] is False
    assert secret_of(out, "beneficiaires_uniques", "A3") == "primaire"
    assert out[("beneficiaires_uniques", "A4", "ensemble", "2025")]["valeur"] == 5


def test_rates_rest_on_numerator_denominator_and_complement():
    out = run(
        [
            rate("taux_abandon", "action", "A1", 0, 4),  # denominator 4
            rate("part_femmes", "action", "A2", 2, 50),  # numerator 2
            rate("part_femmes", "action", "A3", 48, 50),  # complement: 2 men
            rate("part_femmes", "action", "A4", 10, 50),
            rate("part_femmes", "action", "A5", 0, 0),  # undefined, nothing to hide
            rate("taux_assiduite", "action", "A6", 3, 40),  # sessions count too
        ]
    )
    for a in ("A1",):
        assert secret_of(out, "taux_abandon", a) == "primaire"
    for a in ("A2", "A3"):
        assert secret_of(out, "part_femmes", a) == "primaire"
        assert out[("part_femmes", a, "ensemble", "2025")]["valeur"] is None
    a4 = out[("part_femmes", "A4", "ensemble", "2025")]
    assert not a4["secret"] and a4["valeur"] == 20.0 and a4["denominateur"] == 50
    a5 = out[("part_femmes", "A5", "ensemble", "2025")]
    assert not a5["secret"] and a5["valeur"] is None and a5["denominateur"] == 0
    assert secret_of(out, "taux_assiduite", "A6") == "primaire"


def test_funding_and_population_are_never_secret():
    out = run(
        [
            count("financement_total", "action", "A1", 3.0),
            rate("part_pluriannuel", "action", "A1", 2.0, 3.0),
            rate("part_premier_financeur", "action", "A1", 1.0, 3.0),
            rate("cout_par_beneficiaire", "action", "A1", 3.0, 3, unite="euros", factor=1),
            rate("cout_par_beneficiaire", "action", "A2", 2.0, 40, unite="euros", factor=1),
            rate("cout_par_sortie_positive", "action", "A2", 90.0, 2, unite="euros", factor=1),
            rate("taux_couverture_qpv", "qpv", "Q1", 40, 3, unite="pour_mille", factor=1000),
            rate("taux_couverture_qpv", "qpv", "Q2", 3, 4000, unite="pour_mille", factor=1000),
        ]
    )
    for code in ("financement_total", "part_pluriannuel", "part_premier_financeur"):
        assert out[(code, "A1", "ensemble", "2025")]["secret"] is False
    assert out[("financement_total", "A1", "ensemble", "2025")]["valeur"] == 3.0
    # a cost rests on its people (or positive exits), not on its funding
    assert secret_of(out, "cout_par_beneficiaire", "A1") == "primaire"
    assert out[("cout_par_beneficiaire", "A2", "ensemble", "2025")]["valeur"] == 0.05
    assert secret_of(out, "cout_par_sortie_positive", "A2") == "primaire"
    # coverage: residents are people, the QPV population is not
    assert out[("taux_couverture_qpv", "Q1", "ensemble", "2025")]["secret"] is False
    assert secret_of(out, "taux_couverture_qpv", "Q2") == "primaire"


def test_every_secret_indicator_of_the_registry_rests_on_a_count():
    for ind in INDICATEURS:
        assert bool(quantities_of(ind.code)) == (ind.secret_base != "none"), ind.code


# ---------------------------------------------------------------- secondary


def contract_people(ens, f, h, m26, m2649, m50):
    return [
        count("beneficiaires_uniques", "contrat", C, ens),
        count("beneficiaires_uniques", "contrat", C, f, "sexe", "F"),
        count("beneficiaires_uniques", "contrat", C, h, "sexe", "H"),
        count("beneficiaires_uniques", "contrat", C, m26, "tranche_age", "moins_26"),
        count("beneficiaires_uniques", "contrat", C, m2649, "tranche_age", "26_49"),
        count("beneficiaires_uniques", "contrat", C, m50, "tranche_age", "50_plus"),
    ]


def test_sex_breakdown_hides_the_other_sex():
    out = run(contract_people(43, 3, 40, 10, 20, 13))
    assert secret_of(out, "beneficiaires_uniques", C, "F") == "primaire"
    assert secret_of(out, "beneficiaires_uniques", C, "H") == "secondaire"
    assert out[("beneficiaires_uniques", C, "ensemble", "2025")]["valeur"] == 43
    assert out[("beneficiaires_uniques", C, "26_49", "2025")]["valeur"] == 20


def test_age_group_hides_the_next_smallest_non_zero_class():
    out = run(contract_people(43, 20, 23, 10, 30, 3))
    assert secret_of(out, "beneficiaires_uniques", C, "50_plus") == "primaire"
    assert secret_of(out, "beneficiaires_uniques", C, "moins_26") == "secondaire"
    assert out[("beneficiaires_uniques", C, "26_49", "2025")]["valeur"] == 30
    # a zero class would hide nothing: 3 = 43 − 40 stays computable; the 40 goes instead
    out = run(contract_people(43, 20, 23, 3, 0, 40))
    assert secret_of(out, "beneficiaires_uniques", C, "50_plus") == "secondaire"
    assert out[("beneficiaires_uniques", C, "26_49", "2025")]["valeur"] == 0


def test_share_at_contract_follows_its_hidden_breakdown():
    # H = 3 is secret, so F (40) is hidden; part_femmes shows F and the total: hidden too
    rows = contract_people(43, 40, 3, 10, 20, 13) + [rate("part_femmes", "contrat", C, 40, 43)]
    out = run(rows)
    assert secret_of(out, "beneficiaires_uniques", C, "F") == "secondaire"
    assert out[("part_femmes", C, "ensemble", "2025")]["secret"]


def sorties(values: dict[str, float], partner_total=None, contrat_total=None, periode="2025"):
    rows = [count("sorties", "action", a, v, periode=periode) for a, v in values.items()]
    total = sum(values.values())
    rows.append(count("sorties", "partenaire", "P1", partner_total or total, periode=periode))
    rows.append(count("sorties", "pilier", "X", partner_total or total, periode=periode))
    rows.append(count("sorties", "contrat", C, contrat_total or total, periode=periode))
    return rows


ONE_PARTNER = Hierarchy({a: ("P1", "X") for a in ("A1", "A2", "A3", "A4")})


def test_exits_of_a_partner_hide_a_second_action_and_its_rates():
    rows = sorties({"A1": 3, "A2": 20, "A3": 30}) + [
        rate("taux_abandon", "action", "A2", 10, 20),
        rate("taux_abandon", "action", "A3", 10, 30),
    ]
    out = run(rows, hierarchy=ONE_PARTNER)
    assert secret_of(out, "sorties", "A1") == "primaire"
    assert secret_of(out, "sorties", "A2") == "secondaire"
    # the rate of A2 publishes its exits as denominator: hidden with them
    assert secret_of(out, "taux_abandon", "A2") == "secondaire"
    assert out[("sorties", "A3", "ensemble", "2025")]["valeur"] == 30
    assert out[("taux_abandon", "A3", "ensemble", "2025")]["secret"] is False
    assert out[("sorties", "P1", "ensemble", "2025")]["valeur"] == 53


def test_people_are_not_additive_across_actions():
    rows = [
        count("beneficiaires_uniques", "action", "A1", 3),
        count("beneficiaires_uniques", "action", "A2", 20),
        count("beneficiaires_uniques", "partenaire", "P1", 21),  # one person in both
    ]
    out = run(rows, hierarchy=ONE_PARTNER)
    assert secret_of(out, "beneficiaires_uniques", "A1") == "primaire"
    assert out[("beneficiaires_uniques", "A2", "ensemble", "2025")]["secret"] is False


def test_two_secrets_summing_to_the_threshold_need_nothing_more():
    out = run(sorties({"A1": 3, "A2": 4, "A3": 30}), hierarchy=ONE_PARTNER)
    assert secret_of(out, "sorties", "A1") == secret_of(out, "sorties", "A2") == "primaire"
    assert out[("sorties", "A3", "ensemble", "2025")]["secret"] is False


def test_two_secrets_summing_below_the_threshold_hide_a_third():
    # 1 + 2 = 3 = 73 − 30 − 40 would be computable
    out = run(sorties({"A1": 1, "A2": 2, "A3": 30, "A4": 40}), hierarchy=ONE_PARTNER)
    assert secret_of(out, "sorties", "A3") == "secondaire"
    assert out[("sorties", "A4", "ensemble", "2025")]["valeur"] == 40


def test_secondary_cascades_up_and_down_the_hierarchy():
    # P1 runs only A1 (3 exits): P1 is secret, P2 is hidden at contract level, and A3,
    # P2's only action, equals P2: hidden too.
    h = Hierarchy({"A1": ("P1", "X"), "A3": ("P2", "X"), "A4": ("P3", "X")})
    rows = [
        count("sorties", "action", "A1", 3),
        count("sorties", "action", "A3", 20),
        count("sorties", "action", "A4", 30),
        count("sorties", "partenaire", "P1", 3),
        count("sorties", "partenaire", "P2", 20),
        count("sorties", "partenaire", "P3", 30),
        count("sorties", "pilier", "X", 53),
        count("sorties", "contrat", C, 53),
    ]
    out = run(rows, hierarchy=h)
    assert secret_of(out, "sorties", "P1") == "primaire"
    assert secret_of(out, "sorties", "P2") == "secondaire"
    assert secret_of(out, "sorties", "A3") == "secondaire"
    assert out[("sorties", "A4", "ensemble", "2025")]["valeur"] == 30
    assert out[("sorties", "P3", "ensemble", "2025")]["valeur"] == 30


def test_years_add_up_to_the_cumul():
    rows = [
        count("sorties", "contrat", C, 3, periode="2024"),
        count("sorties", "contrat", C, 20, periode="2025"),
        count("sorties", "contrat", C, 23, periode="cumul"),
    ]
    out = run(rows)
    assert secret_of(out, "sorties", C, periode="2024") == "primaire"
    assert secret_of(out, "sorties", C, periode="2025") == "secondaire"
    assert out[("sorties", C, "ensemble", "cumul")]["valeur"] == 23


def test_qpv_beneficiaries_add_up_to_the_contract_residents():
    rows = [
        count("beneficiaires_uniques", "qpv", "Q1", 3),
        count("beneficiaires_uniques", "qpv", "Q2", 30),
        count("beneficiaires_uniques", "qpv", "Q3", 40),
        rate("taux_couverture_qpv", "contrat", C, 73, 9000, unite="pour_mille", factor=1000),
    ]
    out = run(rows, hierarchy=Hierarchy(qpv=("Q1", "Q2", "Q3")))
    assert secret_of(out, "beneficiaires_uniques", "Q1") == "primaire"
    assert secret_of(out, "beneficiaires_uniques", "Q2") == "secondaire"
    assert out[("beneficiaires_uniques", "Q3", "ensemble", "2025")]["valeur"] == 40


# Partners P1..P4, piliers X, Y, Z, W; every action is secret but a9 links two cycles of
# actions: a9 = P1 + P2 − X − Y = (3+3+2) + (3+3) − (3+3) − (3+3) = 2, although every
# partner and pilier sum holds two or more secrets summing to 5 or more.
BRIDGE = {
    "a1": ("P1", "X", 3),
    "a2": ("P2", "X", 3),
    "a3": ("P2", "Y", 3),
    "a4": ("P1", "Y", 3),
    "a5": ("P3", "Z", 3),
    "a6": ("P4", "Z", 3),
    "a7": ("P4", "W", 3),
    "a8": ("P3", "W", 3),
    "a9": ("P1", "Z", 2),
}


def bridge_rows():
    rows = [count("sorties", "action", a, v) for a, (_, _, v) in BRIDGE.items()]
    for i, scope in ((0, "partenaire"), (1, "pilier")):
        totals: dict[str, int] = {}
        for spec in BRIDGE.values():
            totals[spec[i]] = totals.get(spec[i], 0) + spec[2]
        rows += [count("sorties", scope, k, v) for k, v in totals.items()]
    rows.append(count("sorties", "contrat", C, sum(v for _, _, v in BRIDGE.values())))
    return rows, Hierarchy({a: (p, x) for a, (p, x, _) in BRIDGE.items()})


def solvable(published: dict[str, float], groups: list[tuple[str, list[str]]], cell: str):
    """Is `cell` fixed by the groups given the published cells? (rank test, own code)"""
    unknown = sorted({c for t, ps in groups for c in (t, *ps) if c not in published})
    if cell not in unknown:
        return True
    a = np.array([[(-1.0 if c == t else 0.0) + ps.count(c) for c in unknown] for t, ps in groups])
    e = np.array([[1.0 if c == cell else 0.0 for c in unknown]])
    return np.linalg.matrix_rank(np.vstack([a, e])) == np.linalg.matrix_rank(a)


def test_a_secret_solvable_through_several_sums_is_protected():
    rows, h = bridge_rows()
    out = apply_confidentiality(frame(rows), 5, h)
    published = {
        r["perimetre_code"]: r["valeur"] for r in out.iter_rows(named=True) if not r["secret"]
    }
    groups = [(p, [a for a, s in BRIDGE.items() if s[0] == p]) for p in ("P1", "P2", "P3", "P4")]
    groups += [(x, [a for a, s in BRIDGE.items() if s[1] == x]) for x in "XYZW"]
    groups += [(C, ["P1", "P2", "P3", "P4"]), (C, list("XYZW"))]
    assert not solvable({}, groups, "a9")  # sanity: nothing published, nothing solvable
    assert solvable(
        {"P1": 8, "P2": 6, "X": 6, "Y": 6}, groups[:1] + groups[1:2] + groups[4:6], "a9"
    )  # the leak exists without the check
    assert not any(solvable(published, groups, a) for a in BRIDGE)


def test_result_is_stable_and_independent_of_row_order():
    rows, h = bridge_rows()
    rows += sorties({"A1": 3, "A2": 20, "A3": 30}, periode="2024")
    first = apply_confidentiality(frame(rows), 5, h)
    shuffled = apply_confidentiality(frame(rows).sample(fraction=1.0, shuffle=True, seed=3), 5, h)
    key = ["periode", "perimetre_type", "perimetre_code"]
    assert first.sort(key).equals(shuffled.sort(key))
    assert first.height == len(rows)
    # secret rows keep no value
    assert first.filter(pl.col("secret") & pl.col("valeur").is_not_null()).height == 0


def test_threshold_comes_from_the_contract():
    out = run([count("sorties", "action", "A1", 7)], seuil=11)
    assert secret_of(out, "sorties", "A1") == "primaire"


def test_rules_are_worded_for_the_public():
    assert "secret" in RULES_FR and "secondaire" in RULES_FR and "financement" in RULES_FR


def test_empty_table_and_funding_only():
    assert apply_confidentiality(frame([]), 5).height == 0
    out = run([count("financement_total", "contrat", C, 3.0)])
    assert out[("financement_total", C, "ensemble", "2025")]["valeur"] == 3.0
