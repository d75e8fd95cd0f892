"""An employer invites people by email in the browser: pasted addresses and a CSV file, a mistake
named on the page, the list of sent invitations with Resend, and a candidate joining from the link
in the email (read from the server's outbox). Each page is checked by axe-core."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from .support import sign_in, step

pytestmark = pytest.mark.browser


def test_an_employer_invites_by_email_and_a_candidate_joins(open_page, server, audit) -> None:
    org = f"Email Org {uuid.uuid4().hex[:8]}"
    employer = server.new_user("employer", org)
    candidate = server.new_user("candidate")
    others = [f"colleague-{uuid.uuid4().hex[:8]}@browser.example" for _ in range(2)]
    page: Page = open_page()
    sign_in(page, employer)

    with step(page, "a mistake is named and nothing is sent"):
        page.get_by_role("link", name="Invitations").first.click()
        expect(page.locator("h1")).to_have_text("Invitations")
        audit(page, "invitations")
        page.get_by_label("Email addresses").fill(f"{candidate['email']}, not-an@address")
        page.get_by_role("button", name="Send invitations").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("These are not email addresses: not-an@address")
        audit(page, "invitations", errors=True, state="a wrong address")
        assert server.emails_to(candidate["email"]) == []

    with step(page, "paste one address and upload a CSV of two more"):
        page.get_by_label("Email addresses").fill(candidate["email"])
        csv = ("name,email\n" + "\n".join(f"Colleague {n},{address}" for n, address in enumerate(others))).encode()
        page.get_by_label("Or upload a CSV file of addresses").set_input_files(
            files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv}])
        page.get_by_role("button", name="Send invitations").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Invitations sent to 3 email addresses")
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(3)
        expect(page.locator("table")).to_contain_text("Sent")
        audit(page, "invitations", state="three sent")

    with step(page, "resend one"):
        page.get_by_role("button", name=f"Resend invitation to {others[0]}").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Invitation sent again to {others[0]}")
        assert len(server.emails_to(others[0])) == 2

    candidate_page = open_page()
    with step(candidate_page, "the candidate opens the link in the email, signs in and joins"):
        candidate_page.goto(server.link_in_email(candidate["email"], "/tests/join?code="))
        candidate_page.get_by_label("Email address").fill(candidate["email"])
        candidate_page.get_by_label("Password", exact=True).fill(candidate["password"])
        candidate_page.get_by_role("button", name="Sign in").click()
        expect(candidate_page.locator("h1")).to_have_text(f"Join {org}")
        candidate_page.get_by_role("button", name=f"Join {org}").click()
        expect(candidate_page.locator(".govuk-notification-banner")).to_contain_text(f"You have joined {org}")

    with step(page, "the list says joined"):
        page.reload()
        row = page.locator("table tbody tr", has_text=candidate["email"])
        expect(row).to_contain_text("Joined")
        expect(row.get_by_role("button")).to_have_count(0)
