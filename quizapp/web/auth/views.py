"""Account views: thin wrappers around quizapp.services.accounts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from limits import parse as parse_limit
from werkzeug.wrappers import Response

from quizapp.services import accounts
from quizapp.data.db import begin_writing, reads_first
from ..extensions import db, limiter
from . import bp
from .forms import SignInForm, SignOutForm, SignUpForm


NEXT_MAX = 2000  # longer is not a page of ours


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in or sign-up (no open redirect):
    a path that starts with one "/", never "//" or "/\\" (browsers read a backslash as a slash),
    with no control characters or spaces (browsers drop tabs and newlines, so "/<tab>/evil.example"
    would become "//evil.example")."""
    if not target or len(target) > NEXT_MAX:
        return None
    if "\\" in target or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _next() -> str | None:
    """The safe `next` of this request's query string. The sign-in and sign-up forms post to
    their own URL with it, and each page's link to the other carries it on."""
    return _safe_next(request.args.get("next"))


def _start_session(user: accounts.User) -> None:
    """A fresh session on sign-in: nothing from before survives (session fixation)."""
    session.clear()
    login_user(user)
    session.permanent = True


def _signin_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _wait(limit: str) -> str:
    """How long a limit's window is, in words: "a minute", "an hour", "5 minutes"."""
    item = parse_limit(limit)
    name = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{'an' if name == 'hour' else 'a'} {name}"
    return f"{item.multiples} {name}s"


def _signin_limit_message() -> str:
    return (f"There have been too many failed sign-ins from your network in a short time. "
            f"Wait {_wait(_signin_limit())}, then try again.")


def _signup_limit_message() -> str:
    return (f"There have been too many accounts created from your network in a short time. "
            f"Wait {_wait(_signup_limit())}, then try again.")


def _not_signed_in(_response: Response) -> bool:
    """Whether a sign-in request counts against its address's limit: every one that did not
    sign someone in (a wrong password, a locked account, an expired form, an over-limit retry).
    A room of candidates behind one address signing in correctly never reaches the limit."""
    return not g.get("signed_in", False)


@bp.route("/sign-in", methods=["GET", "POST"])
@reads_first
@limiter.limit(_signin_limit, methods=["POST"], deduct_when=_not_signed_in, error_message=_signin_limit_message)
def sign_in() -> str | Response:
    next_url = _next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SignInForm()
    page_errors = None
    if form.validate_on_submit():
        email = form.email.data or ""
        # Check the password outside any write transaction (scrypt is slow on purpose), then
        # record the outcome in a short one.
        result = accounts.check_credentials(db.session, email, form.password.data or "")
        begin_writing(db.session)
        result = accounts.record_signin(
            db.session,
            email,
            result,
            threshold=current_app.config["LOCKOUT_THRESHOLD"],
            lockout=timedelta(minutes=current_app.config["LOCKOUT_MINUTES"]),
        )
        db.session.commit()
        if result.user is not None:
            _start_session(result.user)
            g.signed_in = True
            return redirect(next_url or url_for("main.home"))
        if result.locked_until is not None:
            minutes = max(1, round(current_app.config["LOCKOUT_MINUTES"]))
            message = f"There have been too many failed attempts to sign in with these details. Try again in {minutes} minutes."
        else:
            message = "Enter a correct email address and password"
        form.email.errors = [message]
        page_errors = [{"text": message, "href": "#email"}]
    return render_template("auth/sign_in.html", title="Sign in", form=form, page_errors=page_errors, next_url=next_url)


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"], error_message=_signup_limit_message)
def sign_up() -> str | Response:
    """A new candidate account. A safe `next` (say the invitation's join page, when the candidate
    followed an invitation link while signed out) is where the new account lands."""
    next_url = _next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session,
                form.email.data or "",
                form.password.data or "",
                name=form.name.data or "",
                role="candidate",
            )
        except accounts.AccountError as error:
            db.session.rollback()
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            _start_session(user)
            flash("Your account has been created", "success")
            return redirect(next_url or url_for("main.home"))
    return render_template("auth/sign_up.html", title="Create an account", form=form, next_url=next_url,
                           joining=bool(next_url and urlsplit(next_url).path == url_for("candidate.join")))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit() or not current_user.is_authenticated:
        logout_user()
        session.clear()
    return redirect(url_for("main.index"))
