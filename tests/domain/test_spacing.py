"""The spaced-practice rules (quizapp.domain.spacing): the rating of a marked answer, which mock
answers schedule, when a reviewed card is due, the UK day, and the due-first draw."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quizapp.domain.assembly import PoolItem
from quizapp.domain.spacing import Rating, due_first, end_of_uk_day, rating_for, review, schedules_timed_answer, uk_date

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("score", "rating"), [
    (0.0, Rating.Again),   # wrong
    (0.375, Rating.Hard),  # 3 of 8 ordering pairs: partly right
    (0.5, Rating.Hard),
    (1.0, Rating.Good),    # right; never Easy (a right answer may be a guess)
])
def test_a_marked_answer_maps_to_a_rating(score, rating):
    assert rating_for(score) == rating


@pytest.mark.parametrize(("score", "has_card", "schedules"), [
    (None, False, False), (None, True, False),  # not answered: no evidence
    (0.0, False, True), (0.5, False, True),      # wrong or partly right: always
    (1.0, False, False), (1.0, True, True),      # right: only an item already on a card
])
def test_which_timed_answers_schedule_their_item(score, has_card, schedules):
    assert schedules_timed_answer(score, has_card) is schedules


@pytest.mark.parametrize(("score", "gap"), [
    (0.0, timedelta(days=1)),    # wrong: the next day
    (0.375, timedelta(days=1.5)),  # partly right
    (1.0, timedelta(days=2)),    # right: days later
])
def test_a_new_card_is_due_a_day_after_a_wrong_answer_and_days_after_a_right_one(score, gap):
    """The figures docs/readiness.md gives."""
    card, _ = review(None, score, NOW)
    assert card.due - NOW == gap


def test_known_items_come_back_less_and_less_often():
    """Answered right each time it is due: about 11, 46 and 163 days (docs/readiness.md)."""
    card, _ = review(None, 1.0, NOW)
    gaps = []
    for _ in range(3):
        reviewed_at = card.due
        card, _ = review(card, 1.0, reviewed_at)
        gaps.append((card.due - reviewed_at).days)
    assert gaps == [11, 46, 163]


def test_forgetting_a_known_item_brings_it_back_soon():
    card, _ = review(None, 1.0, NOW)
    card, _ = review(card, 1.0, card.due)
    lapsed, rating = review(card, 0.0, card.due)
    assert rating == Rating.Again and lapsed.due - card.due == timedelta(days=1)


def test_the_same_answers_give_the_same_due_dates():
    assert review(None, 0.5, NOW) == review(None, 0.5, NOW)


@pytest.mark.parametrize(("now", "end"), [
    (datetime(2026, 3, 2, 9, 0, tzinfo=UTC), datetime(2026, 3, 3, 0, 0, tzinfo=UTC)),       # GMT
    (datetime(2026, 7, 1, 23, 30, tzinfo=UTC), datetime(2026, 7, 2, 23, 0, tzinfo=UTC)),    # BST: already 2 July in England
    (datetime(2026, 7, 1, 22, 59, tzinfo=UTC), datetime(2026, 7, 1, 23, 0, tzinfo=UTC)),
])
def test_today_ends_at_midnight_in_england(now, end):
    assert end_of_uk_day(now) == end


def test_a_due_date_is_its_day_in_england():
    assert uk_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)


def _item(key: str, statements: tuple[str, ...] = ("A",)) -> PoolItem:
    return PoolItem(version_id=hash(key) % 10_000, key=key, framework="f", section="knowledge",
                    statements=statements, type="single", n_options=4)


def test_due_items_come_first_in_their_order_then_the_weakest_statements():
    due = [_item("d2"), _item("d1")]
    pool = [_item("w1"), _item("w2"), _item("d1"), _item("w3", ("B",))]
    drawn = due_first(due, pool, ["A"], 4, seed=1)
    assert [q.key for q in drawn][:2] == ["d2", "d1"]
    assert sorted(q.key for q in drawn[2:]) == ["w1", "w2"]  # d1 is not drawn twice; B is not weak


def test_due_items_alone_when_they_fill_the_set_or_nothing_is_weak():
    due = [_item(f"d{n}") for n in range(5)]
    assert [q.key for q in due_first(due, [_item("w1")], ["A"], 3, seed=1)] == ["d0", "d1", "d2"]
    assert [q.key for q in due_first(due[:2], [_item("w1")], [], 3, seed=1)] == ["d0", "d1"]
