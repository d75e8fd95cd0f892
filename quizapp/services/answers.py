"""Answering a question of an attempt: sequence numbers, the save target (what a save needs to
know about its attempt and question, kept per process for the autosave), and the one
conditional upsert that stores an answer only if it is newer, in time, by the attempt's owner
(and, in practice, not yet final); flags. Flask-free.

The rules for when an answer counts are in quizapp.domain.question_types and
quizapp.domain.scoring; the deadline in quizapp.domain.timing.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, and_, bindparam, case, cast, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from quizapp.domain import question_types, timing
from quizapp.data.db import upsert_insert
from quizapp.data.models import Attempt, AttemptQuestion, ItemVersion, Mode, Response, User
from quizapp.services import spacing


@dataclass(frozen=True)
class StoredAnswer:
    """The choice a question holds, as a refused save found it: a whole answer in authored option
    indices (`complete`), or an incomplete choice in its type's partial form."""

    answer: list[int]
    seq: int
    saved_at: datetime
    complete: bool = True


@dataclass(frozen=True)
class SaveOutcome:
    status: str  # saved | stale | closed | invalid | locked | signed-out
    message: str = ""
    stored: StoredAnswer | None = None  # with "stale": what the question holds instead

    @property
    def ok(self) -> bool:
        return self.status in ("saved", "stale")


# Sequence numbers. A page counts its saves on from the seq it was given (the stored one plus
# one); the server keeps seq modulo SEQ_MODULUS (it fits a 32-bit column) and compares two as
# serial numbers (RFC 1982): `new` is newer than `old` when it is 1 to SEQ_MODULUS / 2 - 1 ahead,
# counting round past the top. So no value a client sends can wedge a question: a page loaded
# afterwards counts on from it, round the top if need be, and is newer. A client may send any
# whole number up to MAX_CLIENT_SEQ (what a script counts exactly); parse_seq refuses the rest.
SEQ_MODULUS = 2**31
MAX_CLIENT_SEQ = 2**53 - 1
BAD_SEQ_MESSAGE = ("This answer was not saved: the page sent a save number we cannot accept. "
                   "Reload the page and choose your answer again.")


def parse_seq(value: str | None) -> int | None:
    """A client's seq as stored (reduced modulo SEQ_MODULUS); 0 when none was sent; None when it
    is not a whole number from 0 to MAX_CLIENT_SEQ."""
    value = (value or "").strip()
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()) or len(value) > 16 or int(value) > MAX_CLIENT_SEQ:
        return None
    return int(value) % SEQ_MODULUS


def next_seq(stored: int | None) -> int:
    """The seq a freshly loaded page starts from: newer than the stored one."""
    return ((stored if stored is not None else 0) + 1) % SEQ_MODULUS


@dataclass(frozen=True)
class SaveTarget:
    """What saving an answer needs to know of its question (read in one query by `autosave_target`,
    or taken from loaded objects by `SaveTarget.of`)."""

    attempt_id: int
    question_id: int
    mode: str
    ended_at: datetime | None
    deadline_at: datetime | None
    item_type: str
    options: list[dict[str, Any]]
    option_order: list[int]

    @classmethod
    def of(cls, attempt: Attempt, question: AttemptQuestion) -> SaveTarget:
        version = question.item_version
        return cls(attempt.id, question.id, attempt.mode, attempt.ended_at, attempt.deadline_at,
                   version.type, version.options, list(question.option_order))


@dataclass(frozen=True)
class AttemptOwner:
    """Who an attempt belongs to, as the autosave checks a save token against it."""

    user_id: int
    role: str
    session_token: str


class AutosaveTargets:
    """A per-process cache of `autosave_target` answers: (attempt id, position) -> (owner,
    target), so that a save whose question was saved to before needs no read, only its write.

    What an entry says about the question never changes once an attempt has started: its id,
    the item version (type, options), the option order, the attempt's mode, deadline and owner
    (attempts are never deleted or moved; extra time is fixed at the start). What can change, the
    owner's role and session token and whether the attempt has ended, is only a hint here:
    `store_answer(..., owner=)` writes only if the database still agrees, and otherwise reads the
    truth (see there). Bounded: the oldest entries go first (an entry is about 660 bytes, so
    20,000 take some 13 MB a worker). Item options are shared per item version.
    """

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._entries: dict[tuple[int, int], tuple[AttemptOwner, SaveTarget]] = {}
        self._options: dict[int, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, attempt_id: int, position: int) -> tuple[AttemptOwner, SaveTarget] | None:
        return self._entries.get((attempt_id, position))

    def put(self, attempt_id: int, position: int, owner: AttemptOwner, target: SaveTarget, version_id: int) -> None:
        with self._lock:
            if len(self._options) >= self.max_entries:
                self._options.clear()
            options = self._options.setdefault(version_id, target.options)
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[attempt_id, position] = (owner, dataclasses.replace(target, options=options))

    def forget(self, attempt_id: int, position: int) -> None:
        self._entries.pop((attempt_id, position), None)

    def __len__(self) -> int:
        return len(self._entries)


def autosave_target(connection: Connection, attempt_id: int, position: int,
                    cache: AutosaveTargets | None = None) -> tuple[AttemptOwner, SaveTarget | None] | None:
    """Attempt `attempt_id`'s owner and its question at `position` (None if there is no such
    question), or None if there is no such attempt: one query of the few columns an autosave
    needs (the token check and the save), not whole rows. Kept in `cache` (when the question
    exists), where the next save to this question finds it without a query."""
    row = connection.execute(_autosave_query(), {"attempt_id": attempt_id, "position": position}).first()
    if row is None:
        return None
    owner = AttemptOwner(row.user_id, row.role, row.session_token)
    if row.question_id is None:
        return owner, None
    target = SaveTarget(row.attempt_id, row.question_id, row.mode, row.ended_at, row.deadline_at,
                        row.type, row.options, row.option_order)
    if cache is not None:
        cache.put(attempt_id, position, owner, target, row.item_version_id)
    return owner, target


@functools.cache
def _autosave_query() -> Any:
    return (
        select(Attempt.id.label("attempt_id"), AttemptQuestion.id.label("question_id"), Attempt.mode,
               Attempt.ended_at, Attempt.deadline_at, ItemVersion.id.label("item_version_id"), ItemVersion.type,
               ItemVersion.options, AttemptQuestion.option_order, User.id.label("user_id"), User.role,
               User.session_token)
        .select_from(Attempt)
        .join(User, User.id == Attempt.user_id)
        .outerjoin(AttemptQuestion, (AttemptQuestion.attempt_id == Attempt.id)
                   & (AttemptQuestion.position == bindparam("position")))
        .outerjoin(ItemVersion, ItemVersion.id == AttemptQuestion.item_version_id)
        .where(Attempt.id == bindparam("attempt_id"))
    )


def save_answer(session: Session, attempt: Attempt, question: AttemptQuestion, answer: list[int], seq: int,
                now: datetime, grace_seconds: float, explicit: bool = False, *,
                complete: bool = True, final: bool = False) -> SaveOutcome:
    """`store_answer` for loaded objects; `question.response` is reloaded on next access. A
    practice answer made final here reviews its item's card (spaced practice) in the same
    transaction: the answer and its review are committed, or rolled back, together."""
    outcome = store_answer(session.connection(), SaveTarget.of(attempt, question), answer, seq, now, grace_seconds,
                           explicit, complete=complete, final=final)
    session.expire(question, ["response"])
    if outcome.status == "saved" and final and complete and attempt.mode == Mode.PRACTICE:
        spacing.review_practice_answer(session, question, attempt.user_id, now)
    return outcome


def store_answer(connection: Connection, target: SaveTarget, answer: list[int], seq: int, now: datetime,
                 grace_seconds: float, explicit: bool = False, owner: AttemptOwner | None = None, *,
                 complete: bool = True, final: bool = False) -> SaveOutcome:
    """Save a choice (authored option indices; with `complete` false, an incomplete choice in its
    type's partial form, kept to show again but never counted).

    - Refused once the attempt has ended, or after the deadline plus grace.
    - Autosaves (explicit=False) apply only when `seq` is newer than the stored one (see
      SEQ_MODULUS), so a late or repeated save never overwrites a newer answer ("stale" is a
      success: nothing lost).
    - An explicit save (the plain form) always applies, and keeps the newer seq of the two.
    - In practice mode a save is a draft the candidate may change until `final` (they asked for
      feedback, with a whole answer); a final answer is locked ("locked").
    - With `owner` (the autosave, whose token was checked against it), written only while the
      attempt's owner is still that user, with that session token, and a candidate; otherwise
      "signed-out". So an owner read earlier, or cached, is as good as one read now.

    The write is one statement whose conditions are checked by the database at the moment of
    writing, so `target` may have been read in an earlier transaction: the row is written only
    while the attempt has not ended (PostgreSQL locks the attempt's row FOR SHARE, so a submit
    that is ending it waits for this save and scores it, or this save waits for the submit and
    sees it ended), only with a newer seq, and in practice only while not final.
    """
    if target.ended_at is not None or not timing.accepts_saves(target.deadline_at, now, grace_seconds):
        return SaveOutcome("closed", CLOSED_MESSAGE)
    problem = question_types.of(target.item_type).answer_problem(target.options, answer, complete)
    if problem:
        return SaveOutcome("invalid", problem)
    practice = target.mode == Mode.PRACTICE
    kind = ("practice-" if practice else "") + ("explicit" if explicit else "autosave")
    statement = _save_statement(connection.dialect.name, kind, owner is not None)
    params: dict[str, Any] = {"attempt_id": target.attempt_id, "question_id": target.question_id,
                              "answer": list(answer), "complete": complete, "seq": seq % SEQ_MODULUS,
                              "saved_at": now, "final_at": now if practice and final and complete else None}
    if owner is not None:
        params.update(user_id=owner.user_id, session_token=owner.session_token)
    # RETURNING tells whether the row was written (rowcount is not reliable for upserts on
    # every driver). No row back: the attempt ended meanwhile, or a newer seq was stored, or the
    # practice answer was made final meanwhile, or the owner changed; a second query tells which (rare),
    # and, for a stale save, reads the answer the question holds instead.
    if connection.execute(statement, params).first() is not None:
        return SaveOutcome("saved")
    now_row = connection.execute(_after_refusal_query(), {"attempt_id": target.attempt_id,
                                                          "question_id": target.question_id}).one()
    if owner is not None and (now_row.user_id, now_row.role, now_row.session_token) != (owner.user_id, "candidate", owner.session_token):
        return SaveOutcome("signed-out")
    if now_row.ended_at is not None:
        return SaveOutcome("closed", CLOSED_MESSAGE)
    if practice and now_row.final_at is not None:
        return SaveOutcome("locked", LOCKED_MESSAGE)
    stored = (StoredAnswer(list(now_row.answer), now_row.seq, now_row.saved_at, bool(now_row.complete))
              if now_row.seq is not None else None)
    return SaveOutcome("stale", "A newer answer to this question was already saved", stored)


@functools.cache
def _after_refusal_query() -> Any:
    """Why a save was refused: the attempt's end and owner, and the question's stored choice
    (whether it is final, and for a stale save's page, what it is), in one read."""
    return (select(Attempt.ended_at, User.id.label("user_id"), User.role, User.session_token,
                   Response.answer, Response.complete, Response.seq, Response.saved_at, Response.final_at)
            .join(User, User.id == Attempt.user_id)
            .outerjoin(Response, Response.question_id == bindparam("question_id", type_=Integer))
            .where(Attempt.id == bindparam("attempt_id")))


def _newer(new: Any, old: Any) -> Any:
    """SQL: seq `new` is newer than seq `old`, as serial numbers modulo SEQ_MODULUS (bigint arithmetic)."""
    modulus = literal_column(str(SEQ_MODULUS))
    return ((new - old + modulus) % modulus).between(1, literal_column(str(SEQ_MODULUS // 2 - 1)))


@functools.cache
def _save_statement(dialect: str, kind: str, owner_checked: bool = False) -> Any:
    """The conditional upsert behind store_answer, built once per dialect, kind (autosave or
    explicit, "practice-" when in practice) and owner check (building it costs more than running
    it). Parameters: attempt_id, question_id, answer, complete, seq, saved_at, final_at; and
    user_id, session_token when `owner_checked`."""
    insert = upsert_insert(dialect)
    still_open = select(Attempt.id).where(Attempt.id == bindparam("attempt_id", type_=Integer), Attempt.ended_at.is_(None))
    if owner_checked:
        still_open = still_open.join(User, User.id == Attempt.user_id).where(
            Attempt.user_id == bindparam("user_id", type_=Integer),
            User.session_token == bindparam("session_token", type_=User.session_token.type),
            User.role == "candidate")
    if dialect == "postgresql":
        still_open = still_open.with_for_update(read=True, of=Attempt)
    values = [bindparam("question_id", type_=Integer), bindparam("answer", type_=Response.answer.type),
              bindparam("complete", type_=Boolean), bindparam("seq", type_=Integer),
              bindparam("saved_at", type_=Response.saved_at.type), bindparam("final_at", type_=Response.final_at.type)]
    if dialect == "postgresql":  # typed parameters in a SELECT list (SQLite must not CAST: JSON has no type there)
        values = [cast(value, value.type) for value in values]
    statement = insert(Response).from_select(["question_id", "answer", "complete", "seq", "saved_at", "final_at"],
                                             select(*values).where(still_open.exists()))
    practice, explicit = kind.startswith("practice-"), kind.endswith("explicit")
    excluded = statement.excluded
    set_: dict[str, Any] = {"answer": excluded.answer, "complete": excluded.complete, "saved_at": excluded.saved_at}
    conditions = []
    if explicit:  # always applies, keeping the newer seq
        set_["seq"] = case((_newer(excluded.seq, Response.seq), excluded.seq), else_=Response.seq)
    else:
        set_["seq"] = excluded.seq
        conditions.append(_newer(excluded.seq, Response.seq))
    if practice:  # a draft until final; a final answer is locked
        set_["final_at"] = excluded.final_at
        conditions.append(Response.final_at.is_(None))
    statement = statement.on_conflict_do_update(
        index_elements=["question_id"], set_=set_,
        where=and_(*conditions) if conditions else None)
    return statement.returning(Response.id)


CLOSED_MESSAGE = "Your time is up: this answer was not saved. Answers saved before the deadline count."
LOCKED_MESSAGE = "You have already answered this practice question"


def set_flag(question: AttemptQuestion, flagged: bool) -> None:
    question.flagged = flagged
