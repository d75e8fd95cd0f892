"""An incomplete choice (too few boxes ticked on a "Select 3 answers" question, an ordering with
positions missing) never traps the candidate and never counts as an answer: the question buttons,
Check your answers and Flag for review move on; the choice is kept, so it is still there when they
come back, and every page says the question is not answered yet. Only Save and continue says what
is missing (docs/scoring.md, "Incomplete answers")."""

from __future__ import annotations

import re

import pytest
from quizapp.services import results
from quizapp.web.extensions import db
from quizapp.data.models import Attempt
from tests.helpers import check_page, text_of

from tests.web.candidate.conftest import (
    answer_form,
    autosave,
    questions_of,
    shows_an_answer,
    stored_response,
)
from tests.web.candidate.test_journey import qurl, start


def _question(app, attempt_id: int, kind: str):
    return next(i for i in questions_of(app, attempt_id) if i.type == kind)


def _partial_form(info) -> dict[str, object]:
    """One box ticked of the three asked for; or positions for the first two options only."""
    if info.type == "ordering":
        return {"position-0": "2", "position-1": "1"}
    shown = {a: d for d, a in enumerate(info.option_order)}
    return {"answer": [str(shown[info.correct[0]])]}


def _nav_label(page_text: str, position: int) -> str:
    match = re.search(rf"Question {position} ?(, [a-z ,()0-9]+)", page_text)
    assert match, page_text
    return match.group(1)


@pytest.mark.parametrize("kind", ["multiple", "ordering"])
@pytest.mark.parametrize(("extra", "goes_to"), [
    ({"goto": "1"}, "question 1"),
    ({"action": "check"}, "check"),
    ({"action": "flag"}, "same question"),
])
def test_navigation_works_with_an_incomplete_choice_and_keeps_it(client, auth, fx, app, kind, extra, goes_to):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, kind)
    response = client.post(qurl(attempt_id, info.position), data={**_partial_form(info), **extra})
    assert response.status_code == 302, text_of(response)
    expected = {"question 1": qurl(attempt_id, 1), "check": f"/tests/attempts/{attempt_id}/check",
                "same question": qurl(attempt_id, info.position)}[goes_to]
    assert response.headers["Location"].endswith(expected)
    # Kept: the page shows the incomplete choice again (also after signing out and in again).
    client.post("/sign-out")
    auth.as_role("candidate")
    page = client.get(qurl(attempt_id, info.position))
    check_page(page)
    assert shows_an_answer(page)
    assert "not answered yet" in _nav_label(text_of(page), info.position)
    with app.app_context():
        assert stored_response(attempt_id, info.position).complete is False


@pytest.mark.parametrize(("kind", "says"), [("multiple", "1 of 3 selected"), ("ordering", "2 of 4 positions chosen")])
def test_check_your_answers_says_not_answered_yet_and_does_not_count_it(client, auth, fx, app, kind, says):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, kind)
    client.post(qurl(attempt_id, info.position), data={**_partial_form(info), "action": "check"})
    check = text_of(client.get(f"/tests/attempts/{attempt_id}/check"))
    assert f"Question {info.position}" in check
    assert f"Not answered yet {says[0].upper() + says[1:]}: it counts once it is complete" in check
    assert "You have answered 0 of 6 questions" in check
    assert "You have 6 unanswered questions" in text_of(client.get(f"/tests/attempts/{attempt_id}/submit"))


def test_an_incomplete_choice_scores_nothing_and_counts_as_unanswered(client, auth, fx, app):
    """Everything else answered right: a returning candidate resumes at the first incomplete
    question, and the result marks both incomplete ones as not answered, scoring 0."""
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    incomplete = []
    for info in questions_of(app, attempt_id):
        if info.type in ("multiple", "ordering"):
            incomplete.append(info.position)
            form = _partial_form(info)
        else:
            form = answer_form(info)
        assert client.post(qurl(attempt_id, info.position), data={**form, "action": "check"}).status_code == 302
    resumed = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    assert resumed.headers["Location"].endswith(qurl(attempt_id, min(incomplete)))
    client.post(f"/tests/attempts/{attempt_id}/submit")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == len(attempt.questions) - 2
        assert [q.position for q in attempt.questions if q.score == 0] == incomplete
        outcomes = {q.position: q.outcome for q in results.report(db.session, attempt).questions}
    assert [p for p, outcome in outcomes.items() if outcome == "Not answered"] == incomplete


def test_save_and_continue_says_what_is_missing_and_keeps_the_choice(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, "multiple")
    response = client.post(qurl(attempt_id, info.position), data={**_partial_form(info), "action": "save"})
    page = check_page(response, status=400)
    assert "answer" in page.error_links
    assert "Select 3 answers. You selected 1." in text_of(response)
    assert shows_an_answer(client.get(qurl(attempt_id, info.position)))  # kept across a reload


def test_the_autosave_keeps_an_incomplete_choice_as_not_answered(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, "multiple")
    reply = autosave(client, app, attempt_id, info.position, {**_partial_form(info), "seq": "1"})
    body = reply.get_json()
    assert reply.status_code == 200 and body["status"] == "saved" and body["complete"] is False
    assert "Select 3 answers. You selected 1." in body["message"]
    assert shows_an_answer(client.get(qurl(attempt_id, info.position)))
    # Completed later, it counts; one box unticked again, it no longer does.
    reply = autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": "2"})
    assert reply.get_json()["complete"] is True
    assert "You have answered 1 of 6" in text_of(client.get(f"/tests/attempts/{attempt_id}/check"))
    autosave(client, app, attempt_id, info.position, {**_partial_form(info), "seq": "3"})
    assert "You have answered 0 of 6" in text_of(client.get(f"/tests/attempts/{attempt_id}/check"))


@pytest.mark.parametrize("how", ["autosave", "form"])
def test_unticking_every_box_clears_the_kept_choice(client, auth, fx, app, how):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, "multiple")
    client.post(qurl(attempt_id, info.position), data={**_partial_form(info), "goto": "1"})
    if how == "autosave":
        autosave(client, app, attempt_id, info.position, {"seq": "5"})
    else:
        assert client.post(qurl(attempt_id, info.position), data={"goto": "1"}).status_code == 302
    assert not shows_an_answer(client.get(qurl(attempt_id, info.position)))


def test_skipping_an_untouched_question_stores_nothing(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    client.post(qurl(attempt_id, 1), data={"action": "save"})
    with app.app_context():
        assert stored_response(attempt_id, 1) is None


def test_the_stem_and_the_hint_do_not_both_say_select_3_answers(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, "multiple")
    assert info.stem.rstrip().endswith("Select 3 answers.")  # the fixture's stem says it
    html = client.get(qurl(attempt_id, info.position)).get_data(as_text=True)
    form = html[html.index('id="answer-form"'):html.index("app-question-nav")]
    assert form.count("Select 3 answers") == 1, form
    assert re.search(r'govuk-hint"[^>]*>\s*Select 3 answers\.', form)  # said once, as the hint


def test_a_stem_without_the_instruction_keeps_it_whole(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = _question(app, attempt_id, "single")
    html = client.get(qurl(attempt_id, info.position)).get_data(as_text=True)
    assert info.stem in html and "Select one answer." in html
