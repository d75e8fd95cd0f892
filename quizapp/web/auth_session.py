"""Who is asking: Flask-Login wiring (loading the signed-in user, as an ORM object or, for views
marked `light_user`, as a plain `SignedInUser`), the role guard used by every blueprint, the
cookie session, and the save tokens that authenticate the answer autosave."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Request, abort, current_app
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import BadSignature
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from quizapp.web import clock
from quizapp.domain import save_tokens
from .extensions import csrf, db, limiter, login_manager
from quizapp.data.models import User, UserSession

F = TypeVar("F", bound=Callable[..., Any])

# A signed-in session's cookie is re-signed (and so its lifetime restarted) on the first request
# at least this long after it was last signed, not on every request (SessionInterface).
SESSION_REFRESH_SECONDS = 60


# Built once: SQLAlchemy computes a statement's cache key once per statement object, and this
# runs on every signed-in request (Session.get builds a new statement each time).
# With their memberships in the same statement: whose content a person sees (their current
# organisation) is asked on most pages, and a lazy load was a statement of its own each time.
_USER_BY_ID = select(User).where(User.id == bindparam("id")).options(joinedload(User.memberships))
# The user, only while the session's row exists (one statement, as before the rows were kept).
_USER_BY_SESSION = (select(User).join(UserSession, UserSession.user_id == User.id)
                    .where(User.id == bindparam("id"), UserSession.key == bindparam("key"))
                    .options(joinedload(User.memberships)))


# The same, as plain rows, for views marked light_user.
_USER_COLUMNS = (User.id, User.name, User.role, User.session_token, User.disabled_at)
_LIGHT_USER_BY_ID = select(*_USER_COLUMNS).where(User.id == bindparam("id"))
_LIGHT_USER_BY_SESSION = (select(*_USER_COLUMNS).join(UserSession, UserSession.user_id == User.id)
                          .where(User.id == bindparam("id"), UserSession.key == bindparam("key")))


class SignedInUser:
    """The signed-in user as views marked `light_user` see it: what the role guard, the page
    header and the question page read (`id`, `name`, `role`, `session_token`, `session_key` and
    Flask-Login's protocol), under the ORM object's names, from one row. Building the `User`
    object (identity map, every column) was about a tenth of a question page's CPU."""

    __slots__ = ("id", "name", "role", "session_token", "session_key")
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, id: int, name: str, role: str, session_token: str, session_key: str | None) -> None:  # noqa: A002
        self.id, self.name, self.role = id, name, role
        self.session_token, self.session_key = session_token, session_key

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.session_key or ''}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def light_user(view: F) -> F:
    """The signed-in user of this view is a `SignedInUser`, not the ORM `User`: for views that read
    only its id, name, role and session token (and render the page header), on the hot path."""
    view._quizapp_light_user = True  # type: ignore[attr-defined]
    return view


def load_user(login_id: str) -> User | SignedInUser | None:
    """The login id is "<user id>:<session token>:<session key>" (quizapp/services/user_sessions.py):
    changing the token ends every session, deleting the key's row ends that one, and a disabled
    account has none. An id from before session rows were kept has no key."""
    user_id, _, rest = login_id.partition(":")
    token, _, key = rest.partition(":")
    if not user_id.isdigit() or not token:
        return None
    params = {"id": int(user_id), "key": key} if key else {"id": int(user_id)}
    if _wants_light_user():
        row = db.session.connection().execute(_LIGHT_USER_BY_SESSION if key else _LIGHT_USER_BY_ID, params).first()
        if row is None or row.session_token != token or row.disabled_at is not None:
            return None
        return SignedInUser(row.id, row.name, row.role, row.session_token, key or None)
    user = db.session.execute(_USER_BY_SESSION if key else _USER_BY_ID, params).unique().scalar_one_or_none()
    if user is None or user.session_token != token or user.disabled_at is not None:
        return None
    user.session_key = key or None
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
    """Flask's signed-cookie session, with its serializer kept between requests, and no session
    at all for `sessionless` views (the answer autosave): their requests neither read nor send
    the cookie.

    The cookie is re-signed and sent at most once a minute. Flask re-signs a permanent session
    on every response (SESSION_REFRESH_EACH_REQUEST), which cost every page view about 0.13 ms
    (an HMAC, JSON and base64, and the Set-Cookie header). Here an unchanged session is sent
    again only when its signature is SESSION_REFRESH_SECONDS old or more; a changed one always
    is. So an idle session ends PERMANENT_SESSION_LIFETIME after the cookie was last signed,
    which is between that lifetime less a minute and that lifetime after the last request
    (tests/auth/test_session_refresh.py)."""

    def get_signing_serializer(self, app: Flask) -> Any:
        # Flask builds (and probes) a new serializer for every request; one per key set will do.
        keys = (tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        cached = app.extensions.get("quizapp_session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["quizapp_session_serializer"] = cached
        return cached[1]

    def open_session(self, app: Flask, request: Request) -> Any:
        # A request without cookies (the autosave script's) has an empty session: nothing to read.
        if "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        if request.method == "POST" and _is_sessionless(app):
            return None  # Flask's null session: empty, and never saved
        # As Flask's, keeping when the cookie was signed (for should_set_cookie).
        serializer = self.get_signing_serializer(app)
        value = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not value:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()),
                                               return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at.timestamp()
        return session

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or time.time() - signed_at >= SESSION_REFRESH_SECONDS

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        # An empty session nobody read or changed (every cookieless request: the autosave) has
        # nothing to send or delete; Flask would still work out every cookie attribute first.
        # (What Flask itself does for such a session is nothing else, so the outcome is the same.)
        if not session and not session.modified and not session.accessed:
            return
        if session and not self.should_set_cookie(app, session):
            if session.accessed:  # what Flask does for a session it does not send
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def sessionless(view: F) -> F:
    """Serve this (POST) view without the cookie session, the CSRF form check or the sign-in
    rate limiter: it authenticates each request itself (the autosave's save token). Flask-Login
    sees nobody signed in."""
    view._quizapp_sessionless = True  # type: ignore[attr-defined]
    csrf.exempt(view)
    return view


def _wants_light_user() -> bool:
    rule = request_ctx.request.url_rule if request_ctx else None
    return rule is not None and getattr(current_app.view_functions.get(rule.endpoint), "_quizapp_light_user", False)


def _view_is_sessionless(app: Flask, endpoint: str) -> bool:
    return getattr(app.view_functions.get(endpoint), "_quizapp_sessionless", False)


def _is_sessionless(app: Flask) -> bool:
    # The session is opened before Flask matches the URL, so match it here (cheap, and POSTs only).
    try:
        rule, _ = request_ctx.url_adapter.match(return_rule=True)  # type: ignore[union-attr]
    except (HTTPException, RequestRedirect, AttributeError):
        return False
    return _view_is_sessionless(app, rule.endpoint)


def issue_save_token(attempt_id: int, user: User | SignedInUser) -> str:
    """The token a question page gives its script for saving answers to `attempt_id`; it expires
    no later than the session it was issued in (whose cookie may have been signed up to
    SESSION_REFRESH_SECONDS before this request)."""
    lifetime = current_app.permanent_session_lifetime.total_seconds() - SESSION_REFRESH_SECONDS
    expires = int(clock.now().timestamp() + lifetime)
    return save_tokens.issue(current_app.secret_key, attempt_id, user.id, user.session_token, expires)  # type: ignore[arg-type]


def _skip_limiter_when_it_has_nothing_to_check(app: Flask) -> None:
    """Flask-Limiter checks every request in a `before_request` hook, and resolving which limits
    apply cost about a third of a request that does nothing (/healthz). That hook only ever
    applies application, default and blueprint limits: a view's own `@limiter.limit` is checked
    by the view's wrapper. This app declares none of the three (only per-view limits, on sign-in,
    sign-up, reset and joining), so the hook is skipped unless some are configured (e.g.
    RATELIMIT_DEFAULT), which is worked out once, on the first request, when every blueprint is
    registered. Sessionless views (the autosave) have no limits at all and always skip it."""
    hooks = app.before_request_funcs.get(None, [])
    if not app.config.get("RATELIMIT_ENABLED"):
        return  # (the tests' default) Flask-Limiter added no hook
    if limiter._check_request_limit not in hooks:
        raise RuntimeError("Flask-Limiter's per-request hook was not found: has Flask-Limiter changed?")
    needed: list[bool] = []

    def check_request_limit() -> None:
        if not needed:
            manager = limiter.limit_manager
            needed.append(bool(manager.application_limits or manager.default_limits
                               or any(manager._blueprint_limits.values())))  # noqa: SLF001
        if not needed[0]:
            return
        rule = request_ctx.request.url_rule
        if rule is None or not _view_is_sessionless(app, rule.endpoint):
            limiter._check_request_limit()

    hooks[hooks.index(limiter._check_request_limit)] = check_request_limit


def _skip_remember_cookie_hook_for_sessionless_views(app: Flask) -> None:
    """Flask-Login's `after_request` hook (for its remember-me cookie, which this app never
    sets) reads the session on every response, which marks it accessed: each autosave's reply
    then went through the session's save, working out every cookie attribute, and said
    `Vary: Cookie` of a reply that no cookie changes. Sessionless views skip the hook."""
    hooks = app.after_request_funcs.get(None, [])
    if login_manager._update_remember_cookie not in hooks:
        raise RuntimeError("Flask-Login's remember-cookie hook was not found: has Flask-Login changed?")

    def update_remember_cookie(response: Any) -> Any:
        rule = request_ctx.request.url_rule
        if rule is not None and _view_is_sessionless(app, rule.endpoint):
            return response
        return login_manager._update_remember_cookie(response)

    hooks[hooks.index(login_manager._update_remember_cookie)] = update_remember_cookie


def init_app(app: Flask) -> None:
    """After `limiter.init_app(app)` and `login_manager.init_app(app)`."""
    _skip_limiter_when_it_has_nothing_to_check(app)
    _skip_remember_cookie_hook_for_sessionless_views(app)
    app.session_interface = SessionInterface()
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
