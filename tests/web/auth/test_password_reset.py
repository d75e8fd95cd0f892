"""Forgotten passwords: the same page and an email whether or not the address has an account, a
link that works once for an hour, and a new password that ends every other session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp import create_app
from quizapp.data.models._types import utcnow
from tests.helpers import PASSWORD, check_page, text_of

NEW_PASSWORD = "a brand new passphrase"


def _ask(client, email):
    return client.post("/forgot-password", data={"email": email})


def _reset_link(mailbox, email) -> str:
    return mailbox.only_to(email).link("/reset-password/").removeprefix("http://localhost")


def _choose(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"password": password, "confirm": password})


def test_the_sign_in_page_links_to_the_reset(client):
    assert 'href="/forgot-password"' in client.get("/sign-in").get_data(as_text=True)
    check_page(client.get("/forgot-password"), title="Reset your password")


def test_a_reset_link_sets_a_new_password_and_ends_every_other_session(app, client, users, mailbox):
    email = users["candidate"]["email"]
    elsewhere = app.test_client()  # the same person signed in on another device
    assert elsewhere.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    assert elsewhere.get("/tests/").status_code == 200

    page = _ask(client, email)
    check_page(page, title="Check your email")
    received = mailbox.only_to(email)
    assert received.subject == "Reset your password for Social work practice tests"
    assert "works once, for 60 minutes" in received.text
    link = _reset_link(mailbox, email)
    check_page(client.get(link), title="Choose a new password")
    done = _choose(client, link)
    assert done.headers["Location"] == "/home"
    assert "signed out on every other device" in text_of(client.get("/tests/"))
    assert elsewhere.get("/tests/").status_code == 302  # that session has ended
    fresh = app.test_client()
    assert fresh.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 200
    assert fresh.post("/sign-in", data={"email": email, "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_works_only_once(app, client, users, mailbox):
    email = users["candidate"]["email"]
    _ask(client, email)
    link = _reset_link(mailbox, email)
    assert _choose(client, link).status_code == 302
    other = app.test_client()
    used = other.get(link)
    check_page(used, title="This link has expired or has already been used")
    again = _choose(other, link, "what an attacker would choose")
    check_page(again, title="This link has expired or has already been used")
    assert other.post("/sign-in", data={"email": email, "password": "what an attacker would choose"}).status_code == 200
    assert other.post("/sign-in", data={"email": email, "password": NEW_PASSWORD}).status_code == 302


def test_an_earlier_link_stops_working_once_a_later_one_is_used(client, users, mailbox):
    email = users["candidate"]["email"]
    _ask(client, email)
    _ask(client, email)
    first, second = (m.link("/reset-password/").removeprefix("http://localhost") for m in mailbox.to(email))
    assert _choose(client, second).status_code == 302
    check_page(client.get(first), title="This link has expired or has already been used")


@pytest.mark.parametrize(("after", "works"), [(timedelta(minutes=60), True), (timedelta(minutes=60, seconds=1), False)])
def test_a_reset_link_expires_after_an_hour(app, client, users, mailbox, after, works):
    email = users["candidate"]["email"]
    asked = utcnow()
    app.config["CLOCK"] = lambda: asked  # a fixed clock: the link's age is exactly `after`
    _ask(client, email)
    link = _reset_link(mailbox, email)
    app.config["CLOCK"] = lambda: asked + after
    page = client.get(link)
    check_page(page, title="Choose a new password" if works else "This link has expired or has already been used")


def test_the_same_page_for_an_address_without_an_account(client, users, mailbox):
    known, unknown = users["candidate"]["email"], "nobody.here@example.org"
    pages = [text_of(_ask(client, address)).replace(address, "ADDRESS") for address in (known, unknown)]
    assert pages[0] == pages[1]
    received = mailbox.only_to(unknown)
    assert "there is no account for it" in received.text
    assert received.links() == ["http://localhost/sign-up"]


def test_a_new_password_must_follow_the_rules(client, users, mailbox):
    email = users["candidate"]["email"]
    _ask(client, email)
    link = _reset_link(mailbox, email)
    page = client.post(link, data={"password": "short", "confirm": "short"})
    parsed = check_page(page, title="Choose a new password")
    assert "password" in parsed.error_links and "12 characters or more" in text_of(page)


def test_a_reset_confirms_an_unconfirmed_address(app, client, mailbox):
    from quizapp.services import accounts
    from quizapp.web.extensions import db

    client.post("/sign-up", data={"name": "N", "email": "n@example.org", "password": PASSWORD, "confirm": PASSWORD})
    mailbox.clear()
    _ask(client, "n@example.org")
    _choose(client, _reset_link(mailbox, "n@example.org"))
    with app.app_context():
        assert accounts.find_user(db.session, "n@example.org").email_verified_at is not None


@pytest.mark.parametrize("path", ["/forgot-password", "/sign-up"])
def test_one_address_gets_at_most_five_emails_an_hour(app_config, users, tmp_path, monkeypatch, mailbox, path):
    """So nobody can fill a stranger's inbox through the service (QUIZAPP_MAIL_PER_ADDRESS_LIMIT)."""
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    limited = create_app({**app_config, "RATELIMIT_ENABLED": True})
    email = users["candidate"]["email"]
    data = {"email": email, "name": "N", "password": PASSWORD, "confirm": PASSWORD}
    codes = [limited.test_client().post(path, data=data).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert len(mailbox.to(email)) == 5
    page = limited.test_client().post(path, data=data)
    check_page(page, status=429, title="Too many attempts")
    assert "We have sent as many emails to this address as we will" in text_of(page)
    assert limited.test_client().post(path, data={**data, "email": "someone.else@example.org"}).status_code == 200


def test_reset_requests_are_limited_per_network_address(app_config, tmp_path, monkeypatch, mailbox):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    limited = create_app({**app_config, "RATELIMIT_ENABLED": True, "RESET_RATE_LIMIT": "3 per hour"})
    codes = [limited.test_client().post("/forgot-password", data={"email": f"p{i}@example.org"}).status_code
             for i in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "too many requests to reset a password from your network" in text_of(
        limited.test_client().post("/forgot-password", data={"email": "q@example.org"}))
