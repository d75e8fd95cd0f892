"""The employer's everyday tasks (issue 17): remove a leaver, move several candidates at once,
confirmations before withdrawing an invitation or leaving, and a withdrawn invitation's link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.data.models import Invitation, Membership
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of
from tests.web.employer.test_dashboard import figures, table


@pytest.fixture
def employer(client, auth, cohort):
    auth.as_role("employer")
    return cohort


def current_team(app, user_id):
    with app.app_context():
        return db.session.scalar(select(Membership.team_id).where(Membership.user_id == user_id,
                                                                  Membership.left_at.is_(None)))


def test_remove_a_leaver_after_confirming(client, employer, app):
    before = figures(client.get("/employer/", query_string={"test": "fx-mock"}))
    page = client.get(f"/employer/candidates/{employer['ann']}")
    assert "Remove Ann Archer from Org A" in text_of(page)
    confirm = client.get(f"/employer/candidates/{employer['ann']}/remove")
    check_page(confirm, title="Remove Ann Archer")
    assert "their results will leave your pages at once" in text_of(confirm)
    assert current_team(app, employer["ann"]) == employer["blue"]  # nothing happens until they confirm
    done = client.post(f"/employer/candidates/{employer['ann']}/remove")
    assert done.status_code == 302 and done.headers["Location"].endswith("/employer/candidates")
    assert "Ann Archer has been removed from Org A" in text_of(client.get("/employer/candidates"))
    assert "Ann Archer" not in [r[0] for r in table(client.get("/employer/candidates"), "Candidates in Org A")]
    after = figures(client.get("/employer/", query_string={"test": "fx-mock"}))
    assert int(after["candidates"]) == int(before["candidates"]) - 1
    check_page(client.get(f"/employer/candidates/{employer['ann']}"), status=404)


def test_another_organisations_candidate_cannot_be_removed(client, employer, users):
    other = users["other_candidate"]["id"]
    check_page(client.get(f"/employer/candidates/{other}/remove"), status=404)
    assert client.post(f"/employer/candidates/{other}/remove").status_code == 404


def test_move_several_candidates_to_a_team_at_once(client, employer, app):
    chosen = [employer["ann"], employer["ben"], employer["eve"]]
    response = client.post("/employer/candidates/team",
                           data={"candidates": [str(i) for i in chosen], "team": str(employer["red"])})
    assert response.status_code == 302
    assert "3 candidates moved to Red" in text_of(client.get(response.headers["Location"]))
    assert [current_team(app, i) for i in chosen] == [employer["red"]] * 3
    assert current_team(app, employer["cat"]) == employer["blue"]
    client.post("/employer/candidates/team", data={"candidates": [str(employer["ann"])], "team": ""})
    assert current_team(app, employer["ann"]) is None


def test_moving_nobody_says_so(client, employer):
    response = client.post("/employer/candidates/team", data={"team": str(employer["red"])})
    page = check_page(response, status=400)
    assert page.error_links == ["candidates"]
    assert "Select the candidates to move" in text_of(response)


def test_moving_someone_from_another_organisation_changes_nothing(client, employer, users, app):
    response = client.post("/employer/candidates/team", data={
        "candidates": [str(employer["ann"]), str(users["other_candidate"]["id"])], "team": str(employer["red"])})
    assert response.status_code == 404
    assert current_team(app, employer["ann"]) == employer["blue"]


def test_withdraw_asks_first(client, employer, app):
    client.post("/employer/invitations", data={"team": "", "days": "7"})
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation.id).where(Invitation.created_by_id.is_not(None))).one()
    page = client.get("/employer/invitations")
    assert f'action="/employer/invitations/{invitation_id}/revoke"' not in page.get_data(as_text=True)
    confirm = client.get(f"/employer/invitations/{invitation_id}/revoke")
    check_page(confirm)
    assert "Nobody will be able to join with this invitation" in text_of(confirm)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is None
    assert client.post(f"/employer/invitations/{invitation_id}/revoke").status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is not None


def test_leave_asks_first(client, auth, cohort, app, users):
    auth.as_role("candidate")
    page = client.get("/tests/organisation")
    assert 'action="/tests/organisation/leave"' not in page.get_data(as_text=True)
    confirm = client.get("/tests/organisation/leave")
    check_page(confirm, title="Leave Org A")
    assert current_team(app, users["candidate"]["id"]) is None  # still a member (in no team)
    with app.app_context():
        assert db.session.scalar(select(Membership).where(Membership.user_id == users["candidate"]["id"],
                                                          Membership.left_at.is_(None))) is not None
    assert client.post("/tests/organisation/leave").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Membership).where(Membership.user_id == users["candidate"]["id"],
                                                          Membership.left_at.is_(None))) is None


@pytest.mark.parametrize("state", ["withdrawn", "expired"])
def test_a_dead_invitations_link_says_so_before_asking_anyone_to_sign_in(client, auth, cohort, app, state):
    from datetime import UTC, datetime, timedelta

    auth.as_role("employer")
    client.post("/employer/invitations", data={"team": "", "days": "7"})
    with app.app_context():
        invitation = db.session.scalars(select(Invitation).where(Invitation.created_by_id.is_not(None))).one()
        if state == "withdrawn":
            invitation.revoked_at = datetime.now(UTC)
        else:
            invitation.expires_at = datetime.now(UTC) - timedelta(days=1)
        code = invitation.code
        db.session.commit()
    auth.sign_out()
    response = client.get(f"/tests/join?code={code}")
    check_page(response, title="This invitation cannot be used")
    said = "has been withdrawn" if state == "withdrawn" else "has expired"
    assert f"This invitation to Org A {said}" in text_of(response)  # said at once, not after signing in
