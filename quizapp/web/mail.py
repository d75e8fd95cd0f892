"""Sending email: a built message (quizapp/mail_messages.py) goes out through Flask-Mailman.

In production that is an SMTP server (QUIZAPP_SMTP_URL or QUIZAPP_SMTP_HOST...: see
`config.mail_settings`); in development, with no server set, `OutboxEmailBackend` writes each message
to the outbox folder (instance/outbox/) as an .eml file and logs its path, so `make run` needs no
mail server. `send` never raises: a message that could not be sent is logged, and the page that
asked for it says the same as when it is sent (the pages never tell who has an account).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app, request, url_for
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.base import BaseEmailBackend

from .extensions import mail
from quizapp.domain.mail_messages import Email

log = logging.getLogger("quizapp.mail")


class OutboxEmailBackend(BaseEmailBackend):
    """Each message as an .eml file (RFC 5322, what a mail client opens) in the outbox folder."""

    def send_messages(self, email_messages) -> int:  # type: ignore[no-untyped-def]
        folder = Path(current_app.config["MAIL_OUTBOX"])
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
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


def init_app(app: Flask) -> None:
    mail.init_app(app)
