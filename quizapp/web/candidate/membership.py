"""The candidate's side of organisations: joining one with an invitation, or after signing in
with its single sign-on (each after seeing exactly what its employers will see), and leaving it.
Thin views over quizapp.services.organisations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.web import clock
from quizapp.services import organisations
from quizapp.data.models import Organisation
from ..auth.sso import JOIN
from ..auth.views import _safe_next
from ..auth_session import roles_required
from ..extensions import db, limiter
from . import bp
from .forms import ActionForm

JOIN_LIMIT = "30 per minute"  # codes cannot be guessed; this only slows a script down


def _code_page(code: str = "", error: str | None = None) -> tuple[str, int]:
    return render_template(
        "candidate/join.html", title="Join an organisation", code=code, error=error,
        page_errors=[{"text": error, "href": "#code"}] if error else None,
    ), 200


def _confirm_first() -> tuple[str, int]:
    """An unconfirmed account cannot join (organisations.join refuses it too): say so, with a
    button that sends the link again and comes back to this invitation."""
    back = url_for(".join", code=request.values.get("code", "")[:40] or None)
    return render_template("candidate/confirm_first.html", title="Confirm your email address first",
                           confirm_next=back), 403


@bp.route("/join", methods=["GET"])
@limiter.limit(JOIN_LIMIT)
def join() -> str | tuple[str, int] | Response:
    """The invitation's link. A withdrawn or expired invitation says so to anyone, signed in or
    not, before anybody is asked to sign in or create an account."""
    code = request.args.get("code", "").strip()
    if code and not current_user.is_authenticated:
        ended = organisations.ended_invitation(db.session, code, clock.now())
        if ended is not None:
            return render_template("candidate/invitation_unusable.html", title="This invitation cannot be used",
                                   message=ended)
    return _join()


@roles_required("candidate")
def _join() -> str | tuple[str, int]:
    if current_user.email_verified_at is None:
        return _confirm_first()
    code = request.args.get("code", "").strip()
    if not code and "code" not in request.args:
        return _code_page()
    try:
        invitation = organisations.usable_invitation(db.session, code, clock.now())
    except organisations.MembershipError as error:
        return _code_page(code[:40], str(error))
    preview = organisations.preview(db.session, current_user, invitation)
    return render_template(
        "candidate/join_confirm.html", title=f"Join {invitation.organisation.name}", preview=preview,
        code=organisations.format_code(invitation.code), form=ActionForm(),
    )


@bp.route("/join", methods=["POST"])
@limiter.limit(JOIN_LIMIT)
@roles_required("candidate")
def join_confirmed() -> Response | tuple[str, int]:
    if not ActionForm().validate_on_submit():
        abort(400)
    if current_user.email_verified_at is None:
        return _confirm_first()
    now = clock.now()
    try:
        invitation = organisations.usable_invitation(db.session, request.form.get("code", ""), now)
        membership = organisations.join(db.session, current_user, invitation, now)
    except organisations.MembershipError as error:
        db.session.rollback()
        return _code_page(request.form.get("code", "")[:40], str(error))
    db.session.commit()
    team = f", in the team {membership.team.name}" if membership.team else ""
    flash(f"You have joined {invitation.organisation.name}{team}", "success")
    return redirect(url_for(".organisation"))


def _sso_organisation() -> Organisation:
    """The organisation whose single sign-on this browser signed in with (404 without one)."""
    organisation = db.session.get(Organisation, session.get(JOIN) or 0)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/join/organisation", methods=["GET"])
@roles_required("candidate")
def join_sso() -> str | Response:
    """After signing in with an organisation's account: the same consent page as an invitation's."""
    organisation = _sso_organisation()
    next_url = _safe_next(request.args.get("next"))
    preview = organisations.preview_organisation(db.session, current_user, organisation)
    if preview.already_member:
        session.pop(JOIN, None)
        return redirect(next_url or url_for(".home"))
    return render_template(
        "candidate/join_confirm.html", title=f"Join {organisation.name}", preview=preview, form=ActionForm(),
        by_sso=True, action=url_for(".join_sso_confirmed", next=next_url), back_url=url_for(".home"),
        decline_url=next_url or url_for(".home"),
    )


@bp.route("/join/organisation", methods=["POST"])
@roles_required("candidate")
def join_sso_confirmed() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    organisation = _sso_organisation()
    organisations.join_by_sso(db.session, current_user, organisation, clock.now())
    db.session.commit()
    session.pop(JOIN, None)
    flash(f"You have joined {organisation.name}", "success")
    return redirect(_safe_next(request.args.get("next")) or url_for(".organisation"))


@bp.route("/organisation")
@roles_required("candidate")
def organisation() -> str:
    return render_template("candidate/organisation.html", title="Your organisation",
                           membership=current_user.current_membership, form=ActionForm())


@bp.route("/organisation/leave", methods=["GET"])
@roles_required("candidate")
def confirm_leave() -> str | Response:
    """Asks first: leaving cannot be undone without a new invitation."""
    membership = current_user.current_membership
    if membership is None:
        return redirect(url_for(".organisation"))
    name = membership.organisation.name
    return render_template(
        "shared/confirm.html", title=f"Leave {name}", caption="Your organisation", form=ActionForm(),
        warning=f"{name} will stop seeing your results straight away.",
        paragraphs=["Your results stay in your account. To join again you need a new invitation."],
        action=url_for(".leave"), button=f"Leave {name}", cancel=url_for(".organisation"))


@bp.route("/organisation/leave", methods=["POST"])
@roles_required("candidate")
def leave() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    left = organisations.leave(db.session, current_user, clock.now())
    db.session.commit()
    if left is not None:
        flash(f"You have left {left.organisation.name}. They can no longer see your results; your results stay in your account.",
              "success")
    return redirect(url_for(".organisation"))
