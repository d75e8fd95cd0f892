from __future__ import annotations

from flask import abort, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ..auth_session import roles_required
from ..extensions import db
from ..extra_time import extra_time_page
from ..models import Membership, Organisation, User
from . import bp


@bp.route("/")
@roles_required("admin")
def home() -> str:
    organisations = db.session.execute(
        select(Organisation, func.count(Membership.id))
        .outerjoin(Membership, (Membership.organisation_id == Organisation.id) & Membership.left_at.is_(None))
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/home.html", title="Users and organisations", organisations=organisations, users=users)


@bp.route("/users/<int:user_id>/extra-time", methods=["GET", "POST"])
@roles_required("admin")
def extra_time(user_id: int) -> str | Response:
    candidate = db.session.get(User, user_id)
    if candidate is None or candidate.role != "candidate":
        abort(404)
    return extra_time_page(candidate, back_url=url_for(".home"), done_url=url_for(".home"))
