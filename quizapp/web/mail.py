"""Sending email: a built message (quizapp/mail_messages.py) goes out through Flask-Mailman.

In production that is an SMTP server (QUIZAPP_SMTP_URL or QUIZAPP_SMTP_HOST...: see
`config.mail_settings`); in development, with no server set, `OutboxEmailBackend` writes each message
to the outbox folder (instance/outbox/) as an .eml file and logs its path, so `make run` needs no
mail server. `send` never raises: a message that could not be sent is logged, and the page that
asked for it says the same as when it is sent (the pages never tell who has an account).
`send_confirmation` sends the link that confirms an address (after sign-up, or a change of email).
"""

from __future__ import annotations

import logging
import secrets as random
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app, request, url_for
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend

from .extensions import mail
from quizapp.data.models import User
from quizapp.domain import mail_messages, signed_links
from quizapp.domain.mail_messages import Email
from quizapp.services import accounts
from quizapp.web import clock

log = logging.getLogger("quizapp.mail")


class OutboxEmailBackend(BaseEmailBackend):
    """Each message as an .eml file (RFC 5322, what a mail client opens) in the outbox folder."""

    def send_messages(self, email_messages) -> int:  # type: ignore[no-untyped-def]
        folder = Path(current_app.config["MAIL_OUTBOX"])
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            path = folder / f"{stamp}-{random.token_hex(4)}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            log.warning("Email %r to %s written to %s (no SMTP server is set: see QUIZAPP_SMTP_URL)",
                        message.subject, ", ".join(message.to), path)
            sent += 1
        return sent


def build(email: Email) -> EmailMultiAlternatives:
    """The MIME message: plain text first, the HTML as its alternative."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text(),
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[email.to],
        headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no auto-replies, please
    )
    message.attach_alternative(email.html(), "text/html")
    return message


def send(email: Email) -> bool:
    """Send one message. False (and the error in the log) if it could not be sent."""
    try:
        build(email).send()
    except Exception:  # an SMTP server down or refusing: log it, never a 500 for the person
        log.exception("Could not send the email %r", email.subject)
        return False
    if current_app.config["MAIL_BACKEND"] == "smtp":
        log.info("Sent the email %r", email.subject)
    return True


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link to one of our pages, for an email: on QUIZAPP_BASE_URL when it is set
    (production), else on the address of this request."""
    path = url_for(endpoint, **values)
    base = current_app.config.get("BASE_URL") or request.url_root.rstrip("/")
    return base + path


def secrets() -> list[str]:
    """The keys the links in emails are signed with: the current one first, then any fallbacks."""
    return [current_app.secret_key, *(current_app.config.get("SECRET_KEY_FALLBACKS") or ())]  # type: ignore[list-item]


def send_confirmation(user: User, email: str, next_url: str | None = None) -> bool:
    """Email `email` the link that confirms it for `user`: the account's own address (after
    sign-up) or a new address the account asked for (a change of email: following the link makes
    it the account's address, `accounts.confirm_email`). `next_url` (a safe local path) is where
    the link leads after confirming. Returns whether it was sent."""
    email = accounts.normalise_email(email)
    token = signed_links.make(secrets(), signed_links.CONFIRM_EMAIL, {"u": user.id, "e": email, "n": next_url or ""},
                              clock.now())
    link = external_url("auth.confirm_email", token=token)
    hours = current_app.config["VERIFY_LINK_HOURS"]
    service = current_app.config["SERVICE_NAME"]
    if email == user.email:
        message = mail_messages.confirm_address(service, email, user.name, link, hours)
    else:
        message = mail_messages.confirm_new_address(service, email, user.name, link, hours)
    return send(message)


def init_app(app: Flask) -> None:
    mail.init_app(app)
