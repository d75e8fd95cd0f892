"""The landing page, the role-based home redirect and the privacy notice."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
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


@bp.route("/privacy")
def privacy() -> str:
    """Public: what is kept, why, for how long and who sees it. What employers see is the same
    text the consent screen shows (templates/shared/_employer_sees.html)."""
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    seconds = lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else float(lifetime)
    return render_template("main/privacy.html", title="Privacy notice", retention_days=current_app.config.get("RETENTION_DAYS"),
                           session_hours=round(seconds / 3600))
