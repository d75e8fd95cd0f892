"""A test whose sections draw from a framework takes the items keyed to it directly and through
also_keyed, from any bank the test may use (tests/fixtures/ecs_banks: fx-ecs-mock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.data.models import Attempt, TestForm
from quizapp.services import accounts, attempts
from quizapp.web.extensions import db
from tests.helpers import make_user
from tests.web.trainer.conftest import START

ECS_BANKS = Path(__file__).resolve().parents[1] / "fixtures" / "ecs_banks"
KEYED_TO_ECS = {"k-1", "k-2", "k-3", "k-4", "k-5", "e-1"}


@pytest.fixture
def ecs(app, runner):
    result = runner.invoke(args=["import", str(ECS_BANKS)])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize("seed", range(6))
def test_an_ecs_section_draws_items_keyed_to_it_through_also_keyed(ecs, seed) -> None:
    with ecs.app_context():
        make_user("cand@example.org", "candidate", "Org A")
        user = accounts.find_user(db.session, "cand@example.org")
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-ecs-mock"))
        attempt = attempts.start(db.session, user, test, "timed", START, seed=seed)
        keys = [q.item_version.item.key for q in attempt.questions]
        assert len(keys) == 5
        assert set(keys[:3]) <= KEYED_TO_ECS  # one knowledge item for each of E1.1, E1.2, E2.1
        codes = {s.code for q in attempt.questions[:3] for s in q.item_version.statements}
        assert {"E1.1", "E1.2", "E2.1"} <= codes
        assert keys[3:] == ["ks-1", "ks-2"]  # the only scenario whose items are all keyed to fx-ecs
        assert db.session.get(Attempt, attempt.id) is not None


def test_the_kss_pool_is_unchanged(ecs) -> None:
    with ecs.app_context():
        pool = attempts.load_pool(db.session, {"fx-kss"})
        assert sorted(i.key for i in pool.standalone("fx-kss", "knowledge")) == [f"k-{n}" for n in range(1, 7)]
        assert list(pool.statements) == ["fx-kss"]
        k2 = next(i for i in pool.items if i.key == "k-2")
        assert (k2.framework, k2.statements, k2.also) == ("fx-kss", ("K2",), (("fx-ecs", ("E1.1", "E1.2")),))
