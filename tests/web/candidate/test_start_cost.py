"""What a start costs, counted (a stampede of candidates starting a mock at once must not queue
for seconds): the pool is read as narrow rows and the questions are written in one statement,
and both still give exactly what the ORM objects gave."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from quizapp.domain import timing
from quizapp.services import attempts
from quizapp.domain.assembly import PoolItem
from quizapp.web.extensions import db
from quizapp.data.models import (Attempt, AttemptQuestion, Bank, Framework, Item, ItemVersion, Statement, Team, TestForm,
                                 User)

from tests.helpers import counted_statements


def _shipped_mock() -> TestForm:
    """The shipped practitioner mock of 30 questions."""
    return db.session.scalar(select(TestForm).where(TestForm.key == "practitioner-mock-a"))


def _pool_from_objects(session, framework_keys: set[str]) -> list[PoolItem]:
    """The pool as load_pool built it from whole ItemVersion objects (before it read narrow rows)."""
    rows = session.execute(
        select(Item.key, Item.position, ItemVersion, Framework.key, Item.scenario_id, Item.bank_id)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .join(Bank, Item.bank_id == Bank.id)
        .join(Framework, Bank.framework_id == Framework.id)
        .where(Item.retired_at.is_(None), Bank.retired_at.is_(None))
        .options(selectinload(ItemVersion.statements).selectinload(Statement.framework))
    ).all()
    # a bank counts when it is of one of the frameworks or holds an item also keyed to one (issue 18)
    banks = {bank_id for bank_id, v, framework in ((r[5], r[2], r[3]) for r in rows)
             if framework in framework_keys or any(s.framework.key in framework_keys for s in v.statements)}
    return [PoolItem(version_id=v.id, key=key, framework=framework, section=v.section,
                     statements=tuple(s.code for s in v.statements if s.framework.key == framework), type=v.type,
                     n_options=len(v.options), scenario=f"s{scenario}" if scenario is not None else None,
                     position=position,
                     also=tuple((fw, tuple(s.code for s in v.statements if s.framework.key == fw))
                                for fw in dict.fromkeys(s.framework.key for s in v.statements) if fw != framework))
            for key, position, v, framework, scenario, bank_id in rows if bank_id in banks]


def test_the_pool_from_narrow_rows_is_the_pool_from_objects(imported):
    with imported.app_context():
        # frameworks with banks: a framework may be imported before any item is keyed to it
        every = set(db.session.scalars(select(Framework.key).join(Bank, Bank.framework_id == Framework.id)))
        for keys in [{key} for key in sorted(every)] + [every]:
            pool = attempts.load_pool(db.session, keys)
            expected = _pool_from_objects(db.session, keys)
            assert pool.items and sorted(pool.items, key=lambda i: i.version_id) == sorted(expected, key=lambda i: i.version_id)


@pytest.mark.parametrize("key", ["practitioner-mock-a", "practitioner-diagnostic"])
def test_a_start_runs_the_same_few_statements_whatever_the_number_of_questions(imported, client, auth, key):
    app = imported
    auth.as_role("candidate")
    with counted_statements(app) as statements:
        reply = client.post(f"/tests/{key}/start", data={"mode": "timed"})
    assert reply.status_code == 302
    writes = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(writes) == 2, writes  # the attempt, then all its questions at once
    # 9 when the pool is read (a first start after an import), none per question (there were 38 + 1
    # per question): the user with their memberships, the test, the open attempt, the content
    # version, the pool (3), the two inserts (the attempt's an upsert that does nothing if the
    # candidate has an open one: no savepoint). A new attempt opens at question 1 without asking
    # where to resume.
    assert len(statements) <= 9, "\n".join(statements)
    assert not any("SAVEPOINT" in s.upper() for s in statements)
    assert not any("final_at" in s and s.lstrip().upper().startswith("SELECT") for s in statements)
    attempt_id = int(re.search(r"/attempts/(\d+)/", reply.headers["Location"]).group(1))
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        positions = [q.position for q in attempt.questions]
        assert positions == list(range(1, len(positions) + 1)) and len(positions) >= 10
        assert all(q.item_version_id and q.option_order and q.section for q in attempt.questions)


def test_the_same_seed_draws_the_same_questions(imported, users, clock):
    """The draw is reproducible from the stored seed (the rows come in a fixed order now)."""
    with imported.app_context():
        test = _shipped_mock()
        drawn = []
        for who in ("candidate", "other_candidate"):
            user = db.session.get(User, users[who]["id"])
            attempt = attempts.start(db.session, user, test, "timed", clock(), seed=1234)
            db.session.commit()
            drawn.append(db.session.execute(select(AttemptQuestion.item_version_id, AttemptQuestion.option_order)
                                            .where(AttemptQuestion.attempt_id == attempt.id)
                                            .order_by(AttemptQuestion.position)).all())
        assert drawn[0] == drawn[1] and len(drawn[0]) == 30


def test_a_start_that_loses_the_race_resumes_the_winners_attempt(imported, users, clock):
    """Two starts of one candidate (a double click, two tabs) both find no open attempt; the one
    that writes second must get the first one's attempt, with no second attempt and no stray
    questions, and the transaction still usable (no savepoint to roll back now)."""
    with imported.app_context():
        test = _shipped_mock()
        user = db.session.get(User, users["candidate"]["id"])
        winner: list[int] = []

        def the_other_request_writes_first() -> None:
            winner.append(attempts.start(db.session, user, test, "timed", clock(), seed=1).id)

        started = attempts.start_or_resume(db.session, user, test, "timed", clock(), seed=2,
                                           before_write=the_other_request_writes_first)
        db.session.commit()
        assert started == attempts.Started(winner[0], new=False)
        assert db.session.scalar(select(func.count(Attempt.id))) == 1
        assert db.session.scalar(select(func.count(AttemptQuestion.id))) == 30
        assert db.session.get(Attempt, winner[0]).seed == 1


@pytest.mark.parametrize("mode", ["timed", "practice"])
def test_a_new_start_is_stored_as_the_service_returns_it(imported, users, clock, mode):
    """The attempt written by the one INSERT ... RETURNING is the whole attempt: timing, owner and
    pass mark as the test and the candidate say, open, with no result."""
    with imported.app_context():
        test = _shipped_mock()
        user = db.session.get(User, users["candidate"]["id"])
        user.extra_time_percent, user.extra_time_minutes = 25, 5
        membership = user.current_membership  # the fixture's candidate is in an organisation
        team = Team(name="Assessment team", organisation_id=membership.organisation_id)
        db.session.add(team)
        db.session.flush()
        membership.team_id = team.id
        db.session.commit()
        now = clock()
        started = attempts.start_or_resume(db.session, user, test, mode, now, seed=7)
        db.session.commit()
        db.session.expunge_all()
        attempt = db.session.get(Attempt, started.attempt_id)
        assert started.new and attempt.user_id == user.id and attempt.test_id == test.id
        assert (attempt.organisation_id, attempt.team_id) == (membership.organisation_id, membership.team_id)
        assert attempt.mode == mode and attempt.seed == 7
        assert attempt.started_at == now and attempt.ended_at is None and attempt.score is None
        assert attempt.pass_mark_percent == test.pass_mark_percent and attempt.bands
        if mode == "timed":
            assert attempt.time_limit_seconds == test.time_limit_minutes * 60
            assert (attempt.extra_time_percent, attempt.extra_time_minutes) == (25, 5)
            assert attempt.deadline_at == timing.deadline(now, test.time_limit_minutes, 25, 5)
        else:
            assert attempt.deadline_at is None and attempt.time_limit_seconds is None
            assert (attempt.extra_time_percent, attempt.extra_time_minutes) == (0, 0)
        assert [q.position for q in attempt.questions] == list(range(1, 31))
        assert not any(q.flagged for q in attempt.questions)
