"""Sign up, sign in, sign out through the browser-facing views."""

from __future__ import annotations

import pytest
from flask import request
from flask import session as flask_session

from sqlalchemy import func, select

from quizapp import create_app
from quizapp.services import accounts
from quizapp.web.extensions import db
from quizapp.data.models import AuditEvent, User
from tests.helpers import PASSWORD, check_page, text_of


def _sign_up(client, email="leah@example.org", name="Leah Mensah", next_url=None, password=PASSWORD):
    return client.post("/sign-up", query_string={"next": next_url} if next_url else None,
                       data={"name": name, "email": email, "password": password, "confirm": password})


def test_sign_up_makes_an_unconfirmed_candidate_and_emails_a_link_that_confirms_it(app, client, mailbox):
    response = _sign_up(client)
    check_page(response, title="Check your email")
    assert "We have sent an email to leah@example.org" in text_of(response)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess  # not signed in: the page is the same for an existing address
    with app.app_context():
        user = accounts.find_user(db.session, "leah@example.org")
        assert user.role == "candidate" and user.email_verified_at is None
    received = mailbox.only_to("leah@example.org")
    assert received.subject == "Confirm your email address for Social work practice tests"
    assert "Hello Leah Mensah," in received.text
    link = received.link("/confirm-email/")
    assert link.startswith("http://localhost/confirm-email/")
    confirmed = client.get(link.removeprefix("http://localhost"))
    assert confirmed.headers["Location"] == "/sign-in"
    assert "Your email address leah@example.org is confirmed" in text_of(client.get("/sign-in"))
    with app.app_context():
        user = accounts.find_user(db.session, "leah@example.org")
        assert user.email_verified_at is not None
        events = db.session.scalars(select(AuditEvent.event).where(AuditEvent.user_id == user.id)
                                    .order_by(AuditEvent.seq)).all()
        assert events == ["account.created", "email.confirmed"]
    assert client.post("/sign-in", data={"email": "leah@example.org", "password": PASSWORD}).status_code == 302
    page = client.get("/tests/")
    check_page(page, title="Your tests")
    assert "Leah Mensah" in text_of(page) and "Confirm your email address" not in text_of(page)


def test_sign_up_with_an_existing_address_looks_the_same_and_emails_the_owner(app, client, users, mailbox):
    """No enumeration: a new and an existing address get the same page; the owner of the existing
    one gets an email saying so, with sign-in and reset links, and nothing about the account changes."""
    existing = users["candidate"]["email"]
    new = _sign_up(client, email="someone.new@example.org", name="A")
    again = _sign_up(client, email=existing.upper(), name="A", password="another password entirely")
    check_page(again, title="Check your email")
    assert text_of(again).replace(existing, "someone.new@example.org") == text_of(new)
    received = mailbox.only_to(existing)
    assert received.subject == "You already have an account with Social work practice tests"
    assert received.link("/sign-in").startswith("http://localhost/sign-in")
    assert received.link("/forgot-password") == "http://localhost/forgot-password"
    assert "/confirm-email/" not in received.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == existing)) == 1
    assert client.post("/sign-in", data={"email": existing, "password": PASSWORD}).status_code == 302


def test_an_unconfirmed_account_can_practise_but_not_join(app, client, users, mailbox):
    """What an unconfirmed account may do (README): sign in, take tests, see results; not join an
    organisation (the join page says why, offers the link again, and a POST is refused)."""
    from quizapp.services import organisations
    from quizapp.web import clock

    _sign_up(client)
    assert client.post("/sign-in", data={"email": "leah@example.org", "password": PASSWORD}).status_code == 302
    home = client.get("/tests/")
    check_page(home, title="Your tests")
    assert "Confirm your email address" in text_of(home)
    with app.app_context():
        org = db.session.get(User, users["employer"]["id"]).organisation
        invitation = organisations.create_invitation(db.session, org, None, clock.now(), 7)
        db.session.commit()
        code = invitation.code
    page = client.get("/tests/join", query_string={"code": code})
    check_page(page, status=403, title="Confirm your email address first")
    refused = client.post("/tests/join", data={"code": code})
    assert refused.status_code == 403
    with app.app_context():
        user = accounts.find_user(db.session, "leah@example.org")
        assert user.organisation is None
        with pytest.raises(organisations.MembershipError, match="Confirm your email address"):
            organisations.join(db.session, user, organisations.usable_invitation(db.session, code, clock.now()), clock.now())
    # The button sends the link again, and comes back to the invitation.
    mailbox.clear()
    resent = client.post("/confirm-email", query_string={"next": f"/tests/join?code={code}"})
    assert resent.headers["Location"] == f"/tests/join?code={code}"
    link = mailbox.only_to("leah@example.org").link("/confirm-email/")
    assert client.get(link.removeprefix("http://localhost")).headers["Location"] == f"/tests/join?code={code}"
    check_page(client.get("/tests/join", query_string={"code": code}), title=f"Join {org.name}")
    assert client.post("/tests/join", data={"code": code}).status_code == 302


@pytest.mark.parametrize("change", ["tampered", "expired", "account gone"])
def test_a_confirmation_link_that_cannot_work_says_why(app, client, mailbox, change):
    from datetime import timedelta

    from quizapp.data.models._types import utcnow

    _sign_up(client)
    link = mailbox.only_to("leah@example.org").link("/confirm-email/").removeprefix("http://localhost")
    if change == "tampered":
        link = link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    elif change == "expired":
        app.config["CLOCK"] = lambda: utcnow() + timedelta(hours=24, seconds=1)
    else:
        with app.app_context():
            db.session.delete(accounts.find_user(db.session, "leah@example.org"))
            db.session.commit()
    page = client.get(link)
    expected = {"tampered": "This link does not work", "expired": "This link has expired",
                "account gone": "This link does not work"}[change]
    check_page(page, title=expected)
    if change != "account gone":
        with app.app_context():
            assert accounts.find_user(db.session, "leah@example.org").email_verified_at is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD}, "name", "Enter your full name"),
        ({"name": "A", "email": "not-an-email", "password": PASSWORD, "confirm": PASSWORD}, "email", "correct format"),
        ({"name": "A", "email": "a@example.org", "password": "short", "confirm": "short"}, "password", "12 characters or more"),
        ({"name": "A", "email": "a@example.org", "password": "x" * 65, "confirm": "x" * 65}, "password", "64 characters or fewer"),
        ({"name": "A", "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD + "x"}, "confirm", "Passwords must match"),
    ],
)
def test_sign_up_errors_are_summarised_and_linked(client, data, field, message):
    response = client.post("/sign-up", data=data)
    page = check_page(response, title="Create an account")
    assert field in page.error_links
    assert message in text_of(response)


@pytest.mark.parametrize("role", ["candidate", "trainer", "employer", "admin"])
def test_sign_in_sends_each_role_home(client, auth, role):
    auth.as_role(role)
    expected = {"candidate": "/tests/", "trainer": "/trainer/", "employer": "/employer/", "admin": "/admin/"}[role]
    assert client.get("/home").headers["Location"].endswith(expected)
    check_page(client.get(expected))


def test_wrong_password_gives_one_message_for_both_cases(client, users):
    wrong = client.post("/sign-in", data={"email": users["candidate"]["email"], "password": "not my password"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": "not my password"})
    for response in (wrong, unknown):
        page = check_page(response, title="Sign in")
        assert "email" in page.error_links
        assert "Enter a correct email address and password" in text_of(response)


def test_sign_in_starts_a_new_session(client, users):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.post("/sign-in", data={"email": users["candidate"]["email"], "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("_user_id", "").startswith(f"{users['candidate']['id']}:")


def test_sign_out_clears_the_session(client, auth):
    auth.as_role("candidate")
    assert client.get("/tests/").status_code == 200
    response = auth.sign_out()
    assert response.status_code == 302
    assert client.get("/tests/").status_code == 302
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/admin/", "/admin/"), ("https://evil.example/", "/home"), ("//evil.example/", "/home"), ("admin", "/home")],
)
def test_next_parameter_only_follows_local_paths(client, users, next_url, expected):
    response = client.post(
        "/sign-in", query_string={"next": next_url}, data={"email": users["admin"]["email"], "password": PASSWORD}
    )
    assert response.headers["Location"] == expected


def test_sign_in_is_rate_limited(app_config, users, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "SIGNIN_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    codes = [client.post("/sign-in", data={"email": "x@example.org", "password": "not my password"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    page = client.post("/sign-in", data={"email": "x@example.org", "password": "nope nope nope"})
    check_page(page, status=429, title="Too many attempts")
    assert client.get("/sign-in").status_code == 200  # only POSTs are limited


def test_the_limiters_per_request_hook_is_skipped_when_no_limit_needs_it(app_config, users, tmp_path, monkeypatch):
    """Flask-Limiter's per-request hook applies only application, default and blueprint limits, and
    this app has none (quizapp.web.auth_session), so no request pays for resolving them; the
    sign-in's own limit still applies (test_signin_is_rate_limited)."""
    from quizapp.web.extensions import limiter

    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    checked = []
    monkeypatch.setattr(limiter, "_check_request_limit", lambda: checked.append(request.endpoint))
    client = app.test_client()
    client.get("/sign-in")
    client.get("/healthz")
    client.post("/tests/attempts/1/questions/1/autosave", data={"answer": "0", "seq": "1"})
    client.post("/sign-in", data={"email": "x@example.org", "password": "not my password"})
    assert checked == []


def test_configured_application_limits_still_apply_to_every_request_but_the_autosave(app_config, users, tmp_path,
                                                                                    monkeypatch):
    from quizapp.web.extensions import limiter

    # (The limiter is one object for every app; the limits this app adds must not outlive the test.)
    monkeypatch.setattr(limiter.limit_manager, "_application_limits", [])
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_APPLICATION": "2 per minute"})
    client = app.test_client()
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
    saves = [client.post("/tests/attempts/1/questions/1/autosave", data={"answer": "0", "seq": "1"}).status_code
             for _ in range(3)]
    assert 429 not in saves


def test_account_locks_after_repeated_failures(app_config, users, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "LOCKOUT_THRESHOLD": 3, "LOCKOUT_MINUTES": 15})
    client = app.test_client()
    email = users["candidate"]["email"]
    for _ in range(3):
        client.post("/sign-in", data={"email": email, "password": "not my password"})
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert "too many failed attempts" in text_of(response)
    assert "Try again in 15 minutes" in text_of(response)
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_forms_refuse_posts_without_a_csrf_token(app_config, users, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    for url in ("/sign-in", "/sign-up", "/sign-out"):
        response = client.post(url, data={"email": users["candidate"]["email"], "password": PASSWORD})
        check_page(response, status=400, title="This form has expired")
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_sign_in_with_a_csrf_token_works(app_config, users, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert token
    response = client.post("/sign-in", data={"csrf_token": token.group(1), "email": users["candidate"]["email"], "password": PASSWORD})
    assert response.status_code == 302
    with client:
        client.get("/tests/")
        assert flask_session.get("_user_id")


UNSAFE_NEXT = ["https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example",
               "/\t/evil.example/", "/\n/evil.example", "javascript:alert(1)", "http:/evil.example", "admin",
               "/" + "a" * 2001]


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_sign_up_never_redirects_off_site(client, mailbox, next_url):
    page = client.get("/sign-up", query_string={"next": next_url})
    check_page(page, title="Create an account")
    assert "evil.example" not in page.get_data(as_text=True)  # not carried on in links or the form
    _sign_up(client, email="a@example.org", next_url=next_url)
    link = mailbox.only_to("a@example.org").link("/confirm-email/")
    assert client.get(link.removeprefix("http://localhost")).headers["Location"] == "/sign-in"


@pytest.mark.parametrize("next_url", UNSAFE_NEXT)
def test_sign_in_never_redirects_off_site(client, users, next_url):
    page = client.get("/sign-in", query_string={"next": next_url})
    assert "evil.example" not in page.get_data(as_text=True)
    response = client.post("/sign-in", query_string={"next": next_url},
                           data={"email": users["candidate"]["email"], "password": PASSWORD})
    assert response.headers["Location"] == "/home"


def test_sign_up_follows_a_local_next_through_the_confirmation_link(client, mailbox):
    _sign_up(client, email="a@example.org", next_url="/tests/history")
    link = mailbox.only_to("a@example.org").link("/confirm-email/")
    assert client.get(link.removeprefix("http://localhost")).headers["Location"] == "/sign-in?next=/tests/history"


def test_sign_in_and_sign_up_link_to_each_other_keeping_next(client):
    sign_in = client.get("/sign-in", query_string={"next": "/tests/join?code=ABCD-EFGH-JKLM"}).get_data(as_text=True)
    sign_up = client.get("/sign-up", query_string={"next": "/tests/join?code=ABCD-EFGH-JKLM"}).get_data(as_text=True)
    encoded = "next=/tests/join?code%3DABCD-EFGH-JKLM"
    assert f'href="/sign-up?{encoded}"' in sign_in and f'action="/sign-in?{encoded}"' in sign_in
    assert f'href="/sign-in?{encoded}"' in sign_up and f'action="/sign-up?{encoded}"' in sign_up
    plain = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/sign-up"' in plain and "next=" not in plain


def test_a_signed_in_visitor_is_sent_to_a_safe_next(client, auth):
    auth.as_role("candidate")
    assert client.get("/sign-in", query_string={"next": "/tests/history"}).headers["Location"] == "/tests/history"
    assert client.get("/sign-up", query_string={"next": "//evil.example"}).headers["Location"] == "/home"


@pytest.mark.parametrize(("referrer", "expected_next"), [
    ("http://localhost/tests/attempts/1/questions/2?x=1", "/tests/attempts/1/questions/2?x=1"),
    ("https://elsewhere.example/tests/attempts/1/questions/2", None),
    (None, None),
])
def test_a_form_posted_after_the_session_ended_goes_to_sign_in(app_config, tmp_path, monkeypatch, referrer, expected_next):
    """Save and continue with the session gone (its cookie expired or cleared, and the form's
    CSRF token with it): sign in again, then back to the page the form was on (a page of ours)."""
    from urllib.parse import parse_qs, urlsplit

    from quizapp.web.errors import SIGNED_OUT_FLASH

    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    response = client.post("/tests/attempts/1/questions/2", data={"action": "save", "answer": "1"},
                           headers={"Referer": referrer} if referrer else {})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query).get("next") == ([expected_next] if expected_next else None)
    assert SIGNED_OUT_FLASH in text_of(client.get(response.headers["Location"]))
