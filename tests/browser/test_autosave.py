"""The autosave in a real browser when things go wrong, and the ordinary mistakes people make on
the timed question page. Every test checks the database afterwards: a page may never say an
answer is saved that the server does not hold, and nothing it said was saved may be lost.

- The network drops: one request at a time, backing off (with jitter) up to 30 seconds, the page
  says the answer is not saved yet, and it is saved as soon as the browser is back online or the
  page is looked at again.
- Two pages on one question: tabs of one browser keep in step; a page (in another browser) whose
  save was refused shows what is saved, and says why.
- "Saved at" is the server's time, in UK time, whatever the browser's clock and time zone.
- A double click, a reload mid-save, the back button, and a session that ends mid-test.

The page's clock is Playwright's fake clock wherever waiting matters: the tests move it on and
count requests; nothing is timed.
"""

from __future__ import annotations

import re
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from quizapp.domain import save_tokens
from quizapp.web.candidate.autosave import SIGNED_OUT_MESSAGE
from quizapp.web.errors import SIGNED_OUT_FLASH
from quizapp.web.extensions import db
from quizapp.data.models import AttemptQuestion, Response, User
from quizapp.domain.uk_time import UK

from .support import (
    SAVED,
    QuestionInfo,
    answer_with_mouse,
    authored,
    expect_answer_shown,
    option_input,
    questions_of,
    saved_answers,
    sign_in,
    start_test,
    step,
    watch,
)

pytestmark = pytest.mark.browser

NOT_SAVED = "Your answer to this question is not saved yet"
CHANGED_ELSEWHERE = "Your answer to this question was changed in another window"
AUTOSAVE = "**/autosave"


def status(page: Page):
    return page.locator("#save-status")


def settle(page: Page) -> None:
    """Wait until the page's autosave has nothing in flight and nothing waiting to go at once
    (a save answered, or failed and waiting for its retry)."""
    page.wait_for_function("() => window.quizapp.autosave && !window.quizapp.autosave.inFlight")


def autosaves_sent(page: Page) -> dict[str, int]:
    """Counts the page's autosave requests as they go: how many in all, and the most at once."""
    seen = {"sent": 0, "open": 0, "most_at_once": 0}

    def sent(request) -> None:
        if request.url.endswith("/autosave"):
            seen["sent"] += 1
            seen["open"] += 1
            seen["most_at_once"] = max(seen["most_at_once"], seen["open"])

    def ended(request) -> None:
        if request.url.endswith("/autosave"):
            seen["open"] -= 1

    page.on("request", sent)
    page.on("requestfailed", ended)
    page.on("requestfinished", ended)
    return seen


def run_page_clock(page: Page, seconds: int) -> None:
    """Move the page's (paused) clock on a second at a time, letting each request it sends end."""
    for _ in range(seconds):
        page.clock.run_for(1000)
        settle(page)


def shown_answer(page: Page, info: QuestionInfo) -> list[int] | None:
    """The answer the page shows, as the authored option indices the database stores."""
    if info.type == "ordering":
        ranks = [page.locator(f"select[name='position-{shown}']").input_value() for shown in range(info.n)]
        if not all(ranks):
            return None
        return [info.option_order[shown] for shown in sorted(range(info.n), key=lambda shown: int(ranks[shown]))]
    values = page.locator("input[name='answer']:checked").evaluate_all("(inputs) => inputs.map((i) => i.value)")
    return sorted(info.option_order[int(v)] for v in values) or None


def question_url(attempt_id: int, position: int) -> str:
    return f"/tests/attempts/{attempt_id}/questions/{position}"


def first_of_type(infos: list[QuestionInfo], kind: str, n: int = 2) -> QuestionInfo:
    return next(i for i in infos if i.type == kind and i.n >= n)


def choose(page: Page, displayed: int) -> None:
    """Tick option `displayed` and wait for the autosave's answer."""
    with page.expect_response(lambda r: r.url.endswith("/autosave")):
        option_input(page, displayed).check()


# -- 5. the network drops -----------------------------------------------------------------------------


def test_offline_the_autosave_backs_off_and_saves_when_back_online(page: Page, server, candidate) -> None:
    sign_in(page, candidate)
    page.clock.install()
    attempt_id = start_test(page, "fx-long")  # 12 minutes: room for the minutes the clock is moved on
    info = questions_of(server.app, attempt_id)[0]
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=2))  # from here timers run only when the test says
    count = autosaves_sent(page)

    with step(page, "offline, choose an answer: the page says it is not saved and tries again, backing off"):
        page.context.set_offline(True)
        answer_with_mouse(page, info)
        run_page_clock(page, 60)
        expect(status(page)).to_contain_text(NOT_SAVED)
        # Retries 0.5-1 s, 1-2 s, 2-4 s... apart (half to all of a doubling delay): 6 to 9 in the first minute.
        assert 4 <= count["sent"] <= 9, f"{count['sent']} autosave requests in the first minute offline"
        assert saved_answers(server.app, attempt_id) == {}

    with step(page, "two more minutes offline: never more than one try every 15 to 30 seconds"):
        before = count["sent"]
        run_page_clock(page, 120)
        assert 3 <= count["sent"] - before <= 8, f"{count['sent'] - before} autosave requests in two minutes"
        assert count["most_at_once"] == 1, count
        expect(status(page)).to_contain_text(NOT_SAVED)

    with step(page, "back online: saved at once, without waiting for the next retry"):
        page.context.set_offline(False)  # the browser's "online" event; the page's clock stays paused
        expect(status(page)).to_have_text(SAVED)
        assert saved_answers(server.app, attempt_id) == {info.position: authored(info, True)}

    with step(page, "the server cannot be reached, without an offline event: saved when the page is looked at again"):
        page.route(AUTOSAVE, lambda route: route.abort("internetdisconnected"))
        answer_with_mouse(page, info, right=False)
        run_page_clock(page, 1)
        expect(status(page)).to_contain_text(NOT_SAVED)
        sent = count["sent"]
        page.unroute(AUTOSAVE)
        # The candidate switches to another tab and back (headless Chromium keeps every page visible).
        page.evaluate("""() => {
          for (const state of ["hidden", "visible"]) {
            Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
          }
        }""")
        expect(status(page)).to_have_text(SAVED)
        assert count["sent"] == sent + 1
        assert saved_answers(server.app, attempt_id) == {info.position: authored(info, False)}


def retries_in_a_minute_offline(page: Page, server, candidate) -> int:
    sign_in(page, candidate)
    page.clock.install()
    attempt_id = start_test(page, "fx-long")
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=2))
    count = autosaves_sent(page)
    page.context.set_offline(True)
    answer_with_mouse(page, questions_of(server.app, attempt_id)[0])
    run_page_clock(page, 60)
    return count["sent"]


def test_retries_are_spread_by_chance(open_page, server) -> None:
    """Pages that lose the network together (a venue's Wi-Fi) must not retry together: each
    delay is drawn at random between half and all of its ceiling. With every random draw at
    its lowest the page retries more often in a minute than with every draw at its highest."""
    counts = {}
    for draw in (0.0, 0.9999):
        page = open_page()
        page.add_init_script(f"Math.random = () => {draw};")
        counts[draw] = retries_in_a_minute_offline(page, server, server.new_user())
    assert counts[0.0] >= counts[0.9999] + 2, counts


# -- 6. two tabs ---------------------------------------------------------------------------------------


def two_pages_on_one_question(open_page, server, candidate, same_browser: bool) -> tuple[Page, Page, int, QuestionInfo]:
    """The candidate's question opened first in `older`, then in `newer`: two tabs of one browser,
    or two browsers (say a laptop's and a phone's), each signed in."""
    older = open_page()
    sign_in(older, candidate)
    attempt_id = start_test(older, "fx-mock")
    info = first_of_type(questions_of(server.app, attempt_id), "single", n=3)
    url = question_url(attempt_id, info.position)
    older.goto(url)
    if same_browser:
        newer = older.context.new_page()
        watch(newer)
    else:
        newer = open_page()
        sign_in(newer, candidate)
    newer.goto(url)
    return older, newer, attempt_id, info


def test_two_browsers_on_one_question_the_refused_one_shows_what_is_saved(open_page, server, candidate) -> None:
    """Each page hears only its own saves: the older page's save is refused (its seq is lower),
    and it must not say "Saved at"; it shows the answer the server kept, and says why."""
    older, newer, attempt_id, info = two_pages_on_one_question(open_page, server, candidate, same_browser=False)
    a, b, c = 0, 1, 2  # displayed positions

    with step(newer, "the newer page chooses A, then B: saved"):
        choose(newer, a)
        choose(newer, b)
        expect(status(newer)).to_have_text(SAVED)
        assert saved_answers(server.app, attempt_id) == {info.position: [info.option_order[b]]}

    with step(older, "the older page chooses C: refused, and it shows B, the saved answer, and says why"):
        expect(option_input(older, b)).not_to_be_checked()  # it has not heard of B
        choose(older, c)
        expect(status(older)).to_contain_text(CHANGED_ELSEWHERE)
        expect(option_input(older, b)).to_be_checked()
        expect(option_input(older, c)).not_to_be_checked()
        assert saved_answers(server.app, attempt_id) == {info.position: [info.option_order[b]]}

    with step(older, "the older page chooses C again: now it is saved"):
        choose(older, c)
        expect(status(older)).to_have_text(SAVED)
        assert saved_answers(server.app, attempt_id) == {info.position: [info.option_order[c]]}

    with step(older, "Save and continue in the older page keeps C"):
        older.get_by_role("button", name="Save and continue").click()
        expect(older).to_have_url(re.compile(rf"/questions/{info.position + 1}$"))
        assert saved_answers(server.app, attempt_id) == {info.position: [info.option_order[c]]}


def test_two_tabs_of_one_browser_keep_in_step(open_page, server, candidate) -> None:
    """Tabs of one browser tell each other of every save: the other tab shows it at once, says
    so, and its next change outranks it."""
    older, newer, attempt_id, info = two_pages_on_one_question(open_page, server, candidate, same_browser=True)
    a, b, c = 0, 1, 2

    with step(newer, "the newer tab chooses A, then B: the older tab shows B and says why"):
        choose(newer, a)
        choose(newer, b)
        expect(status(newer)).to_have_text(SAVED)
        expect(option_input(older, b)).to_be_checked()
        expect(status(older)).to_contain_text(CHANGED_ELSEWHERE)

    with step(older, "the older tab chooses C: saved, and now the newer tab shows C"):
        choose(older, c)
        expect(status(older)).to_have_text(SAVED)
        assert saved_answers(server.app, attempt_id) == {info.position: [info.option_order[c]]}
        expect(option_input(newer, c)).to_be_checked()
        expect(status(newer)).to_contain_text(CHANGED_ELSEWHERE)

    with step(newer, "Save and continue in the newer tab keeps C"):
        newer.get_by_role("button", name="Save and continue").click()
        expect(newer).to_have_url(re.compile(rf"/questions/{info.position + 1}$"))
        assert saved_answers(server.app, attempt_id) == {info.position: [info.option_order[c]]}


# -- 7. the server's time ----------------------------------------------------------------------------


def stored_saved_at(server, attempt_id: int, position: int) -> datetime:
    with server.app.app_context():
        saved_at = db.session.scalar(
            select(Response.saved_at).join(AttemptQuestion, AttemptQuestion.id == Response.question_id)
            .where(AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position))
    return saved_at if saved_at.tzinfo else saved_at.replace(tzinfo=UTC)


def test_saved_at_is_the_server_time_in_uk_time(open_page, server, candidate) -> None:
    """A browser in New York whose clock is 3 hours 17 minutes fast still says when the server
    saved the answer, in UK time like the rest of the service."""
    page = open_page(timezone_id="America/New_York")
    page.clock.install(time=datetime.now(UTC) + timedelta(hours=3, minutes=17))
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    info = questions_of(server.app, attempt_id)[0]
    with step(page, "answer: the status gives the server's time of saving, in UK time"):
        answer_with_mouse(page, info)
        expect(status(page)).to_have_text(SAVED)
        saved_at = stored_saved_at(server, attempt_id, info.position)
        expect(status(page)).to_have_text(f"Saved at {saved_at.astimezone(UK):%H:%M:%S}")


# -- ordinary mistakes --------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_double_click_on_save_and_continue_saves_once_and_goes_to_the_next_question(open_page, server, candidate,
                                                                                    javascript) -> None:
    page = open_page(java_script_enabled=javascript)
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    infos = questions_of(server.app, attempt_id)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and re.search(r"/questions/\d+$", r.url) else None)
    with step(page, "answer question 1 and double-click Save and continue"):
        answer_with_mouse(page, infos[0])
        page.get_by_role("button", name="Save and continue").dblclick()
        expect(page).to_have_url(re.compile(r"/questions/2$"))
        expect(page.locator("legend h1")).to_contain_text("Question 2 of 6")
        assert saved_answers(server.app, attempt_id) == {1: authored(infos[0], True)}
        if javascript:  # GOV.UK Frontend's preventDoubleClick; without it the second click repeats the same save
            assert len(posts) == 1, posts


def deliver_late(server, route_request) -> None:
    """Send a held autosave request to the server as the network would have, late."""
    request = urllib.request.Request(route_request.url, data=route_request.post_data_buffer, method="POST",
                                     headers={k: v for k, v in route_request.headers.items()
                                              if k.lower() in ("content-type", "x-save-token", "accept")})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize("when", ["before the save is sent", "while the save is on its way"])
def test_reload_mid_save_shows_what_the_server_holds(page: Page, server, candidate, when) -> None:
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    info = first_of_type(questions_of(server.app, attempt_id), "single")
    page.goto(question_url(attempt_id, info.position))
    with step(page, "answer, and it saves"):
        answer_with_mouse(page, info)
        expect(status(page)).to_have_text(SAVED)

    with step(page, f"change the answer and reload {when}"):
        held: list[Route] = []

        def hold_the_first(route: Route) -> None:  # it leaves, but its answer never comes back
            if held:
                route.continue_()
            else:
                held.append(route)

        if when == "before the save is sent":
            answer_with_mouse(page, info, right=False)  # reloaded before the autosave's short wait is over
        else:
            page.route(AUTOSAVE, hold_the_first)
            with page.expect_request(AUTOSAVE):
                answer_with_mouse(page, info, right=False)
        page.reload()
        for route in held:  # it reaches the server after the page was reloaded
            deliver_late(server, route.request)

    with step(page, "after the reload the page shows what the server holds, and says it is saved"):
        settle(page)
        expect(status(page)).to_have_text(SAVED)
        stored = saved_answers(server.app, attempt_id)[info.position]
        assert shown_answer(page, info) == stored, f"the page shows {shown_answer(page, info)}, the server holds {stored}"
        # The last choice is not lost either.
        assert stored == authored(info, False)


def test_back_button_after_moving_on_shows_the_saved_answer(page: Page, server, candidate) -> None:
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    infos = questions_of(server.app, attempt_id)
    first = infos[0]
    with step(page, "answer question 1, Save and continue, then Back: question 1 shows its answer"):
        answer_with_mouse(page, first)
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/questions/2$"))
        page.go_back()
        expect(page).to_have_url(re.compile(r"/questions/1$"))
        expect_answer_shown(page, first)

    with step(page, "go on to question 2, come back with its button, change the answer, go on again"):
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/questions/2$"))
        page.locator("button.app-question-nav__button[value='1']").click()
        expect(page).to_have_url(re.compile(r"/questions/1$"))
        answer_with_mouse(page, first, right=False)
        expect(status(page)).to_have_text(SAVED)
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/questions/2$"))
        assert saved_answers(server.app, attempt_id)[1] == authored(first, False)

    with step(page, "Back through the history to the first visit of question 1: it shows the saved answer"):
        for _ in range(3):  # question 1 (second visit), question 2, question 1 (first visit)
            page.go_back()
        expect(page).to_have_url(re.compile(r"/questions/1$"))
        settle(page)
        assert shown_answer(page, first) == authored(first, False), "the page shows an answer the server no longer holds"


def expired_save_token(server, attempt_id: int, email: str) -> str:
    """A save token for this attempt whose time ran out a minute ago (as a page left open past the
    session's lifetime has)."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        expires = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
        return save_tokens.issue(server.app.secret_key, attempt_id, user.id, user.session_token, expires)


def test_session_ends_mid_test_sign_in_again_returns_to_the_test_with_answers_kept(page: Page, server, candidate) -> None:
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    infos = questions_of(server.app, attempt_id)
    with step(page, "answer question 1 and go on to question 2"):
        answer_with_mouse(page, infos[0])
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/questions/2$"))
        answer_with_mouse(page, infos[1])
        expect(status(page)).to_have_text(SAVED)

    with step(page, "the session ends (the cookie goes, the page's save token expires); change the answer"):
        page.context.clear_cookies()
        expired = expired_save_token(server, attempt_id, candidate["email"])
        page.route(AUTOSAVE, lambda route: route.continue_(headers={**route.request.headers, "x-save-token": expired}))
        answer_with_mouse(page, infos[1], right=False)
        expect(status(page)).to_have_text(SIGNED_OUT_MESSAGE)
        assert saved_answers(server.app, attempt_id) == {1: authored(infos[0], True), 2: authored(infos[1], True)}
        page.unroute(AUTOSAVE)

    with step(page, "Save and continue asks to sign in; signing in returns to question 2"):
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/sign-in"))
        expect(page.locator(".govuk-notification-banner")).to_contain_text(SIGNED_OUT_FLASH)
        page.get_by_label("Email address").fill(candidate["email"])
        page.get_by_label("Password", exact=True).fill(candidate["password"])
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(rf"{question_url(attempt_id, 2)}$"))

    with step(page, "the answers are kept, and the change made while signed out is saved now"):
        expect(status(page)).to_have_text(SAVED)
        assert saved_answers(server.app, attempt_id) == {1: authored(infos[0], True), 2: authored(infos[1], False)}
        assert shown_answer(page, infos[1]) == authored(infos[1], False)
