"""The scoring rules: worked examples and properties (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.domain import scoring

BANDS = [{"min_percent": 75, "label": "Secure"}, {"min_percent": 50, "label": "Developing"},
         {"min_percent": 0, "label": "Priority for development"}]


@pytest.mark.parametrize(("answer", "expected"), [([2], 1.0), ([1], 0.0), ([], 0.0), (None, 0.0), ([2, 1], 0.0)])
def test_single(answer, expected):
    assert scoring.score_single(2, answer) == expected


@pytest.mark.parametrize(
    ("answer", "rule", "expected"),
    [
        ([0, 3, 5], "all-or-nothing", 1.0),
        ([5, 3, 0], "all-or-nothing", 1.0),
        ([0, 3], "all-or-nothing", 0.0),
        ([0, 3, 5, 6], "all-or-nothing", 0.0),
        ([0, 3, 5], "partial", 1.0),
        ([0, 3], "partial", 2 / 3),
        ([0, 3, 6], "partial", 1 / 3),  # 2 right, 1 wrong
        ([0, 6, 7], "partial", 0.0),  # 1 right, 2 wrong: below 0 becomes 0
        ([1, 2, 4], "partial", 0.0),
        ([], "partial", 0.0),
    ],
)
def test_multiple(answer, rule, expected):
    assert scoring.score_multiple({0, 3, 5}, answer, rule) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("answer", "rule", "expected"),
    [
        ([0, 1, 2, 3], "all-or-nothing", 1.0),
        ([1, 0, 2, 3], "all-or-nothing", 0.0),
        ([1, 0, 2, 3], "partial", 1 - 1 / 6),
        ([3, 2, 1, 0], "partial", 0.0),
        ([0, 1, 3, 2], "partial", 5 / 6),
        ([0, 1, 2], "partial", 0.0),  # incomplete
        ([0, 1, 1, 2], "partial", 0.0),  # not a permutation
        (None, "partial", 0.0),
    ],
)
def test_ordering(answer, rule, expected):
    assert scoring.score_ordering(4, answer, rule) == pytest.approx(expected)


def test_statement_scores_count_multi_keyed_items_for_each_statement():
    result = scoring.statement_scores([(["P1"], 1.0), (["P1", "P2"], 0.5), (["P2"], 0.0), (["P3", "P3"], 1.0)])
    assert result["P1"].items == 2 and result["P1"].percent == pytest.approx(75.0)
    assert result["P2"].items == 2 and result["P2"].percent == pytest.approx(25.0)
    assert result["P3"].items == 1 and result["P3"].percent == 100.0


@pytest.mark.parametrize(
    ("value", "label"), [(100, "Secure"), (75, "Secure"), (74.99, "Developing"), (50, "Developing"), (0, "Priority for development")]
)
def test_bands(value, label):
    assert scoring.band_for(value, BANDS) == label
    assert scoring.band_for(value, list(reversed(BANDS))) == label


@pytest.mark.parametrize(("value", "mark", "ok"), [(60, 60, True), (59.99, 60, False), (100 * 18 / 30, 60, True)])
def test_pass_mark_is_inclusive(value, mark, ok):
    assert scoring.passed(value, mark) is ok


# -- properties ----------------------------------------------------------------------------------

options_count = st.integers(min_value=3, max_value=10)


@st.composite
def multiple_case(draw):
    n = draw(options_count)
    key = draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n - 1))
    answer = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    return n, key, answer


@given(multiple_case(), st.sampled_from(["all-or-nothing", "partial"]), st.randoms())
def test_multiple_score_in_range_and_order_free(case, rule, rnd):
    n, key, answer = case
    score = scoring.score_multiple(key, answer, rule)
    assert 0.0 <= score <= 1.0
    shuffled = list(answer)
    rnd.shuffle(shuffled)
    assert scoring.score_multiple(key, shuffled, rule) == score
    assert scoring.score_multiple(key, sorted(key), rule) == 1.0


@given(options_count.flatmap(lambda n: st.permutations(list(range(n)))), st.sampled_from(["all-or-nothing", "partial"]))
def test_ordering_score_in_range(order, rule):
    score = scoring.score_ordering(len(order), order, rule)
    assert 0.0 <= score <= 1.0
    assert scoring.score_ordering(len(order), list(range(len(order))), rule) == 1.0
    if rule == "partial" and list(order) == list(reversed(range(len(order)))):
        assert score == 0.0


@given(st.lists(st.tuples(st.lists(st.sampled_from(["P1", "P2", "P3"]), min_size=1, max_size=2),
                          st.floats(0, 1)), max_size=30))
def test_statement_percent_in_range(items):
    for result in scoring.statement_scores(items).values():
        assert 0.0 <= result.percent <= 100.0 + 1e-9
