"""Fixtures for the candidate's journey: the fixture banks imported, a movable clock, and a
helper that reads an attempt's frozen questions to answer them right or wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.web.auth_session import issue_save_token
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, AttemptQuestion, Response, User

FIXTURE_BANKS = Path(__file__).resolve().parents[2] / "fixtures" / "banks"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(app) -> FakeClock:
    fake = FakeClock()
    app.config["CLOCK"] = fake
    return fake


@pytest.fixture
def fx(app, runner):
    result = runner.invoke(args=["import", str(FIXTURE_BANKS)])
    assert result.exit_code == 0, result.output
    return app


@dataclass
class QuestionInfo:
    position: int
    type: str
    option_order: list[int]
    correct: list[int]  # authored indices
    n: int
    stem: str
    scenario: str | None


def questions_of(app, attempt_id: int) -> list[QuestionInfo]:
    with app.app_context():
        rows = db.session.scalars(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id).order_by(AttemptQuestion.position)
        ).all()
        out = []
        for q in rows:
            v = q.item_version
            correct = list(range(len(v.options))) if v.type == "ordering" else [i for i, o in enumerate(v.options) if o["correct"]]
            out.append(QuestionInfo(q.position, v.type, list(q.option_order), correct, len(v.options), v.stem, v.scenario_title))
        return out


def answer_form(info: QuestionInfo, right: bool = True) -> dict[str, object]:
    """Form data (displayed positions) answering `info` right or wrong."""
    shown = {authored: displayed for displayed, authored in enumerate(info.option_order)}
    if info.type == "ordering":
        order = list(range(info.n)) if right else list(reversed(range(info.n)))
        return {f"position-{shown[a]}": str(rank) for rank, a in enumerate(order, start=1)}
    if info.type == "single":
        choice = info.correct[0] if right else next(i for i in range(info.n) if i not in info.correct)
        return {"answer": str(shown[choice])}
    if right:
        chosen = info.correct
    else:
        wrong = [i for i in range(info.n) if i not in info.correct]
        chosen = info.correct[:-1] + wrong[:1]
    return {"answer": [str(shown[a]) for a in chosen]}


def latest_attempt(app, user_id: int) -> Attempt:
    with app.app_context():
        return db.session.scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id.desc())).first()


def shows_an_answer(response) -> bool:
    """Whether a question page shows a stored choice (a ticked option or a chosen position)."""
    html = response.get_data(as_text=True)
    return " checked" in html or " selected" in html


def single_question(app, attempt_id: int) -> QuestionInfo:
    """The attempt's first single-choice question."""
    return next(info for info in questions_of(app, attempt_id) if info.type == "single")


def stored_response(attempt_id: int, position: int) -> Response | None:
    """The stored answer to question `position` of an attempt (inside an app context)."""
    return db.session.scalar(
        select(Response).join(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id,
                                                     AttemptQuestion.position == position)
    )


def save_token(app, attempt_id: int) -> str:
    """The save token the attempt's question pages carry, issued now (by the app's clock), as a
    page view would: tests that move the clock past the deadline cannot view a page to get one."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return issue_save_token(attempt_id, db.session.get(User, attempt.user_id))


def autosave(client, app, attempt_id: int, position: int, data: dict[str, object]):
    """What the question page's script sends: the form, with the save token in its header."""
    return client.post(f"/tests/attempts/{attempt_id}/questions/{position}/autosave", data=data,
                       headers={"X-Save-Token": save_token(app, attempt_id)})
