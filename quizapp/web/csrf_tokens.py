"""The CSRF token that pages put in their forms, signed at most once a minute for each session.

Flask-WTF's `csrf_token()` signs the session's secret token again on every request that renders
a form (an HMAC, a timestamp, zlib and base64: about a hundredth of a question page), and the
signature is new every second, so no part of a page that holds a form could be kept from one view
to the next (the page header holds the sign-out form). Here the signed token a session was last
given is handed out again for up to REUSE_SECONDS. It is the same token Flask-WTF makes and
checks (`generate_csrf`, `validate_csrf`): bound to the session's own secret, which is the
cache's key, so no session is ever given another's. With a time limit on tokens
(QUIZAPP_CSRF_TIME_LIMIT, none by default) a token handed out again lives that much less.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import Flask, current_app, session
from flask_wtf.csrf import generate_csrf

REUSE_SECONDS = 60
MAX_SESSIONS = 10_000  # tokens kept per worker (some 100 bytes each)


class _Recent:
    """A bounded map of a session's secret token to (its signed form, when it was signed)."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, secret: str, now: float) -> str | None:
        with self.lock:
            entry = self.entries.get(secret)
        if entry is None or now - entry[1] >= REUSE_SECONDS or now < entry[1]:
            return None
        return entry[0]

    def put(self, secret: str, signed: str, now: float) -> None:
        with self.lock:
            self.entries[secret] = (signed, now)
            self.entries.move_to_end(secret)
            while len(self.entries) > MAX_SESSIONS:
                self.entries.popitem(last=False)


def csrf_token() -> str:
    """The template global `csrf_token()`: the session's signed CSRF token, reused for a minute."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = session.get(field)
    if not isinstance(secret, str):
        return generate_csrf()  # (a new session: Flask-WTF makes its secret and signs it)
    recent: _Recent = current_app.extensions["quizapp_csrf_tokens"]
    now = time.time()
    signed = recent.get(secret, now)
    if signed is None:
        signed = generate_csrf()
        recent.put(secret, signed, now)
    return signed


def init_app(app: Flask) -> None:
    """After `csrf.init_app(app)`, which gives templates Flask-WTF's own `csrf_token` twice: as a
    global and from a context processor (which wins); both are replaced."""
    app.extensions["quizapp_csrf_tokens"] = _Recent()
    app.jinja_env.globals["csrf_token"] = csrf_token
    processors = app.template_context_processors[None]
    theirs = [p for p in processors if getattr(p, "__module__", "") == "flask_wtf.csrf"]
    if len(theirs) != 1:
        raise RuntimeError("Flask-WTF's csrf_token context processor was not found: has Flask-WTF changed?")
    meta_tag = app.jinja_env.globals["csrf_meta_tag"]
    processors[processors.index(theirs[0])] = lambda: {"csrf_token": csrf_token, "csrf_meta_tag": meta_tag}
