"""The result report of an attempt keyed to a framework grouped under standards: a line per
standard (each question counted once for it) with its outcomes' lines beneath."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.data.models import Attempt
from quizapp.services import results
from quizapp.web.extensions import db
from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.web.trainer.conftest import take

GROUPED_BANKS = Path(__file__).resolve().parents[1] / "fixtures" / "grouped_banks"


@pytest.fixture
def grouped(app, runner):
    for path in (FIXTURE_BANKS, GROUPED_BANKS):
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code == 0, result.output
    return app


def test_results_per_standard_and_per_outcome(grouped) -> None:
    with grouped.app_context():
        attempt_id = take("cand@example.org", {"g-1", "g-2"}, test_key="fx-grouped-mock")
        report = results.report(db.session, db.session.get(Attempt, attempt_id))
        by_code = {line.statement.code: (line.items, round(line.percent)) for line in report.statements}
        assert by_code == {"G1.1": (2, 100), "G1.2": (2, 50), "G2.1": (1, 0)}
        assert [(s.code, s.title, s.items, round(s.percent, 1), s.band) for s in report.standards] == [
            # g-2 tests both outcomes of G1 but is one question: 2 of 3 right, not 3 of 4
            ("G1", "First standard", 3, 66.7, "Developing"),
            ("G2", "Second standard", 1, 0.0, "Priority for development"),
        ]
        assert report.standards[0].unconfirmed == "Title not checked."
        assert [line.statement.code for line in report.standards[0].statements] == ["G1.1", "G1.2"]
        assert [line.statement.code for line in report.standards[1].statements] == ["G2.1"]


def test_a_flat_framework_has_no_standard_lines(grouped) -> None:
    with grouped.app_context():
        attempt_id = take("cand@example.org", 0.5)
        report = results.report(db.session, db.session.get(Attempt, attempt_id))
        assert report.statements and report.standards == []
