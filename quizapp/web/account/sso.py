"""Your account: linking your organisation's account (single sign-on) to this one. The safe way
for someone who had an account here before their organisation set up single sign-on: they prove
this account is theirs (they are signed in to it) and the organisation's account is theirs (they
sign in at the provider), and from then on either way of signing in reaches this account."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.data.models import SsoProvider
from quizapp.services import sso
from quizapp.services.oidc_client import Person
from quizapp.web import clock
from ..auth.sso import allow_forms_to, send_to_provider
from ..auth_session import roles_required
from ..candidate.forms import ActionForm
from ..extensions import db
from . import bp
from .views import EVERYONE


@bp.context_processor
def _organisation_sign_in() -> dict:
    """For the account page: the provider this account's email domain signs in with, if any, and
    whether an identity from it is linked already (read only when the page asks)."""

    def organisation_sign_in() -> dict | None:
        provider = sso.provider_for_email(db.session, current_user.email)
        if provider is None:
            return None
        linked = any(i.issuer == provider.issuer for i in sso.identities_of(db.session, current_user))
        if not linked:
            allow_forms_to([provider.endpoints.get("authorization_endpoint", "")])
        return {"organisation": provider.organisation.name, "linked": linked, "form": ActionForm()}

    return {"organisation_sign_in": organisation_sign_in}


@bp.route("/organisation-sign-in", methods=["POST"])
@roles_required(*EVERYONE)
def link_sso() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    provider = sso.provider_for_email(db.session, current_user.email)
    if provider is None:
        abort(404)
    return send_to_provider(provider, current_user.email, link_user=current_user.id)


def finish_link(provider: SsoProvider, person: Person, user_id: int) -> Response | tuple[str, int]:
    """The provider sent back a checked sign-in that was started from the account page."""
    if not current_user.is_authenticated or current_user.id != user_id:
        return render_template("auth/sso_problem.html", title="You have not been signed in",
                               message="Sign in to your account here first, then link your organisation's account "
                                       "from Your account."), 400
    try:
        sso.link_identity(db.session, current_user, provider, person, clock.now())
    except sso.SsoError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("account.home"))
    db.session.commit()
    flash(f"Your {provider.organisation.name} account is linked: you can sign in with it from now on", "success")
    return redirect(url_for("account.home"))
