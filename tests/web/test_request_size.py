"""A request larger than QUIZAPP_MAX_REQUEST_BYTES gets the service's own 413 page, which says the
limits in words (the trainer's upload: 2 MiB a file, 20 files, the request limit), never a
generic page or a stack trace, and changes nothing that was saved."""

from __future__ import annotations

import io
import re

import pytest

from quizapp import create_app

from tests.web.candidate.conftest import FIXTURE_BANKS, single_question, stored_response
from tests.helpers import check_page, text_of

MiB = 1024 * 1024


def _big_upload(size: int) -> dict:
    return {"files": (io.BytesIO(b"# padding\n" * (size // 10)), "huge.yaml")}


@pytest.fixture(params=[False, True], ids=["no-csrf", "csrf"])
def app_with_forms(request, app_config, tmp_path, monkeypatch):
    """With the CSRF check on, the form is read (and the size refused) before the view runs."""
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": request.param})
    yield app
    app.extensions["quizapp_db"].dispose()


def _signed_in(app, users, who: str):
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    data = {"email": users[who]["email"], "password": users[who]["password"]}
    if token:
        data["csrf_token"] = token.group(1)
    assert client.post("/sign-in", data=data).status_code == 302
    return client


def test_a_50_mb_bank_upload_gets_our_page_with_the_limits(app_with_forms, users):
    client = _signed_in(app_with_forms, users, "trainer")
    page = client.post("/trainer/upload", data=_big_upload(50 * MiB), content_type="multipart/form-data")
    check_page(page, status=413, title="Your upload is too large")
    words = text_of(page)
    assert "Each bank file can be up to 2 MiB" in words
    assert "up to 20 files" in words
    assert "8 MiB in all" in words
    assert "Request Entity Too Large" not in words and "Traceback" not in words


def test_the_page_says_the_configured_request_limit(app_config, users, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZAPP_MAX_REQUEST_BYTES", str(3 * MiB + MiB // 2))
    app = create_app(app_config)
    client = _signed_in(app, users, "trainer")
    page = client.post("/trainer/upload", data=_big_upload(4 * MiB), content_type="multipart/form-data")
    check_page(page, status=413, title="Your upload is too large")
    assert "3.5 MiB in all" in text_of(page)


def test_an_over_size_candidate_form_gets_our_page_and_loses_nothing(app_with_forms, users):
    app = app_with_forms
    assert app.test_cli_runner().invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    client = _signed_in(app, users, "candidate")

    def token(path: str) -> dict:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True))
        return {"csrf_token": found.group(1)} if found else {}

    start = client.post("/tests/fx-mock/start", data={"mode": "timed", **token("/tests/fx-mock")})
    attempt_path = re.search(r"/tests/attempts/\d+", start.headers["Location"]).group(0)
    attempt_id = int(attempt_path.rsplit("/", 1)[1])
    position = single_question(app, attempt_id).position
    question = f"{attempt_path}/questions/{position}"
    saved = client.post(question, data={"answer": "0", "action": "save", **token(question)})
    assert saved.status_code == 302
    with app.app_context():
        before = stored_response(attempt_id, position).answer

    page = client.post(question, data={"answer": "1", "action": "save", "notes": "x" * (9 * MiB), **token(question)})
    check_page(page, status=413, title="What you sent is too large")
    words = text_of(page)
    assert "up to 8 MiB" in words and "Nothing you had saved before has been lost" in words
    assert "Traceback" not in words
    with app.app_context():
        assert stored_response(attempt_id, position).answer == before
