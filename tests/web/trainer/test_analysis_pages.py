"""The item analysis and blueprint coverage pages."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import check_page, text_of


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
