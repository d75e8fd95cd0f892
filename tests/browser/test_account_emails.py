"""The emailed links in the browser, as a person uses them: a forgotten password reset from the
sign-in page (the link read from the server's outbox, as `make run` writes it), with each page
checked by axe-core, and the link refused when used again."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from .support import step

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a different passphrase entirely"


def test_forgotten_password_from_the_sign_in_page(page: Page, open_page, server, candidate, audit) -> None:
    email = candidate["email"]
    with step(page, "ask for a link from the sign-in page"):
        page.goto("/sign-in")
        page.get_by_role("link", name="Forgotten your password?").click()
        expect(page.locator("h1")).to_have_text("Reset your password")
        audit(page, "reset your password")
        page.get_by_role("button", name="Send the link").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
        audit(page, "reset your password with an error", errors=True)
        page.get_by_label("Email address").fill(email)
        page.get_by_role("button", name="Send the link").click()
        expect(page.locator("h1")).to_have_text("Check your email")
        audit(page, "check your email (reset)")

    with step(page, "open the link and choose a new password"):
        link = server.link_in_email(email, "/reset-password/")
        page.goto(link)
        expect(page.locator("h1")).to_have_text("Choose a new password")
        audit(page, "choose a new password")
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Confirm new password", exact=True).fill(NEW_PASSWORD)
        page.get_by_role("button", name="Change password").click()
        expect(page.locator("h1")).to_have_text("Your tests")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")

    with step(page, "the same link again, in another browser"):
        other = open_page()
        other.goto(link)
        expect(other.locator("h1")).to_have_text("This link has expired or has already been used")
        audit(other, "used reset link")
        other.get_by_role("link", name="Ask for a new link to reset your password").click()
        expect(other.locator("h1")).to_have_text("Reset your password")


def test_an_unconfirmed_account_is_told_what_it_cannot_do_yet(page: Page, server, audit) -> None:
    email = f"unconfirmed-{uuid.uuid4().hex[:12]}@browser.example"
    with step(page, "sign up, then sign in without opening the link"):
        page.goto("/sign-up")
        page.get_by_label("Full name").fill("Not Yet")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Create a password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("h1")).to_have_text("Check your email")
        audit(page, "check your email (sign-up)")
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("h1")).to_have_text("Your tests")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Confirm your email address")
        audit(page, "your tests", state="address not confirmed")

    with step(page, "an invitation code asks for the address first; the button sends the link again"):
        page.goto("/tests/join?code=ABCD-EFGH-JKLM")
        expect(page.locator("h1")).to_have_text("Confirm your email address first")
        audit(page, "confirm your email address first")
        page.get_by_role("button", name="Send the link again").click()
        expect(page.locator(".govuk-notification-banner").first).to_contain_text(f"We have sent a new link to {email}")
        assert len(server.emails_to(email)) == 2
