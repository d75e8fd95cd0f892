"""What the question page reads, in a fixed number of queries whatever the number of questions
(the page every candidate loads 30 times a mock). No Flask here.

- `shown_question`: the one question shown, with what the page needs of its attempt, item
  version and response, as plain records from one query of rows (`ShownQuestion`): no ORM
  objects, which cost a fifth of a view to build. The view falls back to `question_at` for
  anything but an open question of an open attempt (`tests/web/candidate/test_question_page_cache.py`
  checks the page is the same either way).
- `question_at`: the one question shown, with its attempt, item version and response, as ORM
  objects, in one query (the view then finds the attempt in the session: `Session.get` sends no
  query for it).
- `navigation`: the numbered buttons (answered, started, flagged) as plain rows from one query, not 30
  ORM objects with their responses: it must say what `results.navigation` says of the same
  attempt (`tests/web/candidate/test_question_page_queries.py` compares the two).
- `resume_position`: where Start sends the candidate, as `results.resume_position` says, from
  one query of plain rows (loading the attempt's 30 questions as objects was a tenth of a
  start's time; `tests/web/candidate/test_pool_cache.py` compares the two).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from quizapp.data.models import Attempt, AttemptQuestion, ItemVersion, Response
from .results import NavEntry, is_started


# What the question page reads of each record, under the ORM objects' attribute names, so that
# results.question_view and the template take either.
@dataclass(frozen=True, slots=True)
class ShownAttempt:
    id: int
    user_id: int
    mode: str
    deadline_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShownVersion:
    type: str
    stem: str
    options: list[dict[str, Any]]
    scenario_title: str | None
    scenario_text: str | None


@dataclass(frozen=True, slots=True)
class ShownResponse:
    answer: list[int]
    complete: bool
    seq: int
    final_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    id: int
    position: int
    flagged: bool
    option_order: list[int]
    item_version: ShownVersion
    response: ShownResponse | None
    attempt: ShownAttempt


def shown_question(session: Session, attempt_id: int, position: int) -> ShownQuestion | None:
    """Question `position` of the attempt as plain records, or None. Whose attempt it is is for
    the caller to check."""
    row = session.connection().execute(_shown_query(), {"attempt_id": attempt_id, "position": position}).first()
    if row is None:
        return None
    (qid, qposition, flagged, order, vtype, stem, options, scenario_title, scenario_text,
     response_id, answer, complete, seq, final_at, aid, user_id, mode, deadline_at, ended_at) = row
    return ShownQuestion(
        qid, qposition, flagged, order,
        ShownVersion(vtype, stem, options, scenario_title, scenario_text),
        None if response_id is None else ShownResponse(answer, complete, seq, final_at),
        ShownAttempt(aid, user_id, mode, deadline_at, ended_at),
    )


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
def _shown_query() -> Any:
    return (
        select(AttemptQuestion.id, AttemptQuestion.position, AttemptQuestion.flagged, AttemptQuestion.option_order,
               ItemVersion.type, ItemVersion.stem, ItemVersion.options, ItemVersion.scenario_title,
               ItemVersion.scenario_text,
               Response.id, Response.answer, Response.complete, Response.seq, Response.final_at,
               Attempt.id, Attempt.user_id, Attempt.mode, Attempt.deadline_at, Attempt.ended_at)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(ItemVersion, ItemVersion.id == AttemptQuestion.item_version_id)
        .outerjoin(Response, Response.question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == bindparam("attempt_id"), AttemptQuestion.position == bindparam("position"))
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
