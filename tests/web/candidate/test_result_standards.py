"""The result page of an attempt keyed to a framework grouped under standards shows a row per
standard with its outcomes beneath; a flat framework's result page shows no such table."""

from __future__ import annotations

from tests.helpers import check_page, text_of
from tests.services.test_results_standards import grouped  # noqa: F401 (fixture)
from tests.web.trainer.conftest import take


def test_the_result_page_groups_outcomes_under_standards(grouped, client, auth) -> None:  # noqa: F811
    with grouped.app_context():
        attempt_id = take("ecs.candidate@example.org", {"g-1", "g-2"}, test_key="fx-grouped-mock")
        flat_id = take("ecs.candidate@example.org", 0.5)
    auth.sign_in("ecs.candidate@example.org")
    response = client.get(f"/tests/attempts/{attempt_id}/result")
    check_page(response)
    text = " ".join(text_of(response).split())
    assert "Your result for each standard" in text
    assert ("G1 First standard Not yet checked against the published standards: Title not checked. "
            "Questions 3 Score 67% Band Developing") in text
    assert "G1.1 First outcome Questions 2 Score 100%" in text
    assert "G1.2 Second outcome Questions 2 Score 50%" in text
    assert "G2 Second standard Questions 1 Score 0%" in text
    flat = client.get(f"/tests/attempts/{flat_id}/result")
    check_page(flat)
    assert "Your result for each standard" not in text_of(flat)
