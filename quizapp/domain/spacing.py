"""Spaced practice: the rules that turn a marked answer into an FSRS review, and the day a review
is "due today". Pure: no Flask, no database (quizapp.services.spacing stores the cards).

Each item a candidate answers in practice has a card (FSRS, the `fsrs` package: a memory model
with the item's stability and difficulty for this candidate). Marking an answer reviews the card
with a rating, and FSRS says when to see the item again: soon after a wrong answer, later and
later after right ones.

The rating, from the item's score (0 to 1, quizapp.domain.scoring):
- 0 (wrong, or nothing right of a multiple or ordering item): **Again**. The candidate does not
  know it yet; it should come back soon.
- between 0 and 1 (partial credit, e.g. 3 of 8 ordering pairs or two of three boxes right):
  **Hard**. They know some of it: it comes back sooner than a right answer, but the memory is
  not treated as lost.
- 1 (right): **Good**. We never give **Easy**: a right answer to a multiple-choice question can
  be a guess, and nothing here tells an easy recall from a lucky one.

Timed mocks schedule too (quizapp.services.spacing.review_timed), with the same ratings, but only
for evidence worth acting on: a wrong or partly right answer always reviews its item (a candidate
who got it wrong in a mock should meet it again in practice), while a right answer reviews only an
item that already has a card (it lengthens that item's interval) and never creates one, so that one
mock does not fill the review queue with forty items the candidate already knows. Questions left
unanswered (skipped, or not reached when time ran out) are no evidence and review nothing.

The scheduler: FSRS's default parameters and desired retention (0.9), with one learning step and
one relearning step of a day (FSRS's default steps of 1 and 10 minutes suit flashcards shown again
in one sitting, not questions in a practice set), and no fuzzing (the same answers give the same
due dates, which the tests and the candidate can rely on). So a wrong answer, on a new card or on
one the candidate knew, is due again one day later; a partly right answer on a new card a day and
a half later; a right one two days later; and an item answered right again and again goes out to
weeks and months (11, 46, 163 days after the first right answers on time).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from fsrs import Card, Rating, Scheduler, State

from .assembly import DrawnQuestion, PoolItem, option_order, practice_set
from .uk_time import UK, uk_date

ONE_DAY = timedelta(days=1)
SCHEDULER = Scheduler(learning_steps=(ONE_DAY,), relearning_steps=(ONE_DAY,), enable_fuzzing=False)


def rating_for(score: float) -> Rating:
    """The FSRS rating of an answer with this item score (0 to 1): see the module's docstring."""
    if score >= 1.0:
        return Rating.Good
    if score > 0.0:
        return Rating.Hard
    return Rating.Again


def schedules_timed_answer(score: float | None, has_card: bool) -> bool:
    """Whether a timed mock's answer reviews its item: a wrong or partly right answer always, a
    right one only when the item already has a card, no answer never."""
    if score is None:
        return False
    return score < 1.0 or has_card


@dataclass(frozen=True)
class CardState:
    """A card as stored (quizapp.data.models.spacing.ReviewCard holds these columns)."""

    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


def review(card: CardState | None, score: float, now: datetime) -> tuple[CardState, Rating]:
    """The card after an answer with this score at `now` (a new card when `card` is None)."""
    fsrs_card = Card() if card is None else Card(state=State(card.state), step=card.step, stability=card.stability,
                                                 difficulty=card.difficulty, due=_utc(card.due),
                                                 last_review=_utc(card.last_review) if card.last_review else None)
    rating = rating_for(score)
    after, _log = SCHEDULER.review_card(fsrs_card, rating, _utc(now))
    return CardState(state=int(after.state), step=after.step, stability=after.stability,
                     difficulty=after.difficulty, due=after.due, last_review=after.last_review), rating


def end_of_uk_day(now: datetime) -> datetime:
    """The instant (UTC) today ends in England: a card due before it is "due for review today"."""
    today = _utc(now).astimezone(UK).date()
    return datetime.combine(today + timedelta(days=1), time(0), tzinfo=UK).astimezone(UTC)


def _utc(when: datetime) -> datetime:
    """FSRS wants timezone-aware UTC datetimes; the database gives them (UTCDateTime)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def due_first(due: Sequence[PoolItem], pool_items: Sequence[PoolItem], weak_statements: Sequence[str], size: int,
              seed: int, seen: frozenset[str] | set[str] = frozenset(),
              wrong: frozenset[str] | set[str] = frozenset()) -> list[DrawnQuestion]:
    """A practice set: the items due for review first, in the order given (most overdue first),
    then, to fill `size`, the weakest statements' items as quizapp.domain.assembly.practice_set
    draws them (never an item already taken as due)."""
    rng = random.Random(seed)
    taken = list(dict.fromkeys(due))[:size]
    out = [DrawnQuestion(i.version_id, i.key, i.section, option_order(rng, i, True), None) for i in taken]
    keys = {i.key for i in taken}
    rest = [i for i in pool_items if i.key not in keys]
    if len(out) < size and weak_statements:
        out += practice_set(rest, weak_statements, size - len(out), seed, seen=seen, wrong=wrong)
    return out


__all__ = ["SCHEDULER", "CardState", "Rating", "due_first", "end_of_uk_day", "rating_for", "review",
           "schedules_timed_answer", "uk_date"]
