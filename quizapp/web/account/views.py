"""Your account (every role): change your name, email address (it changes only once the link sent
to the new address is followed) and password, see where you are signed in and end those sessions. Thin: the rules are in quizapp/services/accounts.py and quizapp/services/user_sessions.py."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from quizapp.data.models import ROLES
from quizapp.services import accounts, user_sessions
from quizapp.services.administration import ROLE_NAMES
from quizapp.web import mail
from ..auth_session import roles_required
from ..candidate.forms import ActionForm
from ..extensions import db, limiter
from . import bp
from .forms import EmailForm, NameForm, PasswordForm

EVERYONE = ROLES


def _signed_in_again() -> None:
    """After the session token changed (a new password, other sessions ended), this browser's
    cookie carries the new login id, so this session goes on while the others end."""
    login_user(current_user._get_current_object(), remember=False)


@bp.route("/")
@roles_required(*EVERYONE)
def home() -> str:
    """Your details, each with a Change link, and your sessions, each with a Sign out button."""
    sessions = user_sessions.sessions_of(db.session, current_user)
    return render_template("account/home.html", title="Your account", sessions=sessions,
                           this_session=current_user.session_key, role_name=ROLE_NAMES[current_user.role],
                           can_change_email="account.email" in current_app.view_functions)


@bp.route("/name", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def name() -> str | Response:
    form = NameForm(data={"name": current_user.name})
    if form.validate_on_submit():
        try:
            changed = accounts.change_name(current_user, form.name.data or "")
        except accounts.AccountError as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash("Your name has been changed" if changed else "Your name is unchanged", "success")
            return redirect(url_for(".home"))
    return render_template("account/name.html", title="Change your name", form=form)


@bp.route("/password", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def password() -> str | Response:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data or "", form.password.data or "")
        except accounts.AccountError as error:
            db.session.rollback()
            field = form.current if str(error) == accounts.WRONG_CURRENT_PASSWORD else form.password
            field.errors = [str(error)]
        else:
            db.session.commit()
            _signed_in_again()
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for(".home"))
    return render_template("account/password.html", title="Change your password", form=form)


@bp.route("/sessions/<key>/end", methods=["POST"])
@roles_required(*EVERYONE)
def end_session(key: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    if key == current_user.session_key:
        abort(404)  # this session ends with "Sign out" in the header
    if not user_sessions.end_session(db.session, current_user, key):
        abort(404)  # not one of yours (or already ended)
    db.session.commit()
    flash("That session has been signed out", "success")
    return redirect(url_for(".home"))


@bp.route("/sessions/end-others", methods=["POST"])
@roles_required(*EVERYONE)
def end_other_sessions() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    user_sessions.end_other_sessions(db.session, current_user)
    db.session.commit()
    _signed_in_again()
    flash("You have been signed out everywhere else", "success")
    return redirect(url_for(".home"))


def _email_limit() -> str:
    return current_app.config["MAIL_PER_ADDRESS_LIMIT"]


@bp.route("/email", methods=["GET", "POST"])
@roles_required(*EVERYONE)
@limiter.limit(_email_limit, key_func=lambda: "mail:" + accounts.normalise_email(request.form.get("email", ""))[:254],
               methods=["POST"], deduct_when=lambda _response: bool(g.get("mailed")),
               error_message="We have sent as many emails to this address as we will in a short time. "
                             "Wait a while and try again.")
def email() -> str | Response:
    """A new address, with the account's password. A link goes to the new address; the account
    keeps its address until that link is followed (quizapp/web/auth/views.confirm_email). The page
    says the same whether or not another account has the new address (the link then fails)."""
    form = EmailForm()
    if form.validate_on_submit():
        new = accounts.normalise_email(form.email.data or "")
        if not accounts.password_is_right(current_user, form.current.data or ""):
            form.current.errors = ["Your password is not right"]
        elif new == current_user.email:
            form.email.errors = ["That is already your email address"]
        else:
            g.mailed = True
            if not mail.send_confirmation(current_user, new, url_for(".home")):
                form.email.errors = ["The email could not be sent. Try again later."]
            else:
                hours = current_app.config["VERIFY_LINK_HOURS"]
                flash(f"We have sent a link to {new}. Your email address changes when you use it (it works for "
                      f"{hours} hours). Until then, sign in with {current_user.email}.", "success")
                return redirect(url_for(".home"))
    return render_template("account/email.html", title="Change your email address", form=form)
