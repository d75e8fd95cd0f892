from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth_session import roles_required
from ..extensions import db
from ..extra_time import extra_time_page
from ..models import Membership, User
from . import bp


@bp.route("/")
@roles_required("employer")
def home() -> str:
    organisation = current_user.organisation
    members: list[tuple[User, Membership]] = []
    if organisation is not None:
        members = [
            (user, membership)
            for user, membership in db.session.execute(
                select(User, Membership)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.organisation_id == organisation.id, Membership.left_at.is_(None))
                .where(User.role == "candidate")
                .order_by(User.name)
            )
        ]
    return render_template("employer/home.html", title="Your organisation", organisation=organisation, members=members)


def _own_candidate(user_id: int) -> User:
    """A candidate who currently belongs to the employer's organisation; anyone else is a 404."""
    organisation = current_user.organisation
    candidate = db.session.get(User, user_id)
    membership = candidate.current_membership if candidate is not None else None
    if (candidate is None or candidate.role != "candidate" or organisation is None or membership is None
            or membership.organisation_id != organisation.id):
        abort(404)
    return candidate


@bp.route("/candidates/<int:user_id>/extra-time", methods=["GET", "POST"])
@roles_required("employer")
def extra_time(user_id: int) -> str | Response:
    candidate = _own_candidate(user_id)
    return extra_time_page(candidate, back_url=url_for(".home"), done_url=url_for(".home"))
