"""The candidate's readiness panel on "Your results over time" (services/readiness.py): no
calibration, too few calibrated answers, and a prediction overall and per statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizapp.services import accounts, calibration, readiness, simulation
from quizapp.web.extensions import db
from quizapp.data.models import TestForm, User

from tests.helpers import check_page, text_of
from tests.web.trainer.conftest import take

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def calibrated(fx, users):
    """40 simulated Rasch candidates in Org A and the test calibrated (the minimum lowered for the
    fixture's six-question mock); the signed-in candidate took one timed mock."""
    with fx.app_context():
        take("candidate@a.example", {"fx-s1", "fx-s2", "fx-m1", "fx-o1"})
        simulation.simulate(db.session, accounts.get_or_create_organisation(db.session, "Org A"), 40, NOW,
                            model="rasch")
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        calibration.calibrate(db.session, NOW, test=test, min_attempts=30)
        db.session.commit()
    return fx


def test_without_a_calibration_it_says_so_instead_of_a_number(fx, auth, users):
    with fx.app_context():
        take("candidate@a.example", 1.0)
    auth.as_role("candidate")
    response = auth.client.get("/tests/history")
    check_page(response)
    text = text_of(response)
    assert "How ready you are Fixture mock No prediction yet. The questions of this test have not been calibrated yet" in text
    assert "%, between" not in text


def test_with_too_few_calibrated_answers_it_says_what_is_missing(calibrated, auth):
    auth.as_role("candidate")
    text = text_of(auth.client.get("/tests/history"))
    assert ("No prediction yet. You have answered 6 of the calibrated questions in timed mocks; a prediction needs "
            "at least 20. Take another timed mock of this test to get one.") in text


def test_a_prediction_overall_and_per_statement(calibrated, auth, monkeypatch):
    monkeypatch.setattr(readiness, "MIN_ANSWERED", 5)
    monkeypatch.setattr(readiness, "MIN_STATEMENT_ANSWERED", 2)
    with calibrated.app_context():
        user = db.session.scalar(select(User).where(User.email == "candidate@a.example"))
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        expected = readiness.for_candidate(db.session, user.id, test)
    assert expected.prediction is not None and expected.statements
    auth.as_role("candidate")
    response = auth.client.get("/tests/history")
    check_page(response)
    text = text_of(response)
    assert f"Fixture mock {expected.prediction.sentence()}" in text
    assert "Your chance of passing a new mock of this test (6 questions, pass mark 50%) if you took it now, " \
           "worked out from your answers to 6 calibrated questions in your timed mocks." in text
    for s in expected.statements:
        shown = s.prediction.sentence() if s.prediction else f"Not enough answers yet: {s.missing}"
        assert f"{s.statement.code} {s.statement.title} Answered {s.answered} Readiness {shown}" in text


def test_the_pass_mark_is_read_from_the_test_as_stored(calibrated, monkeypatch):
    """A pass mark changed on the test (as standard setting does) changes the prediction."""
    monkeypatch.setattr(readiness, "MIN_ANSWERED", 5)
    with calibrated.app_context():
        user = db.session.scalar(select(User).where(User.email == "candidate@a.example"))
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        at_60 = readiness.for_candidate(db.session, user.id, test).prediction.probability
        test.pass_mark_percent = 80.0
        db.session.flush()
        at_80 = readiness.for_candidate(db.session, user.id, test).prediction.probability
        assert at_80 < at_60
