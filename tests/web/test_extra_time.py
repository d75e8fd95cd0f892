"""Extra time: set by the candidate's employer or an admin, recorded, and honoured by timed tests."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, Organisation, User
from tests.helpers import check_page, text_of

from tests.web.candidate.conftest import FIXTURE_BANKS


@pytest.mark.parametrize(("who", "url", "listing"), [("employer", "/employer/candidates/{id}/extra-time", "/employer/candidates"),
                                                    ("admin", "/admin/users/{id}/extra-time", "/admin/")])
def test_employer_or_admin_sets_extra_time_and_the_next_attempt_honours_it(app, client, auth, users, runner, who, url, listing):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    setter = auth.as_role(who)
    candidate_id = users["candidate"]["id"]
    page = client.get(url.format(id=candidate_id))
    check_page(page)
    response = client.post(url.format(id=candidate_id), data={"percent": "25"})
    assert response.status_code == 302
    assert "Extra time for" in text_of(client.get(response.headers["Location"])) and "25%" in text_of(client.get(listing))
    with app.app_context():
        candidate = db.session.get(User, candidate_id)
        assert candidate.extra_time_percent == 25
        assert candidate.extra_time_set_by_id == setter["id"] and candidate.extra_time_set_at is not None
    auth.sign_out()
    auth.as_role("candidate")
    assert "extra time of 25%" in text_of(client.get("/tests/fx-mock"))
    # Your tests shows the candidate's own limit (10 minutes plus 25%), as the start page does.
    assert "12 minutes 30 seconds (with your extra time of 25%)" in text_of(client.get("/tests/"))
    client.post("/tests/fx-mock/start", data={"mode": "timed"})
    with app.app_context():
        attempt = db.session.query(Attempt).one()
        assert attempt.deadline_at - attempt.started_at == timedelta(minutes=12.5)


@pytest.mark.parametrize("written", ["25%", " 25 % ", "+25%", "25"])
def test_extra_time_is_read_as_people_write_it(app, client, auth, users, written):
    auth.as_role("employer")
    response = client.post(f"/employer/candidates/{users['candidate']['id']}/extra-time", data={"percent": written})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, users["candidate"]["id"]).extra_time_percent == 25


@pytest.mark.parametrize(("value", "message"), [("250", "between 0% and 200%"), ("250%", "between 0% and 200%"),
                                                ("-5", "like 25%"), ("abc", "like 25%"), ("", "like 25%"),
                                                ("200 minutes", "180 minutes or less"), ("1.5 hours", "like 15 minutes")])
def test_bad_extra_time_is_refused_and_changes_nothing(app, client, auth, users, value, message):
    auth.as_role("employer")
    response = client.post(f"/employer/candidates/{users['candidate']['id']}/extra-time", data={"percent": value})
    page = check_page(response)
    assert "percent" in page.error_links
    assert message in text_of(response)
    with app.app_context():
        assert db.session.get(User, users["candidate"]["id"]).extra_time_percent == 0


def test_an_employer_cannot_set_another_organisations_candidate(app, client, auth, users):
    auth.as_role("employer")
    url = f"/employer/candidates/{users['other_candidate']['id']}/extra-time"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"percent": "50"}).status_code == 404
    with app.app_context():
        assert db.session.get(User, users["other_candidate"]["id"]).extra_time_percent == 0


def test_extra_time_is_only_for_candidates(client, auth, users):
    auth.as_role("admin")
    assert client.get(f"/admin/users/{users['trainer']['id']}/extra-time").status_code == 404
    assert client.get("/admin/users/99999/extra-time").status_code == 404


def test_admin_sets_extra_time_from_a_candidates_page_and_returns_to_it(app, client, auth, users):
    """From an organisation's candidate page, Change goes to a form whose Back link and Save both
    lead back to that candidate's page (not to the list of accounts)."""
    with app.app_context():
        org_a = db.session.scalar(select(Organisation.id).where(Organisation.name == "Org A"))
        org_b = db.session.scalar(select(Organisation.id).where(Organisation.name == "Org B"))
    auth.as_role("admin")
    candidate = users["candidate"]["id"]
    page_url = f"/admin/organisations/{org_a}/candidates/{candidate}"
    form_url = f"{page_url}/extra-time"
    assert f'href="{form_url}"' in client.get(page_url).get_data(as_text=True)
    form = client.get(form_url)
    check_page(form, title="Extra time for Candidate")
    assert re.search(rf'<a href="{re.escape(page_url)}" class="govuk-back-link">', form.get_data(as_text=True))
    refused = client.post(form_url, data={"percent": "abc"})
    assert "percent" in check_page(refused).error_links and "like 25%" in text_of(refused)
    response = client.post(form_url, data={"percent": "40"})
    assert response.status_code == 302 and response.headers["Location"] == page_url
    assert "Extra time for Candidate is now 40%" in text_of(client.get(page_url))
    with app.app_context():
        assert db.session.get(User, candidate).extra_time_percent == 40
    # Only a candidate who is in that organisation now.
    assert client.get(f"/admin/organisations/{org_b}/candidates/{candidate}/extra-time").status_code == 404
    assert client.post(f"/admin/organisations/{org_b}/candidates/{candidate}/extra-time",
                       data={"percent": "50"}).status_code == 404
    assert client.get(f"/admin/organisations/{org_a}/candidates/{users['employer']['id']}/extra-time").status_code == 404
    with app.app_context():
        assert db.session.get(User, candidate).extra_time_percent == 40


@pytest.mark.parametrize(("written", "minutes"), [("+15 min", 15), ("15 minutes", 15), ("15 mins", 15), ("90 min", 90)])
def test_extra_time_may_be_minutes(app, client, auth, users, written, minutes):
    auth.as_role("employer")
    response = client.post(f"/employer/candidates/{users['candidate']['id']}/extra-time", data={"percent": written})
    assert response.status_code == 302
    assert f"is now {minutes} minutes" in text_of(client.get(response.headers["Location"]))
    with app.app_context():
        candidate = db.session.get(User, users["candidate"]["id"])
        assert (candidate.extra_time_percent, candidate.extra_time_minutes) == (0, minutes)
    assert f"{minutes} minutes" in text_of(client.get("/employer/candidates"))


@pytest.mark.parametrize(("written", "own_limit", "extra"), [
    ("25%", "12 minutes 30 seconds", "25%"), ("+15 min", "25 minutes", "15 minutes"),
])
def test_every_page_that_shows_the_time_limit_shows_the_candidates_own(app, client, auth, users, runner, written,
                                                                       own_limit, extra):
    """fx-mock's limit is 10 minutes: the start page, Your tests, the question page's timer and the
    result all say the candidate's own limit."""
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    auth.as_role("employer")
    client.post(f"/employer/candidates/{users['candidate']['id']}/extra-time", data={"percent": written})
    auth.sign_out()
    auth.as_role("candidate")
    start = text_of(client.get("/tests/fx-mock"))
    assert f"plus your extra time of {extra} ({own_limit} in all)" in start
    assert f"{own_limit} (with your extra time of {extra})" in text_of(client.get("/tests/"))
    question = client.get(client.post("/tests/fx-mock/start", data={"mode": "timed"}).headers["Location"])
    with app.app_context():
        attempt = db.session.query(Attempt).one()
        allowed = (attempt.deadline_at - attempt.started_at).total_seconds()
    assert allowed == {"12 minutes 30 seconds": 750, "25 minutes": 1500}[own_limit]
    remaining = float(re.search(r'data-remaining-seconds="([\d.]+)"', question.get_data(as_text=True)).group(1))
    assert allowed - 60 < remaining <= allowed  # the timer counts down from the candidate's own limit
    result = client.get(client.post(f"/tests/attempts/{attempt.id}/submit").headers["Location"])
    assert re.search(rf"Time taken .*? of {own_limit}", text_of(result))
