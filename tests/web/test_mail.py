"""Outgoing email: the messages (quizapp/mail_messages.py), their settings (config.mail_settings),
sending through a real SMTP server on loopback, the development outbox, and the signed links."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from datetime import datetime, timedelta, timezone

import pytest

from quizapp import create_app
from quizapp.domain import mail_messages, signed_links
from quizapp.web import mail
from quizapp.config import ConfigError, mail_settings

SERVICE = "Social work practice tests"
LINK = "https://practice.example.org/confirm-email/abc.def"

BUILDERS = {
    "confirm_address": lambda: mail_messages.confirm_address(SERVICE, "leah@example.org", "Leah", LINK, 24),
    "confirm_new_address": lambda: mail_messages.confirm_new_address(SERVICE, "leah@example.org", "Leah", LINK, 24),
    "account_exists": lambda: mail_messages.account_exists(SERVICE, "leah@example.org", "Leah", LINK + "/in", LINK + "/reset"),
    "reset_password": lambda: mail_messages.reset_password(SERVICE, "leah@example.org", "Leah", LINK, 60),
    "no_account": lambda: mail_messages.no_account(SERVICE, "leah@example.org", LINK),
    "invitation": lambda: mail_messages.invitation(SERVICE, "leah@example.org", "Org <A>", "North", LINK, "ABCD-EFGH-JKLM",
                                                   "5 January 2027", "Sam Boss"),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_each_message_has_the_same_links_in_text_and_html_and_loads_nothing(name):
    message = BUILDERS[name]()
    assert message.subject and "\n" not in message.subject and len(message.subject) < 80
    text, html = message.text(), message.html()
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and hrefs == message.links()
    for href in hrefs:
        assert f"\n{href}\n" in f"\n{text}", "each link is on a line of its own in the plain text"
    # No tracking: nothing is loaded (no images, styles, fonts or scripts from anywhere).
    assert not re.search(r"<(img|script|link|iframe|object)\b|src=|url\(|@import", html, flags=re.I)
    assert "utm_" not in text


def test_html_escapes_what_people_typed():
    html = BUILDERS["invitation"]().html()
    assert "Org &lt;A&gt;" in html and "Org <A>" not in html


ENVIRONMENTS = [
    ({}, {"MAIL_BACKEND": "quizapp.web.mail.OutboxEmailBackend", "MAIL_OUTBOX": "/srv/instance/outbox"}),
    ({"QUIZAPP_SMTP_URL": "smtp+starttls://app%40org:p%3Ass@mail.example.org:2587"},
     {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "mail.example.org", "MAIL_PORT": 2587, "MAIL_USERNAME": "app@org",
      "MAIL_PASSWORD": "p:ss", "MAIL_USE_TLS": True, "MAIL_USE_SSL": False}),
    ({"QUIZAPP_SMTP_URL": "smtps://mail.example.org"},
     {"MAIL_SERVER": "mail.example.org", "MAIL_PORT": 465, "MAIL_USE_TLS": False, "MAIL_USE_SSL": True}),
    ({"QUIZAPP_SMTP_URL": "smtp://relay"}, {"MAIL_PORT": 25, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False}),
    ({"QUIZAPP_SMTP_HOST": "relay", "QUIZAPP_SMTP_USER": "u", "QUIZAPP_SMTP_PASSWORD": "pw",
      "QUIZAPP_MAIL_FROM": "Tests <tests@example.org>"},
     {"MAIL_SERVER": "relay", "MAIL_PORT": 587, "MAIL_USE_TLS": True, "MAIL_USERNAME": "u", "MAIL_PASSWORD": "pw",
      "MAIL_DEFAULT_SENDER": "Tests <tests@example.org>"}),
    ({"QUIZAPP_SMTP_HOST": "relay", "QUIZAPP_SMTP_TLS": "ssl", "QUIZAPP_SMTP_PORT": "10465"},
     {"MAIL_PORT": 10465, "MAIL_USE_SSL": True, "MAIL_USE_TLS": False}),
]


@pytest.mark.parametrize(("environ", "expected"), ENVIRONMENTS)
def test_mail_settings_from_the_environment(environ, expected):
    settings = mail_settings(environ, "/srv/instance", SERVICE)
    assert settings["MAIL_DEFAULT_SENDER"] == environ.get("QUIZAPP_MAIL_FROM", f"{SERVICE} <no-reply@localhost>")
    assert {key: settings.get(key) for key in expected} == expected


@pytest.mark.parametrize("environ", [{"QUIZAPP_SMTP_URL": "http://mail.example.org"}, {"QUIZAPP_SMTP_URL": "smtp://"},
                                     {"QUIZAPP_SMTP_HOST": "relay", "QUIZAPP_SMTP_TLS": "maybe"}])
def test_unusable_mail_settings_say_which(environ):
    with pytest.raises(ConfigError, match="QUIZAPP_SMTP_"):
        mail_settings(environ, "/srv/instance", SERVICE)


def test_a_message_goes_through_a_real_smtp_server(app, mailbox):
    with app.app_context():
        assert mail.send(BUILDERS["reset_password"]())
    received = mailbox.only_to("leah@example.org")
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert received.subject == f"Reset your password for {SERVICE}"
    assert message["From"] == f"{SERVICE} <no-reply@localhost>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Choose a new password:\n" + LINK in received.text
    assert f'href="{LINK}"' in received.html
    assert received.links() == [LINK]


def test_a_server_that_refuses_is_logged_not_raised(app_config, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    closed = create_app({**app_config, "MAIL_PORT": 1, "MAIL_TIMEOUT": 5})
    with closed.app_context(), caplog.at_level(logging.ERROR, logger="quizapp.mail"):
        assert mail.send(BUILDERS["no_account"]()) is False
    assert "Could not send the email" in caplog.text


def test_without_a_server_each_message_is_an_eml_file_in_the_outbox(database_url, tmp_path, monkeypatch, caplog):
    """The development default (`make run`): no SMTP settings, so messages go to instance/outbox."""
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("QUIZAPP_SMTP_URL", "QUIZAPP_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    development = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k"})
    with development.app_context(), caplog.at_level(logging.WARNING, logger="quizapp.mail"):
        assert mail.send(BUILDERS["confirm_address"]())
        assert mail.send(BUILDERS["no_account"]())
    files = sorted((tmp_path / "instance" / "outbox").glob("*.eml"))
    assert len(files) == 2
    for path in files:
        assert str(path) in caplog.text
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "leah@example.org"
    assert {p.get_content_type() for p in parsed.walk()} >= {"text/plain", "text/html"}


NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
KEYS = ["current key"]


def test_a_signed_link_works_until_it_expires():
    token = signed_links.make(KEYS, signed_links.RESET_PASSWORD, {"u": 7}, NOW)
    assert signed_links.read(KEYS, signed_links.RESET_PASSWORD, token, 3600, NOW + timedelta(seconds=3600)) == {"u": 7}
    with pytest.raises(signed_links.LinkError) as error:
        signed_links.read(KEYS, signed_links.RESET_PASSWORD, token, 3600, NOW + timedelta(seconds=3601))
    assert error.value.expired


@pytest.mark.parametrize("change", ["purpose", "tamper", "key", "garbage"])
def test_a_signed_link_is_refused_when_not_ours(change):
    token = signed_links.make(KEYS, signed_links.RESET_PASSWORD, {"u": 7}, NOW)
    purpose, keys = signed_links.RESET_PASSWORD, KEYS
    if change == "purpose":
        purpose = signed_links.CONFIRM_EMAIL
    elif change == "tamper":
        payload, rest = token.split(".", 1)
        token = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest
    elif change == "key":
        keys = ["another key"]
    else:
        token = "not a token at all"
    with pytest.raises(signed_links.LinkError) as error:
        signed_links.read(keys, purpose, token, 3600, NOW)
    assert not error.value.expired


def test_a_link_made_before_a_key_change_still_opens():
    token = signed_links.make(["old key"], signed_links.CONFIRM_EMAIL, {"u": 1}, NOW)
    assert signed_links.read(["new key", "old key"], signed_links.CONFIRM_EMAIL, token, 60, NOW) == {"u": 1}


def test_no_transaction_is_open_while_the_mail_server_answers(app, client, auth, users, monkeypatch, mailbox):
    """A slow mail server must never hold a database lock: every page that sends email ends its
    transaction first (SQLite has one writer; sending up to 200 invitations takes a while)."""
    from quizapp.web.extensions import db

    open_during_send = []
    real_send = mail.send

    def send(message):
        open_during_send.append((message.subject, db.session.in_transaction()))
        return real_send(message)

    monkeypatch.setattr(mail, "send", send)
    data = {"name": "N", "password": "correct horse battery", "confirm": "correct horse battery"}
    client.post("/sign-up", data={**data, "email": "new.person@example.org"})
    client.post("/sign-up", data={**data, "email": users["candidate"]["email"]})
    client.post("/forgot-password", data={"email": users["candidate"]["email"]})
    client.post("/forgot-password", data={"email": "nobody@example.org"})
    auth.as_role("employer")
    client.post("/employer/invitations/email", data={"email-addresses": "a@example.org, b@example.org", "email-team": "",
                                                     "email-days": "7"})
    with app.app_context():
        from sqlalchemy import select

        from quizapp.data.models import Invitation
        invitation_id = db.session.scalar(select(Invitation.id).where(Invitation.email == "a@example.org"))
    client.post(f"/employer/invitations/{invitation_id}/resend")
    assert len(open_during_send) == 7
    assert [subject for subject, open_ in open_during_send if open_] == []
