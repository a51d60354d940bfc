"""Which unknowns of a system of linear equations are fixed by it (can be recomputed).

x is fixed when its unit vector lies in the row space of the equations restricted to
the unknowns (the published values only move the right-hand side). Sparse Gaussian
elimination in exact arithmetic modulo the prime 2**61 − 1: the equations of the secret
rules are sums with coefficients ±1, so working modulo a 61-bit prime gives the rational
answer unless the prime divides one of the minors (about one chance in 10**18). Pivots are
chosen to limit fill-in (shortest row first, then its least shared variable), which keeps
hierarchical sums almost as sparse as they start.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping

PRIME = (1 << 61) - 1

Row = dict[str, int]


def fixed_unknowns(equations: Iterable[Mapping[str, int]], targets: Iterable[str]) -> set[str]:
    """The targets that the equations (each {unknown: coefficient}) determine."""
    basis, position = _echelon(equations)
    return {x for x in targets if _in_row_space(x, basis, position)}


def _echelon(equations: Iterable[Mapping[str, int]]) -> tuple[list[tuple[str, Row]], dict]:
    """Row echelon basis: row k holds its pivot and only pivots of later rows (or free
    variables), each pivot with coefficient 1."""
    rows: dict[int, Row] = {}
    where: dict[str, set[int]] = defaultdict(set)
    for i, eq in enumerate(equations):
        row = {v: c % PRIME for v, c in eq.items() if c % PRIME}
        if row:
            rows[i] = row
            for v in row:
                where[v].add(i)
    heap = [(len(r), i) for i, r in rows.items()]
    heapq.heapify(heap)
    basis: list[tuple[str, Row]] = []
    while heap:
        n, i = heapq.heappop(heap)
        row = rows.get(i)
        if row is None or len(row) != n:  # stale heap entry
            continue
        del rows[i]
        for v in row:
            where[v].discard(i)
        pivot = min(row, key=lambda v: (len(where[v]), v))
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {v: c * inverse % PRIME for v, c in row.items()}
        for k in sorted(where[pivot]):
            other = rows[k]
            _subtract(other, row, other[pivot], on_new=lambda v, k=k: where[v].add(k),
                      on_gone=lambda v, k=k: where[v].discard(k))  # fmt: skip
            if other:
                heapq.heappush(heap, (len(other), k))
            else:
                del rows[k]
        basis.append((pivot, row))
    return basis, {p: k for k, (p, _) in enumerate(basis)}


def _subtract(target: Row, row: Row, factor: int, on_new=None, on_gone=None) -> list[str]:
    """target -= factor * row (mod PRIME), in place; returns the variables it gained."""
    gained = []
    for v, c in row.items():
        value = (target.get(v, 0) - factor * c) % PRIME
        if value:
            if v not in target:
                gained.append(v)
                if on_new:
                    on_new(v)
            target[v] = value
        elif v in target:
            del target[v]
            if on_gone:
                on_gone(v)
    return gained


def _in_row_space(x: str, basis: list[tuple[str, Row]], position: dict[str, int]) -> bool:
    if x not in position:
        return False
    vector: Row = {x: 1}
    todo = [position[x]]
    while todo:
        k = heapq.heappop(todo)
        pivot, row = basis[k]
        factor = vector.get(pivot)
        if not factor:
            continue
        for v in _subtract(vector, row, factor):
            if v in position:  # free variables may still cancel against later rows
                heapq.heappush(todo, position[v])
    return not vector
