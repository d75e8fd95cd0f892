"""The modified Angoff computation: reading a rating, a fixed form, the round-1 spread, the cut
score with its spread across judges, and whose result a new pass mark would change."""

from __future__ import annotations

import math

import pytest

from quizapp.domain import standard_setting as ss


@pytest.mark.parametrize(("typed", "value"), [("65", 65), (" 70 ", 70), ("0", 0), ("100", 100), ("55%", 55),
                                              ("55 %", 55)])
def test_a_rating_is_a_whole_percent(typed, value):
    assert ss.parse_rating(typed) == (value, None)


@pytest.mark.parametrize(("typed", "fragment"), [
    ("150", "from 0 to 100"), ("-5", "from 0 to 100"), ("abc", "a whole number"), ("0.65", "type 65"),
    ("62.5", "a whole number"), ("1e2", "a whole number"),
])
def test_a_bad_rating_says_what_is_wrong(typed, fragment):
    value, error = ss.parse_rating(typed)
    assert value is None and fragment in error


def test_an_empty_rating_is_not_yet_rated():
    assert ss.parse_rating("  ") == (None, None)


def test_a_fixed_form_lists_its_items_in_order():
    blueprint = {"sections": [{"draw": {"kind": "items", "items": ["a", "b"]}},
                              {"draw": {"kind": "items", "items": ["c"]}}]}
    assert ss.fixed_items(blueprint) == ["a", "b", "c"]


@pytest.mark.parametrize("draw", [{"kind": "count", "count": 4, "items": []}, {"kind": "scenarios", "count": 1, "items": []}])
def test_a_drawn_test_has_no_fixed_form(draw):
    blueprint = {"sections": [{"draw": {"kind": "items", "items": ["a"]}}, {"draw": draw}]}
    assert ss.fixed_items(blueprint) is None


def test_spread_of_round_one():
    spread = ss.spread([40, 70, 60])
    assert (spread.low, spread.median, spread.high, spread.n) == (40, 60, 70, 3)
    assert ss.spread([40, 60]).median == 50
    assert ss.spread([]) is None


def test_cut_score_is_the_mean_of_the_judges_sums_with_its_spread():
    # Two items worth 1 mark each. Judge sums: 1.2, 1.0 and 1.4 marks (60%, 50% and 70%).
    cut = ss.cut_score({"ann": [60, 60], "bo": [50, 50], "cy": [80, 60]}, [1.0, 1.0])
    assert cut.judges == 3
    assert cut.max_marks == 2.0
    assert cut.judge_percents == {"ann": pytest.approx(60.0), "bo": pytest.approx(50.0), "cy": pytest.approx(70.0)}
    assert cut.marks == pytest.approx(1.2)
    assert cut.percent == pytest.approx(60.0)
    assert cut.sd_percent == pytest.approx(10.0)  # the sample SD (n - 1) of 60, 50, 70
    assert cut.se_percent == pytest.approx(10.0 / math.sqrt(3))
    assert cut.rounded_percent == 60.0


def test_an_item_worth_more_counts_at_its_maximum():
    cut = ss.cut_score({"ann": [50, 100]}, [2.0, 1.0])  # 0.5 * 2 + 1.0 * 1 = 2 of 3 marks
    assert cut.percent == pytest.approx(200 / 3)
    assert cut.rounded_percent == 66.7
    assert cut.sd_percent is None and cut.se_percent is None  # one judge: no spread


def test_cut_score_refuses_missing_ratings():
    with pytest.raises(ValueError):
        ss.cut_score({"ann": [50]}, [1.0, 1.0])
    with pytest.raises(ValueError):
        ss.cut_score({}, [1.0])


def test_changed_decisions_under_a_new_pass_mark():
    attempts = [ss.Decided(1, 55.0, 50.0), ss.Decided(2, 65.0, 50.0), ss.Decided(3, 45.0, 50.0),
                ss.Decided(4, 60.0, 60.0)]
    changes = ss.changed_decisions(attempts, 60.0)
    assert [(c.attempt_id, c.passed_before, c.passed_after) for c in changes] == [(1, True, False)]
    assert [c.attempt_id for c in ss.changed_decisions(attempts, 40.0)] == [3]
