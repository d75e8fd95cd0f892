"""Flask-Login wiring: loading the signed-in user and the role guard used by every blueprint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, g
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from sqlalchemy import bindparam, select

from .extensions import db, login_manager
from .models import User

F = TypeVar("F", bound=Callable[..., Any])


# Built once: SQLAlchemy computes a statement's cache key once per statement object, and this
# runs on every signed-in request (Session.get builds a new statement each time).
_USER_BY_ID = select(User).where(User.id == bindparam("id"))


def load_user(login_id: str) -> User | None:
    """The login id is "<user id>:<session token>": changing the token ends every session."""
    user_id, _, token = login_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(_USER_BY_ID, {"id": int(user_id)})
    if user is None or user.session_token != token:
        return None
    return user


def roles_required(*roles: str) -> Callable[[F], F]:
    """Only signed-in users with one of `roles` get through; others are sent to sign in (401)
    or refused (403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer kept between requests, and a view may
    decline to re-send an unchanged cookie. The session slides (each response renews it for
    PERMANENT_SESSION_LIFETIME); the answer autosave, a small JSON request every few seconds,
    leaves that to the page views around it, which saves signing and sending a cookie per save."""

    def get_signing_serializer(self, app: Flask) -> Any:
        # Flask builds (and probes) a new serializer for every request; one per key set will do.
        keys = (tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        cached = app.extensions.get("quizapp_session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["quizapp_session_serializer"] = cached
        return cached[1]

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        if g.get("keep_session_cookie") and not session.modified:
            return False
        return super().should_set_cookie(app, session)


def keep_session_cookie(view: F) -> F:
    """Do not re-send the (unchanged) session cookie with this view's response."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.keep_session_cookie = True
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
