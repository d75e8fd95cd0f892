"""Rolling item scores up to the standards that group statements, and which framework is
current on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from quizapp.domain.standards import current_first, framework_status, standard_scores

STANDARD_OF = {"S1.1": "S1", "S1.2": "S1", "S2.1": "S2"}


def test_each_item_counts_once_per_standard() -> None:
    scores = standard_scores([(["S1.1", "S1.2"], 1.0), (["S1.1"], 0.0), (["S2.1", "S1.2"], 0.5)], STANDARD_OF)
    # the first item gives evidence on two outcomes of S1 but is one question for S1
    assert {code: (s.items, s.score) for code, s in scores.items()} == {"S1": (3, 1.5), "S2": (1, 0.5)}
    assert scores["S1"].percent == pytest.approx(50.0)


def test_statements_without_a_standard_are_left_out() -> None:
    scores = standard_scores([(["P1"], 1.0), (["S2.1", "P2"], 1.0)], {**STANDARD_OF, "P1": ""})
    assert list(scores) == ["S2"] and scores["S2"].items == 1


def test_no_items_no_standards() -> None:
    assert standard_scores([], STANDARD_OF) == {}


APRIL_2027 = date(2027, 4, 1)


@pytest.mark.parametrize(("start", "end", "today", "status"), [
    (None, None, date(2026, 12, 6), "current"),
    (APRIL_2027, None, date(2027, 3, 31), "upcoming"),
    (APRIL_2027, None, APRIL_2027, "current"),
    (None, APRIL_2027, date(2027, 3, 31), "current"),
    (None, APRIL_2027, APRIL_2027, "superseded"),
    (date(2020, 1, 1), APRIL_2027, date(2030, 1, 1), "superseded"),
])
def test_framework_status(start, end, today, status) -> None:
    assert framework_status(start, end, today) == status


def test_current_first_keeps_the_order_within_each_status() -> None:
    frameworks = [("kss", None, APRIL_2027), ("ecs", APRIL_2027, None), ("leader", None, None)]
    dates = lambda f: (f[1], f[2])  # noqa: E731
    assert [f[0] for f in current_first(frameworks, date(2026, 12, 6), dates)] == ["kss", "leader", "ecs"]
    assert [f[0] for f in current_first(frameworks, date(2027, 4, 1), dates)] == ["ecs", "leader", "kss"]
