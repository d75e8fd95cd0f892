"""What a start costs, counted (a stampede of candidates starting a mock at once must not queue
for seconds): the pool is read as narrow rows and the questions are written in one statement,
and both still give exactly what the ORM objects gave."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizapp.services import attempts
from quizapp.domain.assembly import PoolItem
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, AttemptQuestion, Bank, Framework, Item, ItemVersion, Statement

from tests.helpers import counted_statements


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
    # 12 when the pool is read (a first start after an import), none per question (there were 38 + 1
    # per question): the user, the test, the membership, the open attempt, the content version, the
    # pool (3), the savepoint around the two inserts (2 + 2). A new attempt opens at question 1
    # without asking where to resume.
    assert len(statements) <= 12, "\n".join(statements)
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
        from quizapp.data.models import TestForm, User

        test = db.session.scalar(select(TestForm).where(TestForm.key == "practitioner-mock-a"))
        drawn = []
        for who in ("candidate", "other_candidate"):
            user = db.session.get(User, users[who]["id"])
            attempt = attempts.start(db.session, user, test, "timed", clock(), seed=1234)
            db.session.commit()
            drawn.append(db.session.execute(select(AttemptQuestion.item_version_id, AttemptQuestion.option_order)
                                            .where(AttemptQuestion.attempt_id == attempt.id)
                                            .order_by(AttemptQuestion.position)).all())
        assert drawn[0] == drawn[1] and len(drawn[0]) == 30
