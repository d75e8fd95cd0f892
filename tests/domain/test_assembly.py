"""Test assembly: seeded, balanced, scenarios kept together, options shuffled as the rules say."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.assembly import (
    DrawError,
    DrawSpec,
    Pool,
    PoolItem,
    assemble,
    option_order,
    practice_set,
)

CODES = [f"P{i}" for i in range(1, 11)]


def make_pool(per_statement: int = 4, scenarios: int = 3, scenario_size: int = 6) -> Pool:
    items = []
    vid = 0
    for code in CODES:
        for n in range(per_statement):
            vid += 1
            kind = ["single", "multiple", "ordering"][n % 3]
            items.append(PoolItem(vid, f"k-{code}-{n}", "fw", "knowledge", (code,), kind, {"single": 4, "multiple": 8, "ordering": 4}[kind]))
    for s in range(scenarios):
        for n in range(scenario_size):
            vid += 1
            items.append(PoolItem(vid, f"sc{s}-{n}", "fw", "reasoning", (CODES[(s + n) % 10],), "single", 4, f"sc{s}", n))
    return Pool(items, {"fw": CODES})


MOCK = [DrawSpec("knowledge", "fw", "count", 18), DrawSpec("reasoning", "fw", "scenarios", 2)]


def test_same_seed_same_form_different_seed_different_form():
    pool = make_pool()
    assert assemble(pool, MOCK, seed=42) == assemble(pool, MOCK, seed=42)
    assert assemble(pool, MOCK, seed=42) != assemble(pool, MOCK, seed=43)


def test_mock_shape_and_no_repeats():
    form = assemble(make_pool(), MOCK, seed=1)
    assert len(form) == 30
    assert [q.section for q in form] == ["knowledge"] * 18 + ["reasoning"] * 12
    assert len({q.key for q in form}) == 30


@pytest.mark.parametrize("seed", range(20))
def test_count_draw_spreads_across_statements(seed):
    form = assemble(make_pool(), [DrawSpec("knowledge", "fw", "count", 18)], seed=seed)
    per_statement = Counter(q.key.split("-")[1] for q in form)
    assert set(per_statement) == set(CODES)  # 18 items over 10 statements: every statement
    assert max(per_statement.values()) - min(per_statement.values()) <= 1


@pytest.mark.parametrize("seed", range(10))
def test_scenarios_stay_together_and_in_order(seed):
    form = assemble(make_pool(), MOCK, seed=seed)
    reasoning = [q for q in form if q.section == "reasoning"]
    scenario_keys = [q.scenario for q in reasoning]
    assert scenario_keys[:6] == [scenario_keys[0]] * 6 and scenario_keys[6:] == [scenario_keys[6]] * 6
    for block in (reasoning[:6], reasoning[6:]):
        assert [q.key.split("-")[1] for q in block] == [str(n) for n in range(6)]


def test_per_statement_covers_every_statement():
    form = assemble(make_pool(), [DrawSpec("knowledge", "fw", "per_statement", 3)], seed=5)
    assert Counter(q.key.split("-")[1] for q in form) == {code: 3 for code in CODES}


def test_fixed_items_in_order():
    form = assemble(make_pool(), [DrawSpec("knowledge", "fw", "items", items=("k-P3-1", "k-P1-0"))], seed=5)
    assert [q.key for q in form] == ["k-P3-1", "k-P1-0"]


@pytest.mark.parametrize(
    "spec",
    [DrawSpec("knowledge", "fw", "count", 41), DrawSpec("reasoning", "fw", "scenarios", 4),
     DrawSpec("knowledge", "fw", "per_statement", 5), DrawSpec("knowledge", "fw", "items", items=("nope",))],
)
def test_shortfall_raises(spec):
    with pytest.raises(DrawError):
        assemble(make_pool(), [spec], seed=1)


@given(st.integers(0, 2**31 - 1))
@settings(max_examples=50)
def test_ordering_items_are_always_shuffled_never_in_key_order(seed):
    import random

    item = PoolItem(1, "o", "fw", "knowledge", ("P1",), "ordering", 4)
    for shuffle in (True, False):
        order = option_order(random.Random(seed), item, shuffle)
        assert sorted(order) == [0, 1, 2, 3] and list(order) != [0, 1, 2, 3]


def test_options_not_shuffled_when_blueprint_says_so():
    pool = make_pool()
    types = {i.key: i.type for i in pool.items}
    form = assemble(pool, MOCK, seed=3, shuffle_options=False)
    for q in form:
        if types[q.key] == "ordering":
            assert list(q.option_order) != sorted(q.option_order)
        else:
            assert list(q.option_order) == sorted(q.option_order)
    shuffled = assemble(pool, MOCK, seed=3, shuffle_options=True)
    assert any(list(q.option_order) != sorted(q.option_order) for q in shuffled if types[q.key] != "ordering")


def test_practice_set_prefers_wrong_then_unseen_items():
    pool = make_pool()
    items = pool.items
    wrong = {"k-P2-0"}
    seen = {f"k-P2-{n}" for n in range(4)} | {"k-P5-0", "k-P5-1"}
    chosen = practice_set(items, ["P2", "P5"], size=4, seed=9, seen=seen, wrong=wrong)
    keys = [q.key for q in chosen]
    assert len(keys) == 4
    assert keys[0] == "k-P2-0"
    assert {"k-P5-2", "k-P5-3"} <= set(keys)
    assert all(k.split("-")[1] in {"P2", "P5"} for k in keys)


# -- a section of another framework draws the items also keyed to it ---------------------------

def _also_pool() -> Pool:
    items = [
        PoolItem(1, "k-1", "kss", "knowledge", ("P1",), "single", 4, also=(("ecs", ("E1",)),)),
        PoolItem(2, "k-2", "kss", "knowledge", ("P2",), "single", 4, also=(("ecs", ("E2",)),)),
        PoolItem(3, "k-3", "kss", "knowledge", ("P1",), "single", 4),  # KSS only
        PoolItem(4, "e-1", "ecs", "knowledge", ("E1",), "single", 4),
        PoolItem(5, "s-1", "kss", "reasoning", ("P1",), "single", 4, "sa", 0, also=(("ecs", ("E1",)),)),
        PoolItem(6, "s-2", "kss", "reasoning", ("P2",), "single", 4, "sa", 1, also=(("ecs", ("E2",)),)),
        PoolItem(7, "s-3", "kss", "reasoning", ("P1",), "single", 4, "sb", 0, also=(("ecs", ("E1",)),)),
        PoolItem(8, "s-4", "kss", "reasoning", ("P2",), "single", 4, "sb", 1),  # sb is not wholly ECS
    ]
    return Pool(items, {"kss": ["P1", "P2"], "ecs": ["E1", "E2"]})


def test_items_keyed_through_also_keyed_are_drawn_for_that_framework():
    pool = _also_pool()
    assert [(i.key, i.framework, i.statements) for i in pool.standalone("ecs", "knowledge")] == [
        ("k-1", "ecs", ("E1",)), ("k-2", "ecs", ("E2",)), ("e-1", "ecs", ("E1",))]
    assert [i.key for i in pool.standalone("kss", "knowledge")] == ["k-1", "k-2", "k-3"]
    assert list(pool.scenarios("ecs", "reasoning")) == ["sa"]
    assert list(pool.scenarios("kss", "reasoning")) == ["sa", "sb"]
    for seed in range(10):
        form = assemble(pool, [DrawSpec("knowledge", "ecs", "per_statement", 1),
                               DrawSpec("reasoning", "ecs", "scenarios", 1)], seed=seed)
        assert {q.key for q in form} <= {"k-1", "k-2", "e-1", "s-1", "s-2"} and len(form) == 4
