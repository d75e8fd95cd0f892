"""The life of an attempt: start (or resume), end, score. Flask-free. Saving answers and flags
is in quizapp.services.answers.

Every function takes the database session and the current time, so the rules can be tested
with any clock. The timer rule itself is in quizapp.domain.timing; the scoring rules in
quizapp.domain.scoring, applied per question type by quizapp.domain.question_types.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, true, update
from sqlalchemy.orm import Session, aliased, selectinload

from quizapp.domain import question_types, scoring, timing
from quizapp.domain.assembly import DrawError, DrawSpec, Pool, PoolItem, assemble
from quizapp.domain.spacing import due_first
from quizapp.data.db import upsert_insert
from quizapp.data.models import (
    Attempt,
    AttemptQuestion,
    Bank,
    Ending,
    Framework,
    Item,
    ItemVersion,
    Mode,
    Statement,
    StatementResult,
    TestForm,
    User,
    item_version_statements,
)
from quizapp.services import spacing
from quizapp.services.pools import PoolCache

DEFAULT_BANDS = [
    {"min_percent": 75.0, "label": "Secure"},
    {"min_percent": 50.0, "label": "Developing"},
    {"min_percent": 0.0, "label": "Priority for development"},
]
PRACTICE_SET_SIZE = 10


@dataclass(frozen=True)
class Started:
    attempt_id: int
    new: bool  # False: the candidate's open attempt, resumed


class AttemptError(Exception):
    """Something the candidate asked for cannot be done; the message is fit to show them."""


# -- the pool --------------------------------------------------------------------------------------


def load_pool(session: Session, framework_keys: set[str], owner_id: int | None = None) -> Pool:
    """The current version of every live item in the live banks that hold an item keyed to these
    frameworks (a bank of one of them, or one whose items name them in also_keyed: the whole bank,
    so that a scenario is known whole) that the service owns, or the organisation `owner_id` (a
    test's owner: see quizapp.services.ownership). Each item carries its codes of every framework.

    Read as narrow rows (the few columns a draw needs, the options' count counted by the
    database), not as ItemVersion objects with every stem, option and rationale decoded: this
    runs on every start, and whole objects made it two thirds of a start's time."""
    params = {"framework_keys": sorted(framework_keys), "owner_id": owner_id}
    rows = session.execute(_pool_query(), params).all()
    codes: dict[int, dict[str, list[str]]] = {}
    for version_id, framework_key, code in session.execute(_pool_statements_query(), params):
        codes.setdefault(version_id, {}).setdefault(framework_key, []).append(code)
    items = [
        PoolItem(
            version_id=version_id,
            key=key,
            framework=framework,
            section=section,
            statements=tuple(codes.get(version_id, {}).get(framework, ())),
            type=item_type,
            n_options=n_options,
            scenario=f"s{scenario_id}" if scenario_id is not None else None,
            position=position,
            also=tuple((other, tuple(found)) for other, found in codes.get(version_id, {}).items() if other != framework),
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
    """The current versions of the live items in the live banks that hold an item keyed to a
    framework named by the parameter `framework_keys` (a list): a bank of that framework, or one
    with an item whose current version names it in also_keyed; in the service's banks or those
    of the organisation `owner_id` (None: the service's only)."""
    keys = bindparam("framework_keys", expanding=True)
    keyed = aliased(Framework)
    also_keyed_banks = (
        select(Item.bank_id)
        .join(item_version_statements, item_version_statements.c.item_version_id == Item.current_version_id)
        .join(Statement, Statement.id == item_version_statements.c.statement_id)
        .join(keyed, keyed.id == Statement.framework_id)
        .where(keyed.key.in_(keys))
        .correlate(None)  # its own Item and Statement, not the enclosing query's
    )
    return (
        select(*columns)
        .select_from(Item)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .join(Bank, Item.bank_id == Bank.id)
        .join(Framework, Bank.framework_id == Framework.id)
        .where(or_(Framework.key.in_(keys), Bank.id.in_(also_keyed_banks)), Item.retired_at.is_(None),
               Bank.retired_at.is_(None),
               or_(Bank.organisation_id.is_(None), Bank.organisation_id == bindparam("owner_id")))
    )


@functools.cache
def _pool_query() -> Any:
    return _live_items(ItemVersion.id.label("version_id"), Item.key, Framework.key.label("framework"),
                       ItemVersion.section, ItemVersion.type,
                       func.json_array_length(ItemVersion.options).label("n_options"),
                       Item.scenario_id, Item.position).order_by(Item.id)


_STATEMENT_FRAMEWORK = aliased(Framework)


@functools.cache
def _pool_statements_query() -> Any:
    """(version id, framework key, statement code) of the pool's items, every framework's, each
    item's in statement order."""
    return (
        _live_items(ItemVersion.id, _STATEMENT_FRAMEWORK.key, Statement.code)
        .join(item_version_statements, item_version_statements.c.item_version_id == ItemVersion.id)
        .join(Statement, Statement.id == item_version_statements.c.statement_id)
        .join(_STATEMENT_FRAMEWORK, _STATEMENT_FRAMEWORK.id == Statement.framework_id)
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


def open_attempt_id(session: Session, user_id: int, test_id: int, mode: str) -> int | None:
    """The id of the candidate's open attempt at this test in this mode, if any (at most one:
    the unique index uq_attempts_open)."""
    return session.scalar(_OPEN_ATTEMPT_ID, {"user_id": user_id, "test_id": test_id, "mode": mode})


# Built once: building a statement (and its cache key) on every start cost more than running it.
_OPEN_ATTEMPT_ID = select(Attempt.id).where(
    Attempt.user_id == bindparam("user_id"), Attempt.test_id == bindparam("test_id"),
    Attempt.mode == bindparam("mode"), Attempt.ended_at.is_(None))


def start(session: Session, user: User, test: TestForm, mode: str, now: datetime, seed: int | None = None,
          before_write: Callable[[], None] | None = None, pools: PoolCache | None = None) -> Attempt:
    """Start a new attempt, or return the candidate's open attempt at this test in this mode
    (so a second click, a second tab or a returning candidate all resume the same attempt)."""
    started = start_or_resume(session, user, test, mode, now, seed, before_write, pools)
    return session.get_one(Attempt, started.attempt_id)


def start_or_resume(session: Session, user: User, test: TestForm, mode: str, now: datetime, seed: int | None = None,
                    before_write: Callable[[], None] | None = None,
                    pools: PoolCache | None = None) -> Started:
    """As `start`, for the web view: the attempt's id and whether it is new or the open one
    resumed, without building the attempt's object (a start stampede is CPU-bound).

    `before_write` is called after the draw and before anything is written (the web view uses
    it to take SQLite's write lock only for the insert). `pools`, the process's PoolCache,
    spares reading the pool again while no import has changed it."""
    if mode not in (Mode.TIMED, Mode.PRACTICE):
        raise AttemptError("Choose a timed mock or practice")
    existing_id = open_attempt_id(session, user.id, test.id, mode)
    if existing_id is not None:
        return Started(existing_id, new=False)
    specs = draw_specs(test)
    seed = seed if seed is not None else secrets.randbelow(2**31)
    frameworks = {s.framework for s in specs}
    owner = test.organisation_id
    pool = (pools.get(session, frameworks, load_pool, owner) if pools is not None
            else load_pool(session, frameworks, owner))
    try:
        drawn = assemble(pool, specs, seed, bool(test.blueprint.get("shuffle_options", True)))
    except DrawError:
        # The banks no longer hold what the test draws (a bank was retired): nothing is stored.
        raise AttemptError("This test cannot be started at the moment: its questions are being changed. "
                           "Try again later or choose another test") from None
    extra = user.extra_time_percent if mode == Mode.TIMED else 0
    extra_minutes = (user.extra_time_minutes or 0) if mode == Mode.TIMED else 0
    membership = user.current_membership  # its organisation's id, without loading the organisation
    values = dict(
        user_id=user.id,
        test_id=test.id,
        organisation_id=membership.organisation_id if membership is not None else None,
        team_id=membership.team_id if membership is not None else None,
        title=test.title,
        mode=str(mode),
        seed=seed,
        started_at=now,
        time_limit_seconds=test.time_limit_minutes * 60 if mode == Mode.TIMED else None,
        extra_time_percent=extra,
        extra_time_minutes=extra_minutes,
        deadline_at=timing.deadline(now, test.time_limit_minutes, extra, extra_minutes) if mode == Mode.TIMED else None,
        pass_mark_percent=test.pass_mark_percent,
        bands=list(test.blueprint.get("bands") or DEFAULT_BANDS),
    )
    if before_write is not None:
        before_write()
    attempt_id = session.execute(_insert_unless_open(session.get_bind().dialect.name), values).scalar()
    if attempt_id is None:
        # Another request of the same candidate (a double click, a second tab) started it first.
        return Started(open_attempt_id(session, user.id, test.id, mode), new=False)
    # Core's executemany: the ORM's bulk insert spent more time on 30 dictionaries than the database did.
    session.execute(AttemptQuestion.__table__.insert(), [
        {"attempt_id": attempt_id, "position": n, "item_version_id": q.version_id, "option_order": list(q.option_order),
         "section": q.section, "flagged": False}
        for n, q in enumerate(drawn, start=1)])
    return Started(attempt_id, new=True)


@functools.cache
def _insert_unless_open(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: a new attempt's id, or no row if the
    candidate already has an open one at this test in this mode (the unique index
    uq_attempts_open). One statement where a savepoint, the unit of work's flush and the
    savepoint's release were three: a start stampede queues for SQLite's write lock."""
    table = Attempt.__table__
    return upsert_insert(dialect)(table).on_conflict_do_nothing().returning(table.c.id)


def weakest_statements(session: Session, user: User, limit: int = 3,
                       framework_ids: Collection[int] | None = None) -> list[Statement]:
    """The candidate's lowest statements on their latest results (mean percent over their last
    three ended timed attempts), weakest first; of the frameworks `framework_ids` when given
    (results are stored for every framework an item is keyed to)."""
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
        .where(StatementResult.attempt_id.in_(select(recent.c.id)), Statement.retired_at.is_(None),
               Statement.framework_id.in_(sorted(framework_ids)) if framework_ids is not None else true())
        .group_by(Statement.id)
        .order_by("mean", Statement.position)
        .limit(limit)
    ).all()
    return [statement for statement, _mean in rows]


def start_weakest_practice(session: Session, user: User, now: datetime, size: int = PRACTICE_SET_SIZE,
                           seed: int | None = None, framework_ids: Collection[int] | None = None) -> Attempt:
    """An untimed practice set: the candidate's items due for review today first (spaced
    practice, most overdue first: quizapp.services.spacing), then items keyed to their weakest
    statements (of the frameworks `framework_ids` when given; those of the weakest statement's
    framework), preferring items they got wrong, then items they have not seen."""
    due = spacing.due_items(session, user, now, size)
    weak = weakest_statements(session, user, framework_ids=framework_ids) if len(due) < size else []
    if not weak and not due:
        later = spacing.due_summary(session, user, now).next_due
        if later is not None:
            raise AttemptError(f"No questions are due for review today: the next is due on {later.day} {later:%B %Y}. "
                               "Take a timed mock test to practise your weakest statements meanwhile")
        raise AttemptError("Take a timed mock test first, so that we know which statements to practise")
    framework = weak[0].framework.key if weak else None
    weak = [s for s in weak if s.framework.key == framework]
    membership = user.current_membership
    pool = load_pool(session, {framework}, membership.organisation_id if membership else None) \
        if framework else Pool([])
    history = session.execute(
        select(Item.key, AttemptQuestion.score)
        .join(ItemVersion, ItemVersion.item_id == Item.id)
        .join(AttemptQuestion, AttemptQuestion.item_version_id == ItemVersion.id)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.user_id == user.id, Attempt.ended_at.is_not(None))
    ).all() if weak else []
    seen = {key for key, _ in history}
    wrong = {key for key, score in history if score is not None and score < 1}
    seed = seed if seed is not None else secrets.randbelow(2**31)
    drawn = due_first(due, pool.keyed_to(framework) if framework else [], [s.code for s in weak], size, seed,
                      seen=seen, wrong=wrong)
    if not drawn:
        raise AttemptError("There are no practice questions for your weakest statements yet")
    parts = ([f"{len(due)} due for review"] if due else []) + [f"{s.code} {s.title}" for s in weak]
    attempt = Attempt(
        user_id=user.id,
        test_id=None,
        organisation_id=membership.organisation_id if membership else None,
        team_id=membership.team_id if membership else None,
        title=("Practice: " + ", ".join(parts))[:300],
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
    if attempt.mode == Mode.TIMED:
        spacing.review_timed(session, attempt, now)  # the mock's wrong answers come back in practice
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

