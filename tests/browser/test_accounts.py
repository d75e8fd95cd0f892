"""The account pages and the admin's account pages in a real browser: a candidate signed in on two
browsers ends the other one from Your account, a wrong current password is shown in the error
summary; an admin creates an account (errors first), disables it while it is signed in (that
browser is signed out at its next page) and finds both events in the audit trail. Every state is
audited (axe-core, one h1, a unique title)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from .support import PASSWORD, sign_in, step

pytestmark = pytest.mark.browser


def test_a_candidate_ends_a_session_from_another_browser(open_page, server, audit) -> None:
    me = server.new_user("candidate")
    laptop, phone = open_page(), open_page(viewport={"width": 320, "height": 700})
    sign_in(laptop, me)
    sign_in(phone, me)

    with step(laptop, "your account lists both browsers"):
        laptop.get_by_role("link", name="Your account").click()
        expect(laptop.locator("h1")).to_have_text("Your account")
        rows = laptop.get_by_role("table", name="Where you are signed in").locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text="This browser")).to_have_count(1)
        audit(laptop, "your account")

    with step(laptop, "sign the other browser out"):
        rows.filter(has=laptop.get_by_role("button", name="Sign out")).get_by_role("button").click()
        expect(laptop.locator(".govuk-notification-banner")).to_contain_text("That session has been signed out")
        expect(rows).to_have_count(1)
        audit(laptop, "your account", state="a session signed out")

    with step(phone, "the other browser is signed out at its next page"):
        phone.goto("/tests/")
        expect(phone.locator("h1")).to_have_text("Sign in")

    with step(laptop, "a wrong current password is shown in the error summary"):
        laptop.get_by_role("link", name="Change your password").click()
        laptop.get_by_label("Current password").fill("this is not my password")
        laptop.get_by_label("New password", exact=True).fill("a fresh new passphrase")
        laptop.get_by_label("Confirm new password").fill("a fresh new passphrase")
        laptop.get_by_role("button", name="Change password").click()
        summary = laptop.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Your current password is not right")
        audit(laptop, "change your password", errors=True)
        summary.get_by_role("link").click()
        expect(laptop.get_by_label("Current password")).to_be_focused()


def test_an_admin_creates_and_disables_an_account(open_page, server, audit) -> None:
    admin = server.new_user("admin")
    suffix = uuid.uuid4().hex[:6]
    email = f"robin-{suffix}@browser.example"
    page = open_page()
    sign_in(page, admin)

    with step(page, "create an account: the errors first"):
        page.get_by_role("link", name="Create an account").click()
        page.get_by_label("Full name").fill(f"Robin {suffix}")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Employer", exact=True).check()
        page.get_by_label("First password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm first password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the employer’s organisation".replace("’", "'"))
        audit(page, "create an account", errors=True)
        page.get_by_label("Trainer", exact=True).check()
        page.get_by_label("First password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm first password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("h1")).to_have_text(f"Robin {suffix}")
        audit(page, "an account")

    robin = open_page()
    sign_in(robin, {"email": email, "password": PASSWORD, "role": "trainer"})

    with step(page, "disable the account while it is signed in"):
        page.get_by_role("button", name="Disable this account").click()
        expect(page.locator(".govuk-summary-list")).to_contain_text("Disabled")
        audit(page, "an account", state="disabled")

    with step(robin, "the disabled account is signed out at its next page, and cannot sign in"):
        robin.reload()
        expect(robin.locator("h1")).to_have_text("Sign in")
        robin.get_by_label("Email address").fill(email)
        robin.get_by_label("Password", exact=True).fill(PASSWORD)
        robin.get_by_role("button", name="Sign in").click()
        expect(robin.locator(".govuk-error-summary")).to_contain_text("This account has been disabled")

    with step(page, "the audit trail shows what happened to the account"):
        page.get_by_role("link", name="Events for this account in the audit trail").click()
        table = page.get_by_role("table", name="Events, newest first")
        for event in ("Account disabled", "Sign-in failed", "Signed in", "Account created"):
            expect(table).to_contain_text(event)
        audit(page, "audit trail")
