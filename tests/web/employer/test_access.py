"""Every employer route tried with another organisation's ids: always 404 (never 403, which would
say the object exists), and nothing changes. Candidates and trainers never see employer pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quizapp.services import accounts, organisations
from quizapp.web.extensions import db
from quizapp.data.models import Invitation, Membership, User

# (method, path, form data): {candidate}, {team} and {invitation} are the *other* organisation's.
FOREIGN = [
    ("GET", "/employer/candidates/{candidate}", None),
    ("POST", "/employer/candidates/{candidate}/team", {"team": ""}),
    ("GET", "/employer/candidates/{candidate}/extra-time", None),
    ("POST", "/employer/candidates/{candidate}/extra-time", {"percent": "50"}),
    ("POST", "/employer/invitations/{invitation}/revoke", None),
    ("GET", "/employer/?team={team}", None),
    ("GET", "/employer/export.csv?team={team}", None),
    ("GET", "/employer/export.xlsx?team={team}", None),
    ("GET", "/employer/not-started?test=fx-mock&team={team}", None),
    ("POST", "/employer/candidates/{own}/team", {"team": "{team}"}),
    ("POST", "/employer/invitations", {"team": "{team}", "days": "7"}),
]


@pytest.fixture
def worlds(app, users):
    """For each employer, the ids of the other organisation's objects (and one of their own candidates)."""
    with app.app_context():
        out = {}
        for org_name, employer, own in (("Org A", "employer", "candidate"), ("Org B", "other_employer", "other_candidate")):
            org = accounts.get_or_create_organisation(db.session, org_name)
            team = organisations.create_team(db.session, org, f"Team of {org_name}")
            invitation = organisations.create_invitation(db.session, org, None, datetime.now(UTC), 7)
            out[org_name] = {"team": team.id, "invitation": invitation.id, "candidate": users[own]["id"]}
        db.session.commit()
    return {
        "employer": {**out["Org B"], "own": users["candidate"]["id"]},
        "other_employer": {**out["Org A"], "own": users["other_candidate"]["id"]},
    }


def snapshot(app) -> tuple:
    with app.app_context():
        return (
            tuple(db.session.execute(select(Membership.id, Membership.team_id, Membership.left_at)).all()),
            tuple(db.session.execute(select(Invitation.id, Invitation.revoked_at)).all()),
            tuple(db.session.execute(select(User.id, User.extra_time_percent)).all()),
        )


@pytest.mark.parametrize("employer", ["employer", "other_employer"])
@pytest.mark.parametrize(("method", "path", "data"), FOREIGN)
def test_another_organisations_ids_are_404(app, client, auth, worlds, employer, method, path, data):
    auth.as_role(employer)
    ids = worlds[employer]
    before = snapshot(app)
    form = {k: v.format(**ids) for k, v in data.items()} if data else None
    response = client.open(path.format(**ids), method=method, data=form)
    assert response.status_code == 404, f"{employer} {method} {path}"
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["employer", "admin", "trainer", "candidate"])
def test_someone_who_is_not_a_current_candidate_of_the_organisation_is_404(client, auth, users, who):
    auth.as_role("employer")
    assert client.get(f"/employer/candidates/{users[who]['id']}").status_code == (200 if who == "candidate" else 404)


def test_a_candidate_who_left_is_404(client, auth, cohort):
    auth.as_role("employer")
    assert client.get(f"/employer/candidates/{cohort['fay']}").status_code == 404


def test_admin_candidate_page_needs_the_candidate_in_that_organisation(client, auth, cohort):
    auth.as_role("admin")
    assert client.get(f"/admin/organisations/{cohort['org_a']}/candidates/{cohort['ann']}").status_code == 200
    assert client.get(f"/admin/organisations/{cohort['org_b']}/candidates/{cohort['ann']}").status_code == 404
    assert client.get(f"/admin/organisations/{cohort['org_a']}/candidates/{cohort['fay']}").status_code == 404


EMPLOYER_PAGES = ["/employer/", "/employer/candidates", "/employer/candidates/{candidate}", "/employer/teams",
                  "/employer/invitations", "/employer/export.csv", "/employer/export.xlsx", "/employer/not-started",
                  "/admin/organisations/{org}", "/admin/organisations/{org}/export.csv",
                  "/admin/organisations/{org}/candidates/{candidate}"]


@pytest.mark.parametrize("who", ["candidate", "other_candidate", "trainer"])
@pytest.mark.parametrize("page", EMPLOYER_PAGES)
def test_candidates_and_trainers_never_see_employer_pages(app, client, auth, users, who, page):
    with app.app_context():
        org = accounts.get_or_create_organisation(db.session, "Org A").id
    auth.as_role(who)
    assert client.get(page.format(candidate=users["candidate"]["id"], org=org)).status_code == 403
