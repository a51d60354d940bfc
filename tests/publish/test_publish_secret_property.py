"""Property: on random small contracts, no secret cell can be recomputed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publish_kit import count, frame
from test_publish_secret import solvable

from pipelines.publish.secret import Hierarchy, apply_confidentiality

SEUIL = 5
YEARS = ("2024", "2025")


@st.composite
def contracts(draw):
    """Actions (partner, pilier, exits per year) and the contract's people by sex/age."""
    n_partners = draw(st.integers(1, 3))
    actions = {}
    for p in range(n_partners):
        for a in range(draw(st.integers(1, 3))):
            exits = tuple(draw(st.integers(0, 14)) for _ in YEARS)
            actions[f"A{p}{a}"] = (f"P{p}", draw(st.sampled_from(["X", "Y"])), exits)
    ages = [draw(st.integers(0, 12)) for _ in range(3)]
    women = draw(st.integers(0, sum(ages)))
    return actions, ages, women


def build(actions, ages, women):
    """Rows, and the groups (total, parts) with each cell's value, keyed by cell name."""
    values: dict[str, float] = {}
    groups: list[tuple[str, list[str]]] = []
    rows = []

    def add(name, row):
        values[name] = row[6]
        rows.append(row)

    for i, per in enumerate((*YEARS, "cumul")):

        def exits(a, i=i):
            return actions[a][2][i] if i < len(YEARS) else sum(actions[a][2])

        for a in actions:
            add(f"{a}/{per}", count("sorties", "action", a, exits(a), periode=per))
        for level, ptype in ((0, "partenaire"), (1, "pilier")):
            parents = sorted({spec[level] for spec in actions.values()})
            for parent in parents:
                kids = [a for a, spec in actions.items() if spec[level] == parent]
                add(
                    f"{parent}/{per}",
                    count("sorties", ptype, parent, sum(map(exits, kids)), periode=per),
                )
                groups.append((f"{parent}/{per}", [f"{a}/{per}" for a in kids]))
            groups.append((f"C/{per}", [f"{p}/{per}" for p in parents]))
        add(f"C/{per}", count("sorties", "contrat", "C", sum(map(exits, actions)), periode=per))
    for name in [*actions, *{s[0] for s in actions.values()}, "X", "Y", "C"]:
        if f"{name}/cumul" in values:
            groups.append((f"{name}/cumul", [f"{name}/{y}" for y in YEARS]))

    total = sum(ages)
    people = {"ens": total, "F": women, "H": total - women}
    people |= dict(zip(("moins_26", "26_49", "50_plus"), ages, strict=True))
    for mod, n in people.items():
        vent = {"F": "sexe", "H": "sexe", "ens": "ensemble"}.get(mod, "tranche_age")
        add(
            f"bu/{mod}",
            count(
                "beneficiaires_uniques",
                "contrat",
                "C",
                n,
                vent,
                "ensemble" if mod == "ens" else mod,
            ),
        )
    groups += [("bu/ens", ["bu/F", "bu/H"]), ("bu/ens", ["bu/moins_26", "bu/26_49", "bu/50_plus"])]
    return rows, values, groups


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
def test_no_secret_cell_can_be_recomputed(contract):
    actions, ages, women = contract
    rows, values, groups = build(actions, ages, women)
    h = Hierarchy({a: (p, x) for a, (p, x, _) in actions.items()})
    out = apply_confidentiality(frame(rows), SEUIL, h)
    secret = dict(zip(values, out["secret"].to_list(), strict=True))
    published = {c: v for c, v in values.items() if not secret[c]}

    # primary: every count from 1 to 4 is secret, and secret cells carry no value
    assert all(secret[c] for c, v in values.items() if 0 < v < SEUIL)
    assert out.filter("secret")["valeur"].null_count() == out["secret"].sum()
    for total, parts in groups:
        if secret[total]:
            continue
        hidden = [p for p in parts if secret[p]]
        # never exactly one secret cell under a published total...
        assert len(hidden) != 1, (total, parts)
        # ...and what the hidden cells add up to is not itself a small count
        rest = sum(values[p] for p in hidden)
        assert rest == 0 or rest >= SEUIL, (total, hidden, rest)
    # nor through any combination of sums
    primary = [c for c, v in values.items() if 0 < v < SEUIL]
    assert not [c for c in primary if solvable(published, groups, c)]
