"""Fixtures for the personal data tests (download, erasure, retention): a candidate in Org A who
has finished a timed mock, with extra time, a lockout counter and an invitation to their address."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quizapp.data.models import SigninFailures, User
from quizapp.services import accounts, organisations
from quizapp.web.extensions import db
from tests.web.candidate.conftest import answer_form, fx, questions_of  # noqa: F401  (fx: a fixture)

NOW = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)


def finished_mock(client, app, auth, who: str = "candidate") -> int:
    """`who` signs in, takes fx-mock (every answer right) and submits: the attempt's id."""
    auth.as_role(who)
    response = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt = int(response.headers["Location"].split("/attempts/")[1].split("/")[0])
    for info in questions_of(app, attempt):
        client.post(f"/tests/attempts/{attempt}/questions/{info.position}", data=answer_form(info))
    assert client.post(f"/tests/attempts/{attempt}/submit").status_code == 302
    auth.sign_out()
    return attempt


@pytest.fixture
def taken(app, client, auth, users, fx):
    """The candidate (in Org A) and the other candidate have each finished fx-mock; the candidate
    has extra time, a lockout counter and an invitation emailed to their address."""
    attempt = finished_mock(client, app, auth)
    finished_mock(client, app, auth, "other_candidate")
    auth.as_role("candidate")  # a session row
    with app.app_context():
        candidate = db.session.get(User, users["candidate"]["id"])
        employer = db.session.get(User, users["employer"]["id"])
        accounts.set_extra_time(candidate, 25, employer, NOW)
        org = candidate.organisation
        invitation = organisations.create_invitation(db.session, org, employer, NOW, 7)
        invitation.email = users["candidate"]["email"]
        db.session.add(SigninFailures(email=users["candidate"]["email"], count=2, first_failed_at=NOW))
        db.session.commit()
    return {"attempt": attempt, "org": org.id}
