"""Signing in with an organisation's account (OpenID Connect single sign-on): thin views over
quizapp/services/sso.py (the account rules) and quizapp/services/oidc_client.py (the protocol).

The person types their work email; its domain picks the organisation's provider. What the
sign-in needs on the way back (state, nonce, PKCE verifier) waits in this browser's session and
is used once. Every attempt, good or bad, counts as the password sign-in does against the
failed sign-in limit of the network address, and goes in the audit trail with the method "sso".
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.data.db import begin_writing, reads_first
from quizapp.data.models import SsoProvider
from quizapp.services import oidc_client, sso
from quizapp.web import clock, mail
from ..extensions import db
from . import bp
from .forms import SsoSignInForm
from .views import _next, _open_session, _safe_next, _start_session, signin_limit

PENDING = "sso_pending"  # the session key of a sign-in on its way to the provider
JOIN = "sso_join"  # after a first sign-in: the organisation whose consent page comes next


def allow_forms_to(urls: list[str]) -> None:
    """Let this page's forms lead to these providers' sign-in pages (the Content-Security-Policy's
    form-action, which browsers also apply to the redirect a form's answer is)."""
    origins = {f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, urls) if parts.scheme in ("https", "http")}
    g.form_targets = set(g.get("form_targets", ())) | origins


def _callback_url() -> str:
    return mail.external_url("auth.sso_callback")


def send_to_provider(provider: SsoProvider, login_hint: str | None, *, next_url: str | None = None,
                     link_user: int | None = None) -> Response:
    """Start the authorization code flow: remember what the return needs, then go to the provider."""
    url, pending = oidc_client.authorization_url(provider.endpoints, provider.client_id, _callback_url(), login_hint)
    session[PENDING] = {"p": provider.id, "s": pending.state, "n": pending.nonce, "v": pending.code_verifier,
                        "next": next_url, "link": link_user}
    return redirect(url, code=303)


@bp.route("/sign-in/organisation", methods=["GET", "POST"])
@reads_first
@signin_limit(["POST"])
def sso_start() -> str | Response | tuple[str, int]:
    next_url = _next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = SsoSignInForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        provider = sso.provider_for_email(db.session, email)
        if provider is not None:
            g.sso_started = True  # not a failed sign-in (the return counts, if it fails)
            return send_to_provider(provider, email.strip(), next_url=next_url)
        domain = sso.email_domain(email)
        form.email.errors = [f"No organisation signs in here with {'@' + domain if domain else 'that'} email "
                             "addresses. Sign in with your email address and password instead."]
    status = 400 if form.errors else 200
    allow_forms_to(sso.authorization_endpoints(db.session))
    return render_template("auth/sso_sign_in.html", title="Sign in with your organisation's account", form=form,
                           next_url=next_url), status


def _refused(message: str, reason: str, provider: SsoProvider | None) -> tuple[str, int]:
    """Record the failure and say what happened; nothing else changes."""
    db.session.rollback()
    begin_writing(db.session)
    sso.record_failure(db.session, provider, reason, now=clock.now(), ip=request.remote_addr)
    db.session.commit()
    return render_template("auth/sso_problem.html", title="You have not been signed in", message=message), 400


@bp.route("/sign-in/organisation/callback")
@signin_limit(["GET"])
def sso_callback() -> str | Response | tuple[str, int]:
    """The provider sends the person back here with a code (or an error)."""
    pending = session.pop(PENDING, None)  # single use, whatever happens next
    if not isinstance(pending, dict):
        return _refused("This sign-in was not started in this browser, or has already been used. Start again.",
                        "no sign-in in progress", None)
    provider = db.session.get(SsoProvider, pending.get("p"))
    if provider is None:
        return _refused("Your organisation no longer signs in this way. Sign in with your email address and password.",
                        "provider removed", None)
    if not oidc_client.same(request.args.get("state", ""), str(pending.get("s", ""))):
        return _refused("This sign-in did not come back from the sign-in you started here, so you have not been "
                        "signed in. Start again.", "state does not match", provider)
    if request.args.get("error"):
        return _refused("Your organisation's sign-in service did not sign you in (it may have been cancelled). "
                        "Start again, or sign in with your email address and password.",
                        f"provider error: {request.args.get('error', '')[:60]}", provider)
    returned_issuer = request.args.get("iss")
    if returned_issuer is not None and returned_issuer != provider.issuer:
        return _refused(oidc_client.REFUSED, "iss parameter does not match", provider)
    code = request.args.get("code", "")
    if not code:
        return _refused("Your organisation's sign-in service did not send a sign-in. Start again.", "no code", provider)
    try:
        id_token = oidc_client.exchange_code(provider.endpoints, provider.client_id, provider.client_secret,
                                             _callback_url(), code, str(pending.get("v", "")))
        keys = oidc_client.fetch_keys(provider.endpoints)
        person = oidc_client.verify_id_token(id_token, keys, issuer=provider.issuer, client_id=provider.client_id,
                                             nonce=str(pending.get("n", "")), domains=sso.domains_of(provider),
                                             now=int(time.time()))
    except oidc_client.OidcError as error:
        return _refused(error.message, error.reason, provider)
    if pending.get("link") is not None:
        from quizapp.web.account.sso import finish_link

        return finish_link(provider, person, int(pending["link"]))
    begin_writing(db.session)
    outcome = sso.sign_in(db.session, provider, person, now=clock.now(), ip=request.remote_addr)
    if outcome.user is None:
        db.session.commit()  # the failure's audit row
        return render_template("auth/sso_problem.html", title="You have not been signed in",
                               message=outcome.message), 400
    _open_session(outcome.user)
    db.session.commit()
    organisation_id = provider.organisation_id
    _start_session(outcome.user)
    g.signed_in = True
    next_url = _safe_next(pending.get("next"))
    membership = outcome.user.current_membership
    if outcome.user.role == "candidate" and (membership is None or membership.organisation_id != organisation_id):
        session[JOIN] = organisation_id
        return redirect(url_for("candidate.join_sso", next=next_url))
    return redirect(next_url or url_for("main.home"))
