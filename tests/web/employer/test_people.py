"""The employer's people pages: candidates, a candidate's page, teams and invitations."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Invitation, Membership, Team
from tests.helpers import check_page, text_of

from tests.web.employer.test_dashboard import table


@pytest.fixture
def employer(client, auth, cohort):
    auth.as_role("employer")
    return cohort


def test_candidates_lists_the_current_members_only(client, employer):
    response = client.get("/employer/candidates")
    check_page(response, title="Candidates")
    rows = table(response, "Candidates in Org A")
    names = [r[0] for r in rows[1:]]
    assert names == ["=SUM(1+1) Dan", "Ann Archer", "Ben Baker", "Candidate", "Cat Cole", "Eve <script>alert(1)</script>",
                     "Gus Grey"]
    assert "Fay Ford" not in names  # she left
    ann = next(r for r in rows if r[0] == "Ann Archer")
    assert ann[1:3] == ["ann@a.example", "Blue"]


def test_a_candidates_page_shows_their_attempts_and_statement_profile_only(client, employer):
    response = client.get(f"/employer/candidates/{employer['ann']}")
    check_page(response, title="Ann Archer")
    attempts = table(response, "Timed tests Ann Archer took")
    assert [r[0] for r in attempts[1:]] == ["Supervisor mock", "Fixture mock", "Fixture mock", "Fixture mock"]
    assert [r[4] for r in attempts[1:]] == ["100%", "45%", "80%", "40%"]
    assert attempts[2][2] == "4 minutes" and attempts[2][5] == "Not passed"
    profile = table(response, "Mean score on each statement")
    assert [r[:3] for r in profile[1:]] == [["A Statement A", "37%", "Priority for development"],
                                            ["B Statement B", "55%", "Developing"], ["C Statement C", "73%", "Developing"],
                                            ["S1 Statement S1", "100%", "Secure"]]
    text = text_of(response)
    for other in ("Ben Baker", "Cat Cole", "Dan", "Eve"):
        assert other not in text  # no other candidate's data


def test_a_time_out_and_no_attempts(client, employer, users):
    ben = text_of(client.get(f"/employer/candidates/{employer['ben']}"))
    assert "Time ran out" in ben and "10 minutes" in ben
    gus = client.get(f"/employer/candidates/{employer['gus']}")
    check_page(gus)
    assert "Gus Grey has not finished a timed test while in Org A." in text_of(gus)  # his Org B attempt is not shown


def test_change_a_candidates_team(client, employer, app):
    url = f"/employer/candidates/{employer['eve']}/team"
    response = client.post(url, data={"team": str(employer["red"])})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/employer/candidates/{employer['eve']}")
    assert "is now in Red" in text_of(client.get(response.headers["Location"]))
    assert client.post(url, data={"team": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Membership.team_id).where(Membership.user_id == employer["eve"],
                                                                  Membership.left_at.is_(None))) is None


@pytest.mark.parametrize("team", ["99999", "x"])
def test_a_team_not_in_the_organisation_is_a_404(client, employer, team):
    assert client.post(f"/employer/candidates/{employer['eve']}/team", data={"team": team}).status_code == 404


def test_extra_time_history_on_the_candidates_page(client, employer, app, auth):
    url = f"/employer/candidates/{employer['ann']}/extra-time"
    assert client.get(url).status_code == 200
    client.post(url, data={"percent": "25"})
    client.post(url, data={"percent": "50"})
    auth.sign_out()
    auth.as_role("admin")
    client.post(f"/admin/users/{employer['ann']}/extra-time", data={"percent": "10"})
    auth.sign_out()
    auth.as_role("employer")
    response = client.get(f"/employer/candidates/{employer['ann']}")
    history = table(response, "Changes to Ann Archer's extra time")
    assert [r[1:] for r in history[1:]] == [["10%", "Admin"], ["50%", "Employer"], ["25%", "Employer"]]
    assert "Extra time 10%" in text_of(response)


def test_extra_time_history_from_before_joining_is_not_shown_to_the_new_employer(client, app, employer, auth):
    """Gus's extra time was set while he was in Org B; Org A's employer sees only what came after he joined."""
    from quizapp.services import accounts
    from quizapp.data.models import User

    with app.app_context():
        gus = db.session.get(User, employer["gus"])
        setter = db.session.scalar(select(User).where(User.email == "employer@b.example"))
        accounts.set_extra_time(gus, 30, setter, datetime(2026, 1, 1, tzinfo=UTC))
        db.session.commit()
    response = client.get(f"/employer/candidates/{employer['gus']}")
    assert "No changes since Gus Grey joined Org A." in text_of(response)
    assert "Extra time 30%" in text_of(response)
    auth.sign_out()
    auth.as_role("admin")
    admin = client.get(f"/admin/organisations/{employer['org_a']}/candidates/{employer['gus']}")
    check_page(admin, title="Gus Grey")
    assert [r[1:] for r in table(admin, "Changes to Gus Grey's extra time")[1:]] == [["30%", "Employer"]]


def test_teams_page_lists_and_adds_teams(client, employer, app):
    response = client.get("/employer/teams")
    check_page(response, title="Teams")
    rows = table(response, "Teams in Org A")
    assert rows[1:] == [["Blue : cohort results", "3", "Rename Blue Delete Blue"],
                        ["Red : cohort results", "1", "Rename Red Delete Red"], ["No team : cohort results", "3", ""]]
    added = client.post("/employer/teams", data={"name": "  Green   team "})
    assert added.status_code == 302
    assert "Team Green team added" in text_of(client.get("/employer/teams"))
    with app.app_context():
        assert db.session.scalar(select(Team).where(Team.name == "Green team")).organisation_id == employer["org_a"]


@pytest.mark.parametrize(("name", "message"), [("", "Enter a name for the team"), ("blue", "Org A already has a team called blue"),
                                               ("x" * 101, "Team name must be 100 characters or fewer")])
def test_bad_team_names_are_refused(client, employer, name, message):
    response = client.post("/employer/teams", data={"name": name})
    page = check_page(response)
    assert "name" in page.error_links and message in text_of(response)


def test_invitations_are_created_listed_and_withdrawn(client, employer, app):
    app.config["CLOCK"] = lambda: datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    empty = client.get("/employer/invitations")
    check_page(empty, title="Invitations")
    assert re.search(r"<legend[^>]*>\s*The invitation expires after\s*</legend>", empty.get_data(as_text=True))
    response = client.post("/employer/invitations", data={"team": str(employer["blue"]), "days": "14"})
    assert response.status_code == 302
    page = client.get("/employer/invitations")
    check_page(page)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation).where(Invitation.team_id == employer["blue"])).one()
        code, invitation_id = invitation.code, invitation.id
        assert invitation.expires_at == datetime(2026, 3, 24, 12, 0, tzinfo=UTC)
    grouped = "-".join(code[i:i + 4] for i in (0, 4, 8))
    assert f"Invitation created. Its code is {grouped}" in text_of(page)
    row = next(r for r in table(page, "Invitations to Org A") if r[0] == grouped)
    assert row[1] == f"http://localhost/tests/join?code={grouped}" and row[2] == "Blue" and row[4] == "Active"
    assert client.post(f"/employer/invitations/{invitation_id}/revoke").status_code == 302
    row = next(r for r in table(client.get("/employer/invitations"), "Invitations to Org A") if r[0] == grouped)
    assert row[4] == "Withdrawn" and row[1] == "-"
    app.config["CLOCK"] = lambda: datetime(2026, 4, 30, tzinfo=UTC)
    statuses = {r[0]: r[4] for r in table(client.get("/employer/invitations"), "Invitations to Org A")[1:]}
    assert set(statuses.values()) == {"Withdrawn", "Expired"}


@pytest.mark.parametrize(("data", "status"), [({"team": "99999", "days": "7"}, 404), ({"team": "", "days": "365"}, 200),
                                              ({"team": ""}, 200)])
def test_bad_invitations_are_refused(client, employer, data, status, app):
    response = client.post("/employer/invitations", data=data)
    if status == 200:
        assert "days" in check_page(response).error_links
    else:
        assert response.status_code == status
    with app.app_context():
        assert db.session.scalars(select(Invitation).where(Invitation.created_by_id.is_not(None))).all() == []


def test_the_employers_pages_have_unique_titles(client, employer):
    titles = set()
    for url in ["/employer/", "/employer/candidates", f"/employer/candidates/{employer['ann']}", "/employer/teams",
                "/employer/invitations", f"/employer/candidates/{employer['ann']}/extra-time"]:
        page = check_page(client.get(url))
        titles.add(page.title)
    assert len(titles) == 6


def test_navigation(client, employer):
    html = client.get("/employer/teams").get_data(as_text=True)
    nav = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S).group(0)
    assert [t.strip() for t in re.findall(r">([^<>]+)</a>", nav)] == ["Cohort results", "Candidates", "Teams", "Invitations", "Audit trail"]
    assert 'aria-current="page"' in nav
