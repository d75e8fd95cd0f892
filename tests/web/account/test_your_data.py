"""Your data: the downloads (JSON of everything, CSV of the attempts) and deleting your account
(asks for the password first, then erases, signs out and says so), and an administrator deleting
an account with the same service. HTTP tests; tests/browser/test_your_data.py does it in Chromium."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select

from quizapp.data.models import Attempt, AuditEvent, Response, User
from quizapp.web.extensions import db
from tests.helpers import PASSWORD, AuthActions, check_page, text_of
from tests.personal_data_fixtures import fx, taken  # noqa: F401  (fixtures)


def audit_rows(app, event: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


def test_your_account_links_to_your_data(client, auth):
    auth.as_role("employer")
    page = client.get("/account/")
    assert 'href="/account/your-data"' in page.text
    data = client.get("/account/your-data")
    check_page(data, title="Your data")
    assert 'href="/account/your-data/data.json"' in data.text and 'href="/account/delete"' in data.text


def test_the_json_download_holds_everything(app, client, auth, users, taken):
    me = users["candidate"]
    response = client.get("/account/your-data/data.json")  # `taken` left the candidate signed in
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert re.fullmatch(r'attachment; filename="your-data-candidate-\d{4}-\d\d-\d\d\.json"',
                        response.headers["Content-Disposition"])
    data = json.loads(response.data)
    assert data["profile"]["email"] == me["email"]
    assert data["profile"]["extra_time_percent"] == 25
    assert [c["percent"] for c in data["profile"]["extra_time_history"]] == [25]
    assert data["profile"]["extra_time_minutes"] == 0 and data["profile"]["extra_time_history"][0]["minutes"] == 0
    assert [o["organisation"] for o in data["organisations"]] == ["Org A"]
    [attempt] = data["attempts"]
    assert attempt["id"] == taken["attempt"] and attempt["passed"] is True and attempt["statements"]
    assert all(q["your_answer"] and q["your_answer"] == q["correct_answer"] for q in attempt["questions"]
               if q["type"] != "ordering")
    assert {"Signed in", "Extra time changed"} <= {e["event"] for e in data["audit_events"]}
    [row] = audit_rows(app, "data.downloaded")
    assert (row.actor_id, row.user_id, json.loads(row.details)) == (me["id"], me["id"], {"form": "JSON"})


def test_an_open_timed_attempt_gives_no_correct_answers(app, client, auth, fx):
    auth.as_role("other_candidate")
    client.post("/tests/fx-mock/start", data={"mode": "timed"})
    [attempt] = json.loads(client.get("/account/your-data/data.json").data)["attempts"]
    assert attempt["ended_at"] is None
    assert all("correct_answer" not in q for q in attempt["questions"])


def test_the_csv_download_has_a_row_per_question(app, client, users, taken):
    response = client.get("/account/your-data/attempts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.search(r'filename="your-attempts-candidate-\d{4}-\d\d-\d\d\.csv"', response.headers["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    with app.app_context():
        questions = len(db.session.get(Attempt, taken["attempt"]).questions)
    assert rows[0][:3] == ["Attempt", "Test", "Mode"]
    assert len(rows) == 1 + questions
    assert {r[0] for r in rows[1:]} == {str(taken["attempt"])}
    assert audit_rows(app, "data.downloaded")[0].details == '{"form":"CSV"}'


def test_delete_asks_for_the_password_and_says_what_happens(app, client, users, taken):
    check_page(client.get("/account/delete"), title="Delete your account")
    said = text_of(client.get("/account/delete"))
    for words in ("name, email address and password are deleted", "anonymous rows", "cannot undo"):
        assert words in said
    refused = client.post("/account/delete", data={"current": "not my password at all"})
    assert refused.status_code == 200 and "Your password is not right" in text_of(refused)
    with app.app_context():
        assert db.session.get(User, users["candidate"]["id"]) is not None


def test_deleting_your_account_erases_it_and_signs_you_out(app, client, users, taken):
    me = users["candidate"]
    response = client.post("/account/delete", data={"current": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Your account has been deleted" in text_of(client.get("/"))
    assert client.get("/account/").status_code == 302  # signed out
    assert AuthActions(client, users).sign_in(me["email"]).status_code == 200  # cannot sign in
    with app.app_context():
        assert db.session.get(User, me["id"]) is None
    assert len(audit_rows(app, "account.erased")) == 1
    # The employer no longer sees them: not listed, their page gone, not in the export.
    employer = AuthActions(client, users)
    employer.as_role("employer")
    assert "Candidate" not in text_of(client.get("/employer/candidates")).replace("Candidates", "")
    assert client.get(f"/employer/candidates/{me['id']}").status_code == 404
    assert me["email"] not in client.get("/employer/export.csv").text


def test_the_only_administrator_is_told_why_they_cannot_delete_their_account(app, client, auth, users):
    auth.as_role("admin")
    response = client.post("/account/delete", data={"current": PASSWORD})
    assert response.status_code == 400
    assert "only administrator" in text_of(response)
    with app.app_context():
        assert db.session.get(User, users["admin"]["id"]) is not None


def test_an_administrator_deletes_an_account(app, client, auth, users, taken):
    me = users["candidate"]
    auth.sign_out()
    auth.as_role("admin")
    assert 'href="/admin/accounts/%d/delete"' % me["id"] in client.get(f"/admin/accounts/{me['id']}").text
    confirm = client.get(f"/admin/accounts/{me['id']}/delete")
    assert "anonymous rows" in text_of(confirm)
    response = client.post(f"/admin/accounts/{me['id']}/delete")
    assert response.status_code == 302
    home = client.get(response.headers["Location"])
    assert "account has been deleted" in text_of(home)
    assert me["email"] not in home.text and "erased.invalid" not in home.text  # the stand-in is not listed
    with app.app_context():
        row = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "account.erased"))
        assert (row.actor_id, row.user_id) == (users["admin"]["id"], me["id"])
        stand_in = db.session.scalar(select(User.id).where(User.erased_at.is_not(None)))
    assert client.get(f"/admin/accounts/{stand_in}").status_code == 404
    assert client.get(f"/admin/accounts/{me['id']}").status_code == 404


def test_an_administrator_deleting_their_own_account_goes_to_their_account_page(client, auth, users):
    auth.as_role("admin")
    response = client.get(f"/admin/accounts/{users['admin']['id']}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/account/delete"


def test_a_test_page_left_open_saves_nothing_once_its_account_is_deleted(app, client, users, fx):
    """The autosave carries no cookie, only the page's save token: it must stop too."""
    from tests.web.candidate.conftest import answer_form, questions_of, save_token

    auth = AuthActions(client, users)
    auth.as_role("other_candidate")
    start = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt = int(start.headers["Location"].split("/attempts/")[1].split("/")[0])
    info = questions_of(app, attempt)[0]
    token = save_token(app, attempt)  # what the open page holds
    assert client.post("/account/delete", data={"current": PASSWORD}).status_code == 302
    response = client.post(f"/tests/attempts/{attempt}/questions/{info.position}/autosave",
                           data={**answer_form(info), "seq": "1"}, headers={"X-Save-Token": token})
    assert response.status_code in (401, 403, 404, 409)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
