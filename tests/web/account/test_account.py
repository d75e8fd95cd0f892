"""Your account (every role): name, password (needs the current one; other sessions end), and the
list of signed-in sessions, each of which can be ended, or all but this one."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from quizapp.data.models import AuditEvent, User, UserSession
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, AuthActions, check_page, text_of

NEW_PASSWORD = "a completely new passphrase"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def sessions_of(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)))


def events(app, event: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


@pytest.fixture
def second(app, users):
    """Another browser (Firefox on Linux) signed in to the same candidate account."""
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = FIREFOX
    AuthActions(other, users).as_role("candidate")
    return other


@pytest.fixture
def me(client, auth):
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    return auth.as_role("candidate")


@pytest.mark.parametrize("role", ["candidate", "trainer", "employer", "admin"])
def test_every_role_has_an_account_page_linked_from_the_header(client, auth, role):
    user = auth.as_role(role)
    home = client.get("/home", follow_redirects=True)
    assert 'href="/account/"' in home.text
    page = client.get("/account/")
    check_page(page, title="Your account")
    text = text_of(page)
    assert user["email"] in text and "This browser" in text


def test_the_account_page_lists_each_browser_signed_in(app, client, me, second):
    text = text_of(client.get("/account/"))
    assert "Chrome on Windows" in text and "Firefox on Linux" in text
    assert text.count("This browser") == 1
    assert len(sessions_of(app, me["id"])) == 2


def test_ending_another_session_signs_that_browser_out_at_its_next_request(app, client, me, second):
    assert second.get("/tests/").status_code == 200
    theirs = next(s.key for s in sessions_of(app, me["id"]) if s.browser == "Firefox on Linux")
    response = client.post(f"/account/sessions/{theirs}/end")
    assert response.status_code == 302
    assert "That session has been signed out" in text_of(client.get("/account/"))
    ended = second.get("/tests/")
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]
    assert client.get("/tests/").status_code == 200  # this one goes on
    assert json.loads(events(app, "sessions.ended")[-1].details) == {"sessions": 1}


def test_a_session_of_another_account_cannot_be_ended(app, client, auth, users, second):
    theirs = sessions_of(app, users["candidate"]["id"])[0].key
    auth.as_role("other_candidate")
    assert client.post(f"/account/sessions/{theirs}/end").status_code == 404
    assert second.get("/tests/").status_code == 200


def test_sign_out_everywhere_else(app, client, me, second):
    assert client.post("/account/sessions/end-others").status_code == 302
    assert client.get("/tests/").status_code == 200
    assert second.get("/tests/").status_code == 302
    assert [s.browser for s in sessions_of(app, me["id"])] == ["Chrome on Windows"]


def test_changing_the_name(app, client, me):
    check_page(client.get("/account/name"), title="Change your name")
    page = client.post("/account/name", data={"name": "   "})
    check_page(page, title="Change your name")
    assert "Enter your full name" in text_of(page)
    assert stored(app, me["id"]).name == "Candidate"
    assert client.post("/account/name", data={"name": "  Alex   Smith "}).status_code == 302
    assert stored(app, me["id"]).name == "Alex Smith"
    assert len(events(app, "name.changed")) == 1


@pytest.mark.parametrize("form, field, message", [
    ({"current": "wrong password here", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "current",
     "Your current password is not right"),
    ({"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}, "confirm", "Passwords must match"),
    ({"current": PASSWORD, "password": "short", "confirm": "short"}, "password", "Password must be 12 characters or more"),
    ({"current": PASSWORD, "password": PASSWORD, "confirm": PASSWORD}, "password",
     "Your new password must be different from your current one"),
    ({"current": "", "password": "", "confirm": ""}, "current", "Enter your current password"),
])
def test_a_password_change_that_cannot_be_made_says_why_and_changes_nothing(app, client, me, second, form, field,
                                                                          message):
    before = stored(app, me["id"])
    page = client.post("/account/password", data=form)
    parsed = check_page(page, title="Change your password")
    assert message in text_of(page) and field in parsed.error_links
    after = stored(app, me["id"])
    assert (after.password_hash, after.session_token) == (before.password_hash, before.session_token)
    assert second.get("/tests/").status_code == 200
    assert events(app, "password.changed") == []


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, auth, me, second):
    response = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "signed out everywhere else" in text_of(client.get("/account/"))
    assert second.get("/tests/").status_code == 302
    assert [s.browser for s in sessions_of(app, me["id"])] == ["Chrome on Windows"]
    assert len(events(app, "password.changed")) == 1
    auth.sign_out()
    assert auth.sign_in(me["email"], PASSWORD).status_code == 200  # the old one no longer works
    assert auth.sign_in(me["email"], NEW_PASSWORD).status_code == 302
