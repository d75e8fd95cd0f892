"""Changing your email address from the account page: it needs your password, a link goes to the
new address (through the tests' real SMTP server), and the address changes only when that link
is used; an address another account has taken by then is refused at the link."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from quizapp.data.models import AuditEvent, User
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, AuthActions, check_page, make_user, text_of

NEW = "new.address@example.net"


def said(page) -> str:
    return unescape(text_of(page))


def email_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


@pytest.fixture
def me(auth):
    return auth.as_role("candidate")


def test_the_account_page_links_to_the_change(client, me):
    assert 'href="/account/email"' in client.get("/account/").text
    check_page(client.get("/account/email"), title="Change your email address")


def test_the_new_address_takes_effect_only_when_its_link_is_used(app, client, me, mailbox):
    response = client.post("/account/email", data={"email": NEW, "current": PASSWORD})
    assert response.status_code == 302
    assert f"We have sent a link to {NEW}" in said(client.get("/account/"))
    assert email_of(app, me["id"]) == me["email"]  # not yet
    received = mailbox.only_to(NEW)
    assert received.subject == "Confirm your new email address for Social work practice tests"
    assert AuthActions(app.test_client(), {}).sign_in(NEW).status_code == 200  # cannot sign in with it yet

    link = received.link("/confirm-email/").removeprefix("http://localhost")
    assert client.get(link).status_code == 302
    assert email_of(app, me["id"]) == NEW
    with app.app_context():
        changed = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "email.changed"))
    assert changed.user_id == me["id"]
    assert AuthActions(app.test_client(), {}).sign_in(NEW).status_code == 302
    assert AuthActions(app.test_client(), {}).sign_in(me["email"]).status_code == 200


@pytest.mark.parametrize("form, field, message", [
    ({"email": NEW, "current": "not my password at all"}, "current", "Your password is not right"),
    ({"email": "candidate@a.example", "current": PASSWORD}, "email", "That is already your email address"),
    ({"email": "nonsense", "current": PASSWORD}, "email", "Enter an email address in the correct format"),
    ({"email": "", "current": ""}, "email", "Enter your new email address"),
])
def test_a_change_that_cannot_be_made_says_why_and_sends_nothing(app, client, me, mailbox, form, field, message):
    page = client.post("/account/email", data=form)
    parsed = check_page(page, title="Change your email address")
    assert message in said(page) and field in parsed.error_links
    assert mailbox.messages == []
    assert email_of(app, me["id"]) == me["email"]


def test_an_address_taken_by_another_account_before_the_link_is_used_is_refused(app, client, me, mailbox):
    assert client.post("/account/email", data={"email": NEW, "current": PASSWORD}).status_code == 302
    link = mailbox.only_to(NEW).link("/confirm-email/").removeprefix("http://localhost")
    with app.app_context():
        make_user(NEW, "candidate", None)
        db.session.commit()
    page = client.get(link)
    assert "Another account now uses this email address" in said(page)
    assert email_of(app, me["id"]) == me["email"]
