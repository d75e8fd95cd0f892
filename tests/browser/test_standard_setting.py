"""A two-judge Angoff panel in a real browser, with the ordinary mistakes people make: a panel
form sent without a name, ratings left half done, a rating of 150 and one of "abc", going back to
the panel page and returning, double clicks on Submit, Start round 2 and Apply. Nothing typed
correctly is lost, every mistake is explained in the error summary, and each distinct page passes
axe-core and reflows at 320 px without sideways scrolling."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from quizapp.data.models import AngoffJudge, AngoffPanel, AngoffRating, PassMarkChange, TestForm
from quizapp.web.extensions import db

from .support import page_scrolls_sideways, publish_fixed_form, sign_in, step

pytestmark = pytest.mark.browser

QUESTIONS = 3


def _reflows(page: Page, name: str) -> None:
    """At 320 px wide the page never scrolls sideways (WCAG 2.2 SC 1.4.10)."""
    with step(page, f"the {name} page at 320 px"):
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 640})
        assert not page_scrolls_sideways(page), name
        page.set_viewport_size(size)


def _box(page: Page, question: int):
    return page.get_by_label(f"Chance that a just-competent candidate answers question {question} right")


def _rate(page: Page, values: dict[int, str]) -> None:
    for question, value in values.items():
        _box(page, question).fill(value)


def test_two_judges_set_a_pass_mark_with_ordinary_mistakes(open_page, demo_server, audit) -> None:
    server = demo_server
    tag = uuid.uuid4().hex[:8]
    org = f"Angoff org {tag}"
    first, second = server.new_user("trainer", org), server.new_user("trainer", org)
    one = open_page(base_url=server.url)
    sign_in(one, {**first, "role": "trainer"})
    _bank_key, test_key = publish_fixed_form(one, "Angoff", tag, QUESTIONS)

    with step(one, "a drawn test is refused with the reason"):
        one.goto("/trainer/tests/fx-mock")
        expect(one.get_by_role("link", name="Standard setting")).to_have_count(0)  # the service's, not theirs

    with step(one, "form the panel, first forgetting its name"):
        one.goto(f"/trainer/tests/{test_key}")
        one.get_by_role("link", name="Standard setting").click()
        audit(one, "standard setting")
        _reflows(one, "standard setting")
        one.get_by_label(first["email"], exact=False).check()
        one.get_by_role("button", name="Form the panel").click()
        expect(one.locator(".govuk-error-summary")).to_contain_text("Enter a name for the panel")
        expect(one.locator(".govuk-error-summary")).to_contain_text("Choose at least 2 judges")
        audit(one, "standard setting", errors=True, state="no name, one judge")
        expect(one.get_by_label(first["email"], exact=False)).to_be_checked()  # what was chosen is kept
        one.get_by_label("Name of the panel").fill("Winter panel")
        one.get_by_label(second["email"], exact=False).check()
        one.get_by_role("button", name="Form the panel").click()
        expect(one.locator("h1")).to_have_text("Winter panel")
        audit(one, "panel", state="round 1")
        _reflows(one, "panel")

    with step(one, "rate half, with 150 and abc among them"):
        one.get_by_role("link", name="Rate the questions: round 1").click()
        audit(one, "ratings", state="round 1")
        _rate(one, {1: "60", 2: "150"})
        one.get_by_role("button", name="Save and come back later").click()
        summary = one.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Question 2: Enter a chance from 0 to 100")
        audit(one, "ratings", errors=True, state="a rating of 150")
        expect(_box(one, 2)).to_have_value("150")  # as typed, to put right
        summary.get_by_role("link", name="Question 2: Enter a chance from 0 to 100").click()
        expect(_box(one, 2)).to_be_focused()
        _box(one, 2).fill("abc")
        one.get_by_role("button", name="Save and come back later").click()
        expect(one.locator(".govuk-error-summary")).to_contain_text("a whole number from 0 to 100")
        expect(_box(one, 1)).to_have_value("60")
        _reflows(one, "ratings")

    with step(one, "go back to the panel and return: the good rating was kept"):
        one.get_by_role("link", name="Winter panel").click()
        expect(one.locator("main")).to_contain_text("You have rated 1 of 3 questions so far")
        one.get_by_role("link", name="Rate the questions: round 1").click()
        expect(_box(one, 1)).to_have_value("60")
        expect(_box(one, 2)).to_have_value("")

    with step(one, "submit with a question unrated, then complete it with a double click"):
        _rate(one, {2: "70"})
        one.get_by_role("button", name="Submit my round 1 ratings").click()
        expect(one.locator(".govuk-error-summary")).to_contain_text("1 of 3 is not rated yet")
        _rate(one, {3: "50"})
        one.get_by_role("button", name="Submit my round 1 ratings").dblclick()
        expect(one.locator("main")).to_contain_text("You submitted your round 1 ratings")

    two = open_page(base_url=server.url)
    sign_in(two, {**second, "role": "trainer"})
    with server.app.app_context():
        panel_id = db.session.scalar(select(AngoffPanel.id).where(AngoffPanel.name == "Winter panel")
                                     .order_by(AngoffPanel.id.desc()))

    with step(two, "the second judge sees nothing of the first's ratings, and rates"):
        two.goto(f"/trainer/panels/{panel_id}")
        expect(two.locator("main")).not_to_contain_text("Cut score")
        two.get_by_role("link", name="Rate the questions: round 1").click()
        for question in range(1, QUESTIONS + 1):
            expect(_box(two, question)).to_have_value("")
        _rate(two, {1: "40", 2: "50", 3: "30"})
        two.get_by_role("button", name="Submit my round 1 ratings").click()
        two.get_by_role("button", name="Start round 2").dblclick()
        expect(two.locator(".govuk-notification-banner")).to_contain_text("Round 2 has started")

    with step(two, "round 2 shows the panel's spread, and the judge revises"):
        two.get_by_role("link", name="Rate the questions: round 2").click()
        expect(two.locator("main")).to_contain_text("Panel in round 1: lowest 40%, median 50%, highest 60% (2 judges); yours 40%")
        expect(two.locator("svg.app-dot-plot")).to_have_count(QUESTIONS)
        expect(_box(two, 1)).to_have_value("40")  # starts from their round-1 rating
        audit(two, "ratings", state="round 2")
        _reflows(two, "ratings (round 2)")
        _rate(two, {1: "50", 3: "40"})
        two.get_by_role("button", name="Submit my round 2 ratings").click()

    with step(one, "the first judge revises, and the panel closes"):
        one.goto(f"/trainer/panels/{panel_id}/ratings")
        _rate(one, {1: "70", 2: "70", 3: "60"})
        one.get_by_role("button", name="Submit my round 2 ratings").click()
        one.get_by_role("button", name="Close the panel").click()
        # Judges' totals: (70 + 70 + 60) / 3 and (50 + 50 + 40) / 3 of 3 marks: 66.7% and 46.7%.
        expect(one.locator("#cut-round-2 + dl")).to_contain_text("56.7% (1.70 of 3 marks)")
        expect(one.locator("#cut-round-2 + dl")).to_contain_text("SD 14.1 percentage points")
        expect(one.locator("#form-sem")).to_contain_text("no timed attempts")
        audit(one, "panel", state="closed")
        _reflows(one, "panel (closed)")

    with step(one, "apply the cut score after the preview, with a double click"):
        one.get_by_role("link", name="Apply this cut score to the test").click()
        expect(one.locator("#changes")).to_contain_text("Nobody has finished a timed attempt")
        audit(one, "apply the cut score")
        _reflows(one, "apply the cut score")
        one.get_by_role("button", name="Make 56.7% the pass mark").dblclick()
        expect(one.locator(".govuk-notification-banner")).to_contain_text("is now 56.7% for attempts started from now on")
        one.goto(f"/trainer/tests/{test_key}")
        expect(one.locator("main")).to_contain_text("56.7% (set by the panel Winter panel on")

    with server.app.app_context():
        test_id = db.session.scalar(select(TestForm.id).where(TestForm.key == test_key))
        assert db.session.scalar(select(func.count()).select_from(PassMarkChange)
                                 .where(PassMarkChange.test_id == test_id)) == 1
        ratings = db.session.scalar(select(func.count()).select_from(AngoffRating).join(AngoffJudge)
                                    .where(AngoffJudge.panel_id == panel_id))
        assert ratings == 2 * 2 * QUESTIONS
