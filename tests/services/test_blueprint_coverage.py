"""Blueprint coverage from seeded draws: exposure, statements per form and expected overlap."""

from __future__ import annotations

import pytest

from quizapp.services import blueprint_coverage as bc
from quizapp.domain.assembly import DrawSpec, Pool, PoolItem


def pool(n_items: int = 8, scenarios: int = 0) -> Pool:
    items = [PoolItem(i, f"k{i}", "fw", "knowledge", ("A" if i % 2 else "B",), "single", 4) for i in range(n_items)]
    for s in range(scenarios):
        items += [PoolItem(100 + 10 * s + j, f"s{s}-{j}", "fw", "reasoning", ("A",), "single", 4, scenario=f"sc{s}", position=j)
                  for j in range(2)]
    return Pool(items, {"fw": ["A", "B"]})


def test_a_count_draw_from_a_uniform_pool():
    # 2 of 8 items, balanced over A and B (4 items each): each item in 1/4 of forms, so two forms
    # share 8 x (1/4)^2 = 0.5 items on average; every form has one A and one B.
    coverage = bc.simulate(pool(8), [DrawSpec("knowledge", "fw", "count", 2)], draws=2000)
    assert coverage.form_length_range == (2, 2)
    assert coverage.expected_overlap == pytest.approx(0.5, abs=0.05)
    assert coverage.overlap_share == pytest.approx(0.25, abs=0.03)
    low, high = coverage.exposure_range
    assert 0.2 < low <= high < 0.3
    by_code = {s.code: s for s in coverage.statements}
    assert (by_code["A"].mean, by_code["A"].fewest, by_code["A"].most, by_code["A"].share_with_any) == (1, 1, 1, 1)
    assert coverage.scenario_repeat is None and not coverage.fixed and coverage.never_drawn == []
    assert [(s.drawn, s.available, s.ratio) for s in coverage.sections] == [(2, 8, 4.0)]


def test_scenario_draws():
    coverage = bc.simulate(pool(4, scenarios=4), [DrawSpec("reasoning", "fw", "scenarios", 1)], draws=2000)
    assert coverage.form_length_range == (2, 2)
    assert coverage.scenario_repeat == pytest.approx(0.25, abs=0.03)
    assert coverage.expected_overlap == pytest.approx(0.5, abs=0.06)  # 8 items each in 1/4 of forms
    assert coverage.sections[0].unit == "scenarios" and coverage.sections[0].available == 4


def test_a_fixed_form():
    coverage = bc.simulate(pool(4), [DrawSpec("knowledge", "fw", "items", items=("k0", "k1", "k2"))], draws=20)
    assert coverage.fixed and coverage.expected_overlap == pytest.approx(3)


def test_overlap_is_the_unbiased_pair_average():
    from collections import Counter

    # Three forms: {a, b}, {a, c}, {a, b}: pairs share 1, 2, 1 (and the same again the other way round).
    assert bc._pair_rate(Counter({"a": 3, "b": 2, "c": 1}), 3) == pytest.approx((1 + 2 + 1) / 3)


def test_a_draw_that_cannot_be_met():
    coverage = bc.simulate(pool(2), [DrawSpec("knowledge", "fw", "count", 5)], draws=5)
    assert coverage.error and coverage.draws == 0
