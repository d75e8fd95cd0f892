"""Candidate views (thin: queries live in quizapp.catalogue)."""

from __future__ import annotations

from flask import render_template

from .. import catalogue
from ..auth_session import roles_required
from ..extensions import db
from . import bp


@bp.route("/")
@roles_required("candidate")
def home() -> str:
    levels = catalogue.tests_by_level(db.session)
    return render_template("candidate/home.html", title="Your tests", levels=levels)
