"""templates/govuk_page.html is GOV.UK Frontend Jinja's page template (govuk_frontend_jinja/template.html)
trimmed to what templates/base.html uses (a speed-up of every page): every kind of page must be
the same HTML through it as through the upstream template."""

from __future__ import annotations

import re

import pytest
from jinja2 import ChoiceLoader, DictLoader

from tests.web.candidate.conftest import clock  # noqa: F401 (a fixture: the timer stands still)


def _without_request_tokens(html: str) -> str:
    """What differs between two renders of one page by design: the CSP nonce, the CSRF and save tokens."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r'data-save-token="[^"]*"', 'data-save-token=""', html)


def test_every_kind_of_page_is_the_same_html_as_through_the_upstream_template(imported, client, auth, clock):
    app = imported
    env = app.jinja_env
    ours = env.loader
    upstream_source, _, _ = ours.get_source(env, "govuk_frontend_jinja/template.html")
    upstream = ChoiceLoader([DictLoader({"govuk_page.html": upstream_source}), ours])
    compared: list[str] = []

    def same_both_ways(name: str, request) -> object:  # type: ignore[no-untyped-def]
        """Each page requested twice, through each template (the second time changes nothing)."""
        pages = []
        for loader in (ours, upstream):
            env.loader = loader
            env.cache.clear()
            try:
                reply = request()
            finally:
                env.loader = ours
                env.cache.clear()
            pages.append(f"{reply.status_code} {_without_request_tokens(reply.get_data(as_text=True))}")
        assert pages[0] == pages[1], name
        compared.append(name)
        return reply

    # Pages of every kind: signed out, a form with errors, each role's home, the question page
    # (timer, cached fragments), a flashed message, error pages.
    same_both_ways("sign-in", lambda: client.get("/sign-in"))
    same_both_ways("sign-in with errors", lambda: client.post("/sign-in", data={"email": "", "password": ""}))
    same_both_ways("not found, signed out", lambda: client.get("/no-such-page"))
    auth.as_role("candidate")
    same_both_ways("candidate home", lambda: client.get("/tests/"))
    started = client.post("/tests/practitioner-mock-a/start", data={"mode": "timed"})
    question = same_both_ways("question", lambda: client.get(started.headers["Location"]))
    assert "govuk-template__body" in question.get_data(as_text=True)
    same_both_ways("not found, signed in", lambda: client.get("/no-such-page"))
    client.post(started.headers["Location"].replace("/questions/1", "/submit"), data={"reason": "submit"})
    same_both_ways("result", lambda: client.get(started.headers["Location"].replace("/questions/1", "/result")))
    for role in ("trainer", "employer", "admin"):
        auth.sign_out()
        auth.as_role(role)
        same_both_ways(f"{role} home", lambda: client.get("/home", follow_redirects=True))
    assert len(compared) == 10
