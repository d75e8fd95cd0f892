"""The cohort page's readiness: counts per band with ranges for the chosen test, no one's answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from quizapp.services import accounts, calibration, readiness, simulation
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, Organisation, TestForm, User

from tests.helpers import check_page, text_of
from tests.web.candidate.conftest import FIXTURE_BANKS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def employer(app, runner, auth, users, monkeypatch):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    monkeypatch.setattr(readiness, "MIN_ANSWERED", 5)  # the fixture's mock has six questions
    with app.app_context():
        simulation.simulate(db.session, accounts.get_or_create_organisation(db.session, "Org A"), 40, NOW,
                            model="rasch")
        db.session.commit()
    auth.as_role("employer")
    return auth.client


def _calibrate(app):
    with app.app_context():
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        calibration.calibrate(db.session, NOW, test=test, min_attempts=30)
        db.session.commit()


def test_without_a_test_or_a_calibration_it_says_what_is_needed(app, employer):
    text = text_of(employer.get("/employer/"))
    assert "Readiness for a new mock Choose one test in the filter to see how ready your candidates are for it." in text
    text = text_of(employer.get("/employer/?test=fx-mock"))
    assert "Readiness for a new mock The questions of this test have not been calibrated yet." in text


def test_counts_per_band_with_ranges(app, employer):
    _calibrate(app)
    response = employer.get("/employer/?test=fx-mock&which=all")
    check_page(response)
    text = text_of(response)
    found = re.search(r"Of the 40 candidates here with enough answers in timed mocks, about (\d+) would pass a new "
                      r"mock of Fixture mock if they took it now \(probably between (\d+) and (\d+)\)", text)
    assert found, text
    expected, low, high = map(int, found.groups())
    assert low <= expected <= high
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == "Org A"))
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        d = readiness.for_organisation(db.session, org.id, test).distribution
    for band in d.bands:
        assert f"{band.words} Candidates {band.count} Range {band.low} to {band.high}" in text
    assert sum(b.count for b in d.bands) <= 40
    assert "sim-001" not in text  # nobody named


def test_another_organisation_sees_none_of_them(app, auth, employer):
    _calibrate(app)
    auth.sign_out()
    auth.as_role("other_employer")
    text = text_of(auth.client.get("/employer/?test=fx-mock"))
    assert "Of the 40" not in text


def test_only_attempts_taken_in_the_organisation_count(app, employer):
    """Five members' attempts were taken before they joined (no organisation on them): like the rest
    of the cohort page, readiness leaves them out."""
    _calibrate(app)
    with app.app_context():
        ids = db.session.scalars(select(User.id).where(User.email.like("sim-00%")).order_by(User.email).limit(5)).all()
        db.session.execute(update(Attempt).where(Attempt.user_id.in_(ids)).values(organisation_id=None))
        db.session.commit()
    text = text_of(employer.get("/employer/?test=fx-mock"))
    assert "Of the 35 candidates here with enough answers" in text
