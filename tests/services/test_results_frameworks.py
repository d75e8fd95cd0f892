"""Results read against either framework an attempt's questions are keyed to: the one current
today first, the other on request, never one the questions are not keyed to
(tests/fixtures/ecs_banks: fx-kss is superseded and fx-ecs takes effect on 1 April 2027)."""

from __future__ import annotations

from datetime import date

import pytest

from quizapp.data.models import Attempt
from quizapp.services import accounts, attempts, results
from quizapp.web.extensions import db
from tests.services.test_pools_also_keyed import ECS_BANKS
from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.web.trainer.conftest import START, take

BEFORE, AFTER = date(2027, 3, 31), date(2027, 4, 1)


@pytest.fixture
def both(app, runner):
    for path in (FIXTURE_BANKS, ECS_BANKS):
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
    return app


def _report(attempt_id: int, today: date, framework: str | None = None) -> results.Report:
    return results.report(db.session, db.session.get(Attempt, attempt_id), today=today, framework=framework)


def test_the_framework_current_today_comes_first_and_the_other_on_request(both) -> None:
    with both.app_context():
        attempt_id = take("cand@example.org", {"k-1", "k-2"}, test_key="fx-kss-mock")  # k-3 and k-6 wrong
        before = _report(attempt_id, BEFORE)
        assert [o.key for o in before.framework.options] == ["fx-kss", "fx-ecs"]
        assert before.framework.chosen.key == "fx-kss" and before.framework.offered
        assert sorted(line.statement.code for line in before.statements) == ["K1", "K2", "K3"]
        assert before.standards == []

        after = _report(attempt_id, AFTER)
        assert [o.key for o in after.framework.options] == ["fx-ecs", "fx-kss"]
        assert [o.label for o in after.framework.options] == [
            "Fixture early career standards", "Fixture KSS (replaced)"]
        by_code = {line.statement.code: (line.items, round(line.percent)) for line in after.statements}
        assert by_code == {"E1.1": (2, 100), "E1.2": (1, 100), "E2.1": (1, 0)}  # k-6 has no ECS keying
        assert [(s.code, s.items, round(s.percent)) for s in after.standards] == [("E1", 2, 100), ("E2", 1, 0)]

        assert _report(attempt_id, BEFORE, "fx-ecs").framework.chosen.key == "fx-ecs"
        assert _report(attempt_id, AFTER, "fx-kss").framework.chosen.key == "fx-kss"
        assert _report(attempt_id, AFTER, "not-a-framework").framework.chosen.key == "fx-ecs"


def test_only_frameworks_the_questions_are_keyed_to_are_offered(both) -> None:
    with both.app_context():
        attempt_id = take("cand@example.org", 0.5)  # fx-mock: keyed to fx only
        report = _report(attempt_id, AFTER, "fx-ecs")
        assert report.framework.options == () and not report.framework.offered
        assert report.framework.chosen.key == "fx" and report.statements


def test_history_and_weakest_statements_by_framework(both) -> None:
    with both.app_context():
        take("cand@example.org", {"k-1", "k-2"}, test_key="fx-kss-mock")
        user = accounts.find_user(db.session, "cand@example.org")
        kss = results.history_frameworks(db.session, user, BEFORE, None)
        ecs = results.history_frameworks(db.session, user, AFTER, None)
        assert (kss.chosen.key, ecs.chosen.key) == ("fx-kss", "fx-ecs")
        assert [t.statement.code for t in results.statement_trends(db.session, user, ecs.shown_ids)] == [
            "E1.1", "E1.2", "E2.1"]
        weakest = attempts.weakest_statements(db.session, user, framework_ids=ecs.shown_ids)
        assert [s.code for s in weakest][0] == "E2.1"
        assert {s.framework.key for s in weakest} == {"fx-ecs"}
        practice = attempts.start_weakest_practice(db.session, user, START, framework_ids=ecs.shown_ids, seed=3)
        keys = {q.item_version.item.key for q in practice.questions}
        assert keys and keys <= {"k-1", "k-2", "k-3", "k-4", "k-5", "e-1"}  # items keyed to fx-ecs
        assert practice.title.startswith("Practice: E2.1")
