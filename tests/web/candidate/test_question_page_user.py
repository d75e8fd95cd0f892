"""The question page loads the signed-in user as a plain record (auth_session.SignedInUser, the
view is marked `light_user`), not the ORM `User`: it must let in and keep out exactly whom any
other page does. Each way a session ends, and a changed role, is checked on the question page and
on a page that loads the ORM user (the tests' list), with the same outcome."""

from __future__ import annotations

import re

import pytest
from flask import template_rendered
from sqlalchemy import delete, update

from quizapp.data.models import User, UserSession
from quizapp.web.auth_session import SignedInUser
from quizapp.web.extensions import db


@pytest.fixture
def candidate(imported, client, auth) -> dict:
    """The signed-in candidate, with the URL of a question of their open timed mock."""
    user = auth.as_role("candidate")
    reply = client.post("/tests/practitioner-mock-a/start", data={"mode": "timed"})
    attempt_id = int(re.search(r"/attempts/(\d+)/", reply.headers["Location"]).group(1))
    return {**user, "question_url": f"/tests/attempts/{attempt_id}/questions/2"}


def _users_seen(app, client, url: str) -> list[object]:
    seen: list[object] = []

    def record(_sender, template, context, **_extra) -> None:  # type: ignore[no-untyped-def]
        seen.append(context["current_user"])

    with template_rendered.connected_to(record, app):
        assert client.get(url).status_code == 200
    return seen


def test_the_question_page_sees_a_plain_record_and_other_pages_the_orm_user(imported, client, candidate):
    app = imported
    (on_question,) = _users_seen(app, client, candidate["question_url"])
    assert isinstance(on_question, SignedInUser)
    assert on_question.role == "candidate" and on_question.get_id().startswith(f"{on_question.id}:")
    (elsewhere,) = _users_seen(app, client, "/tests/")
    assert isinstance(elsewhere, User)
    assert elsewhere.get_id() == on_question.get_id() and elsewhere.name == on_question.name


def _end_this_session(user_id: int) -> None:
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def _change_session_token(user_id: int) -> None:  # as a password change does
    db.session.execute(update(User).where(User.id == user_id).values(session_token="changed"))


def _disable(user_id: int) -> None:
    db.session.execute(update(User).where(User.id == user_id).values(disabled_at=User.created_at))


def _make_trainer(user_id: int) -> None:
    db.session.execute(update(User).where(User.id == user_id).values(role="trainer"))


@pytest.mark.parametrize(("change", "outcome"), [
    (_end_this_session, "sign-in"), (_change_session_token, "sign-in"), (_disable, "sign-in"), (_make_trainer, 403),
])
@pytest.mark.parametrize("page", ["question", "tests list"])
def test_an_ended_session_or_a_changed_role_is_kept_out_as_on_any_page(imported, client, candidate, page, change, outcome):
    app = imported
    url = candidate["question_url"] if page == "question" else "/tests/"
    assert client.get(url).status_code == 200
    with app.app_context():
        change(candidate["id"])
        db.session.commit()
    reply = client.get(url)
    if outcome == 403:
        assert reply.status_code == 403
    else:
        assert reply.status_code == 302 and "/sign-in" in reply.headers["Location"]
