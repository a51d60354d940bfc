"""Every indicator of the registry carries what the secrecy rule and the charts need."""

import pytest

from dashboards.sections import GROUPS
from indicators.registry import GRAPHIQUES, INDICATEURS
from pipelines.publish.secret import quantities_of

CHART_KEYS = {g.key for g in GRAPHIQUES}
# (v2) personnes: the distinct people behind a rate over sessions (taux_assiduite)
SOURCES = {"valeur", "numerateur", "denominateur", "complement", "personnes"}


@pytest.mark.parametrize("ind", INDICATEURS, ids=lambda i: i.code)
def test_every_indicator_declares_its_chart_and_its_secret_cells(ind):
    assert ind.graphique in CHART_KEYS, f"{ind.code}: no chart group"
    assert ind.cellules_secret is not None, f"{ind.code}: secrecy cells not declared"
    assert all(c.source in SOURCES for c in ind.cellules_secret), ind.code
    # the secrecy rule reads exactly what the registry declares
    assert quantities_of(ind.code) == ind.cellules_secret
    # funding is never secret; every other indicator rests on at least one count
    assert (ind.cellules_secret == ()) == (ind.secret_base == "none"), ind.code
    # a ratio is protected through its numerator or denominator, a count through itself
    if not ind.est_ratio:
        assert {c.source for c in ind.cellules_secret} <= {"valeur"}, ind.code


def test_every_chart_draws_indicators_of_one_unit_and_none_is_drawn_twice():
    drawn = [code for g in GROUPS for code in g.codes]
    assert sorted(drawn) == sorted(i.code for i in INDICATEURS)
    units = {i.code: i.unite for i in INDICATEURS}
    for group in GROUPS:
        assert group.codes, group.key
        # one axis per chart; the two costs share euros, the shares share %
        assert len({units[c] for c in group.codes}) == 1, group.key
