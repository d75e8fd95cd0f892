"""The trainer's pages say which framework is in use today, by the server's clock (in England),
and show a grouped framework's statements under their standards with their unconfirmed marks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.helpers import check_page, text_of
from tests.services.test_results_standards import grouped  # noqa: F401 (fixture)
from tests.web.candidate.conftest import clock  # noqa: F401 (fixture)


@pytest.fixture
def trainer(grouped, auth, users):  # noqa: F811
    auth.as_role("trainer")
    return auth.client


@pytest.mark.parametrize(("now", "says"), [
    # 23:30 UTC on 31 March 2027 is already 1 April in England (British Summer Time)
    (datetime(2027, 3, 31, 22, 30, tzinfo=UTC), "Not yet in use from 1 April 2027"),
    (datetime(2027, 3, 31, 23, 30, tzinfo=UTC), "Current since 1 April 2027"),
])
def test_the_framework_page_says_whether_it_is_in_use_today(trainer, clock, now, says) -> None:  # noqa: F811
    clock.now = now
    response = trainer.get("/trainer/frameworks/fx-grouped")
    check_page(response, title="Fixture standards")
    text = text_of(response)
    assert f"In use today {says}" in text
    assert ("G1 First standard Unconfirmed: Title not checked. G1.1 First outcome 2 0 2 "
            "G1.2 Second outcome 2 0 2 G2 Second standard G2.1 Third outcome 1 0 1") in text


def test_the_home_page_lists_each_framework_with_whether_it_is_in_use(trainer, clock) -> None:  # noqa: F811
    clock.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    text = text_of(trainer.get("/trainer/"))
    assert "Fixture standards fx-grouped practitioner Not yet in use from 1 April 2027 3" in text
    assert "Fixture framework fx practitioner Current" in text


def test_a_framework_with_no_dates_says_current_and_nothing_else(trainer, clock) -> None:  # noqa: F811
    text = text_of(trainer.get("/trainer/frameworks/fx"))
    assert "In use today Current Search this framework" in text
    assert "Replaces" not in text and "How far this has been checked" not in text


def test_the_shipped_early_career_standards_page(imported, auth, users, clock) -> None:  # noqa: F811
    clock.now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    auth.as_role("trainer")
    response = auth.client.get("/trainer/frameworks/early-career-standards")
    check_page(response, title="Child and family social worker early career standards")
    text = text_of(response)
    assert "In use today Not yet in use from 1 April 2027" in text
    assert "Replaces Post-qualifying standard: knowledge and skills statement for child and family practitioners" in text
    assert "How far this has been checked" in text
    assert "ECS1 Anti-discriminatory practice Unconfirmed:" in text
    kss = text_of(auth.client.get("/trainer/frameworks/kss-practitioner"))
    assert "In use today Current until it is replaced on 1 April 2027" in kss
