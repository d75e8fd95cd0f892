"""The service on its shipped question banks, as a candidate sees it, then (after `quizapp demo`)
the employer's cohort dashboard and the trainer's item analysis: each main page is audited and
saved as a screenshot (test-artifacts/screenshots/readme/). `make screenshots` sets
QUIZAPP_README_SCREENSHOTS=docs/screenshots to write the README's copies there too."""

from __future__ import annotations

from datetime import date

import os
import re
import uuid
from urllib.parse import urlencode
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from quizapp.services import simulation
from quizapp.services.demo import DEMO_TEAMS
from quizapp.web.extensions import db

from .conftest import DEMO, start_server
from .server import REAL_BANKS, ROOT, LiveServer
from .support import (
    SCREENSHOTS,
    answer_with_mouse,
    attempt_from_url,
    attempt_row,
    answer_form,
    questions_of,
    screenshot,
    sign_in,
    step,
)

pytestmark = pytest.mark.browser

README_DIR = os.environ.get("QUIZAPP_README_SCREENSHOTS")
MAX_README_BYTES = 150_000
WRONG = {3, 7, 11}  # a realistic result: 11 of 14 right


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory, [REAL_BANKS], "readme-server")
    yield live
    live.stop()


def shoot(page: Page, name: str) -> None:
    screenshot(page, name, SCREENSHOTS / "readme")
    if README_DIR:
        path = screenshot(page, name, ROOT / README_DIR)
        size = path.stat().st_size
        assert size <= MAX_README_BYTES, f"{path} is {size // 1000} KB: keep README screenshots under 150 KB"


def post_answer(page: Page, attempt_id: int, info, right: bool, action: str) -> None:
    """What "Save and continue" (or "Flag for review") posts, sent without loading the page."""
    form = answer_form(info, right)
    pairs = [(key, v) for key, value in form.items() for v in (value if isinstance(value, list) else [value])]
    token = page.locator("input[name='csrf_token']").first.get_attribute("value")
    response = page.request.post(
        f"/tests/attempts/{attempt_id}/questions/{info.position}",
        data=urlencode([("csrf_token", token), ("seq", "1"), ("action", action), *pairs]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=0,
    )
    assert response.status == 302, f"question {info.position}: {response.status} {response.text()[:300]}"


def test_screenshots_of_a_practitioner_mock(real_server: LiveServer, open_page, audit) -> None:
    page = open_page(base_url=real_server.url)
    with real_server.app.app_context():
        from quizapp.web.extensions import db
        from tests.helpers import make_user

        user = make_user(f"amara.okafor@{uuid.uuid4().hex[:8]}.example", "candidate", None,
                         password="correct horse battery staple")
        db.session.commit()
    sign_in(page, user)

    with step(page, "the start page"):
        page.get_by_role("link", name="Practitioner mock test (example)").click()
        audit(page, "start")
        shoot(page, "start")
        page.get_by_role("button", name="Start timed mock").click()

    attempt_id, _ = attempt_from_url(page)
    infos = questions_of(real_server.app, attempt_id)
    first_scenario = next(i.position for i in infos if i.scenario)
    in_the_browser = {1, first_scenario, first_scenario + 1}  # the fixture journeys cover the others
    for info in infos:
        right = info.position not in WRONG
        if info.position not in in_the_browser:
            with step(page, f"question {info.position}: the form posted without the page"):
                post_answer(page, attempt_id, info, right, "flag" if info.position == 5 else "save")
            continue
        with step(page, f"question {info.position} ({info.type}{', scenario' if info.scenario else ''})"):
            page.goto(f"/tests/attempts/{attempt_id}/questions/{info.position}")
            audit(page, f"question {info.position}")
            answer_with_mouse(page, info, right)
            expect(page.locator("#save-status")).to_have_text(re.compile("^Saved at"))
            page.evaluate("document.activeElement.blur()")
            if info.position == 1:
                page.evaluate("window.scrollTo(0, 0)")
                shoot(page, "question")
            if info.position == first_scenario + 1:
                # the end of the scenario above the question and its options
                page.evaluate("window.scrollBy(0, document.querySelector('fieldset').getBoundingClientRect().top - 430)")
                shoot(page, "scenario-question")
    page.goto(f"/tests/attempts/{attempt_id}/check")

    with step(page, "check your answers"):
        expect(page.locator("h1")).to_have_text("Check your answers")
        expect(page.locator("main")).to_contain_text(
            f"You have answered {len(infos)} of {len(infos)} questions and flagged 1 for review.")
        audit(page, "check answers")
        shoot(page, "check-answers")
        page.get_by_role("button", name="Submit your answers").click()
        audit(page, "confirm submit")
        page.get_by_role("button", name="Submit and see my result").click()

    with step(page, "the result"):
        expect(page.locator(".govuk-panel__title")).to_have_text("Passed")
        percent = attempt_row(real_server.app, attempt_id).percent  # wrong orderings can score in part
        expect(page.locator("main")).to_contain_text("You scored %.0f%%" % percent)
        audit(page, "result")
        shoot(page, "result")

    with step(page, "the history"):
        page.get_by_role("link", name="See your results over time").click()
        audit(page, "history")
        shoot(page, "history")


@pytest.fixture(scope="module")
def demo_data(real_server: LiveServer) -> LiveServer:
    """What `make run` adds: the demo accounts and 60 simulated candidates, in two teams, with one
    timed attempt each at a practitioner mock."""
    real_server.cli("demo")
    return real_server


def scroll_to_top_of(page: Page, selector: str) -> None:
    page.locator(selector).evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 20)")


def test_screenshots_of_the_employer_dashboard_and_the_item_analysis(demo_data: LiveServer, open_page, audit) -> None:
    employer = open_page(base_url=demo_data.url)
    sign_in(employer, DEMO["employer"])
    with step(employer, "the employer's cohort dashboard"):
        heatmap = employer.locator("table.app-heatmap")
        for team in DEMO_TEAMS:
            expect(heatmap.get_by_role("link", name=team)).to_be_visible()
        audit(employer, "dashboard")
        scroll_to_top_of(employer, "#heatmap-heading")  # the statement heatmap, a row per team
        shoot(employer, "employer-dashboard")

    with demo_data.app.app_context():
        test = simulation.demo_test(db.session, date.today())
        key, title = test.key, test.title
    trainer = open_page(base_url=demo_data.url)
    sign_in(trainer, DEMO["trainer"])
    with step(trainer, "the trainer's item analysis"):
        trainer.goto(f"/trainer/tests/{key}/statistics")
        expect(trainer.locator("h1")).to_have_text(f"Item analysis: {title}")
        expect(trainer.locator("dd", has_text="60, by 60 candidates")).to_be_visible()
        expect(trainer.locator(".app-flag").first).to_be_visible()
        audit(trainer, "item analysis")
        scroll_to_top_of(trainer, "h2:text-is('The test form')")  # the form's figures, then the items
        shoot(trainer, "item-analysis")
