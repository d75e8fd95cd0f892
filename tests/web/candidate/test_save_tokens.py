"""The autosave is authenticated by the question page's save token, not by the session cookie:
what it accepts and what it refuses (quizapp/domain/save_tokens.py has the token itself)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quizapp.services import accounts
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, User

from tests.web.candidate.conftest import answer_form, save_token, single_question, stored_response
from tests.web.candidate.test_journey import qurl, start


def _stored(app, attempt_id: int, position: int):
    with app.app_context():
        response = stored_response(attempt_id, position)
        return None if response is None else (response.answer, response.seq)


def _post(app, attempt_id: int, position: int, data: dict | bytes, token: str | None, content_type: str | None = None):
    """The autosave as the page's script sends it: no cookies (`credentials: "omit"`)."""
    headers = {} if token is None else {"X-Save-Token": token}
    return app.test_client().post(qurl(attempt_id, position, "/autosave"), data=data, headers=headers,
                                  content_type=content_type)


@pytest.fixture
def attempt(client, auth, fx, app, clock):
    """A practice attempt (untimed, so a token can outlive a session) of the signed-in candidate."""
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    return attempt_id


@pytest.fixture
def timed_attempt(client, auth, fx):
    """A timed attempt of the signed-in candidate: every newer save applies (practice would lock
    an answered question)."""
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    return attempt_id


def test_the_question_page_carries_a_token_that_saves_without_any_cookie(client, app, attempt):
    info = single_question(app, attempt)
    page = client.get(qurl(attempt, info.position)).get_data(as_text=True)
    token = re.search(r'data-save-token="([^"]+)"', page).group(1)
    reply = _post(app, attempt, info.position, {**answer_form(info), "seq": "3"}, token)
    assert reply.status_code == 200 and reply.get_json()["status"] == "saved"
    assert "Set-Cookie" not in reply.headers
    assert "Cookie" not in reply.headers.get("Vary", "")  # nothing read the session (Flask-Login's hook skips it)
    assert _stored(app, attempt, info.position) == ([info.correct[0]], 3)


@pytest.mark.parametrize("how", ["no token", "empty token", "forged", "another attempt's token"])
def test_a_save_without_the_attempts_token_is_refused_and_stores_nothing(client, auth, app, attempt, how):
    info = single_question(app, attempt)
    auth.sign_out()
    auth.as_role("other_candidate")
    other_attempt, _ = start(client, mode="practice")
    token = {"no token": None, "empty token": "", "forged": f"{9_999_999_999}.{'A' * 43}",
             "another attempt's token": save_token(app, other_attempt)}[how]
    reply = _post(app, attempt, info.position, {**answer_form(info), "seq": "1"}, token)
    assert reply.status_code == 401
    assert reply.get_json() == {"status": "signed-out", "message": reply.get_json()["message"]}
    assert "sign in again" in reply.get_json()["message"]
    assert _stored(app, attempt, info.position) is None


def test_the_owners_session_cookie_is_not_enough(client, app, attempt):
    """A signed-in candidate's cookies without the token (what a cross-site form could send) are refused."""
    info = single_question(app, attempt)
    reply = client.post(qurl(attempt, info.position, "/autosave"), data={**answer_form(info), "seq": "1"})
    assert reply.status_code == 401
    assert _stored(app, attempt, info.position) is None


def test_a_missing_attempt_looks_like_a_bad_token_and_a_missing_question_is_404(app, attempt):
    assert _post(app, attempt + 1000, 1, {"answer": "0", "seq": "1"}, save_token(app, attempt)).status_code == 401
    reply = _post(app, attempt, 99, {"answer": "0", "seq": "1"}, save_token(app, attempt))
    assert reply.status_code == 404 and reply.get_json()["status"] == "not-found"


def test_a_token_expires_with_the_session_and_a_page_view_gives_a_fresh_one(client, app, clock, attempt):
    info = single_question(app, attempt)
    token = save_token(app, attempt)
    clock.advance(seconds=app.permanent_session_lifetime.total_seconds() + 1)
    assert _post(app, attempt, info.position, {**answer_form(info), "seq": "1"}, token).status_code == 401
    page = client.get(qurl(attempt, info.position)).get_data(as_text=True)  # signed in again, in effect
    fresh = re.search(r'data-save-token="([^"]+)"', page).group(1)
    assert _post(app, attempt, info.position, {**answer_form(info), "seq": "1"}, fresh).status_code == 200


def _set_owner(app, attempt_id: int, *, password: str | None = None, role: str | None = None) -> None:
    with app.app_context():
        user = db.session.get(User, db.session.get(Attempt, attempt_id).user_id)
        if password is not None:
            accounts.set_password(user, password)
        if role is not None:
            user.role = role
        db.session.commit()


# "after a save": the question's owner is then in this process's cache (answers.AutosaveTargets),
# so the refusal comes from the write's own check in the database, not from a fresh read.
@pytest.mark.parametrize("saved_before", [False, True], ids=["first save", "after a save"])
@pytest.mark.parametrize("change", ["password", "role"])
def test_a_password_change_or_a_new_role_revokes_the_token(app, timed_attempt, change, saved_before):
    attempt = timed_attempt
    info = single_question(app, attempt)
    token = save_token(app, attempt)
    if saved_before:
        assert _post(app, attempt, info.position, {**answer_form(info, right=False), "seq": "1"}, token).status_code == 200
    before = _stored(app, attempt, info.position)
    _set_owner(app, attempt, **({"password": "a brand new password"} if change == "password" else {"role": "trainer"}))
    reply = _post(app, attempt, info.position, {**answer_form(info), "seq": "2"}, token)
    assert reply.status_code == 401 and reply.get_json()["status"] == "signed-out"
    assert _stored(app, attempt, info.position) == before


def test_the_new_token_saves_after_a_password_change_though_the_old_owner_was_cached(app, timed_attempt):
    attempt_id = timed_attempt
    info = single_question(app, attempt_id)
    old = save_token(app, attempt_id)
    assert _post(app, attempt_id, info.position, {**answer_form(info, right=False), "seq": "1"}, old).status_code == 200
    _set_owner(app, attempt_id, password="a brand new password")
    new = save_token(app, attempt_id)  # the page viewed after signing in again
    reply = _post(app, attempt_id, info.position, {**answer_form(info), "seq": "2"}, new)
    assert reply.status_code == 200 and reply.get_json()["status"] == "saved"  # read afresh, not refused
    assert _post(app, attempt_id, info.position, {**answer_form(info, right=False), "seq": "3"}, old).status_code == 401
    assert _stored(app, attempt_id, info.position) == ([info.correct[0]], 2)


def test_a_candidate_again_can_save_again(app, timed_attempt):
    attempt_id = timed_attempt
    info = single_question(app, attempt_id)
    token = save_token(app, attempt_id)
    assert _post(app, attempt_id, info.position, {**answer_form(info), "seq": "1"}, token).status_code == 200
    _set_owner(app, attempt_id, role="trainer")
    assert _post(app, attempt_id, info.position, {**answer_form(info), "seq": "2"}, token).status_code == 401
    _set_owner(app, attempt_id, role="candidate")
    assert _post(app, attempt_id, info.position, {**answer_form(info), "seq": "3"}, token).status_code == 200
    assert _stored(app, attempt_id, info.position) == ([info.correct[0]], 3)


def test_a_token_from_before_a_key_rotation_works_while_the_old_key_is_a_fallback(app, attempt):
    info = single_question(app, attempt)
    token = save_token(app, attempt)
    old_key = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "a new key"
    assert _post(app, attempt, info.position, {**answer_form(info), "seq": "1"}, token).status_code == 401
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert _post(app, attempt, info.position, {**answer_form(info), "seq": "1"}, token).status_code == 200


def test_a_garbled_session_cookie_does_not_matter_to_the_autosave(app, attempt):
    info = single_question(app, attempt)
    browser = app.test_client()
    browser.set_cookie("session", "garbage.not-a-signed-cookie")
    reply = browser.post(qurl(attempt, info.position, "/autosave"), data={**answer_form(info), "seq": "1"},
                         headers={"X-Save-Token": save_token(app, attempt)})
    assert reply.status_code == 200 and "Set-Cookie" not in reply.headers


def test_an_ended_attempts_token_saves_nothing(client, app, attempt, clock):
    info = single_question(app, attempt)
    token = save_token(app, attempt)
    client.get(f"/tests/attempts/{attempt}/submit")
    assert client.post(f"/tests/attempts/{attempt}/submit").status_code == 302
    reply = _post(app, attempt, info.position, {**answer_form(info), "seq": "1"}, token)
    assert reply.status_code == 409 and reply.get_json()["status"] == "closed"
    assert _stored(app, attempt, info.position) is None


def test_the_token_lasts_longer_than_a_timed_attempt(app, clock, timed_attempt):
    """Issued with a session's lifetime (12 hours by default), far beyond any test's time limit."""
    attempt_id = timed_attempt
    token = save_token(app, attempt_id)
    info = single_question(app, attempt_id)
    clock.advance(minutes=9, seconds=59)
    assert _post(app, attempt_id, info.position, {**answer_form(info), "seq": "1"}, token).status_code == 200
    assert app.permanent_session_lifetime >= timedelta(hours=1)


@pytest.mark.parametrize("how", ["urlencoded", "multipart", "long urlencoded"])
def test_the_autosave_reads_its_form_however_it_is_sent(app, timed_attempt, how):
    """The script's short urlencoded body takes a quick parser; anything else Werkzeug's."""
    attempt_id = timed_attempt
    info = single_question(app, attempt_id)
    form = {**answer_form(info), "seq": "4"}
    if how == "long urlencoded":
        form["padding"] = "x" * 5000  # over the quick parser's limit
    reply = _post(app, attempt_id, info.position, form, save_token(app, attempt_id),
                  content_type="multipart/form-data" if how == "multipart" else None)
    assert reply.status_code == 200 and reply.get_json()["status"] == "saved"
    assert _stored(app, attempt_id, info.position) == ([info.correct[0]], 4)


@pytest.mark.parametrize("body", [b"\xff\xfe not utf-8", b"answer=0&" * 200, b"%%%&&&==", b""])
def test_an_autosave_body_that_is_not_a_usable_form_saves_nothing(app, timed_attempt, body):
    attempt_id = timed_attempt
    info = single_question(app, attempt_id)
    reply = _post(app, attempt_id, info.position, body, save_token(app, attempt_id),
                  content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 200 and reply.get_json()["status"] == "invalid"
    assert _stored(app, attempt_id, info.position) is None
