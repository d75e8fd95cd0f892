"""The candidate's journey in a real browser: sign up, take a timed mock with the mouse, with the
keyboard only, and with JavaScript off; flag, jump between questions, reload, lose the network
for a moment, check, submit and read the result. Every distinct page is audited (axe-core, one
h1, a unique title) and the main pages are saved as screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.services import accounts
from quizapp.web.extensions import db
from quizapp.web.candidate.autosave import SIGNED_OUT_MESSAGE
from quizapp.data.models import User

from .support import (
    SAVED,
    PASSWORD,
    attempt_from_url,
    attempt_row,
    answer_with_keyboard,
    answer_with_mouse,
    authored,
    expect_answer_shown,
    option_input,
    questions_of,
    saved_answers,
    screenshot,
    sign_in,
    start_test,
    step,
    tab_to,
)

pytestmark = pytest.mark.browser



def question_heading(page: Page, position: int, total: int = 6) -> None:
    """The page heading is the question, inside the fieldset's legend."""
    legend_h1 = page.locator("fieldset legend h1")
    expect(legend_h1).to_have_count(1)
    expect(legend_h1).to_contain_text(f"Question {position} of {total}")
    expect(page).to_have_title(re.compile(rf"^Question {position} of {total} – "))


def nav_button(page: Page, position: int):
    return page.locator(f"button.app-question-nav__button[name='goto'][value='{position}']")


def test_sign_up_and_take_a_timed_mock_with_the_mouse(page: Page, server, audit) -> None:
    app = server.app
    email = f"sign-up-{uuid.uuid4().hex[:12]}@browser.example"

    with step(page, "open the landing page"):
        page.goto("/")
        audit(page, "landing")
        page.get_by_role("button", name="Start now").click()
        expect(page).to_have_url(re.compile(r"/sign-up$"))

    with step(page, "sign up with passwords that do not match"):
        audit(page, "sign-up")
        page.get_by_label("Full name").fill("Jo Browser")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Create a password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm password", exact=True).fill(PASSWORD + " not")
        page.get_by_role("button", name="Create account").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Passwords must match")
        expect(page.locator(".govuk-error-summary")).to_be_focused()  # GOV.UK Frontend's ErrorSummary
        audit(page, "sign-up with an error", errors=True)

    with step(page, "sign up: check your email"):
        page.get_by_label("Create a password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("h1")).to_have_text("Check your email")
        expect(page.locator("main")).to_contain_text(f"We have sent an email to {email}")
        audit(page, "check your email")

    with step(page, "open the link in the email (the outbox), then sign in"):
        page.goto(server.link_in_email(email, "/confirm-email/"))
        expect(page.locator("h1")).to_have_text("Sign in")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Your email address {email} is confirmed")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("h1")).to_have_text("Your tests")
        expect(page.locator("main")).not_to_contain_text("Confirm your email address")
        audit(page, "home")

    with step(page, "choose the test and read the start page"):
        page.get_by_role("link", name="Fixture mock").click()
        expect(page.locator("h1")).to_have_text("Fixture mock")
        expect(page.locator("main")).to_contain_text("pass mark is 50%")
        audit(page, "start")
        screenshot(page, "journey-start")
        page.get_by_role("button", name="Start timed mock").click()

    with step(page, "the attempt's questions, from the database"):
        attempt_id, position = attempt_from_url(page)
        assert position == 1
        infos = questions_of(app, attempt_id)
        assert [i.scenario for i in infos[4:]] == ["The Fixture family"] * 2, "fixture draw changed: update this test"

    with step(page, "answer question 1; it saves by itself and is there after a reload"):
        question_heading(page, 1)
        audit(page, "question 1")
        screenshot(page, "journey-question")
        expect(page.locator("#app-timer-toggle")).to_be_visible()
        answer_with_mouse(page, infos[0])
        expect(page.locator("#save-status")).to_have_text(SAVED)
        assert saved_answers(app, attempt_id).get(1) == authored(infos[0], True)
        page.reload()
        question_heading(page, 1)
        expect_answer_shown(page, infos[0])
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/questions/2$"))

    with step(page, "answer and flag question 2"):
        question_heading(page, 2)
        audit(page, "question 2")
        answer_with_mouse(page, infos[1])
        page.get_by_role("button", name="Flag for review").click()
        expect(page.locator("legend")).to_contain_text("(flagged for review)")
        expect(page.get_by_role("button", name="Remove flag")).to_be_visible()
        expect(nav_button(page, 2)).to_contain_text("flagged")
        audit(page, "question 2", state="flagged")

    with step(page, "jump to the scenario question 5 with its numbered button"):
        nav_button(page, 5).click()
        expect(page).to_have_url(re.compile(r"/questions/5$"))
        question_heading(page, 5)
        expect(page.locator(".app-scenario")).to_contain_text("A vignette about the Fixture family.")
        expect(nav_button(page, 5)).to_have_attribute("aria-current", "step")
        audit(page, "question 5")
        screenshot(page, "journey-scenario-question")
        answer_with_mouse(page, infos[4])
        nav_button(page, 3).click()  # the answer on this page is saved first
        expect(page).to_have_url(re.compile(r"/questions/3$"))
        assert saved_answers(app, attempt_id).get(5) == authored(infos[4], True)

    for info in infos[2:4]:
        with step(page, f"answer question {info.position} ({info.type})"):
            question_heading(page, info.position)
            audit(page, f"question {info.position}")
            answer_with_mouse(page, info)
            page.get_by_role("button", name="Save and continue").click()

    with step(page, "question 5 still shows its answer; continue to question 6"):
        expect(page).to_have_url(re.compile(r"/questions/5$"))
        expect_answer_shown(page, infos[4])
        page.get_by_role("button", name="Save and continue").click()
        question_heading(page, 6)
        audit(page, "question 6")
        answer_with_mouse(page, infos[5])
        page.get_by_role("button", name="Save and continue").click()

    with step(page, "check your answers"):
        expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/check$"))
        expect(page.locator("main")).to_contain_text("You have answered 6 of 6 questions and flagged 1 for review.")
        audit(page, "check answers")
        screenshot(page, "journey-check-answers")

    with step(page, "lose the network, change question 1's answer, and get it saved when back online"):
        page.get_by_role("link", name="Change question 1").click()
        question_heading(page, 1)
        page.context.set_offline(True)
        answer_with_mouse(page, infos[0], right=False)
        expect(page.locator("#save-status")).to_contain_text("Your answer to this question is not saved yet")
        assert saved_answers(app, attempt_id)[1] == authored(infos[0], True), "saved while offline?"
        page.context.set_offline(False)
        expect(page.locator("#save-status")).to_have_text(SAVED)
        assert saved_answers(app, attempt_id)[1] == authored(infos[0], False)
        page.get_by_role("button", name="Check your answers").click()
        expect(page).to_have_url(re.compile(r"/check$"))

    with step(page, "submit, with a confirmation"):
        page.get_by_role("button", name="Submit your answers").click()
        expect(page.locator("h1")).to_have_text("Are you sure you want to submit your answers?")
        expect(page.locator("main")).to_contain_text("You flagged 1 question for review.")
        audit(page, "confirm submit")
        page.get_by_role("button", name="Submit and see my result").click()

    with step(page, "read the result and its feedback"):
        expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"))
        main = page.locator("main")
        expect(page.locator(".govuk-panel__title")).to_have_text("Passed")
        expect(main).to_contain_text("You scored 83%")  # 5 of 6: question 1 was changed to a wrong answer
        expect(main).to_contain_text("You submitted your answers")
        expect(page.locator("#question-1-heading + .app-review")).to_contain_text("Incorrect")
        for text in ("S1 right because.", "Rationale for S1.", "Rationale for R2.", "Children Act 1989, s.47",
                     "A Statement A", "What this covers and what to study"):
            expect(main).to_contain_text(text)
        audit(page, "result")
        screenshot(page, "journey-result")
        attempt = attempt_row(app, attempt_id)
        assert attempt.ended_how == "submitted" and attempt.passed and round(attempt.percent) == 83

    with step(page, "see the history"):
        page.get_by_role("link", name="See your results over time").click()
        expect(page.locator("h1")).to_have_text("Your results over time")
        expect(page.locator("main")).to_contain_text("Fixture mock")
        audit(page, "history")
        screenshot(page, "journey-history")


def test_keyboard_only(page: Page, server, candidate) -> None:
    """Tab, Space, Enter and the arrow keys: no mouse from the start page to the result."""
    sign_in(page, candidate)
    with step(page, "start the timed mock from the keyboard"):
        page.goto("/tests/fx-mock")
        tab_to(page, page.get_by_role("button", name="Start timed mock"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/questions/1$"))
    attempt_id, _ = attempt_from_url(page)
    infos = questions_of(server.app, attempt_id)

    for info in infos:
        with step(page, f"answer question {info.position} ({info.type}) with the keyboard"):
            question_heading(page, info.position)
            answer_with_keyboard(page, info)
            if info.position == 2:
                tab_to(page, page.get_by_role("button", name="Flag for review"))
                page.keyboard.press("Space")
                expect(page.get_by_role("button", name="Remove flag")).to_be_visible()
                tab_to(page, nav_button(page, 3))
                page.keyboard.press("Enter")
            elif info.type == "single":
                page.keyboard.press("Enter")  # Enter on a radio submits the form: "Save and continue"
            else:
                tab_to(page, page.get_by_role("button", name="Save and continue"))
                page.keyboard.press("Enter")
            expect(page).not_to_have_url(re.compile(rf"/questions/{info.position}$"))

    with step(page, "check, confirm and submit from the keyboard"):
        expect(page).to_have_url(re.compile(r"/check$"))
        expect(page.locator("main")).to_contain_text("You have answered 6 of 6 questions and flagged 1 for review.")
        tab_to(page, page.get_by_role("button", name="Submit your answers"))
        page.keyboard.press("Enter")
        tab_to(page, page.get_by_role("button", name="Submit and see my result"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/result$"))
        expect(page.locator("main")).to_contain_text("You scored 100%")
        assert saved_answers(server.app, attempt_id) == {i.position: authored(i, True) for i in infos}


def test_javascript_off_journey_uses_plain_forms(open_page, server) -> None:
    page = open_page(java_script_enabled=False)
    with step(page, "sign up without JavaScript"):
        page.goto("/sign-up")
        address = f"no-script-{uuid.uuid4().hex[:12]}@browser.example"
        page.get_by_label("Full name").fill("No Script")
        page.get_by_label("Email address").fill(address)
        page.get_by_label("Create a password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("h1")).to_have_text("Check your email")
        # An unconfirmed account may practise and take tests: sign in without opening the link.
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(address)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("h1")).to_have_text("Your tests")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Confirm your email address")
    attempt_id = start_test(page, "fx-mock")
    infos = questions_of(server.app, attempt_id)

    with step(page, "question 1 without the script: a static time left, no autosave, no hide button"):
        expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))
        expect(page.locator("#app-timer")).to_contain_text("Time left:")
        expect(page.locator("#app-timer-toggle")).to_be_hidden()

    for info in infos:
        with step(page, f"answer question {info.position} ({info.type}) and save"):
            question_heading(page, info.position)
            answer_with_mouse(page, info, right=info.position != 6)
            if info.position == 1:
                assert saved_answers(server.app, attempt_id) == {}, "saved without the button?"
            if info.position == 3:
                page.get_by_role("button", name="Flag for review").click()
                expect(page.locator("legend")).to_contain_text("(flagged for review)")
                nav_button(page, 4).click()
            else:
                page.get_by_role("button", name="Save and continue").click()
            expect(page).not_to_have_url(re.compile(rf"/questions/{info.position}$"))

    with step(page, "check, confirm and submit"):
        expect(page.locator("main")).to_contain_text("You have answered 6 of 6 questions and flagged 1 for review.")
        page.get_by_role("button", name="Submit your answers").click()
        page.get_by_role("button", name="Submit and see my result").click()
        expect(page).to_have_url(re.compile(r"/result$"))
        expect(page.locator("main")).to_contain_text("You scored 83%")
        expect(page.locator("#question-6-heading + .app-review")).to_contain_text("Incorrect")
        assert saved_answers(server.app, attempt_id) == {i.position: authored(i, i.position != 6) for i in infos}


def test_a_revoked_save_token_says_so_and_stops_trying(page: Page, server, candidate) -> None:
    """The autosave's token dies with the candidate's sessions (a password change here): the
    page says the answer was not saved and why, does not retry, and Save and continue asks the
    candidate to sign in."""
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    info = questions_of(server.app, attempt_id)[0]
    with step(page, "the password is changed elsewhere; the next answer is refused"):
        with server.app.app_context():
            user = db.session.scalar(select(User).where(User.email == candidate["email"]))
            accounts.set_password(user, PASSWORD + " changed")
            db.session.commit()
        sent = []
        page.on("request", lambda request: sent.append(request.url) if request.url.endswith("/autosave") else None)
        answer_with_mouse(page, info)
        expect(page.locator("#save-status")).to_have_text(SIGNED_OUT_MESSAGE)
        page.wait_for_timeout(2500)  # longer than the first retry delay after a network failure
        assert len(sent) == 1, sent
        assert saved_answers(server.app, attempt_id) == {}
    with step(page, "Save and continue goes to sign in"):
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(r"/sign-in"))


def test_practice_question_and_its_feedback(page: Page, server, candidate, audit) -> None:
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock", mode="practice")
    info = questions_of(server.app, attempt_id)[0]
    with step(page, "a practice question has no timer"):
        question_heading(page, 1)
        expect(page.locator("#app-timer")).to_have_count(0)
        audit(page, "practice question 1")
    with step(page, "answer it wrongly and read the feedback"):
        answer_with_mouse(page, info, right=False)
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator("h1")).to_have_text("Question 1 of 6: feedback")
        expect(page.locator("main")).to_contain_text("Rationale")
        expect(page.locator("main")).to_contain_text(re.compile("Incorrect|Partly correct"))
        audit(page, "practice feedback")


def test_error_states(page: Page, server, candidate, audit) -> None:
    """A failed sign-in and a multiple-response question with the wrong number chosen: the
    error summary takes the focus, links to the field, and the page passes axe."""
    with step(page, "sign in with the wrong password"):
        page.goto("/sign-in")
        audit(page, "sign-in")
        page.get_by_label("Email address").fill(candidate["email"])
        page.get_by_label("Password", exact=True).fill("not the password at all")
        page.get_by_role("button", name="Sign in").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter a correct email address and password")
        expect(summary).to_be_focused()
        audit(page, "sign-in with an error", errors=True)
        summary.get_by_role("link").click()
        expect(page.get_by_label("Email address")).to_be_focused()

    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    info = next(i for i in questions_of(server.app, attempt_id) if i.type == "multiple")

    with step(page, "choose two answers where three are asked for"):
        page.goto(f"/tests/attempts/{attempt_id}/questions/{info.position}")
        chosen = [d for d, a in enumerate(info.option_order) if a in info.correct][:2]
        for displayed in chosen:
            option_input(page, displayed).check()
        # kept, not as an answer, and the page says so
        expect(page.locator("#save-status")).to_contain_text(re.compile(r"^Not answered yet\. Select 3 answers\. You selected 2\. Your choice so far is kept: saved at \d\d:\d\d:\d\d\.$"))
        page.get_by_role("button", name="Save and continue").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Select 3 answers")
        expect(summary).to_be_focused()
        expect(page.locator("input[name='answer']:checked")).to_have_count(2)  # the choice is kept
        audit(page, "multiple-response question with an error", errors=True)
        summary.get_by_role("link").click()
        expect(page.locator("input[name='answer']").first).to_be_focused()
        assert saved_answers(server.app, attempt_id) == {}, "an incomplete choice was stored as an answer"


FOCUSED_BOX = """() => {
  const el = document.activeElement;
  const timer = document.getElementById("app-timer");
  const follows = Boolean(timer.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {what: el.id || el.name || el.tagName, belowTimer: follows && !timer.contains(el),
          top: el.getBoundingClientRect().top, timerBottom: timer.getBoundingClientRect().bottom};
}"""


def test_focus_is_not_hidden_under_the_sticky_timer(page: Page, server, candidate) -> None:
    """WCAG 2.2 SC 2.4.11: the timer sticks to the top of the window, so what gets the focus
    (going back up with Shift+Tab, or following an error summary link) must be scrolled clear of it."""
    page.set_viewport_size({"width": 1000, "height": 600})
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    info = next(i for i in questions_of(server.app, attempt_id) if i.type == "multiple")
    page.goto(f"/tests/attempts/{attempt_id}/questions/{info.position}")

    with step(page, "Shift+Tab from the question buttons back up through the options"):
        nav_button(page, 1).focus()
        seen = []
        for _ in range(info.n + 3):  # the three buttons, then every option
            page.keyboard.press("Shift+Tab")
            box = page.evaluate(FOCUSED_BOX)
            if box["belowTimer"]:
                seen.append(box["what"])
                assert box["top"] >= box["timerBottom"] - 1, f"{box['what']} has the focus under the timer: {box}"
        assert len(seen) == info.n + 3, seen

    with step(page, "an error summary link scrolls the question clear of the timer"):
        option_input(page, 0).check()
        page.get_by_role("button", name="Save and continue").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()  # GOV.UK Frontend is ready: its link handler is on
        summary.get_by_role("link").click()
        expect(page.locator("input[name='answer']").first).to_be_focused()
        legend_top = page.locator("legend").evaluate("(el) => el.getBoundingClientRect().top")
        timer_bottom = page.locator("#app-timer").evaluate("(el) => el.getBoundingClientRect().bottom")
        assert legend_top >= timer_bottom - 1, f"the question (top {legend_top}) is under the timer (bottom {timer_bottom})"


def test_practice_change_of_mind_then_feedback_on_the_last_choice(page: Page, server, candidate) -> None:
    """Issue 14, defect 1: practice, click one option, then another, then Save and continue: the
    feedback is on the second choice (the autosave kept drafts), never a 400 page."""
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock", mode="practice")
    info = next(i for i in questions_of(server.app, attempt_id) if i.type == "single")
    page.goto(f"/tests/attempts/{attempt_id}/questions/{info.position}")
    wrong = next(d for d, a in enumerate(info.option_order) if a not in info.correct)
    right = info.option_order.index(info.correct[0])
    with step(page, "click a wrong option, then the right one"):
        option_input(page, wrong).check()
        expect(page.locator("#save-status")).to_have_text(SAVED)
        option_input(page, right).check()
        expect(page.locator("#save-status")).to_have_text(SAVED)
    with step(page, "reload: the draft is shown, with no feedback yet"):
        page.reload()
        expect(page).to_have_url(re.compile(rf"/questions/{info.position}$"))
        expect(option_input(page, right)).to_be_checked()
    with step(page, "change back and forth, then Save and continue"):
        option_input(page, wrong).check()
        option_input(page, right).check()
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/questions/{info.position}")) as posted:
            page.get_by_role("button", name="Save and continue").click()
        assert posted.value.status == 302
        expect(page.locator("h1")).to_have_text(f"Question {info.position} of 6: feedback")
        expect(page.locator("main")).to_contain_text("Correct")
        expect(page.locator("main")).not_to_contain_text("already answered")
        assert saved_answers(server.app, attempt_id) == {info.position: [info.correct[0]]}


def test_a_half_ticked_question_does_not_trap_the_candidate(page: Page, server, candidate, audit) -> None:
    """Issue 14, defect 2: one box ticked of three, the question buttons, Flag for review and
    Check your answers all move on; the boxes are still ticked after coming back and reloading,
    and the buttons and Check your answers say "not answered yet"."""
    sign_in(page, candidate)
    attempt_id = start_test(page, "fx-mock")
    info = next(i for i in questions_of(server.app, attempt_id) if i.type == "multiple")
    other = 1 if info.position != 1 else 2
    question_url = f"/tests/attempts/{attempt_id}/questions/{info.position}"
    page.goto(question_url)
    ticked = info.option_order.index(info.correct[0])
    with step(page, "tick one box: the autosave says it is kept but not an answer yet"):
        option_input(page, ticked).check()
        expect(page.locator("#save-status")).to_contain_text(
            re.compile(r"Not answered yet\. Select 3 answers\. You selected 1\. Your choice so far is kept: saved at \d\d:\d\d:\d\d"))
    with step(page, "go to another question"):
        nav_button(page, other).click()
        expect(page).to_have_url(re.compile(rf"/questions/{other}$"))
        expect(nav_button(page, info.position)).to_contain_text("not answered yet")
    with step(page, "come back: the box is still ticked"):
        nav_button(page, info.position).click()
        expect(page).to_have_url(re.compile(rf"/questions/{info.position}$"))
        expect(option_input(page, ticked)).to_be_checked()
    with step(page, "Flag for review moves on too"):
        page.get_by_role("button", name="Flag for review").click()
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
        expect(page.locator("h1")).to_contain_text("(flagged for review)")
        expect(option_input(page, ticked)).to_be_checked()
    with step(page, "Check your answers says not answered yet"):
        page.get_by_role("button", name="Check your answers").click()
        expect(page).to_have_url(re.compile(r"/check$"))
        expect(page.locator("main")).to_contain_text("You have answered 0 of 6 questions")
        expect(page.locator("main")).to_contain_text(re.compile(r"Not answered yet\s+1 of 3 selected: it counts once it is complete"))
        audit(page, "check your answers", state="a question started")
    with step(page, "reload the question: still ticked, and not counted"):
        page.goto(question_url)
        page.reload()
        expect(option_input(page, ticked)).to_be_checked()
        assert saved_answers(server.app, attempt_id) == {}
