"""The employer's pages: their own organisation's people and results, nobody else's.

Every object named in a URL (candidate, team, invitation) is looked up *within* the employer's
organisation, so another organisation's id is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizapp.web.audit_pages import audit_page
from quizapp.domain import mail_messages
from quizapp.services import organisations
from quizapp.web import clock, mail
from ..auth_session import roles_required
from ..url_converters import as_row_id
from ..candidate.forms import ActionForm
from ..extensions import db
from ..extra_time import extra_time_page
from quizapp.data.db import begin_writing, reads_first
from quizapp.data.models import Invitation, Membership, Organisation, Team, User
from quizapp.web.templating import format_datetime
from . import bp
from .forms import EmailInvitationsForm, InvitationForm, RenameTeamForm, TeamForm, choice
from .pages import Links, candidate_page, dashboard_page, export_response, not_started_page

MAX_CSV_BYTES = 1024 * 1024  # a CSV of addresses: 1 MiB is tens of thousands of them

LINKS = Links(
    dashboard=lambda **query: url_for("employer.home", **query),
    export=lambda fmt, **query: url_for("employer.export", fmt=fmt, **query),
    candidate=lambda user_id: url_for("employer.candidate", user_id=user_id),
    extra_time=lambda user_id: url_for("employer.extra_time", user_id=user_id),
    change_team=lambda user_id: url_for("employer.change_team", user_id=user_id),
    not_started=lambda **query: url_for("employer.not_started", **query),
)


def _organisation() -> Organisation:
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    return organisation


def _own_candidate(user_id: int) -> tuple[User, Membership]:
    """A candidate who currently belongs to the employer's organisation; anyone else is a 404."""
    found = organisations.member_in(db.session, _organisation().id, user_id)
    if found is None:
        abort(404)
    return found


@bp.route("/")
@roles_required("employer")
def home() -> str:
    organisation = current_user.organisation
    if organisation is None:
        return render_template("employer/no_organisation.html", title="Cohort results")
    return dashboard_page(organisation, LINKS, title="Cohort results", caption=organisation.name)


@bp.route("/export.<any(csv, xlsx):fmt>")
@roles_required("employer")
def export(fmt: str) -> Response:
    return export_response(_organisation(), fmt)


@bp.route("/not-started")
@roles_required("employer")
def not_started() -> str:
    """Who has not started the chosen test (in the chosen team): linked from the cohort page."""
    return not_started_page(_organisation(), LINKS)


@bp.route("/candidates")
@roles_required("employer")
def candidates() -> str:
    organisation = _organisation()
    return render_template("employer/candidates.html", title="Candidates", organisation=organisation,
                           members=organisations.members_of(db.session, organisation.id), links=LINKS,
                           teams=organisations.teams_of(db.session, organisation.id), error=None)


@bp.route("/candidates/<int:user_id>")
@roles_required("employer")
def candidate(user_id: int) -> str:
    user, membership = _own_candidate(user_id)
    # Extra-time changes from before the candidate joined belong to their past, not to this employer.
    return candidate_page(_organisation(), user, membership, LINKS, history_since=membership.joined_at)


@bp.route("/candidates/team", methods=["POST"])
@roles_required("employer")
def move_candidates() -> Response | tuple[str, int]:
    """Move several candidates to one team at once (their past results stay with their teams)."""
    organisation = _organisation()
    if not ActionForm().validate_on_submit():
        abort(400)
    value = request.form.get("team", "")
    team = None
    if value:
        team = organisations.team_in(db.session, organisation.id, row) if (row := as_row_id(value)) is not None else None
        if team is None:
            abort(404)
    chosen = [organisations.member_in(db.session, organisation.id, row) if (row := as_row_id(v)) is not None else None
              for v in request.form.getlist("candidates")]
    if None in chosen:
        abort(404)  # someone who is not in this organisation (now)
    if not chosen:
        error = "Select the candidates to move"
        return render_template("employer/candidates.html", title="Candidates", organisation=organisation,
                               members=organisations.members_of(db.session, organisation.id), links=LINKS,
                               teams=organisations.teams_of(db.session, organisation.id), error=error,
                               page_errors=[{"text": error, "href": "#candidates"}]), 400
    for _user, membership in chosen:  # type: ignore[misc]
        organisations.set_team(db.session, membership, team)
    db.session.commit()
    n = len(chosen)
    flash(f"{n} candidate{'s' if n != 1 else ''} moved to {team.name if team else 'no team'}: results already taken "
          "stay with the team they were taken in", "success")
    return redirect(url_for(".candidates"))


@bp.route("/candidates/<int:user_id>/remove", methods=["GET"])
@roles_required("employer")
def confirm_remove(user_id: int) -> str:
    """Asks first: removing a leaver is like their leaving themselves."""
    user, _membership = _own_candidate(user_id)
    name = _organisation().name
    return render_template(
        "shared/confirm.html", title=f"Remove {user.name}", caption=name, form=ActionForm(),
        warning=f"{user.name} will no longer belong to {name}, and their results will leave your pages at once.",
        paragraphs=["Their results stay in their own account. To come back they need a new invitation."],
        action=url_for(".remove_candidate", user_id=user.id), button=f"Remove {user.name}",
        cancel=url_for(".candidate", user_id=user.id))


@bp.route("/candidates/<int:user_id>/remove", methods=["POST"])
@roles_required("employer")
def remove_candidate(user_id: int) -> Response:
    user, _membership = _own_candidate(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    organisations.leave(db.session, user, clock.now(), by=current_user)
    db.session.commit()
    flash(f"{user.name} has been removed from {_organisation().name}", "success")
    return redirect(url_for(".candidates"))


@bp.route("/candidates/<int:user_id>/team", methods=["POST"])
@roles_required("employer")
def change_team(user_id: int) -> Response:
    user, membership = _own_candidate(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    value = request.form.get("team", "")
    team = None
    if value:
        team = organisations.team_in(db.session, membership.organisation_id, row) if (row := as_row_id(value)) is not None else None
        if team is None:
            abort(404)
    organisations.set_team(db.session, membership, team)
    db.session.commit()
    flash(f"{user.name} is now in {team.name if team else 'no team'}: results already taken stay with the team "
          "they were taken in", "success")
    return redirect(url_for(".candidate", user_id=user.id))


@bp.route("/candidates/<int:user_id>/extra-time", methods=["GET", "POST"])
@roles_required("employer")
def extra_time(user_id: int) -> str | Response:
    user, _membership = _own_candidate(user_id)
    back = url_for(".candidate", user_id=user.id)
    return extra_time_page(user, back_url=back, done_url=back)


@bp.route("/teams", methods=["GET", "POST"])
@roles_required("employer")
def teams() -> str | Response:
    organisation = _organisation()
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = organisations.create_team(db.session, organisation, form.name.data or "")
        except organisations.MembershipError as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Team {team.name} added", "success")
            return redirect(url_for(".teams"))
    counts = organisations.member_counts(db.session, organisation.id)
    return render_template("employer/teams.html", title="Teams", organisation=organisation, form=form,
                           teams=organisations.teams_of(db.session, organisation.id), counts=counts, links=LINKS)


def _own_team(team_id: int) -> Team:
    """One of the employer's organisation's teams; another organisation's is a 404."""
    team = organisations.team_in(db.session, _organisation().id, team_id)
    if team is None:
        abort(404)
    return team


@bp.route("/teams/<int:team_id>/rename", methods=["GET", "POST"])
@roles_required("employer")
def rename_team(team_id: int) -> str | Response:
    team = _own_team(team_id)
    old_name = team.name
    form = RenameTeamForm(data=None if request.method == "POST" else {"name": team.name})
    if form.validate_on_submit():
        try:
            organisations.rename_team(db.session, team, form.name.data or "")
        except organisations.MembershipError as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Team {old_name} is now called {team.name}" if team.name != old_name else f"Team {team.name} saved",
                  "success")
            return redirect(url_for(".teams"))
    return render_template("employer/rename_team.html", title=f"Rename {old_name}", organisation=_organisation(),
                           team_id=team.id, team_name=old_name, form=form)


@bp.route("/teams/<int:team_id>/delete", methods=["GET"])
@roles_required("employer")
def delete_team(team_id: int) -> str:
    """Asks first, saying what deleting changes: the candidates in the team move to no team."""
    team = _own_team(team_id)
    return render_template("employer/delete_team.html", title=f"Delete {team.name}", organisation=_organisation(),
                           team=team, in_use=organisations.team_in_use(db.session, team, clock.now()), form=ActionForm())


@bp.route("/teams/<int:team_id>/delete", methods=["POST"])
@roles_required("employer")
def delete_team_confirmed(team_id: int) -> Response:
    team = _own_team(team_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = team.name
    in_use = organisations.team_in_use(db.session, team, clock.now())
    organisations.delete_team(db.session, team)
    db.session.commit()
    moved = ""
    if in_use.members:
        moved = f": its {in_use.members} candidates are now in no team" if in_use.members != 1 else ": its candidate is now in no team"
    flash(f"Team {name} deleted{moved}", "success")
    return redirect(url_for(".teams"))


def _team_choices(form: InvitationForm, teams: list[Team]) -> None:
    form.team.choices = [choice("", "No team")] + [choice(str(t.id), t.name) for t in teams]
    if request.method == "POST" and form.team.data and form.team.data not in {str(t.id) for t in teams}:
        abort(404)  # another organisation's team


def _invitations_page(organisation: Organisation, form: InvitationForm, email_form: EmailInvitationsForm,
                      page_errors: list[dict] | None = None) -> str:
    now = clock.now()
    rows = [(i, organisations.invitation_status(i, now)) for i in organisations.invitations_of(db.session, organisation.id)]
    return render_template("employer/invitations.html", title="Invitations", organisation=organisation, form=form,
                           email_form=email_form, rows=rows, format_code=organisations.format_code,
                           max_emailed=organisations.MAX_EMAILED, page_errors=page_errors)


def _invitation_email(invitation: Invitation, sender: str | None) -> mail_messages.Email:
    """The invitation's email, built while its rows are loaded: it is sent after the transaction
    ends, so that no database lock is held while the mail server answers."""
    code = organisations.format_code(invitation.code)
    return mail_messages.invitation(
        current_app.config["SERVICE_NAME"], invitation.email or "", invitation.organisation.name,
        invitation.team.name if invitation.team else None, mail.external_url("candidate.join", code=code), code,
        format_datetime(invitation.expires_at), sender)


def _send_and_record(messages: dict[int, mail_messages.Email], by: int) -> list[str]:
    """Send each invitation's email (outside any transaction), then record the ones that went.
    Returns the addresses that could not be sent to."""
    sent = [invitation_id for invitation_id, message in messages.items() if mail.send(message)]
    if sent:
        begin_writing(db.session)
        now = clock.now()
        for invitation in db.session.scalars(select(Invitation).where(Invitation.id.in_(sent))):
            organisations.record_sent(db.session, invitation, now, db.session.get(User, by))
        db.session.commit()
    return [message.to for invitation_id, message in messages.items() if invitation_id not in sent]


@bp.route("/invitations/email", methods=["POST"])
@reads_first
@roles_required("employer")
def email_invitations() -> str | Response:
    """Invitations by email: one per address pasted or in the uploaded CSV file, each sent its link.
    All or nothing: an address that is not one is named, and nothing is sent."""
    organisation = _organisation()
    teams = organisations.teams_of(db.session, organisation.id)
    form, email_form = InvitationForm(formdata=None), EmailInvitationsForm(prefix="email")
    _team_choices(form, teams)
    _team_choices(email_form, teams)
    if not email_form.validate_on_submit():
        errors = [{"text": e, "href": f"#{field.id}"} for field in email_form for e in field.errors]
        return _invitations_page(organisation, form, email_form, errors or None)
    text = email_form.addresses.data or ""
    upload = email_form.file.data
    problem = None
    if upload is not None and getattr(upload, "filename", ""):
        raw = upload.read(MAX_CSV_BYTES + 1)
        try:
            if len(raw) > MAX_CSV_BYTES:
                raise ValueError(f"The file must be {MAX_CSV_BYTES // 1024} KiB or smaller")
            text += "\n" + raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            problem = ("file", "The file must be a CSV file saved as UTF-8 text")
        except ValueError as error:
            problem = ("file", str(error))
    if problem is None:
        addresses, bad = organisations.parse_addresses(text)
        if bad:
            shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            problem = ("addresses", f"These are not email addresses: {shown}. Correct them and send again")
        elif not addresses:
            problem = ("addresses", "Enter at least one email address, or choose a CSV file of them")
        elif len(addresses) > organisations.MAX_EMAILED:
            problem = ("addresses", f"You can invite up to {organisations.MAX_EMAILED} addresses at a time")
    if problem is not None:
        field, message = problem
        getattr(email_form, field).errors = [message]
        return _invitations_page(organisation, form, email_form, [{"text": message, "href": f"#{getattr(email_form, field).id}"}])
    team = organisations.team_in(db.session, organisation.id, int(email_form.team.data)) if email_form.team.data else None
    begin_writing(db.session)
    made = organisations.invite_by_email(db.session, organisation, current_user, clock.now(),
                                         int(email_form.days.data or 0), team, addresses)
    messages = {invitation.id: _invitation_email(invitation, current_user.name) for invitation in made}
    employer_id = current_user.id
    db.session.commit()
    failed = _send_and_record(messages, employer_id)
    sent = len(made) - len(failed)
    flash(f"Invitation{'s' if sent != 1 else ''} sent to {sent} email address{'es' if sent != 1 else ''}", "success")
    if failed:
        flash(f"These could not be sent, so try Resend later: {', '.join(str(f) for f in failed)}", "info")
    return redirect(url_for(".invitations"))


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@reads_first
@roles_required("employer")
def resend_invitation(invitation_id: int) -> Response:
    invitation = organisations.invitation_in(db.session, _organisation().id, invitation_id)
    if invitation is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if invitation.email is None or organisations.invitation_status(invitation, clock.now()) != "active":
        flash("Only an emailed invitation that can still be used can be sent again", "info")
        return redirect(url_for(".invitations"))
    message = _invitation_email(invitation, current_user.name)
    employer_id = current_user.id
    db.session.commit()  # end the read: nothing is held while the mail server answers
    if not _send_and_record({invitation_id: message}, employer_id):
        flash(f"Invitation sent again to {message.to}", "success")
    else:
        flash(f"The invitation could not be sent to {message.to}: try again later", "info")
    return redirect(url_for(".invitations"))


@bp.route("/invitations", methods=["GET", "POST"])
@roles_required("employer")
def invitations() -> str | Response:
    organisation = _organisation()
    teams = organisations.teams_of(db.session, organisation.id)
    form = InvitationForm()
    email_form = EmailInvitationsForm(prefix="email", formdata=None)
    _team_choices(form, teams)
    _team_choices(email_form, teams)
    if form.validate_on_submit():
        team = organisations.team_in(db.session, organisation.id, int(form.team.data)) if form.team.data else None
        invitation = organisations.create_invitation(db.session, organisation, current_user, clock.now(),
                                                     int(form.days.data or 0), team)
        db.session.commit()
        flash(f"Invitation created. Its code is {organisations.format_code(invitation.code)}", "success")
        return redirect(url_for(".invitations"))
    return _invitations_page(organisation, form, email_form)


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET"])
@roles_required("employer")
def confirm_revoke(invitation_id: int) -> str:
    """Asks first: a withdrawn invitation cannot be used again."""
    invitation = organisations.invitation_in(db.session, _organisation().id, invitation_id)
    if invitation is None:
        abort(404)
    code = organisations.format_code(invitation.code)
    return render_template(
        "shared/confirm.html", title=f"Withdraw invitation {code}", caption=_organisation().name, form=ActionForm(),
        warning="Nobody will be able to join with this invitation's link or code again.",
        paragraphs=[f"{invitation.uses} candidate{'s have' if invitation.uses != 1 else ' has'} joined with it; "
                    "they stay in your organisation. Anyone who opens the link is told it was withdrawn."],
        action=url_for(".revoke_invitation", invitation_id=invitation.id), button="Withdraw invitation",
        cancel=url_for(".invitations"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles_required("employer")
def revoke_invitation(invitation_id: int) -> Response:
    invitation = organisations.invitation_in(db.session, _organisation().id, invitation_id)
    if invitation is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    organisations.revoke(invitation, clock.now(), by=current_user)
    db.session.commit()
    flash(f"Invitation {organisations.format_code(invitation.code)} withdrawn: it can no longer be used", "success")
    return redirect(url_for(".invitations"))


@bp.route("/audit")
@roles_required("employer")
def audit() -> str:
    """The audit trail of the employer's own organisation (nothing else, whatever the query says)."""
    return audit_page("employer.audit", only_organisation=_organisation())
