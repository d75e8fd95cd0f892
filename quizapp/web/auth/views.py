"""Account views: thin wrappers around quizapp.services.accounts."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse as parse_limit
from werkzeug.wrappers import Response

from quizapp.services import user_sessions
from quizapp.data.db import begin_writing, reads_first
from quizapp.domain import mail_messages, signed_links
from quizapp.services import accounts
from quizapp.web import clock, mail
from ..extensions import db, limiter
from . import bp
from .forms import ForgotPasswordForm, ResendConfirmationForm, ResetPasswordForm, SignInForm, SignOutForm, SignUpForm


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


def _open_session(user: accounts.User) -> None:
    """The account's row for this browser (listed on the account page), in the caller's
    transaction: call before committing, then `_start_session`."""
    user_sessions.open_session(db.session, user, request.headers.get("User-Agent", ""))


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
    A room of candidates behind one address signing in correctly never reaches the limit. Sending
    someone on to their organisation's sign-in page (`sso_started`) is not a failure either: the
    sign-in counts when it comes back, if it fails."""
    return not (g.get("signed_in", False) or g.get("sso_started", False))


def signin_limit(methods: list[str]):  # type: ignore[no-untyped-def]
    """The failed sign-in limit per network address, one count shared by the password sign-in and
    single sign-on (quizapp/web/auth/sso.py)."""
    return limiter.shared_limit(_signin_limit, scope="signin", methods=methods, deduct_when=_not_signed_in,
                                error_message=_signin_limit_message)


@bp.route("/sign-in", methods=["GET", "POST"])
@reads_first
@signin_limit(["POST"])
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
            ip=request.remote_addr,
        )
        if result.user is not None:
            _open_session(result.user)
        db.session.commit()
        if result.user is not None:
            _start_session(result.user)
            g.signed_in = True
            return redirect(next_url or url_for("main.home"))
        if result.locked_until is not None:
            minutes = max(1, round(current_app.config["LOCKOUT_MINUTES"]))
            message = f"There have been too many failed attempts to sign in with these details. Try again in {minutes} minutes."
        elif result.disabled:
            message = "This account has been disabled. Ask your organisation's administrator if you need it again."
        else:
            message = "Enter a correct email address and password"
        form.email.errors = [message]
        page_errors = [{"text": message, "href": "#email"}]
    return render_template("auth/sign_in.html", title="Sign in", form=form, page_errors=page_errors, next_url=next_url)


def _mail_limit() -> str:
    return current_app.config["MAIL_PER_ADDRESS_LIMIT"]


def _mail_limit_key() -> str:
    """The address a form asks us to email (the sign-up and reset forms), for the per-address limit."""
    return "mail:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _mail_limit_message() -> str:
    return (f"We have sent as many emails to this address as we will in a short time. "
            f"Check your inbox and spam folder, or wait {_wait(_mail_limit())} and try again.")


def _mailed(_response: Response) -> bool:
    """Whether this request sent an email (only those count against the per-address limit)."""
    return bool(g.get("mailed", False))


def _secrets() -> list[str]:
    return mail.secrets()


def _service() -> str:
    return current_app.config["SERVICE_NAME"]


def send_confirmation(user: accounts.User, email: str, next_url: str | None = None) -> bool:
    g.mailed = True
    return mail.send_confirmation(user, email, next_url)


def _check_email(kind: str, email: str) -> str:
    return render_template("auth/check_email.html", title="Check your email", kind=kind, email=email,
                           hours=current_app.config["VERIFY_LINK_HOURS"],
                           minutes=current_app.config["RESET_LINK_MINUTES"])


@bp.route("/sign-up", methods=["GET", "POST"])
@reads_first
@limiter.limit(_signup_limit, methods=["POST"], error_message=_signup_limit_message)
@limiter.limit(_mail_limit, key_func=_mail_limit_key, methods=["POST"], deduct_when=_mailed,
               error_message=_mail_limit_message)
def sign_up() -> str | Response:
    """A new candidate account, unconfirmed until the link emailed to it is followed. The page
    after is the same whether or not the address already had an account (that address gets an
    email saying so instead), so the form cannot be used to find out who has an account. A safe
    `next` (say an invitation's join page) travels in the link, and is where the person lands."""
    next_url = _next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data or "")
        begin_writing(db.session)
        try:
            outcome = accounts.sign_up(db.session, email, form.password.data or "", form.name.data or "", clock.now())
        except accounts.AccountError as error:
            db.session.rollback()
            form.email.errors = [str(error)]
        else:
            # What the email needs, read before the commit: it is sent with no transaction open.
            person = outcome.user or outcome.existing
            assert person is not None
            who = SimpleNamespace(id=person.id, email=person.email, name=person.name)
            db.session.commit()
            if outcome.user is not None:
                send_confirmation(who, email, next_url)  # type: ignore[arg-type]
            else:
                g.mailed = True
                mail.send(mail_messages.account_exists(
                    _service(), who.email, who.name, mail.external_url("auth.sign_in", next=next_url),
                    mail.external_url("auth.forgot_password")))
            return _check_email("sign-up", email)
    return render_template("auth/sign_up.html", title="Create an account", form=form, next_url=next_url,
                           joining=bool(next_url and urlsplit(next_url).path == url_for("candidate.join")))


def _link_problem(title: str, paragraphs: list[str], action: str) -> str:
    return render_template("auth/link_problem.html", title=title, paragraphs=paragraphs, action=action)


@bp.route("/confirm-email/<token>")
def confirm_email(token: str) -> str | Response:
    """The link in a confirmation email: the address is confirmed (the account's own, or a new
    one it asked for). It does not sign anyone in: the person signs in with their password."""
    hours = current_app.config["VERIFY_LINK_HOURS"]
    try:
        payload = signed_links.read(_secrets(), signed_links.CONFIRM_EMAIL, token[:2000], hours * 3600, clock.now())
        user_id, email = int(payload["u"]), str(payload["e"])
    except signed_links.LinkError as error:
        if error.expired:
            return _link_problem("This link has expired", [
                f"Links to confirm an email address work for {hours} hours."], "confirm")
        return _link_problem("This link does not work", [
            "Check that you copied the whole link from the email."], "confirm")
    except (KeyError, TypeError, ValueError):
        return _link_problem("This link does not work", ["Check that you copied the whole link from the email."], "confirm")
    begin_writing(db.session)
    try:
        user = accounts.confirm_email(db.session, user_id, email, clock.now())
    except accounts.AccountError as error:
        db.session.rollback()
        return _link_problem("This email address cannot be confirmed", [str(error)], "none")
    if user is None:
        db.session.rollback()
        return _link_problem("This link does not work", ["The account it was for no longer exists."], "none")
    db.session.commit()
    next_url = _safe_next(str(payload.get("n") or "")) or None
    flash(f"Your email address {user.email} is confirmed", "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(next_url or url_for("main.home"))
    return redirect(url_for("auth.sign_in", next=next_url))


@bp.route("/confirm-email", methods=["POST"])
@reads_first
@login_required
@limiter.limit(_mail_limit, key_func=lambda: f"mail:{getattr(current_user, 'email', '')}", methods=["POST"], deduct_when=_mailed,
               error_message=_mail_limit_message)
def resend_confirmation() -> Response:
    """A new confirmation link for the signed-in account's address (the banner's button)."""
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    if current_user.email_verified_at is None:
        send_confirmation(current_user, current_user.email, _next())
        flash(f"We have sent a new link to {current_user.email}. It works for "
              f"{current_app.config['VERIFY_LINK_HOURS']} hours.", "success")
    return redirect(_next() or url_for("main.home"))


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _reset_limit_message() -> str:
    return (f"There have been too many requests to reset a password from your network in a short time. "
            f"Wait {_wait(_reset_limit())}, then try again.")


@bp.route("/forgot-password", methods=["GET", "POST"])
@reads_first
@limiter.limit(_reset_limit, methods=["POST"], error_message=_reset_limit_message)
@limiter.limit(_mail_limit, key_func=_mail_limit_key, methods=["POST"], deduct_when=_mailed,
               error_message=_mail_limit_message)
def forgot_password() -> str | Response:
    """Ask for a password reset link. Whether or not the address has an account, the page says
    the same and an email goes to it (with the link, or saying there is no account)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data or "")
        user = accounts.find_user(db.session, email)
        g.mailed = True
        if user is not None:
            token = signed_links.make(_secrets(), signed_links.RESET_PASSWORD, {
                "u": user.id, "f": signed_links.account_fingerprint(user.password_hash, user.session_token)}, clock.now())
            message = mail_messages.reset_password(_service(), user.email, user.name,
                                                   mail.external_url("auth.reset_password", token=token),
                                                   current_app.config["RESET_LINK_MINUTES"])
        else:
            message = mail_messages.no_account(_service(), email, mail.external_url("auth.sign_up"))
        db.session.commit()  # end the read: no transaction stays open while the mail server answers
        mail.send(message)
        return _check_email("reset", email)
    return render_template("auth/forgot_password.html", title="Reset your password", form=form)


def _reset_user(token: str) -> accounts.User | str:
    """The account a reset link is for, or the page to show instead (expired, used or not ours)."""
    minutes = current_app.config["RESET_LINK_MINUTES"]
    used = _link_problem("This link has expired or has already been used", [
        f"A link to reset your password works once, for {minutes} minutes, and stops working when the "
        "password is changed."], "reset")
    try:
        payload = signed_links.read(_secrets(), signed_links.RESET_PASSWORD, token[:2000], minutes * 60, clock.now())
        user = db.session.get(accounts.User, int(payload["u"]))
        fingerprint = str(payload["f"])
    except signed_links.LinkError as error:
        if error.expired:
            return used
        return _link_problem("This link does not work", ["Check that you copied the whole link from the email."], "reset")
    except (KeyError, TypeError, ValueError):
        return _link_problem("This link does not work", ["Check that you copied the whole link from the email."], "reset")
    if user is None or not signed_links.same_fingerprint(
            fingerprint, signed_links.account_fingerprint(user.password_hash, user.session_token)):
        return used
    return user


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@reads_first
def reset_password(token: str) -> str | Response:
    """The link in a reset email: choose a new password. It works once (the password it names
    changes), for RESET_LINK_MINUTES; using it ends every other session and signs this one in."""
    user = _reset_user(token)
    if isinstance(user, str):
        return user
    form = ResetPasswordForm()
    if form.validate_on_submit():
        new_hash = accounts.hash_password(form.password.data or "")  # slow on purpose: before the write
        begin_writing(db.session)
        user = _reset_user(token)  # again, inside the write: two tabs posting the same link
        if isinstance(user, str):
            db.session.rollback()
            return user
        accounts.reset_password(db.session, user, form.password.data or "", clock.now(), hashed=new_hash)
        _open_session(user)
        db.session.commit()
        _start_session(user)
        flash("Your password has been changed. You have been signed out on every other device.", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/reset_password.html", title="Choose a new password", form=form, token=token)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit() or not current_user.is_authenticated:
        if current_user.is_authenticated:
            user_sessions.close_session(db.session, current_user)
            db.session.commit()
        logout_user()
        session.clear()
    return redirect(url_for("main.index"))
