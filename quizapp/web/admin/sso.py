"""The administrator's single sign-on page for an organisation: register or change its OpenID
provider (the provider's discovery document is read and checked before anything is saved), or
turn single sign-on off. The rules are in quizapp/services/sso.py; the client secret is never
shown back."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.data.db import begin_writing, reads_first
from quizapp.data.models import Organisation
from quizapp.services import oidc_client, sso
from quizapp.web import mail
from ..auth_session import roles_required
from ..candidate.forms import ActionForm
from ..extensions import db
from . import bp
from .forms import SsoForm


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/organisations/<int:organisation_id>/sso", methods=["GET", "POST"])
@reads_first
@roles_required("admin")
def sso_settings(organisation_id: int) -> str | Response | tuple[str, int]:
    organisation = _organisation(organisation_id)
    provider = sso.provider_of(db.session, organisation.id)
    data = ({"issuer": provider.issuer, "client_id": provider.client_id,
             "domains": "\n".join(d.domain for d in provider.domains)} if provider is not None else {})
    form = SsoForm(data=data)
    if form.validate_on_submit():
        field = None
        try:
            domains = sso.parse_domains(form.domains.data or "")
            sso.check_client(form.client_id.data or "", form.client_secret.data or "", needs_secret=provider is None)
            db.session.commit()  # end the read: no transaction stays open while the provider answers
            try:
                endpoints = oidc_client.discover(form.issuer.data or "")
            except oidc_client.OidcError as error:
                raise sso.SsoError(error.message, "issuer") from None
            begin_writing(db.session)
            sso.save_provider(db.session, current_user, organisation, endpoints, form.client_id.data or "",
                              form.client_secret.data or "", domains)
        except sso.SsoError as error:
            db.session.rollback()
            field = getattr(form, error.field, form.issuer)
            field.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Single sign-on for {organisation.name} is saved: the provider's discovery document was read and "
                  "checked", "success")
            return redirect(url_for(".sso_settings", organisation_id=organisation.id))
    status = 400 if form.errors else 200
    return render_template("admin/sso.html", title=f"Single sign-on for {organisation.name}", form=form,
                           organisation=organisation, provider=provider,
                           redirect_uri=mail.external_url("auth.sso_callback")), status


@bp.route("/organisations/<int:organisation_id>/sso/remove", methods=["GET"])
@roles_required("admin")
def confirm_sso_removal(organisation_id: int) -> str:
    organisation = _organisation(organisation_id)
    if sso.provider_of(db.session, organisation.id) is None:
        abort(404)
    return render_template(
        "shared/confirm.html", title=f"Turn off single sign-on for {organisation.name}", caption="Single sign-on",
        form=ActionForm(), warning=f"{organisation.name}'s people will no longer be able to sign in with their work account.",
        paragraphs=["Their accounts and results stay. They can sign in with their email address and password "
                    "(Forgotten your password? on the sign-in page sets one). If you set single sign-on up again "
                    "with the same provider, they come back to the same accounts."],
        action=url_for(".remove_sso", organisation_id=organisation.id), button="Turn off single sign-on",
        cancel=url_for(".sso_settings", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/sso/remove", methods=["POST"])
@roles_required("admin")
def remove_sso(organisation_id: int) -> Response:
    organisation = _organisation(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not sso.remove_provider(db.session, current_user, organisation):
        abort(404)
    db.session.commit()
    flash(f"Single sign-on for {organisation.name} is turned off", "success")
    return redirect(url_for(".home"))
