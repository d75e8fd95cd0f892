"""Your data (UK GDPR), for every role: download it (JSON of everything, CSV of the attempts) and
delete your account (after giving your password, on a page that says what happens). Thin: the
work is in quizapp/services/personal_data.py and quizapp/services/erasure.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from quizapp.data.db import begin_writing, reads_first
from quizapp.services import accounts, erasure, personal_data
from quizapp.services.administration import AdminError
from quizapp.web import clock
from ..auth_session import roles_required
from ..extensions import db
from . import bp
from .forms import DeleteAccountForm
from .views import EVERYONE

DELETED = ("Your account has been deleted. Your name, email address and password are gone, and you have been "
           "signed out. Your answers are kept only as anonymous rows, with nothing that says they were yours.")


@bp.route("/your-data")
@roles_required(*EVERYONE)
def your_data() -> str:
    return render_template("account/your_data.html", title="Your data")


def _download(extension: str) -> Response:
    now = clock.now()
    user = current_user._get_current_object()
    data = personal_data.everything(db.session, user, now)
    body = personal_data.json_bytes(data) if extension == "json" else personal_data.attempts_csv(data)
    name = personal_data.filename(user, now.date(), extension)
    begin_writing(db.session)
    personal_data.record_download(db.session, db.session.merge(user), "JSON" if extension == "json" else "CSV", now)
    db.session.commit()
    mimetype = "application/json" if extension == "json" else "text/csv"
    return Response(body, mimetype=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/your-data/data.json")
@roles_required(*EVERYONE)
def download_json() -> Response:
    return _download("json")


@bp.route("/your-data/attempts.csv")
@roles_required(*EVERYONE)
def download_csv() -> Response:
    return _download("csv")


@bp.route("/delete", methods=["GET", "POST"])
@roles_required(*EVERYONE)
@reads_first
def delete() -> str | Response:
    """Asks for the password first; then erases the account, signs this browser out and says what
    happened. The only administrator who can sign in is refused, with the reason."""
    form = DeleteAccountForm()
    problem = None
    if form.validate_on_submit():
        if not accounts.password_is_right(current_user, form.current.data or ""):
            form.current.errors = ["Your password is not right"]
        else:
            begin_writing(db.session)
            user = db.session.merge(current_user._get_current_object())
            try:
                erasure.erase(db.session, user, now=clock.now())
            except AdminError as error:
                db.session.rollback()
                problem = str(error)
            else:
                db.session.commit()
                logout_user()
                session.clear()
                flash(DELETED, "success")
                return redirect(url_for("main.index"))
    page_errors = [{"text": problem, "href": "#current"}] if problem else None
    return render_template("account/delete.html", title="Delete your account", form=form,
                           page_errors=page_errors), 400 if problem else 200
