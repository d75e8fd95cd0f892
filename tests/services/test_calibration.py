"""Calibrating items from stored attempts (services/calibration.py) and `quizapp calibrate`: the
minimums, versions, linking, and recovery of known Rasch difficulties from the simulation."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import func, select

from quizapp.services import accounts, calibration, demo, simulation
from quizapp.web.extensions import db
from quizapp.data.models import CalibratedItem, Calibration, Framework, TestForm

from tests.web.candidate.conftest import FIXTURE_BANKS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def fx(app, runner):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    return app


def _simulate(candidates: int, model: str = "rasch") -> simulation.SimulationReport:
    org = accounts.get_or_create_organisation(db.session, demo.DEMO_ORGANISATION)
    report = simulation.simulate(db.session, org, candidates, NOW, model=model)
    db.session.commit()
    return report


def test_below_the_minimum_nothing_is_calibrated_and_it_says_why(fx):
    with fx.app_context():
        report = _simulate(12)
        result = calibration.calibrate(db.session, NOW, test=report.test)
        assert not result.enough
        assert result.lines()[0] == ("Not calibrated: test 'fx-mock' has 12 ended timed attempts (each candidate's "
                                     "first per test); calibration needs at least 200.")
        assert db.session.scalar(select(func.count(Calibration.id))) == 0


def test_rasch_simulation_difficulties_are_recovered_with_fit_near_one(fx):
    with fx.app_context():
        report = _simulate(160)
        result = calibration.calibrate(db.session, NOW, test=report.test, min_attempts=150)
        db.session.commit()
        assert result.enough, result.lines()
        rows = db.session.scalars(select(CalibratedItem)).all()
        truth = report.truth["difficulties"]
        assert {r.item_version_id for r in rows} == set(truth)
        estimated = np.array([r.difficulty for r in rows])
        true = np.array([truth[r.item_version_id] for r in rows])
        assert np.corrcoef(estimated, true)[0, 1] > 0.9
        # The scale's origin is the candidates' mean ability, so compare after centring.
        assert np.abs((estimated - estimated.mean()) - (true - true.mean())).max() < 4 * max(r.se for r in rows)
        assert all(0.1 < r.se < 0.5 and 0.6 < r.infit < 1.4 and 0.5 < r.outfit < 1.6 for r in rows)
        c = result.calibration
        assert (c.version, c.attempts, c.responses, c.min_attempts) == (1, 160, 160 * 6, 150)
        assert c.converged and 0.6 < c.sigma < 1.5


def test_each_calibration_is_a_new_version_and_items_below_the_minimum_are_listed(fx):
    with fx.app_context():
        report = _simulate(40)
        first = calibration.calibrate(db.session, NOW, test=report.test, min_attempts=30)
        second = calibration.calibrate(db.session, NOW, test=report.test, min_attempts=30, min_item_responses=41)
        assert first.calibration.version == 1 and not second.enough
        assert len(second.left_out) == 6 and second.left_out[0]["reason"] == "40 responses, fewer than 41"
        third = calibration.calibrate(db.session, NOW, test=report.test, min_attempts=30)
        db.session.commit()
        assert third.calibration.version == 2
        assert calibration.latest_for_test(db.session, report.test).id == third.calibration.id


def test_a_framework_calibration_covers_its_tests(fx):
    with fx.app_context():
        report = _simulate(40)
        framework = db.session.get(Framework, report.test.framework_id)
        result = calibration.calibrate(db.session, NOW, framework=framework, min_attempts=30)
        db.session.commit()
        assert result.enough and result.calibration.test_id is None
        assert calibration.latest_for_test(db.session, report.test).framework_id == framework.id


def test_the_command_needs_one_scope_and_says_when_there_is_too_little(fx, runner):
    for args, message in [([], "give one of --test KEY or --framework KEY"),
                          (["--test", "fx-mock", "--framework", "x"], "give one of --test KEY or --framework KEY"),
                          (["--test", "nope"], "no test with the id 'nope'"),
                          (["--framework", "nope"], "no framework with the id 'nope'")]:
        result = runner.invoke(args=["calibrate", *args])
        assert result.exit_code == 2 and message in result.output
    result = runner.invoke(args=["calibrate", "--test", "fx-mock"])
    assert result.exit_code == 0
    assert "Not calibrated: test 'fx-mock' has 0 ended timed attempts" in result.output


def test_the_command_prints_and_stores_a_calibration(fx, runner):
    with fx.app_context():
        _simulate(40)
    result = runner.invoke(args=["calibrate", "--test", "fx-mock", "--min-attempts", "30"])
    assert result.exit_code == 0, result.output
    assert "Calibration version 1 of test 'fx-mock': 40 attempts, 240 responses, 6 item versions" in result.output
    assert "difficulty    SE  infit  outfit" in result.output
    with fx.app_context():
        assert db.session.scalar(select(func.count(CalibratedItem.id))) == 6
        assert db.session.scalar(select(Calibration.test_id)) == db.session.scalar(
            select(TestForm.id).where(TestForm.key == "fx-mock"))
