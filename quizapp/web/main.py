"""The landing page and the role-based home redirect."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("main", __name__)

HOME_BY_ROLE = {
    "candidate": "candidate.home",
    "trainer": "trainer.home",
    "employer": "employer.home",
    "admin": "admin.home",
}


@bp.route("/")
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("main/index.html", title="Practise for the knowledge and skills statements")


@bp.route("/home")
@login_required
def home() -> Response:
    return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "candidate.home")))
