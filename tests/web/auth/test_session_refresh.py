"""The session cookie is re-signed and re-sent at most once a minute, not on every page view, and
an idle session still ends within a minute of its lifetime after the last request
(quizapp.web.auth_session.SessionInterface; the rule is in docs/performance.md)."""

from __future__ import annotations

import time

import pytest

from quizapp.web.auth_session import SESSION_REFRESH_SECONDS

REAL_TIME = time.time


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """Set the wall clock (what the session cookie's signature and its age use) to whole seconds
    after the real time this test began; returns a function that sets the offset. The clock
    stands still between calls: a slow machine (a second between signing in and the next
    request) once made the one-second margins of these tests fail."""
    offset, began = [0.0], REAL_TIME()
    monkeypatch.setattr(time, "time", lambda: began + offset[0])

    def move_to(seconds: float) -> None:
        offset[0] = seconds

    return move_to


def _sends_cookie(response) -> bool:  # type: ignore[no-untyped-def]
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def _signed_in(auth) -> None:  # type: ignore[no-untyped-def]
    """Sign a candidate in and view a page (whose form's CSRF token changes the new session)."""
    auth.as_role("candidate")
    assert auth.client.get("/tests/").status_code == 200


def test_a_page_view_within_a_minute_of_signing_sends_no_cookie(client, auth, later):
    later(0)
    assert _sends_cookie(auth.sign_in(auth.users["candidate"]["email"]))  # signing in signs the cookie
    assert _sends_cookie(client.get("/tests/"))  # and so does a change (the CSRF token of the page's forms)
    later(SESSION_REFRESH_SECONDS - 5)
    page = client.get("/tests/")
    assert page.status_code == 200
    assert not _sends_cookie(page)
    assert "Cookie" in page.headers.get("Vary", "")  # still a page that depends on the cookie


def test_the_first_view_a_minute_after_signing_re_signs_the_cookie(client, auth, later):
    later(0)
    _signed_in(auth)
    later(SESSION_REFRESH_SECONDS + 1)
    assert _sends_cookie(client.get("/tests/"))
    later(SESSION_REFRESH_SECONDS + 30)  # signed 29 s ago: not again
    assert not _sends_cookie(client.get("/tests/"))


@pytest.mark.parametrize(("idle_until", "status"), [(-1, 200), (+1, 302)])
def test_an_idle_session_ends_its_lifetime_after_the_cookie_was_signed(app, client, auth, later, idle_until, status):
    """The last request comes 59 s after the cookie was signed (and re-signs nothing): the
    session ends `lifetime` after the signing, so between `lifetime` - 1 min and `lifetime`
    after that last request. Flask's rule (a re-signing on every request) kept it 58 s longer."""
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    later(0)
    _signed_in(auth)
    later(SESSION_REFRESH_SECONDS - 1)  # the last request before going idle
    assert client.get("/tests/").status_code == 200
    later(lifetime + idle_until)
    assert client.get("/tests/").status_code == status


def test_a_session_kept_in_use_never_expires(app, client, auth, later):
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    later(0)
    _signed_in(auth)
    for step in range(1, 4):  # a request every (lifetime - 1 s): each one re-signs the cookie
        later(step * (lifetime - 1))
        assert client.get("/tests/").status_code == 200


def test_a_changed_session_is_always_sent(client, auth, later):
    later(0)
    _signed_in(auth)
    later(5)
    signed_out = auth.sign_out()  # the session changes: its cookie is sent (here, cleared) at once
    assert signed_out.status_code == 302
    assert _sends_cookie(signed_out)
    assert client.get("/tests/").status_code == 302
