"""Spaced practice in a real browser: practise, get one wrong, and a day later the home page says
one question is due for review and Practise shows it first; audited (axe-core) and at 320 px.

The live server runs in its own process with the real clock, so "a day later" is made by moving
this candidate's review card a day into the past (its due date and last review) through the test
process's app object: to the scheduler the same as the clock moving a day on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from quizapp.web.extensions import db
from quizapp.data.models import ReviewCard

from .support import answer_with_mouse, attempt_from_url, page_scrolls_sideways, questions_of, sign_in, start_test, step

pytestmark = pytest.mark.browser


def _a_day_passes(app, user_id: int) -> None:
    with app.app_context():
        cards = db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == user_id)).all()
        assert len(cards) == 1
        day = timedelta(days=1)
        db.session.execute(update(ReviewCard).where(ReviewCard.user_id == user_id)
                           .values(due=cards[0].due - day, last_review=cards[0].last_review - day))
        db.session.commit()


def test_a_wrong_practice_answer_comes_back_first_the_next_day(open_page, server, candidate, audit) -> None:
    page: Page = open_page()
    sign_in(page, candidate)
    with step(page, "the home page before any practice says nothing is due"):
        expect(page.locator("#due-today")).to_have_count(0)

    attempt_id = start_test(page, "fx-mock", mode="practice")
    info = next(i for i in questions_of(server.app, attempt_id) if i.type == "single" and i.scenario is None)
    with step(page, "answer one question wrong and ask for feedback"):
        page.goto(f"/tests/attempts/{attempt_id}/questions/{info.position}")
        answer_with_mouse(page, info, right=False)
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/feedback$"))

    with step(page, "the home page says when the next review is due"):
        page.goto("/tests/")
        expect(page.locator("#due-today")).to_contain_text("No questions are due for review today. The next is due on")

    _a_day_passes(server.app, candidate["id"])
    with step(page, "a day later: 1 question is due"):
        page.reload()
        expect(page.locator("#due-today")).to_have_text("1 question is due for review today.")
        audit(page, "candidate home", state="a question due for review")

    with step(page, "at 320 px the practice section fits the screen"):
        page.set_viewport_size({"width": 320, "height": 700})
        assert not page_scrolls_sideways(page)
        expect(page.get_by_role("button", name="Practise", exact=True)).to_be_visible()
        audit(page, "candidate home", state="320 px")

    with step(page, "Practise shows the question due first"):
        page.get_by_role("button", name="Practise", exact=True).click()
        expect(page).to_have_url(re.compile(r"/attempts/\d+/questions/1$"))
        practice_id, _ = attempt_from_url(page)
        assert practice_id != attempt_id
        first = questions_of(server.app, practice_id)[0]
        assert first.stem == info.stem
        expect(page.locator("main")).to_contain_text(info.stem)
