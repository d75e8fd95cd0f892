"""The employer's journey in a real browser, on the demo data (`quizapp demo` on the fixture banks:
the demo_server fixture): the cohort dashboard with its filters, headline figures and statement
heatmap, a team and then a candidate, extra time, teams, an invitation that a candidate follows
and joins with before it is withdrawn, and the CSV and Excel downloads. Every distinct page is
audited (axe-core, one h1, a unique title), error states included.

The expected figures are worked out here from the stored attempts, not by quizapp.services.cohort."""

from __future__ import annotations

import csv
import io
import re
import statistics
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from quizapp.services.demo import DEMO_ORGANISATION, DEMO_TEAMS
from quizapp.web.extensions import db
from quizapp.data.models import (
    Attempt,
    Membership,
    Organisation,
    Statement,
    StatementResult,
    Team,
    User,
)

from .conftest import DEMO, RETAKERS, RETAKES_DAYS_AGO
from .support import PASSWORD, screenshot, sign_in, step

pytestmark = pytest.mark.browser

NORTH, SOUTH = DEMO_TEAMS
WHICH = {"first": "First attempt per candidate", "latest": "Latest attempt per candidate",
         "best": "Best attempt per candidate", "all": "Every attempt"}
BANDS = ((75, "Secure"), (50, "Developing"), (0, "Priority for development"))  # fx-mock has the default bands
CSV_HEADER = ["Candidate", "Email address", "Team", "Test", "Started (UK time)", "Ended (UK time)", "How it ended",
              "Time taken (minutes)", "Percent", "Passed", "A Statement A (%)", "B Statement B (%)",
              "C Statement C (%)"]


# -- what the stored attempts say -------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    email: str
    name: str
    team: str | None
    started: object
    percent: float
    passed: bool
    statements: dict[str, float]  # code -> percent


def stored_attempts(app) -> list[Stored]:
    """Every ended timed attempt of the demo organisation's current members, made while in it."""
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
        rows = db.session.execute(
            select(Attempt, User.email, User.name, Team.name)
            .join(User, User.id == Attempt.user_id)
            .join(Membership, (Membership.user_id == User.id) & (Membership.organisation_id == org.id)
                  & Membership.left_at.is_(None))
            .outerjoin(Team, Team.id == Membership.team_id)
            .where(Attempt.organisation_id == org.id, Attempt.mode == "timed", Attempt.ended_at.is_not(None))
        ).all()
        codes = dict(db.session.execute(select(Statement.id, Statement.code)).all())
        found = []
        for attempt, email, name, team in rows:
            results = db.session.scalars(select(StatementResult).where(StatementResult.attempt_id == attempt.id))
            found.append(Stored(email, name, team, attempt.started_at, attempt.percent, bool(attempt.passed),
                                {codes[r.statement_id]: r.percent for r in results}))
        return found


def chosen(attempts: list[Stored], which: str) -> list[Stored]:
    """One attempt per candidate (every attempt for "all"), as the dashboard's filter says."""
    if which == "all":
        return attempts
    by_candidate: dict[str, list[Stored]] = {}
    for a in attempts:
        by_candidate.setdefault(a.email, []).append(a)
    pick = {"first": lambda xs: min(xs, key=lambda a: a.started),
            "latest": lambda xs: max(xs, key=lambda a: a.started),
            "best": lambda xs: max(xs, key=lambda a: (a.percent, -a.started.timestamp()))}[which]
    return [pick(xs) for xs in by_candidate.values()]


def band(percent: float) -> str:
    return next(label for minimum, label in BANDS if percent >= minimum)


def cell_text(percents: list[float]) -> tuple[str, str]:
    """The heatmap cell for these statement scores: the mean as shown, and its band in words."""
    mean = statistics.fmean(percents)
    return f"{mean:.0f}%", band(mean)


# -- reading the dashboard --------------------------------------------------------------------------


def headline(page: Page, key: str) -> Locator:
    card = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name="Headline figures"))
    return card.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key)).locator("dd")


def expect_headline(page: Page, attempts: list[Stored]) -> None:
    passed = sum(a.passed for a in attempts)
    expect(headline(page, "Candidates")).to_have_text(str(len({a.email for a in attempts})))
    expect(headline(page, "Attempts")).to_have_text(str(len(attempts)))
    expect(headline(page, "Pass rate")).to_have_text(f"{100 * passed / len(attempts):.0f}% ({passed} of {len(attempts)} passed)")
    median = round(statistics.median(a.percent for a in attempts), 1)
    expect(headline(page, "Median score")).to_have_text(f"{median:g}%")


def heat_cell(page: Page, column: str, code: str) -> Locator:
    """The heatmap cell in the column headed `column` (a team, a candidate, or "All ..."), in the
    row of statement `code`."""
    table = page.locator("table.app-heatmap")
    heads = [" ".join(t.split()) for t in table.locator("thead th").all_inner_texts()]
    n = heads.index(column)
    line = table.locator("tbody tr", has=page.locator(".app-heatmap__code", has_text=re.compile(rf"^\s*{re.escape(code)}\s*$")))
    return line.locator("th, td").nth(n)


def expect_cell(cell: Locator, percents: list[float]) -> None:
    """The mean, and the band in words (not only as the cell's colour)."""
    value, label = cell_text(percents)
    expect(cell.locator(".app-heat__value")).to_have_text(value)
    tag = cell.locator(".govuk-tag")
    expect(tag).to_be_visible()
    expect(tag).to_have_text(label)


def team_size(page: Page, team: str) -> Locator:
    """The number of candidates in the team, on the Teams page."""
    row = page.locator("tbody tr", has=page.locator("th", has_text=team))
    return row.locator("td.govuk-table__cell--numeric")


def apply_filters(page: Page, *, test: str | None = None, team: str | None = None, which: str | None = None,
                  dates: dict[str, str] | None = None) -> None:
    if test is not None:
        page.get_by_label("Test", exact=True).select_option(label=test)
    if team is not None:
        page.get_by_label("Team", exact=True).select_option(label=team)
    if which is not None:
        page.get_by_label("Attempts", exact=True).select_option(label=WHICH[which])
    for label, typed in (dates or {}).items():
        page.get_by_label(label, exact=True).fill(typed)
    page.get_by_role("button", name="Apply filters").click()


def expect_date_error_leads_to_the_day(page: Page, audit, page_name: str, year: str) -> None:
    """31 February as "Started on or after": the error summary says so, passes the audit, and its
    link moves focus to the date's field."""
    apply_filters(page, dates={"Started on or after": f"31/2/{year}"})
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date from must be a real date")
    audit(page, page_name, state="a date that is not real", errors=True)
    summary.get_by_role("link", name="Date from must be a real date").click()
    expect(page.get_by_label("Started on or after", exact=True)).to_be_focused()


def download(page: Page, tmp_path: Path, link: str, prefix: str = "") -> tuple[str, Path]:
    """Click a download link; the file's suggested name and where it was saved."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    file = info.value
    path = tmp_path / f"{prefix}{file.suggested_filename}"
    file.save_as(path)
    return file.suggested_filename, path


def read_csv_file(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# -- the journeys -----------------------------------------------------------------------------------


def test_the_employers_journey(open_page, demo_server, audit) -> None:
    app = demo_server.app
    page = open_page(base_url=demo_server.url)
    every = stored_attempts(app)
    sign_in(page, DEMO["employer"])

    with step(page, "the cohort dashboard: headline figures and the statement heatmap by team"):
        expect(page.locator(".govuk-caption-l")).to_have_text(DEMO_ORGANISATION)
        latest = chosen(every, "latest")
        expect_headline(page, latest)
        expect(page.locator("#heatmap-heading")).to_have_text("Statements by team")
        for team in (NORTH, SOUTH):
            expect(page.locator("table.app-heatmap").get_by_role("link", name=team)).to_be_visible()
        for code in ("A", "B", "C"):
            expect_cell(heat_cell(page, "All candidates", code), [a.statements[code] for a in latest])
            expect_cell(heat_cell(page, NORTH, code), [a.statements[code] for a in latest if a.team == NORTH])
        audit(page, "dashboard")

    with step(page, "filter by test and a date range: the retakes before the simulated attempts"):
        cutoff = datetime.now(UTC) - timedelta(days=(RETAKES_DAYS_AGO[1] + 30) // 2)  # between the retakes and the rest
        apply_filters(page, test="Practitioner: Fixture mock", which="all",
                      dates={"Started on or before": f"{cutoff:%d %b %Y}"})  # as people type it: 07 Oct 2026
        expect(page.locator("#selection")).to_contain_text("Showing every attempt at Fixture mock, all teams, started on or before")
        early = [a for a in every if a.started < cutoff]
        assert {a.email for a in early} == set(RETAKERS) and len(early) == 2 * len(RETAKERS), "the demo data changed"
        expect_headline(page, early)
        audit(page, "dashboard", state="filtered by test and date")

    with step(page, "a date that is not real: the error summary links to its field"):
        expect_date_error_leads_to_the_day(page, audit, "dashboard", str(cutoff.year))

    with step(page, "clear the filters, then drill into a team: a row per candidate"):
        page.get_by_role("link", name="Clear filters").click()
        expect(page.locator("#selection")).to_contain_text("all teams, started at any time")
        page.locator("table.app-heatmap").get_by_role("link", name=NORTH).click()
        expect(page.locator("#heatmap-heading")).to_have_text(f"Statements by candidate in {NORTH}")
        expect(page.get_by_label("Team", exact=True)).to_have_value(re.compile(r"^\d+$"))
        north = [a for a in latest if a.team == NORTH]
        expect_headline(page, north)
        first = next(a for a in north if a.email == RETAKERS[0])
        expect_cell(heat_cell(page, first.name, "A"), [first.statements["A"]])
        audit(page, "dashboard", state="one team")
        screenshot(page, "employer-team")

    with step(page, "a candidate's page: their timed tests and statement profile"):
        page.locator("table.app-heatmap").get_by_role("link", name=first.name).click()
        expect(page.locator("h1")).to_have_text(first.name)
        theirs = [a for a in every if a.email == first.email]
        expect(page.get_by_role("table", name=re.compile("^Timed tests")).locator("tbody tr")).to_have_count(len(theirs))
        profile = page.get_by_role("table", name=re.compile("^Mean score on each statement"))
        row_a = profile.locator("tbody tr", has=page.locator("th", has_text=re.compile("^A ")))
        mean_a = statistics.fmean(a.statements["A"] for a in theirs)
        expect(row_a).to_contain_text(f"{mean_a:.0f}%")
        expect(row_a.locator(".govuk-tag")).to_have_text(band(mean_a))
        audit(page, "candidate")

    with step(page, "give the candidate extra time (a wrong value first)"):
        page.get_by_role("link", name="Change extra time").click()
        expect(page.locator("h1")).to_have_text(f"Extra time for {first.name}")
        audit(page, "extra time")
        page.get_by_label("Extra time").fill("a lot")
        page.get_by_role("button", name="Save extra time").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the extra time as a percentage, like 25%, or in minutes, like 15 minutes")
        audit(page, "extra time", state="not a number", errors=True)
        page.get_by_label("Extra time").fill("25")
        page.get_by_role("button", name="Save extra time").click()
        expect(page.locator("h1")).to_have_text(first.name)
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Extra time for {first.name} is now 25%")
        details = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name="Details"))
        expect(details.locator(".govuk-summary-list__row", has_text="Extra time")).to_contain_text("25%")
        history = page.get_by_role("table", name=f"Changes to {first.name}'s extra time, newest first")
        expect(history.locator("tbody tr").first).to_contain_text("Priya Shah")

    team = f"Fostering {uuid.uuid4().hex[:6]}"
    with step(page, "teams: an empty name is refused, then a team is added"):
        page.get_by_role("link", name="Teams", exact=True).click()
        expect(page.locator("h1")).to_have_text("Teams")
        audit(page, "teams")
        page.get_by_role("button", name="Add team").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter a name for the team")
        audit(page, "teams", state="no name", errors=True)
        summary.get_by_role("link").click()
        expect(page.get_by_label("Team name")).to_be_focused()
        page.get_by_label("Team name").fill(team)
        page.get_by_role("button", name="Add team").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Team {team} added")
        expect(team_size(page, team)).to_have_text("0")

    with step(page, "create an invitation to the new team"):
        page.get_by_role("link", name="Invitations", exact=True).click()
        audit(page, "invitations")
        # the page has two forms (invite by email, and a link and code): this is the second
        form = page.locator("form", has=page.get_by_role("button", name="Create invitation"))
        form.get_by_label("Team", exact=True).select_option(label=team)
        form.get_by_label("14 days").check()
        form.get_by_role("button", name="Create invitation").click()
        banner = page.locator(".govuk-notification-banner")
        expect(banner).to_contain_text("Invitation created. Its code is")
        code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", banner.inner_text()).group(0)
        row = page.locator("tbody tr", has=page.locator("th", has_text=code))
        expect(row).to_contain_text(team)
        expect(row.locator(".govuk-tag")).to_have_text("Active")
        link = row.locator("td").first.inner_text().strip()
        assert link.endswith(f"/tests/join?code={code}"), link
        audit(page, "invitations", state="with an invitation")

    candidate_page = open_page(base_url=demo_server.url)
    joiner = {"name": "Jo Invitee", "email": f"invitee-{uuid.uuid4().hex[:8]}@browser.example"}
    with step(candidate_page, "a new candidate follows the link: sign in, or create an account first"):
        candidate_page.goto(link)
        expect(candidate_page.locator("h1")).to_have_text("Sign in")
        candidate_page.locator("main").get_by_role("link", name="Create an account").click()
        candidate_page.get_by_label("Full name").fill(joiner["name"])
        candidate_page.get_by_label("Email address").fill(joiner["email"])
        candidate_page.get_by_label("Create a password", exact=True).fill(PASSWORD)
        candidate_page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
        candidate_page.get_by_role("button", name="Create account").click()
        expect(candidate_page.locator("h1")).to_have_text("Check your email")

    with step(candidate_page, "they open the link in the email (the outbox), then sign in"):
        candidate_page.goto(demo_server.link_in_email(joiner["email"], "/confirm-email/"))
        expect(candidate_page.locator("h1")).to_have_text("Sign in")
        candidate_page.get_by_label("Email address").fill(joiner["email"])
        candidate_page.get_by_label("Password", exact=True).fill(PASSWORD)
        candidate_page.get_by_role("button", name="Sign in").click()

    with step(candidate_page, "the candidate sees what the employer will see, and joins"):
        expect(candidate_page.locator("h1")).to_have_text(f"Join {DEMO_ORGANISATION}")
        main = candidate_page.locator("main")
        expect(main).to_contain_text(f"You have been invited to join {DEMO_ORGANISATION}, in the team {team}.")
        expect(candidate_page.get_by_role("heading", name=f"What {DEMO_ORGANISATION} will see")).to_be_visible()
        expect(main).to_contain_text("your answers to individual questions")
        audit(candidate_page, "join")
        candidate_page.get_by_role("button", name=f"Join {DEMO_ORGANISATION}").click()
        expect(candidate_page.locator("h1")).to_have_text("Your organisation")
        expect(candidate_page.locator(".govuk-notification-banner")).to_contain_text(
            f"You have joined {DEMO_ORGANISATION}, in the team {team}")
        audit(candidate_page, "your organisation")

    with step(page, "the new candidate is listed, in the new team"):
        page.get_by_role("link", name="Candidates", exact=True).click()
        row = page.locator("tbody tr", has=page.get_by_role("link", name=joiner["name"]))
        expect(row).to_contain_text(joiner["email"])
        expect(row).to_contain_text(team)
        audit(page, "candidates")
        page.get_by_role("link", name="Teams", exact=True).click()
        expect(team_size(page, team)).to_have_text("1")

    with step(page, "withdraw the invitation"):
        page.get_by_role("link", name="Invitations", exact=True).click()
        page.get_by_role("link", name=f"Withdraw invitation {code}").click()
        expect(page.locator("h1")).to_have_text(f"Withdraw invitation {code}")  # asked first
        audit(page, "withdraw an invitation")
        page.get_by_role("button", name="Withdraw invitation").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Invitation {code} withdrawn")
        row = page.locator("tbody tr", has=page.locator("th", has_text=code))
        expect(row.locator(".govuk-tag")).to_have_text("Withdrawn")
        expect(row.get_by_role("link", name=re.compile("Withdraw"))).to_have_count(0)

    late = open_page(base_url=demo_server.url)
    sign_in(late, demo_server.new_user("candidate"))
    with step(late, "the withdrawn code no longer works"):
        late.goto("/tests/join")
        audit(late, "join with a code")
        late.get_by_label("Invitation code").fill(code)
        late.get_by_role("button", name="Continue").click()
        expect(late.locator(".govuk-error-summary")).to_contain_text(
            f"This invitation to {DEMO_ORGANISATION} has been withdrawn: ask them for a new one")
        audit(late, "join with a code", state="a withdrawn code", errors=True)


@pytest.mark.parametrize("which", ["first", "latest", "best", "all"])
def test_which_attempt_counts(open_page, demo_server, which: str) -> None:
    """A retaker took the mock all wrong, then all right, then once more in the demo: the
    dashboard counts the attempt asked for (or the mean of all three)."""
    every = stored_attempts(demo_server.app)
    page = open_page(base_url=demo_server.url)
    sign_in(page, DEMO["employer"])
    with step(page, f"count the {WHICH[which].lower()} in one team"):
        apply_filters(page, team=NORTH, which=which)
        shown = "every attempt" if which == "all" else f"the {WHICH[which].lower()}"
        expect(page.locator("#selection")).to_contain_text(f"Showing {shown} at all tests, {NORTH},")
        north = chosen([a for a in every if a.team == NORTH], which)
        expect_headline(page, north)
        retaker = [a for a in north if a.email == RETAKERS[0]]
        assert len(retaker) == (3 if which == "all" else 1)
        for code in ("A", "B", "C"):
            expect_cell(heat_cell(page, retaker[0].name, code), [a.statements[code] for a in retaker])


def test_the_downloads_are_the_results_shown(open_page, demo_server, tmp_path) -> None:
    """CSV and Excel, downloaded from the filtered dashboard: the same header and one row per attempt."""
    north = chosen([a for a in stored_attempts(demo_server.app) if a.team == NORTH], "all")
    page = open_page(base_url=demo_server.url, accept_downloads=True)
    sign_in(page, DEMO["employer"])
    apply_filters(page, team=NORTH, which="all")
    with step(page, "download as CSV"):
        name, path = download(page, tmp_path, "Download as CSV")
        # The name says the test, team and attempts chosen, then the day.
        assert re.fullmatch(r"demo-borough-council-all-tests-north-locality-every-attempt-\d{4}-\d\d-\d\d\.csv", name)
        rows = read_csv_file(path)
        assert rows[0] == CSV_HEADER
        assert len(rows) - 1 == len(north)
        assert {r[1] for r in rows[1:]} == {a.email for a in north} and {r[2] for r in rows[1:]} == {NORTH}
    with step(page, "download as Excel"):
        name, path = download(page, tmp_path, "Download as Excel (.xlsx)")
        assert name.endswith("-north-locality-every-attempt-" + name[-15:-5] + ".xlsx")
        sheet = openpyxl.load_workbook(path, read_only=True).active
        cells = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
        assert list(cells[0]) == CSV_HEADER
        assert len(cells) - 1 == len(north)
        assert sorted(round(float(r[8]), 1) for r in cells[1:]) == sorted(round(a.percent, 1) for a in north)
