"""The demo's simulated candidates: the model's pieces, and attempts stored like real ones."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.services import accounts, demo, simulation
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, ItemVersion, Membership, Mode, Team, User

from tests.web.candidate.conftest import FIXTURE_BANKS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def version(type_: str, n: int = 4, correct: tuple[int, ...] = (0,), difficulty: int | None = 2) -> ItemVersion:
    options = [{"text": f"o{i}", "correct": type_ != "ordering" and i in correct, "feedback": ""} for i in range(n)]
    return ItemVersion(type=type_, options=options, difficulty=difficulty)


def test_the_model_is_seeded_by_the_item_id():
    v = version("single")
    assert simulation.item_model("x-1", v) == simulation.item_model("x-1", v)
    assert simulation.item_model("x-1", v) != simulation.item_model("x-2", v)


@pytest.mark.parametrize(("difficulty", "centre"), [(1, -1.5), (2, 0.0), (3, 1.5), (None, 0.0)])
def test_difficulty_sets_the_centre_of_b(difficulty, centre):
    bs = [simulation.item_model(f"k{i}", version("single", difficulty=difficulty)).b for i in range(300)]
    assert sum(bs) / len(bs) == pytest.approx(centre, abs=0.15)


def test_knowing_rises_with_ability():
    model = simulation.ItemModel(a=1.2, b=0.3, weights=(1, 1, 1, 1))
    chances = [simulation.p_know(theta, model) for theta in (-2, -1, 0, 0.3, 1, 2)]
    assert chances == sorted(chances) and chances[3] == pytest.approx(0.5)


def test_answers_have_the_shape_each_type_needs():
    rng = random.Random(1)
    for _ in range(200):
        single = simulation.simulated_answer(rng, 0.0, version("single"), simulation.ItemModel(1, 0, (1, 1, 1, 1)))
        assert single is None or (len(single) == 1 and 0 <= single[0] < 4)
        multiple = simulation.simulated_answer(rng, 0.0, version("multiple", 8, (0, 3, 5)),
                                               simulation.ItemModel(1, 0, (1,) * 8))
        assert multiple is None or (len(multiple) == 3 and len(set(multiple)) == 3)
        ordering = simulation.simulated_answer(rng, 0.0, version("ordering"), simulation.ItemModel(1, 0, (1,) * 4))
        assert ordering is None or sorted(ordering) == [0, 1, 2, 3]


def test_a_key_error_item_sends_strong_candidates_to_one_distractor():
    model = simulation.ItemModel(a=2.0, b=0.0, weights=(1, 1, 1, 1), key_error_option=2)
    rng = random.Random(3)
    strong = [simulation.simulated_answer(rng, 4.0, version("single"), model) for _ in range(200)]
    assert sum(a == [2] for a in strong) > 180
    weak = [simulation.simulated_answer(rng, -4.0, version("single"), model) for _ in range(400)]
    assert 60 < sum(a == [0] for a in weak) < 140  # the keyed option only by guessing, about 1 in 4


def test_a_dead_distractor_draws_no_guesses():
    model = simulation.ItemModel(a=1.0, b=10.0, weights=(1.0, 0.0, 1.0, 1.0))
    rng = random.Random(4)
    answers = [simulation.simulated_answer(rng, -3.0, version("single"), model) for _ in range(300)]
    assert [1] not in answers


@pytest.fixture
def fx(app, runner):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    return app


def test_simulated_attempts_are_stored_like_real_ones_and_idempotent(fx):
    with fx.app_context():
        session = db.session
        org = accounts.get_or_create_organisation(session, demo.DEMO_ORGANISATION)
        report = simulation.simulate(session, org, 12, NOW)
        session.commit()
        assert (report.test.key, report.created) == ("fx-mock", 12)
        attempts = session.scalars(select(Attempt).where(Attempt.test_id == report.test.id)).all()
        assert len(attempts) == 12
        assert all(a.mode == Mode.TIMED and a.ended_at is not None and a.score is not None for a in attempts)
        assert all(len(a.questions) == 6 and a.statement_results for a in attempts)
        assert all(a.organisation_id == org.id for a in attempts)
        again = simulation.simulate(session, org, 12, NOW)
        assert again.created == 0
        more = simulation.simulate(session, org, 14, NOW)
        assert more.created == 2
        session.commit()
        users = session.scalars(select(User).where(User.email.like("sim-%"))).all()
        assert len(users) == 14 and all(u.role == "candidate" for u in users)
        # Nobody knows their password: not even the demo one signs them in.
        assert accounts.authenticate(session, users[0].email, demo.DEMO_PASSWORD, threshold=10,
                                     lockout=timedelta(minutes=1)).user is None


def test_no_practitioner_test_no_simulation(app):
    with app.app_context():
        org = accounts.get_or_create_organisation(db.session, demo.DEMO_ORGANISATION)
        report = simulation.simulate(db.session, org, 5, NOW)
        assert report.created == 0 and "No practitioner test is imported" in report.line()


def test_demo_command_adds_simulated_attempts(fx, runner):
    result = runner.invoke(args=["demo", "--candidates", "4"])
    assert result.exit_code == 0, result.output
    assert "candidate@demo.example" in result.output  # the accounts, as before
    assert "4 simulated candidates with one timed attempt each at 'Fixture mock' (4 new)" in result.output
    assert "(0 new)" in runner.invoke(args=["demo", "--candidates", "4"]).output
    assert "No simulated attempts" in runner.invoke(args=["demo", "--candidates", "0"]).output
    with fx.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 4


def test_demo_puts_the_simulated_candidates_in_two_teams(fx, runner):
    """So that the demo employer's dashboard has teams to compare; a second run keeps them."""
    for _ in range(2):
        result = runner.invoke(args=["demo", "--candidates", "5"])
        assert result.exit_code == 0, result.output
    assert "in the teams North locality and South locality" in result.output
    with fx.app_context():
        rows = db.session.execute(
            select(User.email, Team.name).join(Membership, Membership.user_id == User.id)
            .outerjoin(Team, Team.id == Membership.team_id).where(User.email.like("sim-%")).order_by(User.email)
        ).all()
        assert [team for _email, team in rows] == ["North locality", "South locality"] * 2 + ["North locality"]
        assert db.session.scalar(select(func.count(Team.id))) == 2
        assert db.session.scalar(select(Membership.team_id).join(User).where(User.email == "candidate@demo.example")) is None


def test_the_demo_takes_a_mock_of_the_framework_in_force(imported):
    """Found by the readiness browser test after issue 18: the early career standards (level
    practitioner, in force from 1 April 2027) have mocks too, and 'ecs-mock-a' sorted first, so the
    demo's candidates took a mock of a framework not yet in use and practitioner mock A had none."""
    from datetime import date

    with imported.app_context():
        assert simulation.demo_test(db.session, date(2026, 12, 6)).key == "practitioner-mock-a"
        assert simulation.demo_test(db.session, date(2027, 4, 1)).key == "ecs-mock-a"
