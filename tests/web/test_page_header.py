"""The page header and the CSRF token are kept between a person's page views (quizapp/web/csrf_tokens.py,
the `page-header` fragment in templates/base.html), and still always show who is signed in, with
their current name and menu, and carry a token that this session, and only this one, can use."""

from __future__ import annotations

import re

import pytest

from quizapp import create_app
from quizapp.data.models import User
from quizapp.web import csrf_tokens
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, text_of

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app
    app.extensions["quizapp_db"].dispose()


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.now = 1_900_000_000.0
        monkeypatch.setattr(csrf_tokens.time, "time", lambda: self.now)


def _sign_in(client, email: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    reply = client.post("/sign-in", data={"email": email, "password": PASSWORD,
                                          "csrf_token": TOKEN.search(page).group(1)})
    assert reply.status_code == 302


def _header_token(client, path: str = "/account/") -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def test_a_session_is_given_the_same_token_for_a_minute_then_a_new_one_and_both_work(csrf_app, users, monkeypatch):
    clock = Clock(monkeypatch)
    client = csrf_app.test_client()
    _sign_in(client, users["candidate"]["email"])
    first = _header_token(client)
    clock.now += 59
    assert _header_token(client, "/tests/") == first
    clock.now += 2
    second = _header_token(client)
    assert second != first
    # Both are Flask-WTF's own tokens for this session: the older one still signs out.
    assert client.post("/sign-out", data={"csrf_token": first}).status_code == 302
    assert "Sign in" in text_of(client.get("/"))


def test_another_session_never_gets_or_can_use_this_sessions_token(csrf_app, users, monkeypatch):
    Clock(monkeypatch)
    mine, theirs = csrf_app.test_client(), csrf_app.test_client()
    _sign_in(mine, users["candidate"]["email"])
    _sign_in(theirs, users["other_candidate"]["email"])
    my_token, their_token = _header_token(mine), _header_token(theirs)
    assert my_token != their_token
    refused = theirs.post("/sign-out", data={"csrf_token": my_token})
    assert refused.status_code == 400
    assert "Sign out" in text_of(theirs.get("/account/"))  # still signed in


def test_the_header_shows_a_new_name_and_the_sign_out_at_once(client, auth, users):
    auth.sign_in(users["candidate"]["email"])
    assert "Candidate" in text_of(client.get("/account/"))
    assert client.post("/account/name", data={"name": "Alex Smith"}).status_code == 302
    header = text_of(client.get("/account/"))
    assert "Alex Smith (your home page)" in header
    client.post("/sign-out")
    signed_out = text_of(client.get("/"))
    assert "Alex Smith" not in signed_out and "Sign in" in signed_out


def test_two_people_on_one_worker_each_see_their_own_header(app, users):
    with app.app_context():
        db.session.get(User, users["other_candidate"]["id"]).name = "Bea Other"
        db.session.commit()
    one, two = app.test_client(), app.test_client()
    for client, who in ((one, "candidate"), (two, "other_candidate")):
        client.post("/sign-in", data={"email": users[who]["email"], "password": PASSWORD})
    for _ in range(2):
        assert "Candidate (your home page)" in text_of(one.get("/tests/"))
        assert "Bea Other (your home page)" in text_of(two.get("/tests/"))
