"""Time on the server: deadline, extra time, grace, expiry on the next request and from cron,
late saves refused, and resuming with the true remaining time (an injectable clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, User
from tests.helpers import text_of

from tests.web.candidate.conftest import (
    answer_form,
    autosave,
    questions_of,
    shows_an_answer,
    single_question,
)
from tests.web.candidate.test_journey import qurl, start


def _attempt(app, attempt_id):
    with app.app_context():
        return db.session.get(Attempt, attempt_id)


@pytest.mark.parametrize(("extra", "minutes"), [(0, 10), (25, 12.5), (50, 15)])
def test_deadline_includes_extra_time(client, auth, fx, app, clock, extra, minutes):
    user = auth.as_role("candidate")
    with app.app_context():
        db.session.get(User, user["id"]).extra_time_percent = extra
        db.session.commit()
    attempt_id, _ = start(client)
    attempt = _attempt(app, attempt_id)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=minutes)
    assert attempt.extra_time_percent == extra


def test_remaining_time_comes_from_the_server_on_pages_and_saves(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    clock.advance(minutes=3, seconds=30)
    page = client.get(qurl(attempt_id, 1))
    assert 'data-remaining-seconds="390.0"' in page.get_data(as_text=True)
    assert "Time left: 6 minutes" in text_of(page)
    info = questions_of(app, attempt_id)[0]
    clock.advance(seconds=30)
    saved = autosave(client, app, attempt_id, 1, {**answer_form(info), "seq": "1"}).get_json()
    assert saved["status"] == "saved" and saved["remaining_seconds"] == pytest.approx(360.0)


def test_save_within_grace_is_kept_and_after_grace_refused(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    infos = questions_of(app, attempt_id)
    clock.advance(minutes=10, seconds=5)  # 5 s after the deadline: inside the 10 s grace
    ok = autosave(client, app, attempt_id, 1, {**answer_form(infos[0]), "seq": "1"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "saved"
    assert ok.get_json()["remaining_seconds"] == 0
    clock.advance(seconds=6)  # 11 s after: refused
    late = autosave(client, app, attempt_id, 2, {**answer_form(infos[1]), "seq": "1"})
    assert late.status_code == 409
    body = late.get_json()
    assert body["status"] == "closed" and "Your time is up" in body["message"]
    assert body["result_url"].endswith(f"/tests/attempts/{attempt_id}/result")
    # The form save after the grace is refused too, with the message on the result page.
    form = client.post(qurl(attempt_id, 2), data={**answer_form(infos[1]), "action": "save"}, follow_redirects=True)
    assert "was not saved" in text_of(form)
    attempt = _attempt(app, attempt_id)
    assert attempt.ended_how == "expired"
    assert attempt.score == 1.0  # the answer saved inside the grace counts; the late one does not


def test_grace_is_configurable(client, auth, fx, app, clock):
    app.config["SAVE_GRACE_SECONDS"] = 0
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = questions_of(app, attempt_id)[0]
    clock.advance(minutes=10, seconds=1)
    assert autosave(client, app, attempt_id, 1, {**answer_form(info), "seq": "1"}).status_code == 409


def test_coming_back_after_the_deadline_shows_the_result(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = questions_of(app, attempt_id)[0]
    client.post(qurl(attempt_id, 1), data={**answer_form(info), "action": "save"})
    clock.advance(minutes=11)
    response = client.get(qurl(attempt_id, 2))
    assert response.headers["Location"].endswith(f"/tests/attempts/{attempt_id}/result")
    result = text_of(client.get(response.headers["Location"]))
    assert "Time ran out" in result and "10 minutes" in result
    attempt = _attempt(app, attempt_id)
    assert attempt.ended_how == "expired" and attempt.score == 1.0


def test_browser_timeout_submit_ends_as_expired(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    clock.advance(minutes=10)
    client.post(f"/tests/attempts/{attempt_id}/submit", data={"reason": "timeout"})
    assert _attempt(app, attempt_id).ended_how == "expired"


def test_finalise_expired_command(client, auth, fx, app, clock, runner):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    clock.advance(minutes=10, seconds=5)  # past the deadline, inside the grace: not yet
    assert "Ended 0 expired attempts" in runner.invoke(args=["finalise-expired"]).output
    clock.advance(seconds=6)
    result = runner.invoke(args=["finalise-expired"])
    assert "Ended 1 expired attempt." in result.output
    assert _attempt(app, attempt_id).ended_how == "expired"
    assert "Ended 0 expired attempts" in runner.invoke(args=["finalise-expired"]).output


def test_resume_after_signing_out_keeps_questions_answers_and_true_time(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    infos = questions_of(app, attempt_id)
    client.post(qurl(attempt_id, 1), data={**answer_form(infos[0]), "action": "save"})
    auth.sign_out()
    clock.advance(minutes=4)
    auth.as_role("candidate")
    home = text_of(client.get("/tests/"))
    assert "Continue Fixture mock" in home
    again, location = start(client)
    assert again == attempt_id
    assert location.endswith(qurl(attempt_id, 2))  # the first unanswered question
    assert questions_of(app, attempt_id) == infos
    page = client.get(qurl(attempt_id, 1))
    assert 'data-remaining-seconds="360.0"' in page.get_data(as_text=True)
    assert shows_an_answer(page)


def test_autosave_sequence_numbers(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    shown = {a: d for d, a in enumerate(info.option_order)}
    first_wrong = next(a for a in range(4) if a not in info.correct)

    def save(authored: int, seq: int) -> str:
        return autosave(client, app, attempt_id, info.position, {"answer": str(shown[authored]), "seq": str(seq)}).get_json()["status"]

    assert save(first_wrong, 2) == "saved"
    assert save(info.correct[0], 5) == "saved"
    # A late save with a lower number, and a repeat of the same number, change nothing.
    assert save(first_wrong, 3) == "stale"
    assert save(first_wrong, 5) == "stale"
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        response = attempt.questions[info.position - 1].response
        assert response.answer == [info.correct[0]] and response.seq == 5


@pytest.mark.parametrize("kind", ["single", "multiple", "ordering"])
def test_a_stale_autosave_says_what_the_question_holds_and_when_in_uk_time(client, auth, fx, app, clock, kind):
    """Two tabs: the newer one saves with seq 3 at 21:51:06 UTC in July (22:51:06 in the UK);
    the older one's save with seq 2 is refused, and told the answer that is kept, as the fields
    its own form would send, with its seq and the server's time of saving in UK time."""
    clock.now = datetime(2026, 7, 1, 21, 51, 6, tzinfo=UTC)
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = next(i for i in questions_of(app, attempt_id) if i.type == kind)
    kept, refused = answer_form(info, right=True), answer_form(info, right=False)
    saved = autosave(client, app, attempt_id, info.position, {**kept, "seq": "3"}).get_json()
    assert (saved["status"], saved["saved_at_text"]) == ("saved", "Saved at 22:51:06")
    clock.advance(seconds=5)
    body = autosave(client, app, attempt_id, info.position, {**refused, "seq": "2"}).get_json()
    as_lists = {name: value if isinstance(value, list) else [value] for name, value in kept.items()}
    assert body["status"] == "stale" and body["changed"] is True
    assert "changed in another window" in body["message"]
    assert (body["answer"], body["seq"], body["saved_at_text"]) == (as_lists, 3, "Saved at 22:51:06")
    # The same answer again with the same seq (a save whose reply was lost): not "changed".
    again = autosave(client, app, attempt_id, info.position, {**kept, "seq": "3"}).get_json()
    assert (again["status"], again["changed"], again["message"]) == ("stale", False, "")


def test_autosave_refuses_a_bad_answer_without_storing_it(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    body = autosave(client, app, attempt_id, info.position, {"answer": "99", "seq": "1"}).get_json()
    assert body["status"] == "invalid"
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).questions[info.position - 1].response is None


def test_an_early_timeout_submit_does_not_end_the_test(client, auth, fx, app, clock):
    """A browser whose countdown ran ahead (or a hand-made POST) cannot end a test early."""
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    clock.advance(minutes=5)
    response = client.post(f"/tests/attempts/{attempt_id}/submit", data={"reason": "timeout"})
    assert "/questions/" in response.headers["Location"]
    assert _attempt(app, attempt_id).ended_at is None
    clock.advance(minutes=4, seconds=57)  # 3 s before the deadline: close enough to believe
    client.post(f"/tests/attempts/{attempt_id}/submit", data={"reason": "timeout"})
    assert _attempt(app, attempt_id).ended_how == "expired"
