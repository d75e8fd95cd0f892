from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..auth_session import roles_required
from ..extensions import db
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
