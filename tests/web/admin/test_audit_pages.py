"""The audit trail's pages: an administrator browses and filters every event (paged, newest
first); an employer sees its own organisation's events and nothing else, whatever the query
string asks for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import re

import pytest
from sqlalchemy import select

from quizapp.data.models import Organisation, User
from quizapp.services import accounts, audit, organisations
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def said(page) -> str:
    return unescape(text_of(page))


def rows(page) -> str:
    """The text of the events table's rows only (the filter's options name every event too)."""
    found = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', page.text, re.S)
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())) if found else ""


@pytest.fixture
def trail(app, users):
    """Invitations in Org A and Org B, a role change, and extra time for Org A's candidate."""
    with app.app_context():
        org_a = db.session.scalar(select(Organisation).where(Organisation.name == "Org A"))
        org_b = db.session.scalar(select(Organisation).where(Organisation.name == "Org B"))
        employer_a = db.session.get(User, users["employer"]["id"])
        employer_b = db.session.get(User, users["other_employer"]["id"])
        organisations.create_invitation(db.session, org_a, employer_a, NOW, 7)
        organisations.create_invitation(db.session, org_b, employer_b, NOW + timedelta(days=2), 14)
        accounts.set_extra_time(db.session.get(User, users["candidate"]["id"]), 25, employer_a, NOW)
        audit.record(db.session, "role.changed", actor=users["admin"]["id"], user=users["trainer"]["id"],
                     before="candidate", after="trainer", now=NOW)
        db.session.commit()
        return {"a": org_a.id, "b": org_b.id}


def test_an_admin_sees_every_event_newest_first(client, auth, trail):
    auth.as_role("admin")
    page = client.get("/admin/audit")
    check_page(page, title="Audit trail")
    text = said(page)
    for label in ("Invitation created", "Extra time changed", "Role changed", "Account created"):
        assert label in text
    assert "Employer (employer@a.example)" in text and "percent: 25; percent before: 0" in text


@pytest.mark.parametrize("query, shown, hidden", [
    ("event=invitation.created", ["Invitation created"], ["Extra time changed", "Role changed"]),
    ("person=trainer%40example", ["Role changed"], ["Invitation created"]),
    ("from-day=21&from-month=11&from-year=2026&event=invitation.created", ["Org B"], ["Org A"]),
    ("to-day=20&to-month=11&to-year=2026", ["Org A", "Extra time changed"], ["Org B", "Account created"]),
])
def test_an_admin_filters_the_events(client, auth, trail, query, shown, hidden):
    auth.as_role("admin")
    page = client.get(f"/admin/audit?{query}")
    check_page(page, title="Audit trail")
    table = rows(page)
    for text in shown:
        assert text in table
    for text in hidden:
        assert text not in table


def test_filtering_by_organisation(client, auth, trail):
    auth.as_role("admin")
    table = rows(client.get(f"/admin/audit?organisation={trail['b']}"))
    assert "Invitation created" in table and "Extra time changed" not in table


def test_a_date_that_is_not_real_is_an_error_on_the_page(client, auth, trail):
    auth.as_role("admin")
    page = client.get("/admin/audit?from-day=31&from-month=2&from-year=2026")
    parsed = check_page(page, title="Audit trail")
    assert "Date from must be a real date" in said(page) and "from" in parsed.error_links


@pytest.mark.parametrize("query", ["from=21/11/2026&to=19/11/2026", "from=21 Nov 2026&to=nonsense"])
def test_a_bad_date_range_filters_by_neither_date(client, auth, trail, query):
    """Half of a wrong range is never applied: the page lists what it lists with no dates."""
    auth.as_role("admin")
    everything = said(client.get("/admin/audit"))
    page = client.get("/admin/audit?" + query)
    assert "There is a problem" in said(page)
    assert "Org A" in said(page) and "Org B" in said(page)
    assert said(page).count("Invitation created") == everything.count("Invitation created")


def test_the_events_are_paged(app, client, auth, users):
    with app.app_context():
        for i in range(60):
            audit.record(db.session, "sessions.ended", actor=users["admin"]["id"], user=users["admin"]["id"], sessions=i)
        db.session.commit()
    auth.as_role("admin")
    first = client.get("/admin/audit?event=sessions.ended")
    assert "60 events, page 1 of 2" in said(first) and "sessions: 59" in said(first) and "sessions: 0;" not in said(first)
    assert 'href="/admin/audit?event=sessions.ended&amp;page=2"' in first.text
    second = client.get("/admin/audit?event=sessions.ended&page=2")
    check_page(second, title="Audit trail")
    assert "page 2 of 2" in said(second) and "sessions: 0" in said(second)
    assert client.get("/admin/audit?page=abc").status_code == 200


def test_an_employer_sees_only_its_own_organisations_events(client, auth, trail):
    auth.as_role("employer")
    for query in ("", f"?organisation={trail['b']}", "?event=role.changed", "?person=trainer"):
        page = client.get(f"/employer/audit{query}")
        check_page(page, title="Audit trail")
        table = rows(page)
        assert "Role changed" not in table and "Signed in" not in table
        assert "employer@b.example" not in table
    table = rows(client.get("/employer/audit"))
    assert "Invitation created" in table and "Extra time changed" in table
    auth.sign_out()
    auth.as_role("other_employer")
    table = rows(client.get("/employer/audit"))
    assert "Employer (employer@b.example)" in table and "Extra time changed" not in table
