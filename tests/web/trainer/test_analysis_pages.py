"""The item analysis and blueprint coverage pages."""

from __future__ import annotations

import csv
import io

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizapp.services import accounts, calibration, simulation
from quizapp.web.extensions import db
from quizapp.data.models import CalibratedItem, Calibration, TestForm

from tests.helpers import check_page, text_of

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def trainer(fx, auth, users):
    auth.as_role("trainer")
    return auth.client


def test_statistics_page(trainer, cohort):
    response = trainer.get("/trainer/tests/fx-mock/statistics")
    check_page(response, title="Item analysis: Fixture mock")
    text = text_of(response)
    assert "Each candidate's first ended timed attempt counts" in text
    assert "Attempts 6, by 6 candidates; 6 questions a form" in text
    assert "Mean score 58.3%" in text and "Median score 58.3%" in text
    assert "Cronbach's alpha" in text and "Standard error of measurement" in text
    assert "90% interval (Wilson's for facility, Fisher's z for discrimination)" in text
    assert "0 of 6 item versions flagged" in text and "too few responses for flags" in text
    for key in ["fx-s1", "fx-s2", "fx-m1", "fx-o1", "fx-sc1-1", "fx-sc1-2"]:
        assert f"{key} version 1" in text
    assert "Top third" in text and "of 2" in text


def test_every_attempt_and_sorting(trainer, cohort):
    every = text_of(trainer.get("/trainer/tests/fx-mock/statistics?attempts=all&sort=facility"))
    assert "Every ended timed attempt counts." in every and "Attempts 7, by 6 candidates" in every
    check_page(trainer.get("/trainer/tests/fx-mock/statistics?sort=nonsense"))


def test_flags_show_with_a_lower_minimum(fx, trainer, cohort):
    fx.config["STATS_MIN_SAMPLE"] = 5
    text = text_of(trainer.get("/trainer/tests/fx-mock/statistics"))
    assert "Items are flagged only with at least 5 responses" in text
    assert "too few responses for flags" not in text


def test_statistics_with_no_attempts(trainer):
    response = trainer.get("/trainer/tests/fx-mock/statistics")
    check_page(response)
    assert "No timed attempt at this test has ended yet." in text_of(response)


def test_the_page_is_recomputed_when_an_attempt_ends(fx, trainer, cohort):
    from tests.web.trainer.conftest import take

    assert "Attempts 6," in text_of(trainer.get("/trainer/tests/fx-mock/statistics"))
    with fx.app_context():
        take("new@a.example", 1.0, seed=3)
    assert "Attempts 7," in text_of(trainer.get("/trainer/tests/fx-mock/statistics"))


def test_csv_download(trainer, cohort):
    response = trainer.get("/trainer/tests/fx-mock/statistics.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="item-analysis-fx-mock.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["test", "item", "version"] and len(rows) == 7


def test_coverage_page_for_a_random_draw(trainer):
    response = trainer.get("/trainer/tests/fx-mock/coverage")
    check_page(response, title="Blueprint coverage: Fixture mock")
    text = text_of(response)
    # The fixture bank has exactly the 4 knowledge items and the 1 scenario the test draws.
    assert "From 500 forms drawn" in text
    assert "Two attempts share every question: the form is fixed" in text
    assert "Chance of the same case scenario again 100%" in text
    assert "A Statement A 2.00 2 2 100%" in text


def test_coverage_of_an_impossible_blueprint(fx, trainer, runner, tmp_path):
    from tests.web.candidate.conftest import FIXTURE_BANKS

    text = (FIXTURE_BANKS / "bank.yaml").read_text()
    start, end = text.index("  - id: fx-o1"), text.index("scenarios:")
    (tmp_path / "bank.yaml").write_text(text[:start] + text[end:])
    result = runner.invoke(args=["import", str(tmp_path / "bank.yaml"), str(FIXTURE_BANKS / "framework.yaml")])
    assert "retired item fx-o1" in result.output  # 3 knowledge items left for a draw of 4
    response = trainer.get("/trainer/tests/fx-mock/coverage")
    check_page(response)
    assert "The banks cannot make a form of this test" in text_of(response)
    assert "The banks cannot make a form of this test" in text_of(trainer.get("/trainer/tests/fx-mock/preview"))



def test_the_latest_rasch_calibration_is_shown_beside_the_classical_figures(fx, trainer, cohort):
    text = text_of(trainer.get("/trainer/tests/fx-mock/statistics"))
    assert "These items have not been calibrated yet" in text and "at least 200 timed attempts" in text
    with fx.app_context():
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        simulation.simulate(db.session, accounts.get_or_create_organisation(db.session, "Sim"), 40, NOW, model="rasch")
        for _ in range(2):
            calibration.calibrate(db.session, NOW, test=test, min_attempts=30)
        db.session.commit()
        row = db.session.scalars(select(CalibratedItem).join(Calibration).order_by(Calibration.version.desc())).first()
        expected = f"{row.difficulty:.2f} ({row.se:.2f}) {row.infit:.2f} {row.outfit:.2f}"
    response = trainer.get("/trainer/tests/fx-mock/statistics")
    check_page(response)
    text = text_of(response)
    assert "Version 2 of the calibration of this test" in text and "46 attempts" in text
    assert "Rasch difficulty (SE) Infit Outfit" in text
    assert expected in text
