"""Parallel forms: disjoint, balanced splits of a pool, and the helpers that draw from a BankSet."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.assembly import assemble
from quizapp.banks.forms import (
    Candidate,
    FormError,
    ScenarioCandidate,
    apportion,
    draw_specs,
    mean_random_overlap,
    pool_from_bank_set,
    scenario_items,
    split_knowledge,
    split_scenarios,
    statement_quotas,
)
from quizapp.banks.model import Draw

from .builders import bank_set, blueprint, item, scenario

CODES = [f"P{n}" for n in range(1, 11)]
TYPES = ("single", "single", "multiple", "single", "multiple", "ordering")


def pool(per_statement: int = 6, codes=CODES) -> list[Candidate]:
    return [Candidate(f"{code}-{n}", (code,), TYPES[n % len(TYPES)], 1 + n % 3)
            for code in codes for n in range(per_statement)]


def per_statement(keys: list[str]) -> Counter[str]:
    return Counter(key.split("-")[0] for key in keys)


def test_two_forms_are_disjoint_full_and_spread_alike():
    a, b = split_knowledge(pool(), CODES, 18)
    assert len(a) == len(b) == 18 and not set(a) & set(b)
    assert per_statement(a) == per_statement(b)
    assert set(per_statement(a)) == set(CODES) and set(per_statement(a).values()) == {1, 2}


def test_forms_are_balanced_by_type_and_difficulty():
    candidates = {c.key: c for c in pool()}
    a, b = split_knowledge(candidates.values(), CODES, 18)
    types = [Counter(candidates[k].type for k in form) for form in (a, b)]
    assert types[0] == types[1] == Counter({"single": 9, "multiple": 6, "ordering": 3})  # the pool's 3:2:1 mix
    means = [sum(candidates[k].difficulty for k in form) / 18 for form in (a, b)]
    assert abs(means[0] - means[1]) <= 0.2


def test_extra_items_go_to_the_statements_with_most_to_spare():
    candidates = pool(per_statement=4) + [Candidate(f"P7-x{n}", ("P7",), "single") for n in range(3)]
    assert statement_quotas(CODES, 11, per_statement([c.key for c in candidates])) == {
        **{code: 1 for code in CODES}, "P7": 2}


def test_excluded_items_are_never_used():
    first = split_knowledge(pool(10), CODES, 18)
    used = first[0] + first[1]
    second = split_knowledge(pool(10), CODES, 18, exclude=used, seed=5)
    assert not set(used) & (set(second[0]) | set(second[1]))


def test_the_split_is_deterministic_and_the_seed_matters():
    assert split_knowledge(pool(), CODES, 18, seed=3) == split_knowledge(pool(), CODES, 18, seed=3)
    assert split_knowledge(pool(), CODES, 18, seed=3) != split_knowledge(pool(), CODES, 18, seed=4)


def test_a_statement_short_of_items_is_refused_by_name():
    candidates = [c for c in pool(per_statement=4) if not c.key.startswith("P3-") or c.key == "P3-0"]
    with pytest.raises(FormError, match="P3 has 1 items, needs 2"):
        split_knowledge(candidates, CODES, 18)


def test_items_count_for_their_first_statement():
    candidates = [Candidate("A-0", ("A",), "single"), Candidate("B-0", ("B",), "single"),
                  Candidate("B-1", ("B",), "single"), Candidate("B-x", ("B", "A"), "single")]
    with pytest.raises(FormError, match="A has 1 items, needs 2"):  # "B-x" counts for B only
        split_knowledge(candidates, ["A", "B"], 2)
    candidates.append(Candidate("A-x", ("A", "B"), "single"))
    a, b = split_knowledge(candidates, ["A", "B"], 2)
    assert sorted(a + b) == ["A-0", "A-x", *sorted(set(a + b) - {"A-0", "A-x"})]


@settings(max_examples=50, deadline=None)
@given(sizes=st.lists(st.integers(min_value=2, max_value=9), min_size=3, max_size=8), seed=st.integers(0, 99))
def test_any_feasible_split_is_disjoint_and_even(sizes, seed):
    codes = [f"S{n}" for n in range(len(sizes))]
    candidates = [Candidate(f"S{i}-{n}", (f"S{i}",), TYPES[n % len(TYPES)], 1 + n % 3)
                  for i, size in enumerate(sizes) for n in range(size)]
    size = 2 * len(codes) // 2 + min(sizes) // 2
    try:
        forms = split_knowledge(candidates, codes, size, seed=seed)
    except FormError:
        return
    assert [len(f) for f in forms] == [size, size]
    assert not set(forms[0]) & set(forms[1])
    counts = [per_statement(f) for f in forms]
    assert counts[0] == counts[1]
    assert max(counts[0].values()) - min(counts[0].get(c, 0) for c in codes) <= 1


@pytest.mark.parametrize(("counts", "size", "expected"), [
    ({"single": 3, "multiple": 2, "ordering": 1}, 18, {"single": 9, "multiple": 6, "ordering": 3}),
    ({"single": 71, "multiple": 44, "ordering": 13}, 18, {"single": 10, "multiple": 6, "ordering": 2}),
    ({"single": 1, "multiple": 1}, 3, {"multiple": 2, "single": 1}),  # a tie: by name
    ({}, 5, {}),
])
def test_apportion(counts, size, expected):
    assert apportion(counts, size) == expected


# -- scenarios ---------------------------------------------------------------------------------


def scenario_pool() -> list[ScenarioCandidate]:
    def sc(key, codes, difficulty):
        return ScenarioCandidate(key, tuple(Candidate(f"{key}-{n}", (code,), "single", difficulty, key)
                                            for n, code in enumerate(codes)))

    return [
        sc("s1", ["A", "B", "C"], 2), sc("s2", ["D", "E", "F"], 2),
        sc("s3", ["A", "B", "C"], 2), sc("s4", ["D", "E", "F"], 2),
        sc("s5", ["A", "A", "A"], 1),
    ]


def test_scenarios_are_split_whole_disjoint_and_for_the_widest_coverage():
    a, b = split_scenarios(scenario_pool(), 2)
    assert not set(a) & set(b)
    by_key = {s.key: s for s in scenario_pool()}
    for form in (a, b):  # each form pairs an A-B-C scenario with a D-E-F one: six statements
        assert len(frozenset().union(*(by_key[k].statements for k in form))) == 6
    assert "s5" not in a + b


def test_too_few_scenarios_is_refused():
    with pytest.raises(FormError, match="need 4 scenarios, only 3"):
        split_scenarios(scenario_pool(), 2, exclude=["s1", "s2"])


def test_scenario_items_keep_the_authored_order():
    assert scenario_items(scenario_pool(), ["s2", "s1"]) == ["s2-0", "s2-1", "s2-2", "s1-0", "s1-1", "s1-2"]


# -- drawing from a bank set -------------------------------------------------------------------


def small_bank_set():
    knowledge = [item(f"k{n}", statements=(("A", "B")[n % 2],), stem=f"Which rule k{n} applies?") for n in range(8)]
    scenarios = [scenario(f"sc{s}", [item(f"sc{s}-{n}", section="reasoning", stem=f"Step {n}?") for n in range(3)])
                 for s in range(3)]
    test = blueprint("mock", ("knowledge", Draw("count", 4)), ("reasoning", Draw("scenarios", 1)))
    return bank_set(knowledge, scenarios=scenarios, tests=[test])


def test_a_pool_from_a_bank_set_assembles_like_the_database_pool():
    bs = small_bank_set()
    pool_ = pool_from_bank_set(bs)
    assert len(pool_.items) == 17 and pool_.statements == {"fw": ["A", "B"]}
    form = assemble(pool_, draw_specs(bs.tests["mock"]), seed=1)
    assert [q.section for q in form] == ["knowledge"] * 4 + ["reasoning"] * 3
    reasoning = [q for q in form if q.section == "reasoning"]
    assert len({q.scenario for q in reasoning}) == 1
    assert [q.key.split("-")[1] for q in reasoning] == ["0", "1", "2"]


def test_mean_random_overlap():
    bs = small_bank_set()
    pool_ = pool_from_bank_set(bs)
    specs = draw_specs(bs.tests["mock"])
    overlap = mean_random_overlap(pool_, specs, pairs=200)
    # 4 of 8 knowledge items: 2 shared on average; 1 of 3 scenarios: 3 items x 1/3 = 1
    assert 2.5 < overlap < 3.5
    whole = draw_specs(blueprint("all", ("knowledge", Draw("count", 8))))
    assert mean_random_overlap(pool_, whole, pairs=3) == 8
