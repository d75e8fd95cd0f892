"""Single sign-on over HTTP against a real OpenID provider (oidc-provider under node, on loopback:
the `oidc_provider` fixture): the first sign-in makes the account and asks before joining, the
second comes back to it by identity, and every forged or wrong sign-in is refused with a clear
page and leaves no account behind."""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from quizapp.data.models import AuditEvent, Organisation, SsoIdentity, User
from quizapp.services import administration, oidc_client, sso
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, check_page, make_user, text_of
from tests.oidc_server import CLIENT_ID, CLIENT_SECRET

DOMAIN = "council.example"


@pytest.fixture
def org(app, oidc_provider, users) -> int:
    """Org A signs in with the test provider, for addresses at council.example."""
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Org A"))
        admin = db.session.get(User, users["admin"]["id"])
        sso.save_provider(db.session, admin, organisation, oidc_client.discover(oidc_provider.issuer), CLIENT_ID,
                          CLIENT_SECRET, [DOMAIN])
        db.session.commit()
        return organisation.id


def start(client, email: str) -> str:
    response = client.post("/sign-in/organisation", data={"email": email})
    assert response.status_code == 303, response.text[:300]
    return response.headers["Location"]


def back_at(client, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.netloc == "localhost" and parts.path == "/sign-in/organisation/callback", callback_url
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client, provider, login: str, email: str | None = None):
    """Sign in with the organisation's account: type the work email here, sign in at the provider
    as `login`, come back. The response to the callback."""
    return back_at(client, provider.sign_in_at_provider(start(client, email or f"{login}@{DOMAIN}"), login))


def with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def events(app, event: str) -> list[dict]:
    with app.app_context():
        return [json.loads(e.details) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.seq))]


def refused(response, says: str) -> None:
    check_page(response, 400, "You have not been signed in")
    assert says in html.unescape(text_of(response))


def test_first_sign_in_makes_the_account_and_asks_before_joining(app, client, oidc_provider, org):
    oidc_provider.add_account("ada", f"ada@{DOMAIN}", name="Ada Lovelace")
    response = sso_sign_in(client, oidc_provider, "ada")
    assert response.status_code == 302 and response.headers["Location"].startswith("/tests/join/organisation")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"ada@{DOMAIN}"))
        assert (user.role, user.name, user.email_verified_at is not None) == ("candidate", "Ada Lovelace", True)
        assert user.organisation is None  # not before they agree
        identity = db.session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == user.id))
        assert (identity.issuer, identity.subject) == (oidc_provider.issuer, "ada")
    consent = client.get(response.headers["Location"])
    check_page(consent, 200, "Join Org A")
    assert "What Org A will see" in text_of(consent) and "your answers to individual questions" in text_of(consent)
    joined = client.post("/tests/join/organisation")
    assert joined.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).organisation.name == "Org A"
    assert events(app, "signin.succeeded")[-1]["method"] == "sso"
    assert events(app, "organisation.joined")[-1] == {"method": "sso"}


def test_a_second_sign_in_comes_back_to_the_same_account_by_identity(app, client, oidc_provider, org):
    oidc_provider.add_account("bo", f"bo@{DOMAIN}")
    sso_sign_in(client, oidc_provider, "bo")
    client.post("/tests/join/organisation")
    client.post("/sign-out")
    # The provider changed the address (a new surname); the subject is the same person.
    oidc_provider.add_account("bo", f"bo.new@{DOMAIN}", sub="bo")
    users_before = count_users(app)
    response = sso_sign_in(client, oidc_provider, "bo")
    assert response.status_code == 302 and response.headers["Location"] == "/home"  # already a member: no consent page
    assert count_users(app) == users_before
    home = client.get("/account/")
    assert f"bo@{DOMAIN}" in text_of(home)


def test_the_same_email_from_another_subject_does_not_reach_the_account(app, client, oidc_provider, org):
    """Linking is by (issuer, subject), never by email alone: a second provider account that claims
    the address of an account made by single sign-on is refused, not signed in to it."""
    oidc_provider.add_account("cy", f"cy@{DOMAIN}")
    sso_sign_in(client, oidc_provider, "cy")
    client.post("/sign-out")
    oidc_provider.add_account("cy-impostor", f"cy@{DOMAIN}", sub="someone-else")
    response = sso_sign_in(client, oidc_provider, "cy-impostor")
    refused(response, "There is already an account here with the email address")
    assert client.get("/account/").status_code == 302  # not signed in


def test_an_address_outside_the_allowed_domains_is_refused(app, client, oidc_provider, org):
    oidc_provider.add_account("dee", "dee@elsewhere.example")
    users_before = count_users(app)
    response = sso_sign_in(client, oidc_provider, "dee", email=f"dee@{DOMAIN}")
    refused(response, "whose domain is not one this organisation signs in with here")
    assert count_users(app) == users_before
    assert events(app, "signin.failed")[-1]["reason"] == "email domain not allowed"


def test_an_unverified_address_is_refused(app, client, oidc_provider, org):
    oidc_provider.add_account("ed", f"ed@{DOMAIN}", verified=False)
    refused(sso_sign_in(client, oidc_provider, "ed"), "does not say your email address is verified")


def test_a_tampered_id_token_is_refused(app, client, oidc_provider, org):
    """The ID token's payload is changed after the provider signed it (another person's address
    and subject): its signature no longer matches the provider's published key."""
    oidc_provider.add_account("flo", f"flo@{DOMAIN}")
    oidc_provider.tamper_next_id_token()
    users_before = count_users(app)
    response = sso_sign_in(client, oidc_provider, "flo")
    refused(response, "sent a sign-in we cannot trust")
    assert count_users(app) == users_before
    assert events(app, "signin.failed")[-1] == {"method": "sso", "reason": "ID token signature not valid", "network": "127.0.0.0/24"}  # the network, never the address


def test_a_state_that_does_not_match_is_refused(app, client, oidc_provider, org):
    oidc_provider.add_account("gus", f"gus@{DOMAIN}")
    callback = oidc_provider.sign_in_at_provider(start(client, f"gus@{DOMAIN}"), "gus")
    refused(back_at(client, with_param(callback, "state", "an-attackers-state")), "did not come back from the sign-in you started")
    assert events(app, "signin.failed")[-1]["reason"] == "state does not match"
    # The real state cannot be used afterwards either: a sign-in is used once.
    refused(back_at(client, callback), "has already been used")


def test_a_nonce_that_does_not_match_is_refused(app, client, oidc_provider, org):
    """An ID token issued for another sign-in (its nonce is not the one this browser sent)."""
    oidc_provider.add_account("hal", f"hal@{DOMAIN}")
    authorization = with_param(start(client, f"hal@{DOMAIN}"), "nonce", "a-nonce-from-another-sign-in")
    users_before = count_users(app)
    refused(back_at(client, oidc_provider.sign_in_at_provider(authorization, "hal")), "sent a sign-in we cannot trust")
    assert count_users(app) == users_before
    assert events(app, "signin.failed")[-1]["reason"] == "nonce does not match"


def test_a_disabled_account_cannot_sign_in_by_sso(app, client, oidc_provider, org, users):
    oidc_provider.add_account("ivy", f"ivy@{DOMAIN}")
    sso_sign_in(client, oidc_provider, "ivy")
    client.post("/sign-out")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"ivy@{DOMAIN}"))
        administration.disable(db.session, db.session.get(User, users["admin"]["id"]), user)
        db.session.commit()
    refused(sso_sign_in(client, oidc_provider, "ivy"), "This account has been disabled")
    assert client.get("/account/").status_code == 302
    assert events(app, "signin.failed")[-1]["reason"] == "account disabled"


def test_an_existing_password_account_is_not_taken_over_but_can_be_linked(app, client, oidc_provider, org):
    """The secure choice: an account made with a password is never signed in to because a provider
    says the same address. Its owner signs in with the password and links the organisation's
    account on Your account; from then on single sign-on reaches it."""
    with app.app_context():
        jo = make_user(f"jo@{DOMAIN}", "candidate", None)
        db.session.commit()
    oidc_provider.add_account("jo", f"jo@{DOMAIN}")
    refused(sso_sign_in(client, oidc_provider, "jo"), "Sign in with that account's email address and password, then link")
    with app.app_context():
        assert db.session.scalar(select(func.count(SsoIdentity.id))) == 0
    assert client.post("/sign-in", data={"email": f"jo@{DOMAIN}", "password": PASSWORD}).status_code == 302
    page = client.get("/account/")
    assert "Link your Org A account" in text_of(page)
    to_provider = client.post("/account/organisation-sign-in")
    assert to_provider.status_code == 303
    linked = back_at(client, oidc_provider.sign_in_at_provider(to_provider.headers["Location"], "jo"))
    assert linked.status_code == 302 and linked.headers["Location"] == "/account/"
    assert "Your Org A account is linked" in text_of(client.get("/account/"))
    client.post("/sign-out")
    response = sso_sign_in(client, oidc_provider, "jo")
    assert response.status_code == 302
    with app.app_context():
        identity = db.session.scalar(select(SsoIdentity))
        assert identity.user_id == jo["id"]


def test_an_unknown_domain_gets_a_plain_message(app, client, org):
    response = client.post("/sign-in/organisation", data={"email": "kim@nowhere.example"})
    page = check_page(response, 400, "Sign in with your organisation's account")
    assert page.error_links == ["email"]
    assert "No organisation signs in here with @nowhere.example email addresses" in text_of(response)


def test_the_sign_in_page_offers_single_sign_on(client):
    response = client.get("/sign-in")
    assert "Sign in with your organisation's account" in text_of(response)
    check_page(client.get("/sign-in/organisation"), 200, "Sign in with your organisation's account")


def test_a_callback_without_a_sign_in_is_refused(app, client):
    refused(client.get("/sign-in/organisation/callback?code=x&state=y"), "was not started in this browser")


def test_failed_single_sign_ons_count_against_the_sign_in_limit(app_config, tmp_path, monkeypatch, oidc_provider, org):
    """The failed sign-in limit per network address counts password and single sign-on failures
    together; going on to the provider's sign-in page is not a failure (a room can all do it)."""
    from quizapp import create_app

    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    limited = create_app({**app_config, "RATELIMIT_ENABLED": True, "SIGNIN_RATE_LIMIT": "3 per minute"})
    client = limited.test_client()
    for _ in range(5):
        assert client.post("/sign-in/organisation", data={"email": f"pat@{DOMAIN}"}).status_code == 303
    assert client.post("/sign-in", data={"email": "x@example.org", "password": "not the password"}).status_code == 200
    assert client.get("/sign-in/organisation/callback?state=a").status_code == 400
    assert client.get("/sign-in/organisation/callback?state=b").status_code == 400
    assert client.get("/sign-in/organisation/callback?state=c").status_code == 429
    assert client.post("/sign-in/organisation", data={"email": "x@example.org"}).status_code == 429
    limited.extensions["quizapp_db"].dispose()


# -- the administrator's page --------------------------------------------------------------------------


def test_an_admin_registers_a_provider_and_the_secret_is_never_shown_back(app, client, auth, oidc_provider, users):
    auth.as_role("admin")
    with app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.name == "Org B"))
    url = f"/admin/organisations/{org_id}/sso"
    check_page(client.get(url), 200, "Single sign-on for Org B")
    form = {"issuer": oidc_provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "domains": "@Borough.Example\nborough.example, staff.borough.example"}
    saved = client.post(url, data=form)
    assert saved.status_code == 302
    page = client.get(url)
    assert CLIENT_SECRET not in page.get_data(as_text=True)
    assert "New client secret (optional)" in text_of(page)
    with app.app_context():
        provider = sso.provider_of(db.session, org_id)
        assert (provider.issuer, provider.client_secret) == (oidc_provider.issuer, CLIENT_SECRET)
        assert [d.domain for d in provider.domains] == ["borough.example", "staff.borough.example"]
        assert provider.endpoints["jwks_uri"] == oidc_provider.issuer + "/jwks"
    # A change without a new secret keeps the stored one; a new one replaces it. Neither is audited.
    client.post(url, data={**form, "client_secret": "", "domains": "borough.example"})
    client.post(url, data={**form, "client_secret": "a-brand-new-secret-value"})
    with app.app_context():
        assert sso.provider_of(db.session, org_id).client_secret == "a-brand-new-secret-value"
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "sso.configured")).all()
        assert [json.loads(r.details)["secret_changed"] for r in rows] == [True, False, True]
        assert all(CLIENT_SECRET not in r.details and "a-brand-new-secret-value" not in r.details for r in rows)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"issuer": "http://127.0.0.1:9/nothing-here"}, "issuer", "We could not reach http://127.0.0.1:9/nothing-here/.well-known/openid-configuration"),
    ({"issuer": "http://provider.example"}, "issuer", "The issuer URL must start with https://"),
    ({"issuer": "{issuer}/"}, None, None),  # a trailing slash is the same issuer
    ({"issuer": "{issuer}/jwks"}, "issuer", "answered with status 404"),
    ({"client_secret": ""}, "client_secret", "Enter the client secret"),
    ({"domains": "not a domain"}, "domains", "not is not an email domain"),
    ({"domains": "a.example"}, "domains", "a.example is already a single sign-on domain of another organisation"),
])
def test_a_provider_that_cannot_be_used_is_not_saved(app, client, auth, oidc_provider, org, change, field, message):
    auth.as_role("admin")
    with app.app_context():
        org_b = db.session.scalar(select(Organisation.id).where(Organisation.name == "Org B"))
        org_a = db.session.get(Organisation, org)
        sso.save_provider(db.session, db.session.scalars(select(User).where(User.role == "admin")).first(), org_a,
                          oidc_client.discover(oidc_provider.issuer), CLIENT_ID, CLIENT_SECRET, [DOMAIN, "a.example"])
        db.session.commit()
    form = {"issuer": oidc_provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "domains": "b.example"}
    form.update({k: v.format(issuer=oidc_provider.issuer) for k, v in change.items()})
    response = client.post(f"/admin/organisations/{org_b}/sso", data=form)
    with app.app_context():
        saved = sso.provider_of(db.session, org_b)
    if field is None:
        assert response.status_code == 302 and saved is not None
        return
    page = check_page(response, 400, "Single sign-on for Org B")
    assert page.error_links == [field]
    assert message in text_of(response)
    assert saved is None


def test_an_admin_turns_single_sign_on_off(app, client, auth, oidc_provider, org):
    auth.as_role("admin")
    check_page(client.get(f"/admin/organisations/{org}/sso/remove"), 200, "Turn off single sign-on for Org A")
    assert client.post(f"/admin/organisations/{org}/sso/remove").status_code == 302
    with app.app_context():
        assert sso.provider_of(db.session, org) is None
    assert events(app, "sso.configured")[-1] == {"action": "removed"}
    client.post("/sign-out")
    response = client.post("/sign-in/organisation", data={"email": f"someone@{DOMAIN}"})
    assert "No organisation signs in here with @council.example" in text_of(response)


@pytest.mark.parametrize("path", ["/admin/organisations/9999/sso", "/admin/organisations/9999/sso/remove"])
def test_an_organisation_that_does_not_exist_is_404(client, auth, path):
    auth.as_role("admin")
    assert client.get(path).status_code == 404


def test_the_forms_that_start_single_sign_on_may_lead_to_the_provider(app, client, oidc_provider, org):
    """Browsers apply the Content-Security-Policy's form-action to the redirect that answers a form:
    without the provider's origin there, the sign-in form and the Link button would do nothing."""
    def form_action(response) -> str:
        return next(part for part in response.headers["Content-Security-Policy"].split("; ")
                    if part.startswith("form-action"))

    assert form_action(client.get("/sign-in/organisation")) == f"form-action 'self' {oidc_provider.issuer}"
    assert form_action(client.get("/sign-in")) == "form-action 'self'"
    with app.app_context():
        make_user(f"lu@{DOMAIN}", "candidate", None)
        db.session.commit()
    client.post("/sign-in", data={"email": f"lu@{DOMAIN}", "password": PASSWORD})
    assert form_action(client.get("/account/")) == f"form-action 'self' {oidc_provider.issuer}"
