"""The emailed links in the browser, as a person uses them: a forgotten password reset from the
sign-in page (the link read from the server's outbox, as `make run` writes it), with each page
checked by axe-core, and the link refused when used again."""

from __future__ import annotations

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
