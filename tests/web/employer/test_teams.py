"""Renaming and deleting teams: GOV.UK forms with an error summary, CSRF, a confirmation before
deleting (its candidates move to no team), and another organisation's team is a 404."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.services import accounts, organisations
from quizapp.web.extensions import db
from quizapp.data.models import Invitation, Membership, Team
from tests.helpers import check_page, text_of

from tests.web.employer.test_dashboard import figures, table


@pytest.fixture
def employer(client, auth, cohort):
    auth.as_role("employer")
    return cohort


@pytest.fixture
def their_team(app, employer) -> int:
    with app.app_context():
        team = organisations.create_team(db.session, accounts.get_or_create_organisation(db.session, "Org B"), "Theirs")
        db.session.commit()
        return team.id


def team_name(app, team_id: int) -> str | None:
    with app.app_context():
        team = db.session.get(Team, team_id)
        return team.name if team else None


def test_the_teams_page_links_to_rename_and_delete(client, employer):
    html = client.get("/employer/teams").get_data(as_text=True)
    assert f'href="/employer/teams/{employer["blue"]}/rename"' in html
    assert f'href="/employer/teams/{employer["blue"]}/delete"' in html


def test_rename_a_team(client, employer, app):
    page = client.get(f"/employer/teams/{employer['blue']}/rename")
    check_page(page, title="Rename Blue")
    assert re.search(r'<input[^>]*name="name"[^>]*value="Blue"', page.get_data(as_text=True))
    assert "New name for Blue" in text_of(page)
    response = client.post(f"/employer/teams/{employer['blue']}/rename", data={"name": "  North   locality "})
    assert response.status_code == 302 and response.headers["Location"].endswith("/employer/teams")
    teams = client.get("/employer/teams")
    assert "Team Blue is now called North locality" in text_of(teams)
    assert table(teams, "Teams in Org A")[1][:2] == ["North locality : cohort results", "3"]  # same people
    assert team_name(app, employer["blue"]) == "North locality"
    dashboard = client.get("/employer/", query_string={"team": str(employer["blue"])})
    assert "North locality" in text_of(dashboard)


def test_a_team_may_take_its_own_name_in_another_case(client, employer, app):
    assert client.post(f"/employer/teams/{employer['blue']}/rename", data={"name": "BLUE"}).status_code == 302
    assert team_name(app, employer["blue"]) == "BLUE"


@pytest.mark.parametrize(("name", "message"), [("", "Enter a name for the team"), ("   ", "Enter a name for the team"),
                                               (" red ", "Org A already has a team called red"),
                                               ("x" * 101, "Team name must be 100 characters or fewer")])
def test_bad_new_names_are_refused_with_an_error_summary(client, employer, app, name, message):
    response = client.post(f"/employer/teams/{employer['blue']}/rename", data={"name": name})
    page = check_page(response, title="Rename Blue")
    assert page.error_links == ["name"] and message in text_of(response)
    assert "<title>Error: " in response.get_data(as_text=True)
    assert team_name(app, employer["blue"]) == "Blue"


def test_delete_a_team_with_candidates_after_confirming(client, employer, app):
    client.post("/employer/invitations", data={"team": str(employer["blue"]), "days": "7"})
    confirm = client.get(f"/employer/teams/{employer['blue']}/delete")
    check_page(confirm, title="Delete Blue")
    text = text_of(confirm)
    assert "The 3 candidates in Blue will be moved to no team." in text
    assert "1 invitation for Blue can still be used." in text
    assert team_name(app, employer["blue"]) == "Blue"  # nothing happens until they confirm
    response = client.post(f"/employer/teams/{employer['blue']}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/employer/teams")
    teams = client.get("/employer/teams")
    assert "Team Blue deleted: its 3 candidates are now in no team" in text_of(teams)
    assert [r[:2] for r in table(teams, "Teams in Org A")[1:]] == [["Red : cohort results", "1"],
                                                                  ["No team : cohort results", "6"]]
    assert team_name(app, employer["blue"]) is None
    with app.app_context():
        assert db.session.scalar(select(Membership.team_id).where(Membership.user_id == employer["ann"],
                                                                  Membership.left_at.is_(None))) is None
        assert db.session.scalars(select(Invitation.team_id).where(Invitation.created_by_id.is_not(None))).all() == [None]
    # Still members, results still visible: under no team.
    ann = client.get(f"/employer/candidates/{employer['ann']}")
    check_page(ann, title="Ann Archer")
    no_team = figures(client.get("/employer/", query_string={"test": "fx-mock", "team": "none"}))
    assert (no_team["candidates"], no_team["attempts"]) == ("4", "4")  # Ann, Ben, Cat and Eve
    assert client.get("/employer/", query_string={"team": str(employer["blue"])}).status_code == 404


def test_delete_an_empty_team(client, employer, app):
    client.post("/employer/teams", data={"name": "Green"})
    with app.app_context():
        green = db.session.scalar(select(Team.id).where(Team.name == "Green"))
    confirm = client.get(f"/employer/teams/{green}/delete")
    check_page(confirm, title="Delete Green")
    assert "Nobody is in Green." in text_of(confirm) and "will be moved" not in text_of(confirm)
    assert client.post(f"/employer/teams/{green}/delete").status_code == 302
    assert "Team Green deleted" in text_of(client.get("/employer/teams"))
    assert team_name(app, green) is None


@pytest.mark.parametrize(("method", "suffix", "data"), [("GET", "rename", None), ("POST", "rename", {"name": "Mine"}),
                                                         ("GET", "delete", None), ("POST", "delete", None)])
def test_another_organisations_team_is_a_404(client, employer, their_team, app, method, suffix, data):
    for team_id in (their_team, 99999):
        assert client.open(f"/employer/teams/{team_id}/{suffix}", method=method, data=data).status_code == 404
    assert team_name(app, their_team) == "Theirs"


def test_renaming_and_deleting_need_the_forms_csrf_token(client, employer, app):
    app.config["WTF_CSRF_ENABLED"] = True
    rename_url, delete_url = f"/employer/teams/{employer['blue']}/rename", f"/employer/teams/{employer['red']}/delete"
    assert client.post(rename_url, data={"name": "Forged"}).status_code == 400
    assert client.post(delete_url).status_code == 400
    assert team_name(app, employer["blue"]) == "Blue" and team_name(app, employer["red"]) == "Red"

    def token(url: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)

    assert client.post(rename_url, data={"name": "Real", "csrf_token": token(rename_url)}).status_code == 302
    assert client.post(delete_url, data={"csrf_token": token(delete_url)}).status_code == 302
    assert team_name(app, employer["blue"]) == "Real" and team_name(app, employer["red"]) is None


@pytest.mark.parametrize("who", ["candidate", "admin"])
def test_only_employers_rename_or_delete_teams(client, auth, cohort, who):
    auth.as_role(who)
    assert client.post(f"/employer/teams/{cohort['blue']}/rename", data={"name": "X"}).status_code == 403
    assert client.post(f"/employer/teams/{cohort['blue']}/delete").status_code == 403


def test_a_team_move_leaves_past_results_with_the_team_they_were_taken_in(client, employer):
    """Ann took her attempts in Blue: moved to Red, they stay with Blue; Red gets only what she
    takes from now on (the move's message says so)."""
    before_blue = figures(client.get("/employer/", query_string={"test": "fx-mock", "team": str(employer["blue"])}))
    moved = client.post(f"/employer/candidates/{employer['ann']}/team", data={"team": str(employer["red"])})
    assert moved.status_code == 302
    assert "results already taken stay with the team they were taken in" in text_of(client.get(moved.headers["Location"]))
    blue = figures(client.get("/employer/", query_string={"test": "fx-mock", "team": str(employer["blue"])}))
    red = figures(client.get("/employer/", query_string={"test": "fx-mock", "team": str(employer["red"])}))
    assert blue == before_blue
    assert (red["candidates"], red["attempts"]) == ("1", "1")  # Dan only
