"""The administrator's journey in a real browser, on the demo data (the demo_server fixture) and a
second organisation with one candidate, added here with `quizapp create-user --org`: the list of
organisations and accounts, the demo organisation's cohort results (a date that is not real
first), a team, a candidate and their extra time (wrong values first), the second organisation's
cohort results, and the downloads of each. Every distinct admin page is audited (axe-core, one
h1, a unique title), error states included.

The demo server is shared with the employer's and the trainer's journeys: this test adds an
organisation and an account but no attempt (the trainer's journey counts the timed attempts)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from quizapp.services.demo import DEMO_ORGANISATION, DEMO_TEAMS
from quizapp.web.extensions import db
from quizapp.data.models import Membership, Organisation, User

from .conftest import DEMO, RETAKERS
from .support import PASSWORD, sign_in, step
from .test_employer import (
    CSV_HEADER,
    chosen,
    download,
    expect_date_error_leads_to_the_day,
    expect_headline,
    read_csv_file,
    stored_attempts,
)

pytestmark = pytest.mark.browser

NORTH, SOUTH = DEMO_TEAMS
ADMIN = "Sam Admin"  # admin@demo.example
HOME = "Users and organisations"


# -- what the database says -------------------------------------------------------------------------


def organisation_of(app, name: str) -> tuple[int, int]:
    """The organisation's id and its number of current members."""
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        members = db.session.scalar(select(func.count(Membership.id))
                                    .where(Membership.organisation_id == org.id, Membership.left_at.is_(None)))
        return org.id, members


def extra_time_of(app, email: str) -> tuple[int, str | None]:
    """The candidate's extra time, and the name of who set it."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        setter = db.session.get(User, user.extra_time_set_by_id) if user.extra_time_set_by_id else None
        return user.extra_time_percent, setter.name if setter else None


# -- reading the admin's pages ----------------------------------------------------------------------


def cohort_link(page: Page, organisation: str) -> Locator:
    """The organisation's link on the admin's home page (": cohort results" is visually hidden, and
    Chromium puts a space before a hidden span in the accessible name)."""
    return organisation_row(page, organisation).get_by_role("link", name=re.compile(r": cohort results$"))


def organisation_row(page: Page, name: str) -> Locator:
    table = page.get_by_role("table", name="Organisations", exact=True)
    link = page.get_by_role("link", name=re.compile(rf"^{re.escape(name)}\s*: cohort results$"))
    return table.locator("tbody tr", has=link)


def account_row(page: Page, email: str) -> Locator:
    table = page.get_by_role("table", name="Accounts", exact=True)
    return table.locator("tbody tr", has=page.locator("td", has_text=re.compile(rf"^\s*{re.escape(email)}\s*$")))


FIXED_COLUMNS = CSV_HEADER[:CSV_HEADER.index("Passed") + 1]  # a statement's column comes with its scores


def download_csv(page: Page, tmp_path, what: str, header: list[str]) -> list[list[str]]:
    with step(page, f"download {what} as CSV"):
        _, path = download(page, tmp_path, "Download as CSV", prefix=f"{what}-")
        rows = read_csv_file(path)
        assert rows and rows[0] == header, f"unexpected header {rows[:1]}"
        return rows


# -- the journey ------------------------------------------------------------------------------------


def test_the_admins_journey(open_page, demo_server, audit, tmp_path) -> None:
    app = demo_server.app
    suffix = uuid.uuid4().hex[:6]
    other_org = f"Second Trust {suffix}"
    other = {"email": f"second-{suffix}@browser.example", "name": f"Olu Second {suffix}"}
    demo_server.cli("create-user", other["email"], "--org", other_org, "--name", other["name"], "--password", PASSWORD)
    demo_id, demo_members = organisation_of(app, DEMO_ORGANISATION)
    other_id, other_members = organisation_of(app, other_org)
    assert other_members == 1

    every = stored_attempts(app)
    latest = chosen(every, "latest")
    south = sorted((a for a in latest if a.team == SOUTH and a.email not in RETAKERS), key=lambda a: a.email)
    chosen_one = south[0]  # not a retaker: the employer's journey gives RETAKERS[0] extra time
    page = open_page(base_url=demo_server.url, accept_downloads=True)
    sign_in(page, DEMO["admin"])

    with step(page, "users and organisations: every organisation, and the accounts in each"):
        expect(page.locator("h1")).to_have_text(HOME)
        expect(organisation_row(page, DEMO_ORGANISATION).locator("td").nth(1)).to_have_text(str(demo_members))
        expect(organisation_row(page, other_org).locator("td").nth(1)).to_have_text("1")
        expect(account_row(page, chosen_one.email)).to_contain_text(DEMO_ORGANISATION)
        expect(account_row(page, other["email"])).to_contain_text(other_org)
        expect(account_row(page, other["email"])).to_contain_text(other["name"])
        expect(account_row(page, DEMO["employer"]["email"])).to_contain_text(DEMO_ORGANISATION)
        expect(account_row(page, DEMO["admin"]["email"]).locator("td").nth(2)).to_have_text("Administrator")
        audit(page, "users and organisations")

    with step(page, "the demo organisation's cohort results: headline figures and teams"):
        cohort_link(page, DEMO_ORGANISATION).click()
        expect(page).to_have_url(re.compile(rf"/admin/organisations/{demo_id}$"))
        expect(page.locator("h1")).to_have_text(f"{DEMO_ORGANISATION}: cohort results")
        expect_headline(page, latest)
        for team in (NORTH, SOUTH):
            expect(page.locator("table.app-heatmap").get_by_role("link", name=team)).to_be_visible()
        audit(page, "cohort results")

    with step(page, "a date that is not real: the error summary links to the day"):
        expect_date_error_leads_to_the_day(page, audit, "cohort results", "2026")

    with step(page, "the demo organisation's results download: its candidates only"):
        page.get_by_role("link", name="Clear filters").click()
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
        rows = download_csv(page, tmp_path, "demo", CSV_HEADER)
        assert len(rows) - 1 == len(latest)
        assert {r[1] for r in rows[1:]} == {a.email for a in latest}

    with step(page, "a team, then a candidate in it"):
        page.locator("table.app-heatmap").get_by_role("link", name=SOUTH).click()
        expect(page.locator("#heatmap-heading")).to_have_text(f"Statements by candidate in {SOUTH}")
        expect_headline(page, [a for a in latest if a.team == SOUTH])
        audit(page, "cohort results", state="one team")
        page.locator("table.app-heatmap").get_by_role("link", name=chosen_one.name, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/admin/organisations/{demo_id}/candidates/\d+$"))
        expect(page.locator("h1")).to_have_text(chosen_one.name)
        expect(page.locator(".govuk-caption-l")).to_have_text(DEMO_ORGANISATION)
        theirs = [a for a in every if a.email == chosen_one.email]
        expect(page.get_by_role("table", name=re.compile("^Timed tests")).locator("tbody tr")).to_have_count(len(theirs))
        expect(page.get_by_role("link", name="Back to cohort results")).to_have_attribute(
            "href", f"/admin/organisations/{demo_id}")
        audit(page, "candidate")
        candidate_url = page.url

    with step(page, "extra time: the back link returns to the candidate"):
        page.get_by_role("link", name="Change extra time").click()
        expect(page.locator("h1")).to_have_text(f"Extra time for {chosen_one.name}")
        audit(page, "extra time")
        page.get_by_role("link", name="Back", exact=True).click()
        expect(page).to_have_url(candidate_url)
        page.get_by_role("link", name="Change extra time").click()

    with step(page, "extra time: not a number, then too much, are refused"):
        page.get_by_label("Extra time").fill("a lot")
        page.get_by_role("button", name="Save extra time").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter the extra time as a percentage, like 25%, or in minutes, like 15 minutes")
        audit(page, "extra time", state="not a number", errors=True)
        summary.get_by_role("link").click()
        expect(page.get_by_label("Extra time")).to_be_focused()
        page.get_by_label("Extra time").fill("250")
        page.get_by_role("button", name="Save extra time").click()
        expect(summary).to_contain_text("Extra time must be between 0% and 200%")
        audit(page, "extra time", state="too much", errors=True)
        assert extra_time_of(app, chosen_one.email)[0] == 0

    with step(page, "extra time: saved, and the candidate's page shows it and who set it"):
        page.get_by_label("Extra time").fill("30")
        page.get_by_role("button", name="Save extra time").click()
        expect(page).to_have_url(candidate_url)
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Extra time for {chosen_one.name} is now 30%")
        details = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name="Details"))
        expect(details.locator(".govuk-summary-list__row", has_text="Extra time")).to_contain_text("30%")
        history = page.get_by_role("table", name=f"Changes to {chosen_one.name}'s extra time, newest first")
        expect(history.locator("tbody tr").first).to_contain_text(ADMIN)
        assert extra_time_of(app, chosen_one.email) == (30, ADMIN)

    with step(page, "the accounts list shows the new extra time"):
        page.get_by_role("link", name=HOME, exact=True).click()
        expect(page.locator("h1")).to_have_text(HOME)
        expect(account_row(page, chosen_one.email).locator("td").nth(5)).to_contain_text("30%")

    with step(page, "the second organisation's cohort results: none of the demo organisation's"):
        cohort_link(page, other_org).click()
        expect(page).to_have_url(re.compile(rf"/admin/organisations/{other_id}$"))
        expect(page.locator("h1")).to_have_text(f"{other_org}: cohort results")
        expect(page.get_by_role("heading", name="No results")).to_be_visible()
        expect(page.locator("#selection")).to_contain_text(f"while they belonged to {other_org}")
        audit(page, "cohort results", state="another organisation, no results")
        rows = download_csv(page, tmp_path, "second", FIXED_COLUMNS)
        assert rows[1:] == [], "the second organisation has no attempts"

    with step(page, "a candidate of the second organisation is not found under the demo organisation"):
        with app.app_context():
            other_user = db.session.scalar(select(User.id).where(User.email == other["email"]))
        response = page.request.get(f"/admin/organisations/{demo_id}/candidates/{other_user}")
        assert response.status == 404
        response = page.request.get(f"/admin/organisations/{other_id}/candidates/{other_user}")
        assert response.status == 200 and other["name"] in response.text()
