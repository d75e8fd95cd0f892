"""Each process keeps the pool of drawable items between starts (quizapp.services.pools), and an import
made through any app server (the command line or the trainer's upload) makes every other one
read it again at its next start. Counted: the cache's hits and misses, the statements a start
runs, and which item versions an attempt holds."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp import create_app
from quizapp.data.models import Attempt, AttemptQuestion, ContentVersion, Item, Response
from quizapp.services import pools, question_page, results
from quizapp.services.pools import PoolCache
from quizapp.web.extensions import db
from tests.helpers import AuthActions, counted_statements
from tests.services.test_importer import edit, run_import

from tests.web.candidate.conftest import FIXTURE_BANKS


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    target = tmp_path / "banks"
    shutil.copytree(FIXTURE_BANKS, target)
    return target


@pytest.fixture
def other_server(app_config, app):  # type: ignore[no-untyped-def]
    """A second app on the same database: another gunicorn server, with its own process caches."""
    second = create_app(app_config)
    yield second
    second.extensions["quizapp_db"].dispose()


def _start(client, mode: str = "timed") -> int:  # type: ignore[no-untyped-def]
    reply = client.post("/tests/fx-mock/start", data={"mode": mode})
    assert reply.status_code == 302, reply.text
    return int(re.search(r"/attempts/(\d+)/", reply.headers["Location"]).group(1))  # type: ignore[union-attr]


def _versions_drawn(app, attempt_id: int) -> set[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return set(db.session.scalars(select(AttemptQuestion.item_version_id)
                                      .where(AttemptQuestion.attempt_id == attempt_id)))


def _current_version(app, key: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(Item.current_version_id).where(Item.key == key))  # type: ignore[return-value]


def test_starts_read_the_pool_once_until_an_import_through_another_server(app, other_server, client, auth, users, banks):
    cache: PoolCache = app.extensions["quizapp_pools"]
    run_import(other_server, [banks])
    auth.as_role("candidate")
    first = _start(client, "timed")
    assert (cache.misses, cache.hits) == (1, 0)
    with counted_statements(app) as statements:
        _start(client, "practice")
    assert (cache.misses, cache.hits) == (1, 1)
    assert not [s for s in statements if "json_array_length" in s], "the pool was read again"
    old = _current_version(app, "fx-s1")
    assert old in _versions_drawn(app, first)  # the fixture mock draws every knowledge item

    # An edit imported through the other server (a new version of fx-s1): this server's next
    # start reads the pool again and draws the new version, not the one it kept.
    edit(banks / "bank.yaml", "stem: Single one?", "stem: Single one, edited?")
    run_import(other_server, [banks])
    new = _current_version(app, "fx-s1")
    assert new != old
    other = AuthActions(app.test_client(), users)
    other.as_role("other_candidate")
    drawn = _versions_drawn(app, _start(other.client, "timed"))
    assert (cache.misses, cache.hits) == (2, 1)
    assert new in drawn and old not in drawn


def test_every_import_raises_the_content_version(app, runner, banks):
    with app.app_context():
        before = pools.current(db.session)
    assert runner.invoke(args=["import", str(banks)]).exit_code == 0
    assert runner.invoke(args=["import", str(banks)]).exit_code == 0  # nothing changed: raised all the same
    with app.app_context():
        assert pools.current(db.session) == before + 2


def test_an_import_that_fails_leaves_the_content_version(app, runner, banks):
    assert runner.invoke(args=["import", str(banks)]).exit_code == 0
    with app.app_context():
        before = pools.current(db.session)
    edit(banks / "bank.yaml", "stem: Single one?", "stem:")  # invalid: refused, nothing written
    assert runner.invoke(args=["import", str(banks)]).exit_code != 0
    with app.app_context():
        assert pools.current(db.session) == before


def test_a_database_without_the_row_gets_one_at_the_next_import(app, runner, banks):
    with app.app_context():
        db.session.execute(ContentVersion.__table__.delete())
        db.session.commit()
        assert pools.current(db.session) == 0
    assert runner.invoke(args=["import", str(banks)]).exit_code == 0
    with app.app_context():
        assert pools.current(db.session) == 1


@pytest.mark.parametrize("mode", ["timed", "practice"])
def test_the_resume_position_from_rows_is_the_one_from_objects(app, client, auth, banks, mode):
    """Start sends a returning candidate where results.resume_position says, at every stage."""
    run_import(app, [banks])
    auth.as_role("candidate")
    attempt_id = _start(client, mode)
    with app.app_context():
        questions = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
                                       .order_by(AttemptQuestion.position)).all()
        ids = [q.id for q in questions]
    # None, then: an incomplete choice; a whole answer (a draft in practice); feedback asked for
    stages = [None, dict(complete=False, final=False), dict(complete=True, final=False), dict(complete=True, final=True)]
    for count in range(len(ids) + 1):
        for stage in stages[1:]:
            with app.app_context():
                db.session.execute(Response.__table__.delete().where(Response.question_id.in_(ids)))
                for question_id in ids[:count]:
                    db.session.add(Response(question_id=question_id, answer=[0], seq=1, complete=stage["complete"],
                                            final_at=datetime.now(UTC) if stage["final"] else None))
                db.session.commit()
                attempt = db.session.get(Attempt, attempt_id)
                expected = results.resume_position(attempt)
                assert question_page.resume_position(db.session, attempt_id, mode == "practice") == expected, (count, stage)
            reply = client.post("/tests/fx-mock/start", data={"mode": mode})  # resuming: where Start sends them
            assert reply.headers["Location"].endswith(f"/questions/{expected}")

