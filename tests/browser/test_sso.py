"""Single sign-on in a real browser, against a real OpenID provider (oidc-provider under node on
loopback, with a client registered for this live server's callback): an administrator sets up an
organisation's provider (a discovery that fails first), then a person signs in with their work
account (an unknown domain first), sees the consent page invitations use, joins, and on a later
sign-in in another browser comes straight back to the same account. Every page of ours is audited
(axe-core, one h1, a unique title), error states included."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from quizapp.data.models import SsoIdentity, User
from quizapp.web.extensions import db
from tests.oidc_server import CLIENT_ID, CLIENT_SECRET, OidcProvider

from .support import sign_in, step

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider(server) -> Iterator[OidcProvider]:
    started = OidcProvider([server.url + "/sign-in/organisation/callback"])
    started.start()
    yield started
    started.stop()


def sign_in_with_work_account(page: Page, email: str, login: str) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.get_by_label("Work email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Test provider: sign in")  # the provider's own page
    page.get_by_label("Test account").fill(login)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_an_admin_sets_up_single_sign_on_and_a_person_signs_in_with_it(open_page, server, provider, audit) -> None:
    suffix = uuid.uuid4().hex[:6]
    organisation, domain = f"Borough {suffix}", f"borough-{suffix}.example"
    email = f"nia@{domain}"
    admin = server.new_user("admin")
    page = open_page()
    sign_in(page, admin)

    with step(page, "create the organisation and open its single sign-on page"):
        page.get_by_role("link", name="Create an organisation").click()
        page.get_by_label("Organisation name").fill(organisation)
        page.get_by_role("button", name="Create organisation").click()
        page.get_by_role("link", name=f"Single sign-on for {organisation}").click()
        expect(page.locator("h1")).to_have_text(f"Single sign-on for {organisation}")
        expect(page.locator("#redirect-uri")).to_have_text(server.url + "/sign-in/organisation/callback")
        audit(page, "single sign-on set-up")

    with step(page, "a provider whose discovery fails is not saved, and says why"):
        page.get_by_label("Issuer URL").fill(provider.issuer + "/not-the-issuer")
        page.get_by_label("Client ID").fill(CLIENT_ID)
        page.get_by_label("Client secret").fill(CLIENT_SECRET)
        page.get_by_label("Email domains").fill(domain)
        page.get_by_role("button", name="Check and save").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("answered with status 404 instead of the provider's discovery document")
        audit(page, "single sign-on set-up", errors=True)
        summary.get_by_role("link").click()
        expect(page.get_by_label("Issuer URL")).to_be_focused()

    with step(page, "the right issuer is saved, and the secret is not shown back"):
        page.get_by_label("Issuer URL").fill(provider.issuer)
        page.get_by_label("Client secret").fill(CLIENT_SECRET)
        page.get_by_role("button", name="Check and save").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Single sign-on for {organisation} is saved")
        expect(page.get_by_label("New client secret (optional)")).to_have_value("")
        assert CLIENT_SECRET not in page.content()
        audit(page, "single sign-on set-up", state="saved")

    person = open_page()
    with step(person, "an address whose domain has no single sign-on gets a plain message"):
        person.goto("/sign-in/organisation")
        person.get_by_label("Work email address").fill("nia@nowhere.example")
        person.get_by_role("button", name="Continue").click()
        expect(person.locator(".govuk-error-summary")).to_contain_text(
            "No organisation signs in here with @nowhere.example email addresses")
        audit(person, "sign in with your organisation's account", errors=True)

    with step(person, "the first sign-in makes the account and asks before joining"):
        provider.add_account(f"nia-{suffix}", email, name="Nia Okafor")
        sign_in_with_work_account(person, email, f"nia-{suffix}")
        expect(person.locator("h1")).to_have_text(f"Join {organisation}")
        expect(person.get_by_role("heading", name=f"What {organisation} will see")).to_be_visible()
        audit(person, "join after single sign-on")
        person.get_by_role("button", name=f"Join {organisation}").click()
        expect(person.locator(".govuk-notification-banner")).to_contain_text(f"You have joined {organisation}")
        expect(person.locator("h1")).to_have_text("Your organisation")

    with step(person, "sign out; a later sign-in in another browser comes back to the same account"):
        person.get_by_role("button", name="Sign out", exact=True).click()
        again = open_page()
        sign_in_with_work_account(again, email, f"nia-{suffix}")
        expect(again.locator("h1")).to_have_text("Your tests")
        again.get_by_role("link", name="Your account").click()
        expect(again.locator("main")).to_contain_text("Nia Okafor")
        expect(again.locator("main")).to_contain_text(organisation)

    with server.app.app_context():
        accounts = db.session.scalar(select(func.count(User.id)).where(User.email == email))
        identities = db.session.scalar(select(func.count(SsoIdentity.id)).join(User, User.id == SsoIdentity.user_id)
                                       .where(User.email == email))
    assert (accounts, identities) == (1, 1)


def test_an_existing_account_links_its_work_account_from_your_account(open_page, server, provider, audit) -> None:
    """The secure choice for an address that already has an account here: single sign-on is
    refused until its owner, signed in with their password, links the work account."""
    suffix = uuid.uuid4().hex[:6]
    domain = f"shire-{suffix}.example"
    with server.app.app_context():
        from quizapp.data.models import Organisation
        from quizapp.services import oidc_client, sso

        organisation = Organisation(name=f"Shire {suffix}")
        db.session.add(organisation)
        admin = db.session.get(User, server.new_user("admin")["id"])
        sso.save_provider(db.session, admin, organisation, oidc_client.discover(provider.issuer), CLIENT_ID,
                          CLIENT_SECRET, [domain])
        db.session.commit()
    with server.app.app_context():
        from tests.helpers import make_user

        owner = make_user(f"owen@{domain}", "candidate", None, password="a long enough password")
        db.session.commit()
    provider.add_account(f"owen-{suffix}", f"owen@{domain}")
    page = open_page()

    with step(page, "single sign-on is refused for an address that has an account already"):
        sign_in_with_work_account(page, f"owen@{domain}", f"owen-{suffix}")
        expect(page.locator("h1")).to_have_text("You have not been signed in")
        expect(page.locator("#sso-problem")).to_contain_text("link your organisation's account on Your account")
        audit(page, "single sign-on refused")

    with step(page, "sign in with the password and link the work account"):
        sign_in(page, {**owner, "password": "a long enough password"})
        page.get_by_role("link", name="Your account").click()
        audit(page, "your account", state="with a work account to link")
        # This browser is still signed in at the provider (the refused sign-in above): it sends
        # the person straight back, as a real provider does.
        page.get_by_role("button", name=f"Link your Shire {suffix} account").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Your Shire {suffix} account is linked")
        expect(page.locator("#sso-linked")).to_be_visible()

    with step(page, "from then on single sign-on reaches the same account"):
        page.get_by_role("button", name="Sign out", exact=True).click()
        again = open_page()
        sign_in_with_work_account(again, f"owen@{domain}", f"owen-{suffix}")
        expect(again.locator("h1")).to_have_text(f"Join Shire {suffix}")
    with server.app.app_context():
        assert db.session.scalar(select(SsoIdentity.user_id).join(User, User.id == SsoIdentity.user_id)
                                 .where(User.email == f"owen@{domain}")) == owner["id"]
