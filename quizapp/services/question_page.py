"""What the question page reads, in a fixed number of queries whatever the number of questions
(the page every candidate loads 30 times a mock). No Flask here.

- `question_at`: the one question shown, with its attempt, item version and response, in one
  query (the view then finds the attempt in the session: `Session.get` sends no query for it).
- `navigation`: the numbered buttons (answered, started, flagged) as plain rows from one query, not 30
  ORM objects with their responses: it must say what `results.navigation` says of the same
  attempt (`tests/web/candidate/test_question_page_queries.py` compares the two).
- `resume_position`: where Start sends the candidate, as `results.resume_position` says, from
  one query of plain rows (loading the attempt's 30 questions as objects was a tenth of a
  start's time; `tests/web/candidate/test_pool_cache.py` compares the two).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from quizapp.data.models import AttemptQuestion, ItemVersion, Response
from .results import NavEntry, is_started


def question_at(session: Session, attempt_id: int, position: int) -> AttemptQuestion | None:
    """Question `position` of the attempt with its attempt, item version and response, or None.
    Whose attempt it is is for the caller to check."""
    return session.scalar(_question_query(), {"attempt_id": attempt_id, "position": position})


def navigation(session: Session, attempt_id: int) -> list[NavEntry]:
    """Each question's number, whether it is answered and whether it is flagged, in order."""
    # On the session's connection, past the ORM's execution layer: plain rows need none of it.
    rows = session.connection().execute(_navigation_query(), {"attempt_id": attempt_id})
    # As results.navigation: answered only by a whole answer; "started" when an incomplete choice is kept.
    return [NavEntry(position, complete is True, flagged, started=is_started(complete, answer))
            for position, flagged, complete, answer in rows]


def resume_position(session: Session, attempt_id: int, practice: bool) -> int:
    """The first question without an answer that counts (in practice, without its feedback
    asked for), else the last one."""
    last = 0
    for position, complete, final_at in session.connection().execute(_resume_query(), {"attempt_id": attempt_id}):
        if not complete or (practice and final_at is None):  # (no response: complete is None)
            return int(position)
        last = position
    return last or 1


# Built once: building a statement costs more than running these.
@functools.cache
def _question_query() -> Any:
    return (
        select(AttemptQuestion)
        .outerjoin(Response, Response.question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == bindparam("attempt_id"), AttemptQuestion.position == bindparam("position"))
        .options(contains_eager(AttemptQuestion.response),
                 # the rationale and references are for feedback pages: not read (or decoded) here
                 joinedload(AttemptQuestion.item_version).defer(ItemVersion.rationale).defer(ItemVersion.references),
                 joinedload(AttemptQuestion.attempt))
    )


@functools.cache
def _navigation_query() -> Any:
    return (
        select(AttemptQuestion.position, AttemptQuestion.flagged, Response.complete, Response.answer)
        .outerjoin(Response, Response.question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
        .order_by(AttemptQuestion.position)
    )


@functools.cache
def _resume_query() -> Any:
    return (
        select(AttemptQuestion.position, Response.complete, Response.final_at)
        .outerjoin(Response, Response.question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
        .order_by(AttemptQuestion.position)
    )
