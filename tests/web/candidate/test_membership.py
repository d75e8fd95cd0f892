"""Joining an organisation with an invitation (after seeing what its employer will see) and leaving
it: results stay the candidate's, and stop being visible to that employer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.services import accounts, organisations
from quizapp.web.extensions import db
from quizapp.data.models import Invitation, Membership, User
from tests.helpers import check_page, text_of


def invite(app, clock, org_name: str = "Org A", team: str | None = None, days: int = 7) -> tuple[str, int]:
    with app.app_context():
        org = accounts.get_or_create_organisation(db.session, org_name)
        team_row = organisations.create_team(db.session, org, team) if team else None
        invitation = organisations.create_invitation(db.session, org, None, clock.now, days, team_row)
        db.session.commit()
        return invitation.code, invitation.id


def membership_of(app, user_id: int) -> tuple[str, str | None] | None:
    with app.app_context():
        user = db.session.get(User, user_id)
        m = user.current_membership
        return (m.organisation.name, m.team.name if m.team else None) if m else None


def take_a_timed_test(client) -> None:
    start = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt = start.headers["Location"].split("/questions/")[0]
    assert client.post(f"{attempt}/submit").status_code == 302


def employer_sees(client, auth, who: str = "employer") -> str:
    auth.sign_out()
    auth.as_role(who)
    text = text_of(client.get("/employer/?which=all"))
    auth.sign_out()
    return text


def test_join_shows_what_the_employer_will_see_then_joins(app, client, auth, users, fx, clock):
    code, invitation_id = invite(app, clock, team="Blue")
    auth.as_role("other_candidate")  # in Org B now
    check_page(client.get("/tests/join"), title="Join an organisation")
    typed = " " + code[:4].lower() + " " + code[4:8] + "-" + code[8:] + " "
    preview = client.get("/tests/join", query_string={"code": typed})
    check_page(preview, title="Join Org A")
    text = text_of(preview)
    assert "You have been invited to join Org A, in the team Blue." in text
    assert "Joining Org A means leaving Org B, which will stop seeing your results." in text
    for seen in ("your name and email address, when you joined, and your team",
                 "your extra time, and who changed it and when since you joined",
                 "the test, when you started and finished, whether you submitted or the time ran out, the time you took, "
                 "your score, whether you passed, and your score and band for each statement",
                 "your answers to individual questions", "your untimed practice",
                 "If you leave Org A, it stops seeing all of your results. Your results stay in your account."):
        assert seen in text
    assert membership_of(app, users["other_candidate"]["id"]) == ("Org B", None)  # nothing changes until they confirm
    joined = client.post("/tests/join", data={"code": code})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/tests/organisation")
    page = client.get("/tests/organisation")
    check_page(page, title="Your organisation")
    assert "You have joined Org A, in the team Blue" in text_of(page)
    assert membership_of(app, users["other_candidate"]["id"]) == ("Org A", "Blue")
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).uses == 1


def test_results_are_visible_while_a_member_and_not_after_leaving(app, client, auth, users, fx, clock):
    auth.as_role("candidate")
    take_a_timed_test(client)
    client.post("/tests/practice/weakest")  # practice is never shown to the employer
    assert "Candidates 1 Attempts 1" in employer_sees(client, auth)
    auth.as_role("candidate")
    page = client.get("/tests/organisation")
    assert "Leave Org A" in text_of(page)
    left = client.post("/tests/organisation/leave")
    assert left.status_code == 302
    assert "You have left Org A. They can no longer see your results" in text_of(client.get("/tests/organisation"))
    assert "You do not belong to an organisation." in text_of(client.get("/tests/organisation"))
    assert "Fixture mock" in text_of(client.get("/tests/history"))  # still theirs
    assert "No timed test results match these filters." in employer_sees(client, auth)
    auth.as_role("employer")
    assert client.get(f"/employer/candidates/{users['candidate']['id']}").status_code == 404


def test_rejoining_says_that_earlier_results_become_visible_again(app, client, auth, users, fx, clock):
    auth.as_role("candidate")
    take_a_timed_test(client)
    client.post("/tests/organisation/leave")
    clock.advance(days=1)
    code, _ = invite(app, clock)
    preview = text_of(client.get("/tests/join", query_string={"code": code}))
    assert "You belonged to Org A before. If you join again, it will also see the 1 timed test result from then." in preview
    client.post("/tests/join", data={"code": code})
    assert "Candidates 1 Attempts 1" in employer_sees(client, auth)


def test_an_attempt_started_in_another_organisation_stays_hidden(app, client, auth, users, fx, clock):
    auth.as_role("other_candidate")
    take_a_timed_test(client)  # in Org B
    code, _ = invite(app, clock)
    client.post("/tests/join", data={"code": code})
    assert "No timed test results match these filters." in employer_sees(client, auth)
    assert "No timed test results match these filters." in employer_sees(client, auth, "other_employer")


def test_joining_ones_own_organisation_again_moves_team(app, client, auth, users, fx, clock):
    code, _ = invite(app, clock, team="Red")
    auth.as_role("candidate")
    preview = client.get("/tests/join", query_string={"code": code})
    assert "You already belong to Org A. Continuing puts you in the team Red." in text_of(preview)
    client.post("/tests/join", data={"code": code})
    assert membership_of(app, users["candidate"]["id"]) == ("Org A", "Red")
    with app.app_context():
        assert len(db.session.scalars(select(Membership).where(Membership.user_id == users["candidate"]["id"])).all()) == 1


@pytest.mark.parametrize(("case", "message"), [
    ("empty", "Enter the invitation code"),
    ("unknown", "There is no invitation with that code: check it and try again"),
    ("short", "There is no invitation with that code: check it and try again"),
    ("expired", "This invitation to Org A has expired: ask them for a new one"),
    ("revoked", "This invitation to Org A has been withdrawn: ask them for a new one"),
])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_code_that_cannot_be_used_is_explained(app, client, auth, users, fx, clock, case, message, method):
    code, invitation_id = invite(app, clock, days=7)
    if case == "expired":
        clock.advance(days=7)
    if case == "revoked":
        with app.app_context():
            organisations.revoke(db.session.get(Invitation, invitation_id), clock.now)
            db.session.commit()
    value = {"empty": "", "unknown": "ABCD-EFGH-JKLM", "short": "ABC"}.get(case, code)
    auth.as_role("other_candidate")
    if method == "GET":
        response = client.get("/tests/join", query_string={"code": value})
    else:
        response = client.post("/tests/join", data={"code": value})
    page = check_page(response, title="Join an organisation")
    assert page.error_links == ["code"] and message in text_of(response)
    assert membership_of(app, users["other_candidate"]["id"]) == ("Org B", None)


def test_the_invitation_link_works_after_signing_in(app, client, auth, users, fx, clock):
    code, _ = invite(app, clock)
    response = client.get(f"/tests/join?code={code}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    signed_in = client.post(response.headers["Location"], data={"email": users["other_candidate"]["email"],
                                                                "password": users["other_candidate"]["password"]})
    assert signed_in.headers["Location"].endswith(f"/tests/join?code={code}")
    check_page(client.get(signed_in.headers["Location"]), title="Join Org A")


def test_the_code_is_escaped_when_shown_back(app, client, auth, users, fx):
    auth.as_role("candidate")
    html = client.get("/tests/join", query_string={"code": '"><script>x</script>'}).get_data(as_text=True)
    assert "<script>x" not in html


def test_an_invitation_expires_exactly_when_it_says(app, client, auth, users, fx, clock):
    code, _ = invite(app, clock, days=7)
    clock.advance(days=7, seconds=-1)
    auth.as_role("other_candidate")
    check_page(client.get("/tests/join", query_string={"code": code}), title="Join Org A")
    clock.advance(seconds=1)
    assert "has expired" in text_of(client.get("/tests/join", query_string={"code": code}))
