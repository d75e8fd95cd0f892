"""The administrator's account and organisation pages: creating accounts, changing roles,
disabling (sessions end at their next request, autosaves included) and enabling, never leaving
no administrator, creating and renaming organisations, attaching employers. Each refusal says
why, on the page, and changes nothing."""

from __future__ import annotations

import json
from html import unescape

import pytest
from sqlalchemy import func, select

from quizapp.data.models import AuditEvent, Membership, Organisation, User
from quizapp.services import accounts
from quizapp.web.auth_session import issue_save_token
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, AuthActions, check_page, make_user, text_of
from tests.web.candidate.conftest import FIXTURE_BANKS, questions_of, answer_form

NEW = {"name": "Robin Trainer", "email": "robin@example.org", "role": "trainer", "organisation": "",
       "password": PASSWORD, "confirm": PASSWORD}


def said(page) -> str:
    return unescape(text_of(page))


def user_by_email(app, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def org_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def events(app, event: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.seq)))


@pytest.fixture
def admin(auth):
    return auth.as_role("admin")


def test_the_admin_home_links_to_each_account_and_organisation(client, admin, users):
    page = client.get("/admin/")
    check_page(page, title="Users and organisations")
    assert f'href="/admin/accounts/{users["candidate"]["id"]}"' in page.text
    assert 'href="/admin/accounts/new"' in page.text and 'href="/admin/organisations/new"' in page.text


def test_creating_an_account(app, client, admin):
    check_page(client.get("/admin/accounts/new"), title="Create an account")
    response = client.post("/admin/accounts/new", data=NEW)
    assert response.status_code == 302
    robin = user_by_email(app, "robin@example.org")
    assert (robin.name, robin.role) == ("Robin Trainer", "trainer")
    assert "Account created for Robin Trainer" in text_of(client.get(response.headers["Location"]))
    created = events(app, "account.created")[-1]
    assert (created.actor_id, created.user_id) == (admin["id"], robin.id)
    other = AuthActions(app.test_client(), {})
    assert other.sign_in("robin@example.org").status_code == 302


def test_an_employer_account_belongs_to_the_chosen_organisation(app, client, admin, users):
    org_b = org_id(app, "Org B")
    response = client.post("/admin/accounts/new", data={**NEW, "role": "employer", "organisation": str(org_b)})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "robin@example.org"))
        assert user.organisation.name == "Org B"


@pytest.mark.parametrize("change, field, message", [
    ({"email": "not-an-address"}, "email", "Enter an email address in the correct format"),
    ({"email": "candidate@a.example"}, "email", "An account with this email address already exists"),
    ({"role": "employer"}, "organisation", "Choose the employer's organisation"),
    ({"role": ""}, "role", "Choose the account's role"),
    ({"name": ""}, "name", "Enter the person's full name"),
    ({"confirm": "something else entirely"}, "confirm", "Passwords must match"),
    ({"password": "short", "confirm": "short"}, "password", "Password must be 12 characters or more"),
])
def test_an_account_that_cannot_be_created_says_why(app, client, admin, change, field, message):
    with app.app_context():
        before = db.session.scalar(select(func.count(User.id)))
    page = client.post("/admin/accounts/new", data={**NEW, **change})
    parsed = check_page(page, title="Create an account")
    assert message in said(page) and field in parsed.error_links
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == before


def test_changing_a_role_is_recorded_and_takes_a_trainer_out_of_the_organisation(app, client, admin, users):
    candidate = users["candidate"]
    check_page(client.get(f"/admin/accounts/{candidate['id']}"), title="Candidate")
    assert client.post(f"/admin/accounts/{candidate['id']}/role", data={"role": "trainer"}).status_code == 302
    with app.app_context():
        user = db.session.get(User, candidate["id"])
        assert user.role == "trainer" and user.organisation is None
    changed = events(app, "role.changed")[-1]
    assert json.loads(changed.details) == {"after": "trainer", "before": "candidate"}
    assert changed.actor_id == admin["id"]
    assert events(app, "organisation.left")[-1].user_id == candidate["id"]


def test_an_admin_cannot_remove_the_last_administrator(app, client, admin):
    page = client.post(f"/admin/accounts/{admin['id']}/role", data={"role": "trainer"})
    parsed = check_page(page, status=400, title="Admin")
    assert "You cannot remove the role of the only administrator who can sign in" in said(page)
    assert "role" in parsed.error_links
    page = client.post(f"/admin/accounts/{admin['id']}/disable")
    parsed = check_page(page, status=400, title="Admin")
    assert "You cannot disable the only administrator who can sign in" in said(page)
    assert "disable" in parsed.error_links
    me = stored(app, admin["id"])
    assert (me.role, me.disabled_at) == ("admin", None)
    assert events(app, "role.changed") == [] and events(app, "account.disabled") == []


def test_with_a_second_administrator_one_may_step_down(app, client, admin):
    with app.app_context():
        make_user("second-admin@example.org", "admin", None)
        db.session.commit()
    assert client.post(f"/admin/accounts/{admin['id']}/role", data={"role": "trainer"}).status_code == 302
    assert stored(app, admin["id"]).role == "trainer"
    assert client.get("/admin/").status_code == 403  # at once: the next page is a trainer's


def test_a_disabled_account_is_signed_out_everywhere_and_cannot_sign_in(app, client, admin, users):
    candidate_browser = app.test_client()
    AuthActions(candidate_browser, users).as_role("candidate")
    assert runner_import(app)
    start = candidate_browser.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt_id = int(start.headers["Location"].split("/attempts/")[1].split("/")[0])
    with app.app_context():
        token = issue_save_token(attempt_id, db.session.get(User, users["candidate"]["id"]))
    first = questions_of(app, attempt_id)[0]

    assert client.post(f"/admin/accounts/{users['candidate']['id']}/disable").status_code == 302
    assert "Disabled" in text_of(client.get(f"/admin/accounts/{users['candidate']['id']}"))
    ended = candidate_browser.get("/tests/")
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]
    refused = candidate_browser.post(f"/tests/attempts/{attempt_id}/questions/1/autosave", data=answer_form(first),
                                     headers={"X-Save-Token": token})
    assert refused.status_code in (401, 403)
    page = AuthActions(app.test_client(), users).sign_in(users["candidate"]["email"])
    assert page.status_code == 200 and "This account has been disabled" in said(page)
    assert [json.loads(e.details)["reason"] for e in events(app, "signin.failed")] == ["account disabled"]
    assert events(app, "account.disabled")[-1].user_id == users["candidate"]["id"]

    assert client.post(f"/admin/accounts/{users['candidate']['id']}/enable").status_code == 302
    assert AuthActions(app.test_client(), users).sign_in(users["candidate"]["email"]).status_code == 302


def runner_import(app) -> bool:
    return app.test_cli_runner().invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0


def test_creating_and_renaming_an_organisation(app, client, admin):
    check_page(client.get("/admin/organisations/new"), title="Create an organisation")
    for name, message in [("  ", "Enter the organisation's name"), ("org a", "There is already an organisation called org a")]:
        page = client.post("/admin/organisations/new", data={"name": name})
        check_page(page, title="Create an organisation")
        assert message in said(page)
    assert client.post("/admin/organisations/new", data={"name": " Northshire   Council "}).status_code == 302
    new_id = org_id(app, "Northshire Council")
    assert events(app, "organisation.created")[-1].organisation_id == new_id
    check_page(client.get(f"/admin/organisations/{new_id}/rename"), title="Rename Northshire Council")
    page = client.post(f"/admin/organisations/{new_id}/rename", data={"name": "Org B"})
    assert "There is already an organisation called Org B" in said(page)
    assert client.post(f"/admin/organisations/{new_id}/rename", data={"name": "Northshire CC"}).status_code == 302
    renamed = events(app, "organisation.renamed")[-1]
    assert json.loads(renamed.details) == {"after": "Northshire CC", "before": "Northshire Council"}
    assert client.get("/admin/organisations/999999/rename").status_code == 404


def test_attaching_an_employer_to_another_organisation(app, client, admin, users):
    employer = users["employer"]
    org_b = org_id(app, "Org B")
    assert client.post(f"/admin/accounts/{employer['id']}/organisation", data={"organisation": str(org_b)}).status_code == 302
    with app.app_context():
        assert db.session.get(User, employer["id"]).organisation.name == "Org B"
        assert db.session.scalar(select(func.count(Membership.id)).where(Membership.user_id == employer["id"],
                                                                         Membership.left_at.is_(None))) == 1
    assert [e.organisation_id for e in events(app, "organisation.joined")][-1] == org_b
    page = client.post(f"/admin/accounts/{users['candidate']['id']}/organisation", data={"organisation": str(org_b)})
    check_page(page, status=400, title="Candidate")
    assert "Only employer accounts can be attached to an organisation" in said(page)
    employer_browser = app.test_client()
    AuthActions(employer_browser, users).as_role("employer")
    assert "Org B" in text_of(employer_browser.get("/employer/candidates"))
