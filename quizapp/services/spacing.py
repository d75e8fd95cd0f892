"""Spaced practice on the database: reviewing a candidate's card for an item when an answer is
marked, and which of their items are due. Flask-free; the rules are quizapp.domain.spacing.

A practice answer reviews its item's card when it is made final (the candidate asked for its
feedback), in the same transaction as the answer (`review_practice_answer`); a timed mock's
answers review theirs when the mock ends (`review_timed`, called by attempts.finish). Each review
is logged against the attempt question whose answer made it, and the log's question is unique: one
answer never reviews a card twice.

"Due for review today" means due before the end of today in England by the server's clock
(domain.spacing.end_of_uk_day): the home page's count and the due-first practice draw use the same
rule and the same items, those still live (neither the item nor its bank retired) in a bank the
candidate may see (the service's, or their organisation's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import question_types, spacing
from quizapp.domain.assembly import PoolItem
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Bank,
    Framework,
    Item,
    ItemVersion,
    ReviewCard,
    ReviewLog,
    User,
)


def _score(question: AttemptQuestion) -> float:
    version = question.item_version
    return question_types.of(version.type).mark(version.options, version.scoring, question.answer)


def review_practice_answer(session: Session, question: AttemptQuestion, user_id: int, now: datetime) -> bool:
    """Review the card of a practice answer just made final. False (nothing written) if that
    answer has reviewed its card already, or there is no whole answer."""
    if question.answer is None:
        return False
    return _review(session, user_id, question, _score(question), now)


def review_timed(session: Session, attempt: Attempt, now: datetime) -> int:
    """Review the cards of a timed mock's answers as it ends (domain.spacing.schedules_timed_answer
    says which); the number reviewed."""
    questions = session.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.item_version), selectinload(AttemptQuestion.response))
        .order_by(AttemptQuestion.position)
    ).all()
    item_ids = {q.item_version.item_id for q in questions}
    carded = set(session.scalars(
        select(ReviewCard.item_id).where(ReviewCard.user_id == attempt.user_id, ReviewCard.item_id.in_(item_ids))
    ))
    reviewed = 0
    for question in questions:
        if question.answer is None:  # skipped, or not reached: no evidence
            continue
        score = question.score if question.score is not None else _score(question)  # finish has stored it
        if spacing.schedules_timed_answer(score, question.item_version.item_id in carded):
            reviewed += _review(session, attempt.user_id, question, score, now)
    return reviewed


def _review(session: Session, user_id: int, question: AttemptQuestion, score: float, now: datetime) -> bool:
    if session.scalar(select(ReviewLog.id).where(ReviewLog.question_id == question.id)) is not None:
        return False
    item_id = question.item_version.item_id
    card = session.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.item_id == item_id)
                          .with_for_update())
    before = None if card is None else spacing.CardState(card.state, card.step, card.stability, card.difficulty,
                                                         card.due, card.last_review)
    after, rating = spacing.review(before, score, now)
    try:
        with session.begin_nested():
            if card is None:
                card = ReviewCard(user_id=user_id, item_id=item_id, reviews=0, state=after.state, due=after.due)
                session.add(card)
            card.state, card.step, card.stability, card.difficulty = after.state, after.step, after.stability, after.difficulty
            card.due, card.last_review, card.reviews = after.due, after.last_review, card.reviews + 1
            session.flush()
            session.add(ReviewLog(card_id=card.id, question_id=question.id, score=score, rating=int(rating),
                                  reviewed_at=now, due_after=after.due))
            session.flush()
    except IntegrityError:
        # Another request reviewed this answer (or made this card) first: it stands.
        return False
    return True


# -- what is due --------------------------------------------------------------------------------------


def _live_cards(user: User) -> Select[Any]:
    """The candidate's cards of live items they may see (the conditions as a WHERE clause)."""
    membership = user.current_membership
    owner = membership.organisation_id if membership is not None else None
    return (
        select(ReviewCard.due, ItemVersion.id.label("version_id"), Item.key, Framework.key.label("framework"),
               ItemVersion.section, ItemVersion.type, func.json_array_length(ItemVersion.options).label("n_options"))
        .join(Item, Item.id == ReviewCard.item_id)
        .join(ItemVersion, ItemVersion.id == Item.current_version_id)
        .join(Bank, Bank.id == Item.bank_id)
        .join(Framework, Framework.id == Bank.framework_id)
        .where(ReviewCard.user_id == user.id, Item.retired_at.is_(None), Bank.retired_at.is_(None),
               or_(Bank.organisation_id.is_(None), Bank.organisation_id == owner))
    )


@dataclass(frozen=True)
class DueSummary:
    today: int  # questions due for review today (UK day)
    next_due: date | None  # the day (UK) the next one is due, if none is today; None: no cards


def due_summary(session: Session, user: User, now: datetime) -> DueSummary:
    horizon = spacing.end_of_uk_day(now)
    cards = _live_cards(user).subquery()
    today = session.scalar(select(func.count()).select_from(cards).where(cards.c.due < horizon)) or 0
    next_due = None if today else session.scalar(select(func.min(cards.c.due)))
    return DueSummary(today=today, next_due=spacing.uk_date(next_due) if next_due is not None else None)


def due_items(session: Session, user: User, now: datetime, limit: int) -> list[PoolItem]:
    """The candidate's live items due for review today, most overdue first (at most `limit`)."""
    rows = session.execute(
        _live_cards(user).where(ReviewCard.due < spacing.end_of_uk_day(now))
        .order_by(ReviewCard.due, ReviewCard.id).limit(limit)
    ).all()
    return [PoolItem(version_id=version_id, key=key, framework=framework, section=section, statements=(),
                     type=item_type, n_options=n_options)
            for _due, version_id, key, framework, section, item_type, n_options in rows]
