"""The administrator's pages: every organisation and account (creating, changing and disabling
them: the rules are in quizapp/services/administration.py), each organisation's cohort results (the
employer's pages), and the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from quizapp.services import administration, erasure
from quizapp.web import clock
from quizapp.services.administration import ROLE_NAMES, AdminError
from quizapp.web.audit_pages import audit_page
from quizapp.services import organisations
from ..auth_session import roles_required
from ..url_converters import as_row_id
from ..candidate.forms import ActionForm
from ..employer.forms import choice
from ..employer.pages import Links, candidate_page, dashboard_page, export_response
from ..extensions import db
from ..extra_time import extra_time_page
from quizapp.data.models import Membership, Organisation, User
from . import bp
from .forms import ROLE_HINTS, AccountForm, AttachForm, OrganisationForm, RenameOrganisationForm, RoleForm


@bp.route("/")
@roles_required("admin")
def home() -> str:
    organisations = db.session.execute(
        select(Organisation, func.count(Membership.id))
        .outerjoin(Membership, (Membership.organisation_id == Organisation.id) & Membership.left_at.is_(None))
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
    users = db.session.scalars(select(User).where(User.erased_at.is_(None)).order_by(User.role, User.email)).all()
    return render_template("admin/home.html", title="Users and organisations", organisations=organisations, users=users,
                           role_names=ROLE_NAMES)


# -- accounts ---------------------------------------------------------------------------------------


def _account(user_id: int) -> User:
    """An account (an erased person's anonymous stand-in is not one: 404)."""
    user = db.session.get(User, user_id)
    if user is None or user.erased_at is not None:
        abort(404)
    return user


def _organisation_choices(form_field, first: str | None) -> list[Organisation]:
    found = administration.organisations(db.session)
    form_field.choices = ([choice("", first)] if first is not None else []) + [choice(str(o.id), o.name) for o in found]
    return found


def _chosen_organisation(value: str | None) -> Organisation | None:
    row = as_row_id(value)
    return db.session.get(Organisation, row) if row is not None else None


def _role_radios(form: RoleForm | AccountForm) -> dict:
    return {"fieldset": {"legend": {"text": "Role", "classes": "govuk-fieldset__legend--s"}},
            "items": [{"hint": {"text": ROLE_HINTS[value]}} for value in ROLE_NAMES]}  # merged with the field's own items


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required("admin")
def new_account() -> str | Response:
    form = AccountForm()
    _organisation_choices(form.organisation, "None")
    if form.validate_on_submit():
        try:
            user = administration.create_account(
                db.session, current_user, email=form.email.data or "", name=form.name.data or "", role=form.role.data or "",
                password=form.password.data or "", organisation=_chosen_organisation(form.organisation.data))
        except AdminError as error:
            db.session.rollback()
            target = form.organisation if "organisation" in str(error) else form.email
            target.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Account created for {user.name} ({user.email}) as {ROLE_NAMES[user.role].lower()}", "success")
            return redirect(url_for(".account", user_id=user.id))
    return render_template("admin/new_account.html", title="Create an account", form=form, role_radios=_role_radios(form))


def _account_page(user: User, *, role_form: RoleForm | None = None, attach_form: AttachForm | None = None,
                  failed: RoleForm | AttachForm | None = None, page_errors: list[dict] | None = None,
                  status: int = 200) -> tuple[str, int]:
    """The account's page; after a refused change, with that form's errors (`failed`) or the
    refused button's (`page_errors`), and a 400."""
    role_form = role_form or RoleForm(data={"role": user.role})
    attach_form = attach_form or AttachForm()
    membership = user.current_membership
    _organisation_choices(attach_form.organisation, None if membership else "Choose an organisation")
    if not attach_form.organisation.data and membership is not None:
        attach_form.organisation.data = str(membership.organisation_id)
    return render_template(
        "admin/account.html", title=user.name, account=user, role_names=ROLE_NAMES, role_form=role_form,
        attach_form=attach_form, form=failed, page_errors=page_errors, role_radios=_role_radios(role_form),
        is_me=user.id == current_user.id,
    ), status


@bp.route("/accounts/<int:user_id>")
@roles_required("admin")
def account(user_id: int) -> tuple[str, int]:
    return _account_page(_account(user_id))


@bp.route("/accounts/<int:user_id>/role", methods=["POST"])
@roles_required("admin")
def change_role(user_id: int) -> Response | tuple[str, int]:
    user = _account(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        before = user.role
        try:
            changed = administration.set_role(db.session, current_user, user, form.role.data or "")
        except AdminError as error:
            db.session.rollback()
            form.role.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{user.name} is now {ROLE_NAMES[user.role].lower()} (was {ROLE_NAMES[before].lower()})" if changed
                  else f"{user.name} is still {ROLE_NAMES[user.role].lower()}", "success")
            return redirect(url_for(".account", user_id=user.id))
    return _account_page(user, role_form=form, failed=form, status=400)


@bp.route("/accounts/<int:user_id>/organisation", methods=["POST"])
@roles_required("admin")
def attach_employer(user_id: int) -> Response | tuple[str, int]:
    user = _account(user_id)
    form = AttachForm()
    _organisation_choices(form.organisation, None)
    if form.validate_on_submit():
        organisation = _chosen_organisation(form.organisation.data)
        try:
            if organisation is None:
                raise AdminError("Choose an organisation")
            changed = administration.attach_employer(db.session, current_user, user, organisation)
        except AdminError as error:
            db.session.rollback()
            form.organisation.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{user.name} is now an employer of {organisation.name}" if changed
                  else f"{user.name} is still an employer of {organisation.name}", "success")
            return redirect(url_for(".account", user_id=user.id))
    return _account_page(user, attach_form=form, failed=form, status=400)


@bp.route("/accounts/<int:user_id>/disable", methods=["POST"])
@roles_required("admin")
def disable(user_id: int) -> Response | tuple[str, int]:
    user = _account(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        administration.disable(db.session, current_user, user)
    except AdminError as error:
        db.session.rollback()
        return _account_page(user, page_errors=[{"text": str(error), "href": "#disable"}], status=400)
    db.session.commit()
    flash(f"{user.name}'s account is disabled: it cannot sign in, and its sessions have ended", "success")
    return redirect(url_for(".account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/enable", methods=["POST"])
@roles_required("admin")
def enable(user_id: int) -> Response:
    user = _account(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    administration.enable(db.session, current_user, user)
    db.session.commit()
    flash(f"{user.name}'s account is enabled again: they can sign in", "success")
    return redirect(url_for(".account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/delete", methods=["GET", "POST"])
@roles_required("admin")
def erase(user_id: int) -> str | Response | tuple[str, int]:
    """Asks first (what happens, in the same words the person sees), then erases the account with
    the same service as the person's own "Delete your account" (quizapp/services/erasure.py)."""
    user = _account(user_id)
    if user.id == current_user.id:
        return redirect(url_for("account.delete"))  # your own: with your password, on your account page
    form = ActionForm()
    if form.validate_on_submit():
        name = user.name
        try:
            erasure.erase(db.session, user, now=clock.now(), by=current_user, who="administrator")
        except AdminError as error:
            db.session.rollback()
            return _account_page(_account(user_id), page_errors=[{"text": str(error), "href": "#erase"}], status=400)
        db.session.commit()
        flash(f"{name}'s account has been deleted: their personal data is erased and their answers are kept "
              "only as anonymous rows", "success")
        return redirect(url_for(".home"))
    return render_template("admin/erase.html", title=f"Delete {user.name}'s account", account=user, form=form,
                           whose="the person's")


# -- organisations ----------------------------------------------------------------------------------


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required("admin")
def new_organisation() -> str | Response:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = administration.create_organisation(db.session, current_user, form.name.data or "")
        except AdminError as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Organisation {organisation.name} created. Attach its employer accounts on each account's page.",
                  "success")
            return redirect(url_for(".home"))
    return render_template("admin/organisation_name.html", title="Create an organisation", form=form,
                           action=url_for(".new_organisation"))


@bp.route("/organisations/<int:organisation_id>/rename", methods=["GET", "POST"])
@roles_required("admin")
def rename_organisation(organisation_id: int) -> str | Response:
    organisation = _organisation(organisation_id)
    old_name = organisation.name
    form = RenameOrganisationForm(data={"name": old_name})
    if form.validate_on_submit():
        try:
            changed = administration.rename_organisation(db.session, current_user, organisation, form.name.data or "")
        except AdminError as error:
            db.session.rollback()
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{old_name} is now called {organisation.name}" if changed else f"{old_name} is unchanged", "success")
            return redirect(url_for(".home"))
    return render_template("admin/organisation_name.html", title=f"Rename {old_name}", form=form,
                           action=url_for(".rename_organisation", organisation_id=organisation.id))


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


# -- the audit trail ---------------------------------------------------------------------------------


@bp.route("/audit")
@roles_required("admin")
def audit() -> str:
    return audit_page("admin.audit", organisations=administration.organisations(db.session))
