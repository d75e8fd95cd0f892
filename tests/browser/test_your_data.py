"""Your data in a real browser: a candidate with a test in progress downloads all their data
(JSON) and their attempts (CSV), then deletes their account: the page asks first (what happens,
and their password: a wrong one is shown in the error summary), then they are signed out here and
in their other browser, and cannot sign in again. Every state is audited (axe-core)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from playwright.sync_api import expect

from .support import PASSWORD, sign_in, start_test, step

pytestmark = pytest.mark.browser


def test_a_candidate_downloads_their_data_then_deletes_their_account(open_page, server, audit) -> None:
    me = server.new_user("candidate")
    page, phone = open_page(), open_page(viewport={"width": 320, "height": 700})
    sign_in(page, me)
    sign_in(phone, me)
    attempt = start_test(page, "fx-mock")

    with step(page, "your account leads to your data"):
        page.get_by_role("link", name="Your account").click()
        page.get_by_role("link", name="Download your data or delete your account").click()
        expect(page.locator("h1")).to_have_text("Your data")
        audit(page, "your data")

    with step(page, "download all your data (JSON)"):
        with page.expect_download() as info:
            page.get_by_role("button", name="Download all your data (JSON)").click()
        download = info.value
        assert download.suggested_filename.startswith("your-data-") and download.suggested_filename.endswith(".json")
        data = json.loads(open(download.path(), encoding="utf-8").read())
        assert data["profile"]["email"] == me["email"]
        assert [a["id"] for a in data["attempts"]] == [attempt]
        assert all("correct_answer" not in q for q in data["attempts"][0]["questions"])  # still in progress

    with step(page, "download your attempts (CSV)"):
        with page.expect_download() as info:
            page.get_by_role("button", name="Download your attempts (CSV)").click()
        download = info.value
        assert download.suggested_filename.startswith("your-attempts-") and download.suggested_filename.endswith(".csv")
        rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
        assert rows[0][0] == "Attempt" and len(rows) == 1 + len(data["attempts"][0]["questions"])

    with step(page, "delete asks first: what happens, and the password"):
        page.get_by_role("button", name="Delete your account").click()
        expect(page.locator("h1")).to_have_text("Delete your account")
        expect(page.locator("main")).to_contain_text("kept only as anonymous rows")
        audit(page, "delete your account")
        page.get_by_label("Your password").fill("not my password at all")
        page.get_by_role("button", name="Delete my account").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Your password is not right")
        audit(page, "delete your account", errors=True)

    with step(page, "with the password: deleted, signed out, and told what happened"):
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Your account has been deleted")
        expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()
        audit(page, "deleted")
        page.goto("/account/")
        expect(page.locator("h1")).to_have_text("Sign in")

    with step(phone, "the other browser is signed out at its next page"):
        phone.goto("/tests/")
        expect(phone.locator("h1")).to_have_text("Sign in")

    with step(page, "the account cannot sign in again"):
        page.get_by_label("Email address").fill(me["email"])
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
