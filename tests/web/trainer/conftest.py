"""Fixtures for the trainer's pages: the fixture banks imported, and candidates' attempts made
through the attempts service (so they are stored exactly like real ones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.services import accounts, answers, attempts
from quizapp.domain import question_types
from quizapp.web.extensions import db
from quizapp.data.models import Mode, TestForm, User

from tests.web.candidate.conftest import FIXTURE_BANKS, clock  # noqa: F401 (the movable clock fixture)
from tests.helpers import make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def take(email: str, right: float | set[str], *, mode: str = Mode.TIMED, seed: int = 1, minutes: int = 0,
         skip: frozenset[str] = frozenset(), finish: str | None = "submitted", test_key: str = "fx-mock") -> int:
    """One attempt at `test_key` (fx-mock unless said) by `email` (created if new): answer right
    every item whose id is in `right` (or, for a number, the first that share of questions), the
    rest wrong. Inside an app context; commits; returns the attempt id."""
    session = db.session
    user = accounts.find_user(session, email)
    if user is None:
        make_user(email, "candidate", "Org A")
        user = accounts.find_user(session, email)
    test = session.scalar(select(TestForm).where(TestForm.key == test_key))
    began = START + timedelta(minutes=minutes)
    attempt = attempts.start(session, user, test, mode, began, seed=seed)
    cut = round(right * len(attempt.questions)) if isinstance(right, float) else None
    for n, question in enumerate(attempt.questions):
        version = question.item_version
        key = version.item.key
        if key in skip:
            continue
        good = n < cut if cut is not None else key in right
        answer = _answer(version, good)
        # explicit and final, as "Save and continue" stores them (in practice: feedback was shown)
        answers.save_answer(session, attempt, question, answer, 1, began + timedelta(seconds=10 + n), 0.0,
                             explicit=True, final=True)
    if finish is not None:
        attempts.finish(session, attempt, began + timedelta(minutes=5), finish)
    session.commit()
    return attempt.id


def _answer(version, good: bool) -> list[int]:
    qtype = question_types.of(version.type)
    key = qtype.correct_answer(version.options)
    n = len(version.options)
    if version.type == "ordering":
        return key if good else list(reversed(key))
    if version.type == "single":
        return key if good else [next(i for i in range(n) if i not in key)]
    if good:
        return key
    wrong = [i for i in range(n) if i not in key]
    return sorted(key[:-1] + wrong[:1])


@pytest.fixture
def fx(app, runner):
    result = runner.invoke(args=["import", str(FIXTURE_BANKS)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def cohort(fx, users):
    """Six candidates with one timed attempt each at fx-mock (6 questions: 4 knowledge items of
    the bank's 4 and one 2-item scenario), scoring 6/6, 5/6 ... 1/6; the first also has a
    second, later attempt, a practice attempt and an open attempt, none of which count by default."""
    with fx.app_context():
        ids = [take(f"c{n}@a.example", (6 - n) / 6, seed=n, minutes=n) for n in range(6)]
        later = take("c0@a.example", 0.0, seed=99, minutes=60)
        take("c0@a.example", 1.0, mode=Mode.PRACTICE, seed=7, minutes=70)
        take("c1@a.example", 1.0, seed=8, minutes=80, finish=None)
        users_by_email = {u.email: u.id for u in db.session.scalars(select(User))}
    return {"first": ids, "later": later, "users": users_by_email}
