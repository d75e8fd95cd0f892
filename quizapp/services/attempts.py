"""The life of an attempt: start (or resume), save answers, flag, end, score. Flask-free.

Every function takes the database session and the current time, so the rules can be tested
with any clock. The timer rule itself is in quizapp.domain.timing; the scoring rules in
quizapp.domain.scoring, applied per question type by quizapp.domain.question_types.
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Integer, and_, bindparam, case, cast, func, insert, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quizapp.domain import question_types, scoring, timing
from quizapp.domain.assembly import DrawSpec, Pool, PoolItem, assemble, practice_set
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Bank,
    Ending,
    Framework,
    Item,
    ItemVersion,
    Mode,
    Response,
    Statement,
    StatementResult,
    TestForm,
    User,
    item_version_statements,
)
from quizapp.services.pools import PoolCache

DEFAULT_BANDS = [
    {"min_percent": 75.0, "label": "Secure"},
    {"min_percent": 50.0, "label": "Developing"},
    {"min_percent": 0.0, "label": "Priority for development"},
]
PRACTICE_SET_SIZE = 10


class AttemptError(Exception):
    """Something the candidate asked for cannot be done; the message is fit to show them."""


# -- the pool --------------------------------------------------------------------------------------


def load_pool(session: Session, framework_keys: set[str]) -> Pool:
    """The current version of every live item in the live banks of these frameworks.

    Read as narrow rows (the few columns a draw needs, the options' count counted by the
    database), not as ItemVersion objects with every stem, option and rationale decoded: this
    runs on every start, and whole objects made it two thirds of a start's time."""
    params = {"framework_keys": sorted(framework_keys)}
    rows = session.execute(_pool_query(), params).all()
    codes: dict[int, list[str]] = {}
    for version_id, code in session.execute(_pool_statements_query(), params):
        codes.setdefault(version_id, []).append(code)
    items = [
        PoolItem(
            version_id=version_id,
            key=key,
            framework=framework,
            section=section,
            statements=tuple(codes.get(version_id, ())),
            type=item_type,
            n_options=n_options,
            scenario=f"s{scenario_id}" if scenario_id is not None else None,
            position=position,
        )
        for version_id, key, framework, section, item_type, n_options, scenario_id, position in rows
    ]
    statements: dict[str, list[str]] = {}
    for framework_key, code in session.execute(
        select(Framework.key, Statement.code)
        .join(Statement, Statement.framework_id == Framework.id)
        .where(Framework.key.in_(framework_keys), Statement.retired_at.is_(None))
        .order_by(Framework.key, Statement.position)
    ):
        statements.setdefault(framework_key, []).append(code)
    return Pool(items, statements)


def _live_items(*columns: Any) -> Any:
    """The current versions of the live items in the live banks of the frameworks named by the
    parameter `framework_keys` (a list)."""
    return (
        select(*columns)
        .select_from(Item)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .join(Bank, Item.bank_id == Bank.id)
        .join(Framework, Bank.framework_id == Framework.id)
        .where(Framework.key.in_(bindparam("framework_keys", expanding=True)), Item.retired_at.is_(None),
               Bank.retired_at.is_(None))
    )


@functools.cache
def _pool_query() -> Any:
    return _live_items(ItemVersion.id.label("version_id"), Item.key, Framework.key.label("framework"),
                       ItemVersion.section, ItemVersion.type,
                       func.json_array_length(ItemVersion.options).label("n_options"),
                       Item.scenario_id, Item.position).order_by(Item.id)


@functools.cache
def _pool_statements_query() -> Any:
    """(version id, statement code) of the pool's items, each item's in statement order."""
    return (
        _live_items(ItemVersion.id, Statement.code)
        .join(item_version_statements, item_version_statements.c.item_version_id == ItemVersion.id)
        .join(Statement, Statement.id == item_version_statements.c.statement_id)
        .order_by(ItemVersion.id, Statement.position)
    )


def draw_specs(test: TestForm) -> list[DrawSpec]:
    """The draw of each section of an imported test (also used by the trainer's previews and coverage)."""
    return [
        DrawSpec(
            section=s["section"],
            framework=s["framework"],
            kind=s["draw"]["kind"],
            count=int(s["draw"].get("count") or 0),
            items=tuple(s["draw"].get("items") or ()),
        )
        for s in test.blueprint["sections"]
    ]


# -- starting ----------------------------------------------------------------------------------------


def open_attempt(session: Session, user: User, test: TestForm, mode: str) -> Attempt | None:
    return session.scalar(
        select(Attempt).where(
            Attempt.user_id == user.id, Attempt.test_id == test.id, Attempt.mode == mode, Attempt.ended_at.is_(None)
        )
    )


def start(session: Session, user: User, test: TestForm, mode: str, now: datetime, seed: int | None = None,
          before_write: Callable[[], None] | None = None, pools: PoolCache | None = None) -> Attempt:
    """Start a new attempt, or return the candidate's open attempt at this test in this mode
    (so a second click, a second tab or a returning candidate all resume the same attempt).

    `before_write` is called after the draw and before anything is written (the web view uses
    it to take SQLite's write lock only for the insert). `pools`, the process's PoolCache,
    spares reading the pool again while no import has changed it."""
    if mode not in (Mode.TIMED, Mode.PRACTICE):
        raise AttemptError("Choose a timed mock or practice")
    existing = open_attempt(session, user, test, mode)
    if existing is not None:
        return existing
    specs = draw_specs(test)
    seed = seed if seed is not None else secrets.randbelow(2**31)
    frameworks = {s.framework for s in specs}
    pool = pools.get(session, frameworks, load_pool) if pools is not None else load_pool(session, frameworks)
    drawn = assemble(pool, specs, seed, bool(test.blueprint.get("shuffle_options", True)))
    extra = user.extra_time_percent if mode == Mode.TIMED else 0
    membership = user.current_membership  # its organisation's id, without loading the organisation
    attempt = Attempt(
        user_id=user.id,
        test_id=test.id,
        organisation_id=membership.organisation_id if membership is not None else None,
        title=test.title,
        mode=str(mode),
        seed=seed,
        started_at=now,
        time_limit_seconds=test.time_limit_minutes * 60 if mode == Mode.TIMED else None,
        extra_time_percent=extra,
        deadline_at=timing.deadline(now, test.time_limit_minutes, extra) if mode == Mode.TIMED else None,
        pass_mark_percent=test.pass_mark_percent,
        bands=list(test.blueprint.get("bands") or DEFAULT_BANDS),
    )
    questions = [{"position": n, "item_version_id": q.version_id, "option_order": list(q.option_order), "section": q.section}
                 for n, q in enumerate(drawn, start=1)]
    if before_write is not None:
        before_write()
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
            # One executemany for the questions, not the unit of work's INSERT per question:
            # shorter write-lock time when many candidates start at once.
            session.execute(insert(AttemptQuestion), [{**q, "attempt_id": attempt.id} for q in questions])
    except IntegrityError:
        # Another request for the same candidate won the race: use its attempt.
        existing = open_attempt(session, user, test, mode)
        if existing is None:
            raise
        return existing
    return attempt


def weakest_statements(session: Session, user: User, limit: int = 3) -> list[Statement]:
    """The candidate's lowest statements on their latest results (mean percent over their last
    three ended timed attempts), weakest first."""
    recent = (
        select(Attempt.id)
        .where(Attempt.user_id == user.id, Attempt.mode == Mode.TIMED, Attempt.ended_at.is_not(None))
        .order_by(Attempt.ended_at.desc())
        .limit(3)
        .subquery()
    )
    rows = session.execute(
        select(Statement, func.avg(StatementResult.percent).label("mean"))
        .join(StatementResult, StatementResult.statement_id == Statement.id)
        .where(StatementResult.attempt_id.in_(select(recent.c.id)), Statement.retired_at.is_(None))
        .group_by(Statement.id)
        .order_by("mean", Statement.position)
        .limit(limit)
    ).all()
    return [statement for statement, _mean in rows]


def start_weakest_practice(session: Session, user: User, now: datetime, size: int = PRACTICE_SET_SIZE,
                           seed: int | None = None) -> Attempt:
    """An untimed practice set from items keyed to the candidate's weakest statements,
    preferring items they got wrong, then items they have not seen."""
    weak = weakest_statements(session, user)
    if not weak:
        raise AttemptError("Take a timed mock test first, so that we know which statements to practise")
    framework_keys = {s.framework.key for s in weak}
    pool = load_pool(session, framework_keys)
    history = session.execute(
        select(Item.key, AttemptQuestion.score)
        .join(ItemVersion, ItemVersion.item_id == Item.id)
        .join(AttemptQuestion, AttemptQuestion.item_version_id == ItemVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.user_id == user.id, Attempt.ended_at.is_not(None))
    ).all()
    seen = {key for key, _ in history}
    wrong = {key for key, score in history if score is not None and score < 1}
    seed = seed if seed is not None else secrets.randbelow(2**31)
    drawn = practice_set(pool.items, [s.code for s in weak], size, seed, seen=seen, wrong=wrong)
    if not drawn:
        raise AttemptError("There are no practice questions for your weakest statements yet")
    attempt = Attempt(
        user_id=user.id,
        test_id=None,
        organisation_id=user.organisation.id if user.organisation else None,
        title="Practice: " + ", ".join(f"{s.code} {s.title}" for s in weak),
        mode=str(Mode.PRACTICE),
        seed=seed,
        started_at=now,
        pass_mark_percent=None,
        bands=DEFAULT_BANDS,
    )
    attempt.questions = [
        AttemptQuestion(position=n, item_version_id=q.version_id, option_order=list(q.option_order), section=q.section)
        for n, q in enumerate(drawn, start=1)
    ]
    session.add(attempt)
    session.flush()
    return attempt


# -- answering ---------------------------------------------------------------------------------------


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
    """`store_answer` for loaded objects; `question.response` is reloaded on next access."""
    outcome = store_answer(session.connection(), SaveTarget.of(attempt, question), answer, seq, now, grace_seconds,
                           explicit, complete=complete, final=final)
    session.expire(question, ["response"])
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
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
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


# -- ending and scoring ------------------------------------------------------------------------------


def end_if_expired(session: Session, attempt: Attempt, now: datetime, grace_seconds: float = 0.0) -> bool:
    """End an attempt whose time ran out (plus `grace_seconds`). True if it is now ended."""
    if attempt.ended_at is not None:
        return True
    if attempt.deadline_at is not None and now >= attempt.deadline_at + timedelta(seconds=grace_seconds):
        finish(session, attempt, now, Ending.EXPIRED)
        return True
    return False


def finish(session: Session, attempt: Attempt, now: datetime, how: str = Ending.SUBMITTED) -> bool:
    """End the attempt and store its scores. Exactly one caller wins a race: the end is claimed
    with a conditional UPDATE, and only the winner scores. Returns True for the winner."""
    claimed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.ended_at.is_(None))
        .values(ended_at=now, ended_how=str(how))
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(attempt)
    if claimed != 1:
        return False
    store_scores(session, attempt)
    return True


def mark_question(question: AttemptQuestion) -> float:
    version = question.item_version
    return question_types.of(version.type).mark(version.options, version.scoring, question.answer)


def store_scores(session: Session, attempt: Attempt) -> None:
    """Mark every question and write the attempt's totals and per-statement results."""
    questions = session.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.item_version).selectinload(ItemVersion.statements),
                 selectinload(AttemptQuestion.response))
        .order_by(AttemptQuestion.position)
    ).all()
    scored = []
    for question in questions:
        question.score = mark_question(question)
        scored.append((question, question.score))
    total = sum(score for _q, score in scored)
    attempt.score = total
    attempt.max_score = float(len(scored))
    attempt.percent = scoring.percent(total, len(scored))
    attempt.passed = scoring.passed(attempt.percent, attempt.pass_mark_percent) if attempt.pass_mark_percent is not None else None
    per_statement: dict[int, list[float]] = {}
    for question, score in scored:
        for statement in dict.fromkeys(question.item_version.statements):
            per_statement.setdefault(statement.id, []).append(score)
    session.execute(StatementResult.__table__.delete().where(StatementResult.attempt_id == attempt.id))
    for statement_id, scores in per_statement.items():
        value = scoring.percent(sum(scores), len(scores))
        session.add(StatementResult(attempt_id=attempt.id, statement_id=statement_id, items=len(scores),
                                    score=sum(scores), percent=value, band=scoring.band_for(value, attempt.bands)))
    session.flush()


def finalise_expired(session: Session, now: datetime, grace_seconds: float) -> int:
    """End every timed attempt whose deadline plus grace has passed (`quizapp finalise-expired`)."""
    cutoff = now - timedelta(seconds=grace_seconds)
    ids = session.scalars(
        select(Attempt.id).where(Attempt.ended_at.is_(None), Attempt.deadline_at.is_not(None), Attempt.deadline_at <= cutoff)
    ).all()
    ended = 0
    for attempt_id in ids:
        attempt = session.get(Attempt, attempt_id)
        if attempt is not None and finish(session, attempt, now, Ending.EXPIRED):
            ended += 1
    return ended


def time_taken_seconds(attempt: Attempt) -> float | None:
    if attempt.ended_at is None:
        return None
    end = attempt.ended_at if attempt.deadline_at is None else min(attempt.ended_at, attempt.deadline_at)
    return max(0.0, (end - attempt.started_at).total_seconds())

