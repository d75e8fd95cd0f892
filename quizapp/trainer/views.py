from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from .. import catalogue
from ..auth_session import roles_required
from ..extensions import db
from ..models import Framework, Statement
from . import bp


@bp.route("/")
@roles_required("trainer", "admin")
def home() -> str:
    frameworks = db.session.execute(
        select(Framework, func.count(Statement.id))
        .outerjoin(Statement, Statement.framework_id == Framework.id)
        .group_by(Framework.id)
        .order_by(Framework.level, Framework.key)
    ).all()
    return render_template(
        "trainer/home.html",
        title="Question banks",
        frameworks=frameworks,
        banks=catalogue.bank_summaries(db.session),
        levels=catalogue.tests_by_level(db.session),
    )
