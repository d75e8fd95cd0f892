"""The candidate reads a result, their history and their weakest statements against either
framework the questions are keyed to, with a GET form (no JavaScript); the framework current by
the server's clock comes first."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from quizapp.data.models import Attempt
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of
from tests.services.test_results_frameworks import both  # noqa: F401 (fixture)
from tests.web.trainer.conftest import take

EMAIL = "two.frameworks@example.org"


def _text(response) -> str:
    check_page(response)
    return " ".join(text_of(response).split())


def test_the_result_page_switches_framework(both, client, auth, clock) -> None:  # noqa: F811
    with both.app_context():
        attempt_id = take(EMAIL, {"k-1", "k-2"}, test_key="fx-kss-mock")
    auth.sign_in(EMAIL)
    url = f"/tests/attempts/{attempt_id}/result"
    clock.now = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)  # the KSS is still in use
    text = _text(client.get(url))
    assert "Show results against" in text
    assert "Your result for each statement: Fixture KSS" in text and "Your result for each standard" not in text
    assert "K3 Third statement" in text and "E1.1" not in text.split("Every question")[0]
    page = client.get(url).get_data(as_text=True)
    assert 'name="framework" type="radio" value="fx-kss" checked' in page.replace("\n", " ")
    chosen = _text(client.get(url, query_string={"framework": "fx-ecs"}))
    assert "Your result for each standard: Fixture early career standards" in chosen
    assert "E1 First standard Questions 2 Score 100%" in chosen
    assert "K3 Third statement" not in chosen
    clock.now = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)  # from 1 April the early career standards lead
    after = _text(client.get(url))
    assert "Your result for each standard: Fixture early career standards" in after
    assert after.index("Fixture early career standards Fixture KSS (replaced)") > 0


def test_a_result_keyed_to_one_framework_offers_no_choice(both, client, auth, clock) -> None:  # noqa: F811
    with both.app_context():
        attempt_id = take(EMAIL, 0.5)
    auth.sign_in(EMAIL)
    text = _text(client.get(f"/tests/attempts/{attempt_id}/result", query_string={"framework": "fx-ecs"}))
    assert "Show results against" not in text and "Your result for each statement" in text


def test_history_and_weakest_practice_follow_the_choice(both, client, auth, clock) -> None:  # noqa: F811
    with both.app_context():
        take(EMAIL, {"k-1", "k-2"}, test_key="fx-kss-mock")
    auth.sign_in(EMAIL)
    clock.now = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    kss = _text(client.get("/tests/history"))
    assert "Each statement across your timed mocks: Fixture KSS" in kss and "K3 Third statement" in kss
    ecs = _text(client.get("/tests/history", query_string={"framework": "fx-ecs"}))
    assert "Each statement across your timed mocks: Fixture early career standards" in ecs
    assert "E2.1 Third outcome" in ecs and "K3 Third statement" not in ecs
    page = client.get("/tests/history", query_string={"framework": "fx-ecs"}).get_data(as_text=True)
    assert '<input type="hidden" name="framework" value="fx-ecs">' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    started = client.post("/tests/practice/weakest", data={"csrf_token": token, "framework": "fx-ecs"})
    assert started.status_code == 302
    check_page(client.get(started.headers["Location"]))
    with both.app_context():
        practice = db.session.scalar(select(Attempt).where(Attempt.mode == "practice"))
        # (questions answered before are due for review first: spaced practice, issue 19)
        assert "E2.1 Third outcome" in practice.title and "K3" not in practice.title
