"""Time in a real browser: the countdown follows the server (not the browser's clock), is
announced only at 10, 5 and 1 minutes, and when time runs out the page submits by itself and
late saves are refused with a message."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, Route, expect

from .server import SAVE_GRACE_SECONDS
from .support import (
    answer_with_mouse,
    attempt_row,
    authored,
    countdown_seconds,
    questions_of,
    saved_answers,
    screenshot,
    sign_in,
    start_test,
    step,
)

pytestmark = pytest.mark.browser

# Kept across page loads in sessionStorage: every text the save status showed, so a message
# shown just before the script moves to another page can still be read there.
RECORD_SAVE_STATUS = """
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("save-status");
  if (!status) return;
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem("statuses") || "[]");
    seen.push(status.textContent);
    sessionStorage.setItem("statuses", JSON.stringify(seen));
  }).observe(status, {childList: true, characterData: true, subtree: true});
});
"""


def server_remaining(server, attempt_id: int) -> float:
    deadline = attempt_row(server.app, attempt_id).deadline_at
    return (deadline - datetime.now(UTC)).total_seconds()


def test_time_runs_out_while_the_page_is_open(open_page, server) -> None:
    """fx-short lasts 12 seconds. Three candidates at once:
    A leaves the page open: it submits by itself and shows the result, with A's saved answer.
    B's computer sleeps (the page's clock stops) and B changes an answer after the deadline
    plus grace: the autosave is refused, the page says so and moves to the result.
    C has JavaScript off and selects "Save and continue" too late: refused, with a message."""
    users = {who: server.new_user() for who in "ABC"}
    pages = {"A": open_page(), "B": open_page(), "C": open_page(java_script_enabled=False)}
    pages["B"].context.add_init_script(RECORD_SAVE_STATUS)
    for who, page in pages.items():
        sign_in(page, users[who])
    pages["B"].clock.install()  # runs in real time until paused
    attempts, infos = {}, {}

    def begin(who: str) -> Page:  # each has 12 seconds from here
        attempts[who] = start_test(pages[who], "fx-short")
        infos[who] = questions_of(server.app, attempts[who])
        return pages[who]

    with step(pages["A"], "A starts, answers question 1 and it saves"):
        answer_with_mouse(begin("A"), infos["A"][0])
        expect(pages["A"].locator("#save-status")).to_have_text(re.compile("^Saved at"))
    with step(pages["A"], "A goes on to question 2: the timer shows its warning, and nothing is announced again"):
        pages["A"].get_by_role("button", name="Save and continue").click()
        expect(pages["A"]).to_have_url(re.compile(r"/questions/2$"))
        expect(pages["A"].locator("#app-timer")).to_have_class(re.compile(r"\bapp-timer--warning\b"))
        expect(pages["A"].locator("#app-timer-alert")).to_have_text("")
        expect(pages["A"].locator("#app-timer-announcement")).to_have_text("")
    with step(pages["B"], "B starts and answers question 1, then B's clock stops"):
        answer_with_mouse(begin("B"), infos["B"][0])
        expect(pages["B"].locator("#save-status")).to_have_text(re.compile("^Saved at"))
        pages["B"].clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))
    with step(pages["C"], "C starts, saves question 1 and chooses an answer to question 2"):
        answer_with_mouse(begin("C"), infos["C"][0])
        pages["C"].get_by_role("button", name="Save and continue").click()
        expect(pages["C"]).to_have_url(re.compile(r"/questions/2$"))
        answer_with_mouse(pages["C"], infos["C"][1])

    with step(pages["A"], "A's page submits by itself when time runs out and shows the result"):
        expect(pages["A"]).to_have_url(re.compile(rf"/attempts/{attempts['A']}/result$"), timeout=30_000)
        expect(pages["A"].locator("h1")).to_have_text("Your result")
        expect(pages["A"].locator("main")).to_contain_text("Time ran out: the answers you saved were marked")
        expect(pages["A"].locator("#question-1-heading + .app-review")).to_contain_text("Correct")
        a = attempt_row(server.app, attempts["A"])
        assert a.ended_how == "expired" and a.score == 1.0, (a.ended_how, a.score)

    # B and C act after their deadlines plus the grace period, as the server counts them.
    latest = max(attempt_row(server.app, attempts[who]).deadline_at for who in "BC")
    wait = (latest - datetime.now(UTC)).total_seconds() + SAVE_GRACE_SECONDS + 0.5
    if wait > 0:
        time.sleep(wait)  # real server time has to pass: nothing on the page to wait for

    with step(pages["B"], "B changes the answer late: refused, the page says so and shows the result"):
        page = pages["B"]
        expect(page.locator(".app-timer__value")).not_to_have_text(re.compile(r"^0 seconds$"))  # the page thinks there is time
        replies = []

        def keep_reply(route: Route) -> None:
            reply = route.fetch()
            replies.append((reply.status, reply.json()))
            route.fulfill(response=reply)

        page.route("**/autosave", keep_reply)
        answer_with_mouse(page, infos["B"][0], right=False)
        page.clock.run_for(1000)  # the autosave waits 300 ms after a change
        expect(page).to_have_url(re.compile(rf"/attempts/{attempts['B']}/result$"))
        assert [(code, body["status"]) for code, body in replies] == [(409, "closed")], replies
        statuses = page.evaluate("JSON.parse(sessionStorage.getItem('statuses') || '[]')")
        assert "Your time is up: this answer was not saved. Answers saved before the deadline count." in statuses, statuses
        expect(page.locator("main")).to_contain_text("Time ran out: the answers you saved were marked")
        assert saved_answers(server.app, attempts["B"]) == {1: authored(infos["B"][0], True)}

    with step(pages["C"], "C selects Save and continue late: refused with a message on the result page"):
        page = pages["C"]
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(rf"/attempts/{attempts['C']}/result$"))
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Your time ran out before this answer arrived, so it was not saved.")
        assert saved_answers(server.app, attempts["C"]) == {1: authored(infos["C"][0], True)}
        assert attempt_row(server.app, attempts["C"]).ended_how == "expired"


def _date_based_app_js(route: Route) -> None:
    """app.js with its clock swapped for the browser's wall clock (Date.now): the mutant the
    clock-skew test must catch."""
    body = route.fetch().text()
    assert "performance.now()" in body, "app.js no longer uses performance.now(): update the mutant"
    route.fulfill(body=body.replace("performance.now()", "Date.now()"), content_type="text/javascript")


def countdown_error_when_the_clock_is_wrong(page: Page, server, attempt_id: int, question_url: str) -> tuple[float, float]:
    """Load the question with the browser's clock an hour slow, then put the clock right while
    the page is open. Returns how far the countdown is from the server's remaining time, in
    seconds, after each."""
    now = datetime.now(UTC)
    page.clock.install(time=now - timedelta(hours=1))
    page.goto(question_url)
    skew = page.evaluate("Date.now()") / 1000 - time.time()
    assert -3610 < skew < -3590, f"the browser's clock is not an hour slow (off by {skew:.0f} s)"
    first = abs(countdown_seconds(page) - server_remaining(server, attempt_id))
    page.clock.set_system_time(datetime.now(UTC))
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 600))")  # a few ticks of the countdown
    second = abs(countdown_seconds(page) - server_remaining(server, attempt_id))
    return first, second


def page_remaining(page: Page) -> float:
    """The seconds the page's countdown has left (by the page's clock, which run_for moves on
    without the server: the two part company in the tests that run the clock)."""
    # the page's script may still be loading on a busy machine: it has run once the page has loaded
    page.wait_for_load_state("load")
    return page.evaluate("() => window.quizapp.countdown.remaining()")


def test_countdown_shows_the_server_time_when_the_browser_clock_is_wrong(open_page, server, candidate) -> None:
    page = open_page()
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    question_url = page.url

    with step(page, "the countdown with the browser's clock an hour wrong, then put right"):
        first, second = countdown_error_when_the_clock_is_wrong(page, server, attempt_id, question_url)
        assert first <= 2, f"with the clock an hour slow the countdown is {first:.1f} s from the server's time"
        assert second <= 2, f"after the clock was put right the countdown is {second:.1f} s from the server's time"

    # The same check on a countdown that used the browser's clock (Date) must fail.
    mutant = open_page(storage_state=page.context.storage_state())
    mutant.route("**/static/build/app.js", _date_based_app_js)
    mutant.route("**/submit", lambda route: route.fulfill(status=204))  # its early timeout must not end the attempt
    with step(mutant, "the same check on a Date-based countdown"):
        _, mutant_second = countdown_error_when_the_clock_is_wrong(mutant, server, attempt_id, question_url)
        assert mutant_second > 2, f"a Date-based countdown was only {mutant_second:.1f} s out: the check cannot fail"
        assert attempt_row(server.app, attempt_id).ended_at is None, "the mutant's early timeout ended the attempt"


# Records every change of the two live regions, with what the countdown showed at that moment.
RECORD_ANNOUNCEMENTS = """() => {
  window.announcements = [];
  window.countdownChanges = 0;
  const value = document.querySelector("#app-timer .app-timer__value");
  for (const id of ["app-timer-announcement", "app-timer-alert"]) {
    const region = document.getElementById(id);
    new MutationObserver(() => window.announcements.push(
      {region: id, text: region.textContent, shown: value.textContent}
    )).observe(region, {childList: true, characterData: true, subtree: true});
  }
  let shown = value.textContent;
  new MutationObserver(() => {
    if (value.textContent !== shown) { shown = value.textContent; window.countdownChanges += 1; }
  }).observe(value, {childList: true, characterData: true, subtree: true});
}"""


def test_timer_is_announced_only_at_10_5_and_1_minutes(open_page, server, candidate, audit) -> None:
    page = open_page()
    sign_in(page, candidate)
    page.clock.install()  # real time until run_for moves it on
    attempt_id = start_test(page, "fx-long")  # 12 minutes

    with step(page, "the visible countdown is not a live region"):
        timer = page.locator("#app-timer-display")
        expect(timer).to_have_attribute("role", "timer")  # implicitly aria-live="off"
        assert timer.evaluate("(el) => el.closest('[aria-live]:not([aria-live=off])')") is None
        expect(page.locator("#app-timer-announcement")).to_have_attribute("aria-live", "polite")
        expect(page.locator("#app-timer-alert")).to_have_attribute("aria-live", "assertive")

    with step(page, "run the clock to 9 minutes 40 seconds left: 10 minutes is announced"):
        expect(page.locator("#app-timer")).not_to_have_class(re.compile(r"\bapp-timer--warning\b"))
        page.evaluate(RECORD_ANNOUNCEMENTS)
        page.clock.run_for(int((page_remaining(page) - 580) * 1000))
        ten = {"region": "app-timer-announcement", "text": "10 minutes left.", "shown": "10 minutes"}
        assert page.evaluate("window.announcements") == [ten]
        expect(page.locator("#app-timer")).to_have_class(re.compile(r"\bapp-timer--warning\b"))

    with step(page, "over a few seconds the countdown changes and nothing more is announced"):
        page.evaluate("window.countdownChanges = 0")
        page.wait_for_function("() => window.countdownChanges >= 3", timeout=10_000)  # 2 or 3 seconds
        assert page.evaluate("window.announcements") == [ten]

    with step(page, "hide the timer"):
        page.get_by_role("button", name="Hide timer").click()
        expect(timer).to_be_hidden()
        expect(page.get_by_role("button", name="Show timer")).to_have_attribute("aria-expanded", "false")

    with step(page, "run the clock to 30 seconds left: announced at 5 and 1 minutes, with the timer hidden"):
        page.evaluate("window.countdownChanges = 0")
        page.clock.run_for(int((page_remaining(page) - 30) * 1000))
        announced = page.evaluate("window.announcements")
        assert announced == [
            ten,
            {"region": "app-timer-announcement", "text": "5 minutes left.", "shown": "5 minutes 0 seconds"},
            {"region": "app-timer-alert", "text": "1 minute left. Your saved answers will be submitted when time runs out.",
             "shown": "1 minute 0 seconds"},
        ], announced
        assert page.evaluate("window.countdownChanges") > 500  # it did count down every second

    with step(page, "show the timer: the 1-minute warning"):
        page.get_by_role("button", name="Show timer").click()
        expect(timer).to_be_visible()
        expect(page.locator("#app-timer")).to_have_class(re.compile(r"\bapp-timer--warning\b"))
        expect(page.locator(".app-timer__value")).to_have_text(re.compile(r"^\d\d? seconds$"))
        audit(page, "question 1", state="1-minute warning")
        screenshot(page, "journey-timer-warning")
        assert attempt_row(server.app, attempt_id).ended_at is None
