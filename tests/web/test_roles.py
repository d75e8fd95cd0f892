"""The route x role matrix: every route in the URL map is checked for every kind of visitor.

A new route fails `test_every_route_is_in_the_matrix` until its expected access is declared in
ACCESS, so no page can be added without deciding who may see it. Routes with ids use objects
that belong to "candidate" (in Org A): other people get 404 for them, never a peek.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.data.models import SsoDomain, SsoProvider, UserSession
from quizapp.services import accounts, organisations
from quizapp.web.extensions import db
from tests.web.candidate.conftest import FIXTURE_BANKS

VISITORS = ["anonymous", "candidate", "other_candidate", "trainer", "employer", "other_employer", "admin"]
CANDIDATES = {"candidate": None, "other_candidate": None}


def SIGNED_IN(status: int) -> dict[str, int]:  # noqa: N802  (reads as a constant in ACCESS)
    return {v: status for v in VISITORS[1:]}


def only(statuses: dict[str, int]) -> dict[str, int]:
    return statuses


def owner(status: int) -> dict[str, int]:
    """The owning candidate gets `status`; the other candidate gets 404 (existence not leaked)."""
    return {"candidate": status, "other_candidate": 404}


A = "/tests/attempts/{attempt}"
TRAINERS = {"trainer": 200, "admin": 200}

# endpoint -> (method, path, {visitor: expected status}); visitors not listed are refused:
# anonymous visitors are sent to sign in (302), signed-in ones get 403.
ACCESS: dict[str, tuple[str, str, dict[str, int]]] = {
    "main.index": ("GET", "/", {"anonymous": 200, **{v: 302 for v in VISITORS[1:]}}),
    "main.home": ("GET", "/home", {v: 302 for v in VISITORS[1:]}),
    "auth.sign_in": ("GET", "/sign-in", {"anonymous": 200, **{v: 302 for v in VISITORS[1:]}}),
    "auth.sign_up": ("GET", "/sign-up", {"anonymous": 200, **{v: 302 for v in VISITORS[1:]}}),
    "auth.sign_out": ("POST", "/sign-out", {v: 302 for v in VISITORS}),
    # The links in emails open for anyone (the token is the credential; a bad one gets a page
    # saying so); sending the confirmation link again is for a signed-in account.
    "auth.confirm_email": ("GET", "/confirm-email/not-a-token", {v: 200 for v in VISITORS}),
    "auth.resend_confirmation": ("POST", "/confirm-email", {v: 302 for v in VISITORS[1:]}),
    "auth.forgot_password": ("GET", "/forgot-password", {v: 200 for v in VISITORS}),
    "auth.reset_password": ("GET", "/reset-password/not-a-token", {v: 200 for v in VISITORS}),
    "healthz": ("GET", "/healthz", {v: 200 for v in VISITORS}),
    "candidate.home": ("GET", "/tests/", {"candidate": 200, "other_candidate": 200}),
    "candidate.history": ("GET", "/tests/history", {"candidate": 200, "other_candidate": 200}),
    "candidate.start_page": ("GET", "/tests/fx-mock", {"candidate": 200, "other_candidate": 200}),
    "candidate.start": ("POST", "/tests/fx-mock/start", {"candidate": 302, "other_candidate": 302}),
    "candidate.practise_weakest": ("POST", "/tests/practice/weakest", {"candidate": 302, "other_candidate": 302}),
    "candidate.question": ("GET", A + "/questions/1", owner(200)),
    "candidate.save": ("POST", A + "/questions/1", owner(302)),
    # Authenticated by the question page's save token, not the session: without one, everybody
    # gets 401 (tests/web/candidate/test_save_tokens.py covers the token itself).
    "candidate.autosave": ("POST", A + "/questions/1/autosave", {v: 401 for v in VISITORS}),
    "candidate.practice_feedback": ("GET", A + "/questions/1/feedback", owner(302)),
    "candidate.check_answers": ("GET", A + "/check", owner(200)),
    "candidate.confirm_submit": ("GET", A + "/submit", owner(200)),
    "candidate.submit": ("POST", A + "/submit", owner(302)),
    "candidate.result": ("GET", A + "/result", owner(302)),
    "trainer.home": ("GET", "/trainer/", {"trainer": 200, "admin": 200}),
    # Trainers and admins: the bank workspace. The fixture content is the service's, so both get
    # the same answer (another organisation's content is 404: tests/trainer/test_org_content.py);
    # an upload belongs to its owner's trainers (an unknown token is 404 for everyone).
    "trainer.framework": ("GET", "/trainer/frameworks/fx", TRAINERS),
    "trainer.bank": ("GET", "/trainer/banks/fx-bank", TRAINERS),
    "trainer.scenario": ("GET", "/trainer/scenarios/fx-sc1", TRAINERS),
    "trainer.item": ("GET", "/trainer/items/fx-s1", TRAINERS),
    "trainer.item_preview": ("GET", "/trainer/items/fx-s1/preview?seed=1", TRAINERS),
    "trainer.scenario_preview": ("GET", "/trainer/scenarios/fx-sc1/preview", TRAINERS),
    "trainer.test": ("GET", "/trainer/tests/fx-mock", TRAINERS),
    # Downloads as a bank file and in Moodle XML: any bank or test the trainer sees (another organisation's is 404:
    # tests/web/trainer/test_moodle_download.py).
    "trainer.bank_file": ("GET", "/trainer/banks/fx-bank/bank.yaml", TRAINERS),
    "trainer.bank_moodle_xml": ("GET", "/trainer/banks/fx-bank/moodle.xml", TRAINERS),
    "trainer.test_moodle_xml": ("GET", "/trainer/tests/fx-mock/moodle.xml", TRAINERS),
    "trainer.test_file": ("GET", "/trainer/tests/fx-mock/test.yaml", TRAINERS),
    "trainer.test_preview": ("GET", "/trainer/tests/fx-mock/preview", TRAINERS),
    "trainer.statistics": ("GET", "/trainer/tests/fx-mock/statistics", TRAINERS),
    "trainer.statistics_csv": ("GET", "/trainer/tests/fx-mock/statistics.csv", TRAINERS),
    "trainer.coverage": ("GET", "/trainer/tests/fx-mock/coverage", TRAINERS),
    "trainer.search": ("GET", "/trainer/search?q=Single", TRAINERS),
    "trainer.upload": ("GET", "/trainer/upload", TRAINERS),
    "trainer.upload_post": ("POST", "/trainer/upload", {"trainer": 400, "admin": 400}),  # no files chosen
    "trainer.upload_result": ("GET", "/trainer/uploads/" + "x" * 32, {"trainer": 404, "admin": 404}),
    # Retire, restore and delete are for banks, items and tests published from the browser: the
    # fixture's come from the folder, so they are refused (403) even to trainers and admins.
    "trainer.bank_retire": ("POST", "/trainer/banks/fx-bank/retire", {"trainer": 403, "admin": 403}),
    "trainer.bank_restore": ("POST", "/trainer/banks/fx-bank/restore", {"trainer": 403, "admin": 403}),
    "trainer.bank_delete": ("GET", "/trainer/banks/fx-bank/delete", {"trainer": 403, "admin": 403}),
    "trainer.item_retire": ("GET", "/trainer/items/fx-s1/retire", {"trainer": 403, "admin": 403}),
    "trainer.item_restore": ("POST", "/trainer/items/fx-s1/restore", {"trainer": 403, "admin": 403}),
    "trainer.test_retire": ("GET", "/trainer/tests/fx-mock/retire", {"trainer": 403, "admin": 403}),
    "trainer.test_restore": ("POST", "/trainer/tests/fx-mock/restore", {"trainer": 403, "admin": 403}),
    "trainer.upload_publish": ("POST", "/trainer/uploads/" + "x" * 32 + "/publish", {"trainer": 404, "admin": 404}),
    "trainer.upload_discard": ("POST", "/trainer/uploads/" + "x" * 32 + "/discard", {"trainer": 404, "admin": 404}),
    "trainer.upload_file": ("GET", "/trainer/uploads/" + "x" * 32 + "/files/1", {"trainer": 404, "admin": 404}),
    "trainer.draft_preview": ("GET", "/trainer/uploads/" + "x" * 32 + "/preview", {"trainer": 404, "admin": 404}),
    "trainer.draft_test_preview": ("GET", "/trainer/uploads/" + "x" * 32 + "/tests/fx-mock/preview",
                                   {"trainer": 404, "admin": 404}),
    "employer.home": ("GET", "/employer/", {"employer": 200, "other_employer": 200}),
    "admin.home": ("GET", "/admin/", {"admin": 200}),
    "employer.extra_time": ("GET", "/employer/candidates/{candidate}/extra-time", {"employer": 200, "other_employer": 404}),
    "admin.extra_time": ("GET", "/admin/users/{candidate}/extra-time", {"admin": 200}),
    # Employers: their own organisation's people and results; another organisation's ids are 404.
    "employer.export": ("GET", "/employer/export.csv", {"employer": 200, "other_employer": 200}),
    # Org A's team: another organisation's employer gets 404.
    "employer.not_started": ("GET", "/employer/not-started?test=fx-mock&team={team}", {"employer": 200, "other_employer": 404}),
    "employer.candidates": ("GET", "/employer/candidates", {"employer": 200, "other_employer": 200}),
    "employer.candidate": ("GET", "/employer/candidates/{candidate}", {"employer": 200, "other_employer": 404}),
    "employer.change_team": ("POST", "/employer/candidates/{candidate}/team", {"employer": 302, "other_employer": 404}),
    "employer.teams": ("GET", "/employer/teams", {"employer": 200, "other_employer": 200}),
    "employer.rename_team": ("GET", "/employer/teams/{team}/rename", {"employer": 200, "other_employer": 404}),
    "employer.delete_team": ("GET", "/employer/teams/{team}/delete", {"employer": 200, "other_employer": 404}),
    "employer.delete_team_confirmed": ("POST", "/employer/teams/{team}/delete", {"employer": 302, "other_employer": 404}),
    "employer.invitations": ("GET", "/employer/invitations", {"employer": 200, "other_employer": 200}),
    "employer.revoke_invitation": ("POST", "/employer/invitations/{invitation}/revoke", {"employer": 302, "other_employer": 404}),
    "employer.confirm_revoke": ("GET", "/employer/invitations/{invitation}/revoke", {"employer": 200, "other_employer": 404}),
    "employer.confirm_remove": ("GET", "/employer/candidates/{candidate}/remove", {"employer": 200, "other_employer": 404}),
    "employer.remove_candidate": ("POST", "/employer/candidates/{candidate}/remove", {"employer": 302, "other_employer": 404}),
    # No candidate chosen: the candidates page again with an error (each employer in their own organisation).
    "employer.move_candidates": ("POST", "/employer/candidates/team", {"employer": 400, "other_employer": 400}),
    "employer.resend_invitation": ("POST", "/employer/invitations/{invitation}/resend", {"employer": 302, "other_employer": 404}),
    # No addresses given: the page again, with the error (for each employer's own organisation).
    "employer.email_invitations": ("POST", "/employer/invitations/email", {"employer": 200, "other_employer": 200}),
    "admin.organisation": ("GET", "/admin/organisations/{organisation}", {"admin": 200}),
    "admin.export": ("GET", "/admin/organisations/{organisation}/export.xlsx", {"admin": 200}),
    "admin.candidate": ("GET", "/admin/organisations/{organisation}/candidates/{candidate}", {"admin": 200}),
    "admin.candidate_extra_time": ("GET", "/admin/organisations/{organisation}/candidates/{candidate}/extra-time", {"admin": 200}),
    # Your account: every signed-in role, about their own account only (another's session key is 404).
    "account.home": ("GET", "/account/", SIGNED_IN(200)),
    "account.name": ("GET", "/account/name", SIGNED_IN(200)),
    "account.password": ("GET", "/account/password", SIGNED_IN(200)),
    "account.email": ("GET", "/account/email", SIGNED_IN(200)),
    "account.end_session": ("POST", "/account/sessions/{session_key}/end", {**SIGNED_IN(404), "candidate": 302}),
    "account.end_other_sessions": ("POST", "/account/sessions/end-others", SIGNED_IN(302)),
    # Your data: every signed-in role downloads only their own (no ids in the URL to try); deleting
    # asks for the password first (a POST without it is the form again, with its error).
    "account.your_data": ("GET", "/account/your-data", SIGNED_IN(200)),
    "account.download_json": ("GET", "/account/your-data/data.json", SIGNED_IN(200)),
    "account.download_csv": ("GET", "/account/your-data/attempts.csv", SIGNED_IN(200)),
    "account.delete": ("POST", "/account/delete", SIGNED_IN(200)),
    "main.privacy": ("GET", "/privacy", {v: 200 for v in VISITORS}),
    # The admin deletes another's account after a page that asks first (this is that page).
    "admin.erase": ("GET", "/admin/accounts/{candidate}/delete", {"admin": 200}),
    # The administrator's account and organisation pages; the audit trail (an employer's: its own
    # organisation's events, with no ids in the URL to try).
    "admin.new_account": ("GET", "/admin/accounts/new", {"admin": 200}),
    "admin.account": ("GET", "/admin/accounts/{candidate}", {"admin": 200}),
    "admin.change_role": ("POST", "/admin/accounts/{candidate}/role", {"admin": 400}),  # no role chosen
    "admin.attach_employer": ("POST", "/admin/accounts/{candidate}/organisation", {"admin": 400}),  # none chosen
    "admin.disable": ("POST", "/admin/accounts/{candidate}/disable", {"admin": 302}),
    "admin.enable": ("POST", "/admin/accounts/{candidate}/enable", {"admin": 302}),
    "admin.new_organisation": ("GET", "/admin/organisations/new", {"admin": 200}),
    "admin.rename_organisation": ("GET", "/admin/organisations/{organisation}/rename", {"admin": 200}),
    "admin.audit": ("GET", "/admin/audit", {"admin": 200}),
    "employer.audit": ("GET", "/employer/audit", {"employer": 200, "other_employer": 200}),
    "candidate.join": ("GET", "/tests/join", {"candidate": 200, "other_candidate": 200}),
    "candidate.join_confirmed": ("POST", "/tests/join", {"candidate": 200, "other_candidate": 200}),
    "candidate.organisation": ("GET", "/tests/organisation", {"candidate": 200, "other_candidate": 200}),
    "candidate.leave": ("POST", "/tests/organisation/leave", {"candidate": 302, "other_candidate": 302}),
    "candidate.confirm_leave": ("GET", "/tests/organisation/leave", {"candidate": 200, "other_candidate": 200}),
    # Single sign-on. The callback with no sign-in started in this browser is refused for everyone;
    # the consent page after a first sign-in needs one (404 without); linking needs a provider for
    # the account's own email domain (none here: 404). Org A has a provider (for sso.example).
    "auth.sso_start": ("GET", "/sign-in/organisation", {"anonymous": 200, **{v: 302 for v in VISITORS[1:]}}),
    "auth.sso_callback": ("GET", "/sign-in/organisation/callback?code=x&state=y", {v: 400 for v in VISITORS}),
    "account.link_sso": ("POST", "/account/organisation-sign-in", SIGNED_IN(404)),
    "candidate.join_sso": ("GET", "/tests/join/organisation", {"candidate": 404, "other_candidate": 404}),
    "candidate.join_sso_confirmed": ("POST", "/tests/join/organisation", {"candidate": 404, "other_candidate": 404}),
    "admin.sso_settings": ("GET", "/admin/organisations/{organisation}/sso", {"admin": 200}),
    "admin.confirm_sso_removal": ("GET", "/admin/organisations/{organisation}/sso/remove", {"admin": 200}),
    "admin.remove_sso": ("POST", "/admin/organisations/{organisation}/sso/remove", {"admin": 302}),
}
PUBLIC_ASSETS = {"static", "assets.static"}


def test_every_route_is_in_the_matrix(app: Flask):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - PUBLIC_ASSETS
    assert endpoints == set(ACCESS), f"declare access for: {sorted(endpoints ^ set(ACCESS))}"


@pytest.fixture
def objects(app, runner, client, auth, users):
    """A test and an open attempt that belong to "candidate"; a team and an invitation of Org A."""
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    auth.as_role("candidate")
    response = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt = int(response.headers["Location"].split("/attempts/")[1].split("/")[0])
    auth.sign_out()
    with app.app_context():
        org = accounts.get_or_create_organisation(db.session, "Org A")
        team = organisations.create_team(db.session, org, "Team A")
        invitation = organisations.create_invitation(db.session, org, None, datetime.now(UTC), 7, team)
        db.session.add(SsoProvider(organisation_id=org.id, issuer="https://login.sso.example", client_id="quizapp",
                                   client_secret="secret", endpoints={}, domains=[SsoDomain(domain="sso.example")]))
        db.session.commit()
        ids = {"organisation": org.id, "team": team.id, "invitation": invitation.id}
    # A session of "candidate" in another browser: only "candidate" may end it.
    from tests.helpers import AuthActions

    AuthActions(app.test_client(), users).as_role("candidate")
    with app.app_context():
        session_key = db.session.scalars(select(UserSession.key).where(UserSession.user_id == users["candidate"]["id"])).first()
    return {"attempt": attempt, "candidate": users["candidate"]["id"], "session_key": session_key, **ids}


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_access(client, auth, objects, endpoint, visitor):
    method, path, allowed = ACCESS[endpoint]
    if visitor != "anonymous":
        auth.as_role(visitor)
    response = client.open(path.format(**objects), method=method)
    expected = allowed.get(visitor, 302 if visitor == "anonymous" else 403)
    assert response.status_code == expected, f"{visitor} {method} {path}"
    if visitor == "anonymous" and visitor not in allowed:
        assert "/sign-in" in response.headers["Location"]
