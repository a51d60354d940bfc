"""The exact recomputation check against hand-solved systems and numpy's rank."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.publish.recompute import fixed_unknowns


def test_hand_solved_systems():
    # x + y = 10 alone fixes nothing; with y = 4 known as an equation, both are fixed
    assert fixed_unknowns([{"x": 1, "y": 1}], ["x", "y"]) == set()
    assert fixed_unknowns([{"x": 1, "y": 1}, {"y": 1}], ["x", "y"]) == {"x", "y"}
    # a + b = s1, b + c = s2, a + c = s3: three sums of two, each cell fixed
    eqs = [{"a": 1, "b": 1}, {"b": 1, "c": 1}, {"a": 1, "c": 1}]
    assert fixed_unknowns(eqs, "abc") == {"a", "b", "c"}
    # a 2 x 2 table with its margins: one degree of freedom, nothing fixed
    eqs = [{"a": 1, "b": 1}, {"c": 1, "d": 1}, {"a": 1, "c": 1}, {"b": 1, "d": 1}]
    assert fixed_unknowns(eqs, "abcd") == set()
    # a total minus its parts: t − a − b = 0 and a = known → t − b fixed, not t nor b
    assert fixed_unknowns([{"t": -1, "a": 1, "b": 1}, {"a": 1}], ["t", "a", "b"]) == {"a"}


systems = st.lists(
    st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from([-1, 1]), min_size=1,
                    max_size=4),
    max_size=8,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(systems)
def test_agrees_with_the_rank_criterion(eqs):
    names = sorted({v for e in eqs for v in e}) or ["a"]
    a = np.array([[e.get(v, 0) for v in names] for e in eqs] or [[0] * len(names)], float)
    rank = np.linalg.matrix_rank(a)
    expected = {
        v
        for j, v in enumerate(names)
        if np.linalg.matrix_rank(np.vstack([a, np.eye(len(names))[j]])) == rank
    }
    assert fixed_unknowns(eqs, names) == expected
