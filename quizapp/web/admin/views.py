"""Admin pages: the organisations and their people, and each organisation's cohort pages as its employers see them."""

from __future__ import annotations

from flask import abort, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from quizapp.services import organisations
from ..auth_session import roles_required
from ..employer.pages import Links, candidate_page, dashboard_page, export_response
from ..extensions import db
from ..extra_time import extra_time_page
from quizapp.data.models import Membership, Organisation, User
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


# -- an organisation's cohort results (the employer's dashboard, for any organisation) ----------------


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _links(organisation_id: int) -> Links:
    return Links(
        dashboard=lambda **query: url_for("admin.organisation", organisation_id=organisation_id, **query),
        export=lambda fmt, **query: url_for("admin.export", organisation_id=organisation_id, fmt=fmt, **query),
        candidate=lambda user_id: url_for("admin.candidate", organisation_id=organisation_id, user_id=user_id),
        # From a candidate's page, the extra-time form goes back (and returns) to that page.
        extra_time=lambda user_id: url_for("admin.candidate_extra_time", organisation_id=organisation_id, user_id=user_id),
    )


@bp.route("/organisations/<int:organisation_id>")
@roles_required("admin")
def organisation(organisation_id: int) -> str:
    org = _organisation(organisation_id)
    return dashboard_page(org, _links(org.id), title=f"{org.name}: cohort results")


@bp.route("/organisations/<int:organisation_id>/export.<any(csv, xlsx):fmt>")
@roles_required("admin")
def export(organisation_id: int, fmt: str) -> Response:
    return export_response(_organisation(organisation_id), fmt)


def _member(organisation_id: int, user_id: int) -> tuple[Organisation, User, Membership]:
    """The organisation and a candidate in it now (404 for anyone else)."""
    org = _organisation(organisation_id)
    found = organisations.member_in(db.session, org.id, user_id)
    if found is None:
        abort(404)
    user, membership = found
    return org, user, membership


@bp.route("/organisations/<int:organisation_id>/candidates/<int:user_id>")
@roles_required("admin")
def candidate(organisation_id: int, user_id: int) -> str:
    org, user, membership = _member(organisation_id, user_id)
    return candidate_page(org, user, membership, _links(org.id), history_since=None)


@bp.route("/organisations/<int:organisation_id>/candidates/<int:user_id>/extra-time", methods=["GET", "POST"])
@roles_required("admin")
def candidate_extra_time(organisation_id: int, user_id: int) -> str | Response:
    """The extra-time form reached from a candidate's page in an organisation's cohort results:
    Back, and saving, return to that page (the other route returns to the list of accounts)."""
    org, user, _membership = _member(organisation_id, user_id)
    back = url_for(".candidate", organisation_id=org.id, user_id=user.id)
    return extra_time_page(user, back_url=back, done_url=back)
