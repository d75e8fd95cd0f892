from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from ..auth_session import roles_required
from ..extensions import db
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
