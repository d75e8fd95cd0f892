"""Starting a test in a real browser as candidates do: a double click on Start, a second tab
opened before the first started, coming back later with "Continue", and a practice beside a timed
mock. Each must land on one attempt per test and mode, at the right question. (The start page
and the question page at 320 px are the page crawl's: tests/browser/test_crawl.py.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, AttemptQuestion

from .support import (
    SAVED,
    answer_with_mouse,
    attempt_from_url,
    questions_of,
    sign_in,
    step,
)

pytestmark = pytest.mark.browser


def attempts_of(app, user_id: int) -> list[tuple[int, str, int]]:
    """(attempt, mode, its questions) of the candidate, oldest first."""
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(Attempt.id, Attempt.mode, func.count(AttemptQuestion.id))
            .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
            .where(Attempt.user_id == user_id).group_by(Attempt.id).order_by(Attempt.id))]


def test_double_click_two_tabs_and_continue_give_one_attempt(open_page, server, candidate) -> None:
    first = open_page()
    sign_in(first, candidate)
    second = first.context.new_page()  # the same browser: a second tab
    with step(first, "both tabs show the start page before anything is started"):
        first.goto("/tests/fx-mock")
        second.goto("/tests/fx-mock")
        expect(first.get_by_role("button", name="Start timed mock")).to_be_visible()
        expect(second.get_by_role("button", name="Start timed mock")).to_be_visible()
    with step(first, "double-click Start timed mock"):
        first.get_by_role("button", name="Start timed mock").dblclick()
        expect(first).to_have_url(re.compile(r"/attempts/\d+/questions/1$"))
        attempt_id = attempt_from_url(first)[0]
        assert attempts_of(server.app, candidate["id"]) == [(attempt_id, "timed", 6)]
    with step(first, "answer questions 1 and 2"):
        infos = questions_of(server.app, attempt_id)
        for info in infos[:2]:
            first.goto(f"/tests/attempts/{attempt_id}/questions/{info.position}")
            answer_with_mouse(first, info)
            expect(first.locator("#save-status")).to_have_text(SAVED)
    with step(second, "the other tab, still saying Start, clicks it: the same attempt, where it was left"):
        second.get_by_role("button", name="Start timed mock").click()
        expect(second).to_have_url(re.compile(rf"/attempts/{attempt_id}/questions/3$"))
    with step(second, "later, the start page offers to continue it, at the same place"):
        second.goto("/tests/fx-mock")
        second.get_by_role("button", name="Continue your timed mock").click()
        expect(second).to_have_url(re.compile(rf"/attempts/{attempt_id}/questions/3$"))
    with step(first, "practice beside it is an attempt of its own, and double-clicking it makes one"):
        first.goto("/tests/fx-mock")
        first.get_by_role("button", name="Practise without a timer").dblclick()
        expect(first).to_have_url(re.compile(r"/attempts/\d+/questions/1$"))
        practice_id = attempt_from_url(first)[0]
        assert practice_id != attempt_id
        assert attempts_of(server.app, candidate["id"]) == [(attempt_id, "timed", 6), (practice_id, "practice", 6)]
        first.goto("/tests/fx-mock")
        expect(first.get_by_role("button", name="Continue practice")).to_be_visible()
        expect(first.get_by_role("button", name="Continue your timed mock")).to_be_visible()

