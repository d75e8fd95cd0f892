"""The shared layout: the service's own header, no GOV.UK branding, error pages, headers."""

from __future__ import annotations

import re

import pytest

from quizapp import create_app
from tests.helpers import check_page, text_of


def test_layout_has_skip_link_service_header_and_no_govuk_branding(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    check_page(response)
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "Social work practice tests" in text_of(response)
    for forbidden in ("govuk-header__logotype", "GOV.UK", "govuk-crest", "govuk-icon", "Crown copyright", "GDS Transport"):
        assert forbidden not in html, forbidden
    assert 'lang="en-GB"' in html


def test_compiled_css_does_not_use_the_gds_transport_font(app):
    css = (app.static_folder and __import__("pathlib").Path(app.static_folder, "build", "app.css"))
    if not css or not css.exists():
        pytest.fail("assets not built: run `make assets`")
    text = css.read_text()
    assert "GDS Transport" not in text
    assert "govuk-template" in text  # it is the GOV.UK Frontend stylesheet


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [("/no-such-page", 404, "Page not found"), ("/admin/", 403, "You do not have permission to see this page")],
)
def test_error_pages_share_the_layout(client, auth, path, status, title):
    auth.as_role("candidate")
    response = client.get(path)
    check_page(response, status=status, title=title)
    assert "app-header" in response.get_data(as_text=True)


def test_500_page_hides_the_error(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    check_page(response, status=500, title="Sorry, there is a problem with the service")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_security_headers_and_script_nonces(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, "the page loads scripts"
    for attributes in scripts:
        assert f'nonce="{nonce}"' in attributes
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/sign-in").headers["Content-Security-Policy"] != csp  # a fresh nonce per response


def test_session_cookie_flags(client, auth):
    response = client.post("/sign-in", data={"email": auth.users["candidate"]["email"], "password": auth.users["candidate"]["password"]})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_and_hsts_in_production(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZAPP_SECURE_COOKIES", "1")
    app = create_app(app_config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "Strict-Transport-Security" in app.test_client().get("/").headers
