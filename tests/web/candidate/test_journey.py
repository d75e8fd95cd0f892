"""The candidate's journey through the views, in both modes (no JavaScript: plain forms)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, Response, StatementResult
from tests.helpers import check_page, text_of

from tests.web.candidate.conftest import answer_form, latest_attempt, questions_of, shows_an_answer


def start(client, mode="timed"):
    response = client.post("/tests/fx-mock/start", data={"mode": mode})
    assert response.status_code == 302, response.text
    match = re.search(r"/tests/attempts/(\d+)/questions/(\d+)", response.headers["Location"])
    return int(match.group(1)), response.headers["Location"]


def qurl(attempt_id, n, suffix=""):
    return f"/tests/attempts/{attempt_id}/questions/{n}{suffix}"


def is_standalone_single(info) -> bool:  # type: ignore[no-untyped-def]
    """The fixture mock's questions answered right by `submit_a_mixed_mock`: S1 (on A) and S2 (on B)."""
    return info.type == "single" and info.scenario is None


def submit_a_mixed_mock(client, app) -> tuple[int, list]:  # type: ignore[no-untyped-def]
    """Start the fixture mock (timed), answer its standalone single-choice questions right and
    every other question wrong, and submit it: the attempt's id and its questions."""
    attempt_id, _ = start(client)
    questions = questions_of(app, attempt_id)
    for info in questions:
        client.post(qurl(attempt_id, info.position),
                    data={**answer_form(info, is_standalone_single(info)), "action": "save"})
    client.post(f"/tests/attempts/{attempt_id}/submit")
    return attempt_id, questions


def test_home_lists_tests_with_time_questions_and_pass_mark(client, auth, fx):
    auth.as_role("candidate")
    page = client.get("/tests/")
    check_page(page, title="Your tests")
    text = text_of(page)
    assert "Fixture mock" in text and "10 minutes" in text and "50%" in text
    # each value has its column's name beside it (shown when the table reflows on a narrow screen)
    assert re.search(r"Fixture mock Time limit 10 minutes Questions 6 Pass mark 50%", text)


def test_start_page_explains_the_rules(client, auth, fx):
    auth.as_role("candidate")
    page = client.get("/tests/fx-mock")
    check_page(page, title="Fixture mock")
    text = text_of(page)
    for phrase in ("10 minutes", "pass mark is 50%", "When time runs out", "No time limit", "Start timed mock"):
        assert phrase in text


def test_start_page_shows_extra_time(client, auth, fx, app):
    user = auth.as_role("candidate")
    with app.app_context():
        from quizapp.data.models import User

        db.session.get(User, user["id"]).extra_time_percent = 25
        db.session.commit()
    text = text_of(client.get("/tests/fx-mock"))
    assert "extra time of 25%" in text and "12 minutes 30 seconds in all" in text


def test_whole_timed_journey_all_correct(client, auth, fx, app, clock):
    user = auth.as_role("candidate")
    attempt_id, location = start(client)
    assert location.endswith(qurl(attempt_id, 1))
    infos = questions_of(app, attempt_id)
    assert len(infos) == 6
    assert [i.scenario for i in infos[4:]] == ["The Fixture family"] * 2
    for info in infos:
        page = client.get(qurl(attempt_id, info.position))
        # A stem's last sentence that only repeats the hint ("Select 3 answers.") is said once, as the hint.
        check_page(page, title=f"Question {info.position} of 6 " + info.stem.strip().removesuffix(" Select 3 answers."))
        html = page.get_data(as_text=True)
        assert "because." not in html and "Rationale" not in html  # nothing revealed before the end
        if info.scenario:
            assert "A vignette about the Fixture family." in html
        if info.type == "multiple":
            assert "Select 3 answers" in html
        response = client.post(qurl(attempt_id, info.position), data={**answer_form(info), "action": "save"})
        assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tests/attempts/{attempt_id}/check")
    check = client.get(f"/tests/attempts/{attempt_id}/check")
    check_page(check, title="Check your answers")
    assert "You have answered 6 of 6 questions" in text_of(check)
    confirm = client.get(f"/tests/attempts/{attempt_id}/submit")
    check_page(confirm, title="Are you sure you want to submit your answers?")
    clock.advance(minutes=4)
    done = client.post(f"/tests/attempts/{attempt_id}/submit")
    assert done.headers["Location"].endswith(f"/tests/attempts/{attempt_id}/result")
    result = client.get(f"/tests/attempts/{attempt_id}/result")
    check_page(result, title="Your result")
    text = text_of(result)
    assert "Passed" in text and "You scored 100%" in text and "4 minutes" in text
    assert "A Statement A" in text and "Secure" in text
    for n in range(1, 7):
        assert f"Question {n}" in text
    assert "S1 right because." in text and "Rationale for R2." in text and "Children Act 1989, s.47" in text
    attempt = latest_attempt(app, user["id"])
    assert attempt.percent == 100 and attempt.passed and attempt.ended_how == "submitted"


def test_wrong_answers_score_and_band_per_statement(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = submit_a_mixed_mock(client, app)  # S1 (A) and S2 (B) right, the rest wrong
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == pytest.approx(2.0)  # ordering reversed scores 0 under partial
        assert attempt.percent == pytest.approx(100 * 2 / 6)
        assert attempt.passed is False
        per = {r.statement.code: (r.items, r.percent, r.band) for r in db.session.scalars(
            select(StatementResult).where(StatementResult.attempt_id == attempt_id))}
    assert per["A"] == (2, 50.0, "Developing")  # S1 right, O1 wrong
    assert per["B"] == (2, 50.0, "Developing")  # S2 right, R1 wrong
    assert per["C"] == (3, 0.0, "Priority for development")
    text = text_of(client.get(f"/tests/attempts/{attempt_id}/result"))
    assert "Not passed" in text
    assert text.index("C Statement C") < text.index("A Statement A")  # weakest first


def test_multiple_refuses_the_wrong_number_of_answers_as_an_answer(client, auth, fx, app):
    """Save and continue says what is missing; the choice is kept, but not as an answer
    (tests/web/candidate/test_incomplete_answers.py has the rest)."""
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = next(i for i in questions_of(app, attempt_id) if i.type == "multiple")
    shown = {a: d for d, a in enumerate(info.option_order)}
    response = client.post(qurl(attempt_id, info.position), data={"answer": [str(shown[0]), str(shown[1])], "action": "save"})
    page = check_page(response, status=400)
    assert "answer" in page.error_links
    assert "Select 3 answers" in text_of(response)
    assert 'checked' in response.get_data(as_text=True)  # the choice is shown again
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id)).where(Response.complete)) == 0


def test_ordering_needs_every_position_once(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = next(i for i in questions_of(app, attempt_id) if i.type == "ordering")
    response = client.post(qurl(attempt_id, info.position), data={"position-0": "1", "position-1": "1", "position-2": "3", "position-3": "4"})
    check_page(response, status=400)
    assert "different position" in text_of(response)
    response = client.post(qurl(attempt_id, info.position), data={"position-0": "1", "position-1": "2"})
    check_page(response, status=400)
    assert "every" in text_of(response)


def test_skipping_flagging_and_navigation(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    infos = questions_of(app, attempt_id)
    # Skip question 1 (no answer), flag question 2 with an answer, jump to question 5.
    assert client.post(qurl(attempt_id, 1), data={"action": "save"}).headers["Location"].endswith(qurl(attempt_id, 2))
    flagged = client.post(qurl(attempt_id, 2), data={**answer_form(infos[1]), "action": "flag"})
    assert flagged.headers["Location"].endswith(qurl(attempt_id, 2))
    assert "(flagged for review)" in text_of(client.get(qurl(attempt_id, 2)))
    jumped = client.post(qurl(attempt_id, 3), data={**answer_form(infos[2]), "goto": "5"})
    assert jumped.headers["Location"].endswith(qurl(attempt_id, 5))
    check = text_of(client.get(f"/tests/attempts/{attempt_id}/check"))
    assert "You have answered 2 of 6 questions and flagged 1 for review" in check
    confirm = text_of(client.get(f"/tests/attempts/{attempt_id}/submit"))
    assert "You have 4 unanswered questions" in confirm
    unflag = client.post(qurl(attempt_id, 2), data={**answer_form(infos[1]), "action": "unflag"})  # as the page sends it
    assert unflag.status_code == 302
    assert "(flagged for review)" not in text_of(client.get(qurl(attempt_id, 2)))
    # The stored answer to question 2 was kept when unflagging.
    assert shows_an_answer(client.get(qurl(attempt_id, 2)))


def test_second_submit_and_back_button_resubmit_give_one_result(client, auth, fx, app, clock):
    user = auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = questions_of(app, attempt_id)[0]
    client.post(qurl(attempt_id, 1), data={**answer_form(info), "action": "save"})
    first = client.post(f"/tests/attempts/{attempt_id}/submit")
    clock.advance(seconds=5)
    second = client.post(f"/tests/attempts/{attempt_id}/submit")
    assert first.headers["Location"] == second.headers["Location"]
    late = client.post(qurl(attempt_id, 2), data={**answer_form(questions_of(app, attempt_id)[1]), "action": "save"})
    assert late.headers["Location"].endswith("/result")
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id == user["id"])) == 1
        assert db.session.scalar(select(func.count(StatementResult.id)).where(StatementResult.attempt_id == attempt_id)) == 3
        assert db.session.get(Attempt, attempt_id).score == 1.0
    assert client.get(qurl(attempt_id, 1)).headers["Location"].endswith("/result")


def test_starting_twice_resumes_the_same_attempt(client, auth, fx, app):
    auth.as_role("candidate")
    first, _ = start(client)
    second, _ = start(client)
    assert first == second
    practice, _ = start(client, mode="practice")
    assert practice != first


def test_another_candidate_cannot_see_an_attempt(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    auth.sign_out()
    auth.as_role("other_candidate")
    for url in (qurl(attempt_id, 1), f"/tests/attempts/{attempt_id}/check", f"/tests/attempts/{attempt_id}/result",
                f"/tests/attempts/{attempt_id}/submit"):
        assert client.get(url).status_code == 404, url
    assert client.post(qurl(attempt_id, 1), data={"answer": "0"}).status_code == 404
    # The autosave is authenticated by the owner's save token alone: without it, 401 (as for a
    # missing attempt); tests/web/candidate/test_save_tokens.py has the rest.
    assert client.post(qurl(attempt_id, 1, "/autosave"), data={"answer": "0", "seq": "5"}).status_code == 401
    assert client.post(f"/tests/attempts/{attempt_id}/submit").status_code == 404


def test_practice_mode_gives_feedback_after_each_question(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    infos = questions_of(app, attempt_id)
    page = client.get(qurl(attempt_id, 1))
    assert "Time left" not in text_of(page)
    response = client.post(qurl(attempt_id, 1), data={**answer_form(infos[0], right=False), "action": "save"})
    assert response.headers["Location"].endswith(qurl(attempt_id, 1, "/feedback"))
    feedback = client.get(qurl(attempt_id, 1, "/feedback"))
    check_page(feedback, title="Question 1 of 6: feedback")
    text = text_of(feedback)
    assert "Incorrect" in text or "Partly correct" in text
    assert "Rationale" in text
    # The answer is locked once its feedback has been seen: a changed answer gets that feedback again.
    again = client.post(qurl(attempt_id, 1), data={**answer_form(infos[0], right=True), "action": "save"})
    assert again.headers["Location"].endswith(qurl(attempt_id, 1, "/feedback"))
    assert "already answered" in text_of(client.get(again.headers["Location"]))
    assert client.get(qurl(attempt_id, 1)).headers["Location"].endswith("/feedback")


def test_practise_weakest_statements_prefers_wrong_items(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = submit_a_mixed_mock(client, app)  # S1 (A) and S2 (B) right, the rest wrong
    history = client.get("/tests/history")
    check_page(history, title="Your results over time")
    assert "C Statement C" in text_of(history)
    response = client.post("/tests/practice/weakest")
    assert response.status_code == 302
    practice_id = int(re.search(r"attempts/(\d+)/", response.headers["Location"]).group(1))
    with app.app_context():
        practice = db.session.get(Attempt, practice_id)
        assert practice.mode == "practice" and practice.test_id is None and practice.deadline_at is None
        keys = [q.item_version.item.key for q in practice.questions]
    # Weakest statements are C (0%), then A and B (50%); the wrong items come first.
    assert keys and set(keys) <= {"fx-s1", "fx-s2", "fx-m1", "fx-o1"}
    assert keys[0] in {"fx-m1", "fx-o1"}


def test_weakest_practice_needs_a_mock_first(client, auth, fx):
    auth.as_role("candidate")
    response = client.post("/tests/practice/weakest", follow_redirects=True)
    assert "Take a timed mock test first" in text_of(response)


def test_history_lists_attempts_and_statement_trend(client, auth, fx, app):
    auth.as_role("candidate")
    for _ in range(2):
        attempt_id, _ = start(client)
        client.post(f"/tests/attempts/{attempt_id}/submit")
    page = client.get("/tests/history")
    check_page(page)
    text = text_of(page)
    assert text.count("Fixture mock") >= 2
    assert "0%, 0%" in text  # each statement across the two attempts, as text
    assert "<svg" in page.get_data(as_text=True)
