"""Hostile content is inert everywhere it is shown, the validator survives arbitrary structures,
and forms keep working for as long as a test page can be open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from quizapp.banks.validate import load_bank_set
from quizapp.web.extensions import db
from quizapp.data.models import (
    Framework,
    ItemVersion,
    Organisation,
    Scenario,
    Statement,
    TestForm,
    User,
)

from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.helpers import PASSWORD

PAYLOADS = [
    "<script>alert('pwned')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '"><svg onload=alert(1)>',
]
HOSTILE = " ".join(PAYLOADS)


def assert_inert(html: str, where: str) -> None:
    assert "<script>alert" not in html, where
    assert "<img src=x" not in html and "<svg onload" not in html, where
    assert not re.search(r"""href=["']?\s*javascript:""", html, re.I), where
    assert not re.search(r"<[^>]+\son(error|load)=", html, re.I), where


@pytest.fixture
def hostile(app, runner, users):
    """The fixture banks with hostile text planted straight into the database (the validator
    would refuse it in YAML), and hostile names for people and organisations."""
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    with app.app_context():
        for version in db.session.scalars(select(ItemVersion)):
            version.stem = f"Question {HOSTILE}"
            version.options = [{**o, "text": f"{o['text']} {HOSTILE}", "feedback": HOSTILE} for o in version.options]
            version.rationale = HOSTILE
            version.references = [HOSTILE]
            if version.scenario_text is not None:
                version.scenario_title = HOSTILE
                version.scenario_text = HOSTILE
        db.session.execute(update(Statement).values(title=HOSTILE, summary=HOSTILE,
                                                    resources=[{"title": HOSTILE, "url": "javascript:alert(1)"}]))
        db.session.execute(update(TestForm).values(title=f"Mock {HOSTILE}", description=HOSTILE))
        db.session.execute(update(Framework).values(title=HOSTILE))
        db.session.execute(update(Scenario).values(title=HOSTILE, text=HOSTILE))
        db.session.execute(update(User).values(name=HOSTILE))
        for organisation in db.session.scalars(select(Organisation)):
            organisation.name = f"Org {organisation.id} {HOSTILE}"
        db.session.commit()
    return app


def test_hostile_content_is_inert_on_every_page(hostile, client, auth):
    auth.as_role("candidate")
    pages = ["/tests/", "/tests/fx-mock"]
    start = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt = start.headers["Location"].split("/questions/")[0]
    pages += [f"{attempt}/questions/{n}" for n in range(1, 7)] + [f"{attempt}/check", f"{attempt}/submit"]
    for page in pages:
        assert_inert(client.get(page).get_data(as_text=True), page)
    client.post(f"{attempt}/submit")
    for page in (f"{attempt}/result", "/tests/history"):
        html = client.get(page).get_data(as_text=True)
        assert_inert(html, page)
        assert "&lt;script&gt;" in html  # shown as text, not dropped silently
    for role, page in [("trainer", "/trainer/"), ("employer", "/employer/"), ("admin", "/admin/")]:
        auth.sign_out()
        auth.as_role(role)
        assert_inert(client.get(page).get_data(as_text=True), page)


def test_hostile_name_at_sign_up_is_shown_as_text(client):
    client.post("/sign-up", data={"name": PAYLOADS[0], "email": "h@example.org", "password": PASSWORD, "confirm": PASSWORD})
    client.post("/sign-in", data={"email": "h@example.org", "password": PASSWORD})
    html = client.get("/tests/").get_data(as_text=True)
    assert_inert(html, "home")
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in html


# -- the validator against arbitrary structures ------------------------------------------------

KEYS = ["framework", "bank", "test", "items", "scenarios", "id", "type", "section", "statements", "stem", "options",
        "text", "correct", "feedback", "rationale", "draw", "count", "sections", "bands", "title", "level", "code"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(["single", "multiple", "ordering", "knowledge", "P1", "<b>x</b>", "kss"]))
structures = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6)),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(documents=st.lists(st.dictionaries(st.sampled_from(KEYS), structures, min_size=1, max_size=6), min_size=1, max_size=3))
def test_arbitrary_yaml_structures_give_problems_never_crashes(tmp_path, documents):
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for n, document in enumerate(documents):
        (folder / f"f{n}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    result = load_bank_set([folder])
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


# -- forms stay valid for as long as a test page can be open ------------------------------------


def test_a_test_pages_form_is_still_accepted_hours_later(app_config, tmp_path, monkeypatch, users):
    """The longest attempt (the diagnostic forms run up to about 1.5 hours, doubled by extra time,
    plus grace) must not outlive the form's CSRF token."""
    import itsdangerous

    from quizapp import create_app

    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    real = itsdangerous.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp",
                        lambda self: real(self) + int(timedelta(hours=5).total_seconds()))
    response = client.post("/sign-in", data={"csrf_token": token, "email": users["candidate"]["email"], "password": PASSWORD})
    assert response.status_code == 302


def test_signing_in_again_after_the_session_expired_returns_to_the_attempt(app, client, auth, runner):
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    auth.as_role("candidate")
    start = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    attempt = start.headers["Location"].split("/questions/")[0]
    client.post(f"{attempt}/questions/1", data={"action": "save"})
    client.delete_cookie("session")  # the session cookie expired
    assert client.get(f"{attempt}/questions/2").status_code == 302
    auth.as_role("candidate")
    again = client.post("/tests/fx-mock/start", data={"mode": "timed"})
    assert again.headers["Location"].split("/questions/")[0] == attempt
