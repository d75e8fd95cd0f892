"""The answer autosave is served two ways (quizapp/web/candidate/autosave.py): in front of Flask
by `FastPath`, and by the Flask view. They give the same replies (status, JSON, headers) and
store the same answers; each request goes the way it should; and the fast path does for itself
what Flask's hooks did for the view (a write transaction, the security headers, errors)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from quizapp import create_app
from quizapp.data.db import sqlite_begin
from quizapp.services import answers
from quizapp.web.candidate.autosave import FastPath
from tests.web.candidate.conftest import answer_form, questions_of, save_token, stored_response
from tests.web.candidate.test_journey import qurl, start


@pytest.fixture
def flask_view_calls(app) -> list[int]:
    """How many requests the Flask view served (the fast path's never reach it)."""
    calls: list[int] = []
    view = app.view_functions["candidate.autosave"]

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return view(*args, **kwargs)

    counted.__dict__.update(view.__dict__)  # (it stays sessionless and CSRF-exempt)
    app.view_functions["candidate.autosave"] = counted
    return calls


class Sender:
    """Sends autosaves to one attempt as the page's script does (no cookies, the token header)."""

    def __init__(self, app, attempt_id: int) -> None:
        self.app, self.attempt_id = app, attempt_id
        self.questions = questions_of(app, attempt_id)
        self.sent_to: list = []  # the question of each request (None: no such question)

    def first(self, kind: str):  # type: ignore[no-untyped-def]
        """The same question of this `kind` in every attempt (whatever the attempt's order)."""
        return min((q for q in self.questions if q.type == kind), key=lambda q: q.stem)

    def __call__(self, data: dict | bytes, position: int | None = None, token: str | None = "good",
                 https: bool = False, content_type: str | None = None):  # type: ignore[no-untyped-def]
        position = position or self.first("single").position
        self.sent_to.append(next((q for q in self.questions if q.position == position), None))
        headers = {}
        if token is not None:
            headers["X-Save-Token"] = save_token(self.app, self.attempt_id) if token == "good" else token
        return self.app.test_client().post(
            qurl(self.attempt_id, position, "/autosave"), data=data,
            headers=headers, content_type=content_type, base_url="https://localhost" if https else "http://localhost")


def _saved(send, clock):  # type: ignore[no-untyped-def]
    return [send({**answer_form(send.first("single")), "seq": "1"})]


def _changed_in_another_tab(send, clock):  # type: ignore[no-untyped-def]
    info = send.first("single")
    return [send({**answer_form(info), "seq": "5"}), send({**answer_form(info, right=False), "seq": "3"})]


def _the_same_save_again(send, clock):  # type: ignore[no-untyped-def]
    info = send.first("single")
    return [send({**answer_form(info), "seq": "5"}), send({**answer_form(info), "seq": "5"})]


def _bad_sequence_numbers(send, clock):  # type: ignore[no-untyped-def]
    info = send.first("single")
    return [send({**answer_form(info), "seq": seq}) for seq in ("abc", str(2**63), "-1", "1.5")]


def _no_such_option(send, clock):  # type: ignore[no-untyped-def]
    return [send({"answer": "99", "seq": "1"}), send({"seq": "2"}), send({"answer": "", "seq": "3"})]


def _not_utf8(send, clock):  # type: ignore[no-untyped-def]
    return [send(b"answer=0&seq=1\xff", content_type="application/x-www-form-urlencoded")]


def _incomplete_select_three(send, clock):  # type: ignore[no-untyped-def]
    info = send.first("multiple")
    one = {"answer": [answer_form(info)["answer"][0]], "seq": "1"}
    p = info.position
    return [send(one, p), send({**answer_form(info), "seq": "2"}, p), send({**one, "seq": "1"}, p)]


def _half_an_order(send, clock):  # type: ignore[no-untyped-def]
    info = send.first("ordering")
    half = dict(list(answer_form(info).items())[:2])
    p = info.position
    return [send({**half, "seq": "1"}, p), send({**answer_form(info), "seq": "2"}, p), send({**half, "seq": "1"}, p)]


def _bad_tokens(send, clock):  # type: ignore[no-untyped-def]
    data = {**answer_form(send.first("single")), "seq": "1"}
    return [send(data, token=None), send(data, token=""), send(data, token=f"{9_999_999_999}.{'A' * 43}")]


def _no_such_question(send, clock):  # type: ignore[no-untyped-def]
    return [send({"answer": "0", "seq": "1"}, position=99)]


def _after_the_deadline(send, clock):  # type: ignore[no-untyped-def]
    clock.advance(hours=2)
    return [send({**answer_form(send.first("single")), "seq": "1"})]


def _over_https(send, clock):  # type: ignore[no-untyped-def]
    return [send({**answer_form(send.first("single")), "seq": "1"}, https=True)]


SCENARIOS: dict[str, Callable] = {name.strip("_"): f for name, f in list(globals().items()) if name.startswith("_")
                                  and callable(f) and f.__code__.co_varnames[:2] == ("send", "clock")}


def _reply(response, sender: Sender, info) -> tuple[int, dict, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A reply as comparable between two attempts: their ids and option orders are the
    attempts' own, so the result URL's id and the stale reply's answer (displayed positions)
    are put back in terms of the question as authored."""
    body = response.get_json()
    if "result_url" in body:
        body["result_url"] = body["result_url"].replace(f"/{sender.attempt_id}/", "/<attempt>/")
    if isinstance(body.get("answer"), dict):
        order = info.option_order
        body["answer"] = {
            (name if name == "answer" else f"authored-{order[int(name.removeprefix('position-'))]}"):
            (sorted(order[int(v)] for v in values) if name == "answer" else values)
            for name, values in body["answer"].items()}
    headers = {name: value for name, value in response.headers.items() if name not in ("Server-Timing", "Content-Length")}
    headers["Content-Security-Policy"] = re.sub(r"'nonce-[^']+'", "'nonce-*'", headers["Content-Security-Policy"])
    return response.status_code, body, headers


def _stored(app, sender: Sender) -> dict:
    """The stored answers by question (each attempt has its own order of questions)."""
    with app.app_context():
        out = {}
        for info in sender.questions:
            response = stored_response(sender.attempt_id, info.position)
            out[info.stem] = None if response is None else (response.answer, response.seq, response.complete)
        return out


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_both_paths_give_the_same_replies_and_store_the_same_answers(client, auth, fx, app, clock, flask_view_calls,
                                                                      scenario):
    through_flask, fast = (_fresh_attempt(app, client, auth, role) for role in ("candidate", "other_candidate"))
    began = clock.now
    results = {}
    for sender, fast_path in ((through_flask, False), (fast, True)):
        clock.now = began
        app.config["AUTOSAVE_FAST_PATH"] = fast_path
        calls_before = len(flask_view_calls)
        responses = SCENARIOS[scenario](sender, clock)
        assert len(flask_view_calls) - calls_before == (0 if fast_path else len(responses))
        assert all(r.is_json for r in responses)
        results[fast_path] = ([_reply(r, sender, q) for r, q in zip(responses, sender.sent_to)], _stored(app, sender))
    assert results[True] == results[False]


def _fresh_attempt(app, client, auth, role: str) -> Sender:  # type: ignore[no-untyped-def]
    """A new timed attempt of `role`'s (one candidate has one attempt of a test at a time)."""
    auth.sign_out()
    auth.as_role(role)
    return Sender(app, start(client)[0])


def test_the_fast_paths_json_is_byte_for_byte_flasks(client, auth, fx, app, clock):
    senders = [_fresh_attempt(app, client, auth, role) for role in ("candidate", "other_candidate")]
    bodies = []
    for fast_path, send in zip((False, True), senders):
        app.config["AUTOSAVE_FAST_PATH"] = fast_path
        bodies.append(_saved(send, clock)[0].get_data())
    assert bodies[0] == bodies[1] and bodies[1].endswith(b"}\n")


@pytest.mark.parametrize("how", ["multipart", "a long body", "no length"])
def test_what_the_fast_path_leaves_goes_through_flask_and_is_saved(client, auth, fx, app, flask_view_calls, how):
    auth.as_role("candidate")
    send = Sender(app, start(client)[0])
    info = send.first("single")
    data = {**answer_form(info), "seq": "1"}
    if how == "multipart":
        response = send(data, content_type="multipart/form-data")
    elif how == "a long body":
        response = send({**data, "padding": "x" * 5000})
    else:
        body = f"answer={data['answer']}&seq=1".encode()
        response = app.test_client().post(
            qurl(send.attempt_id, info.position, "/autosave"), environ_overrides={
                "wsgi.input": _Unsized(body), "CONTENT_LENGTH": "", "wsgi.input_terminated": True},
            content_type="application/x-www-form-urlencoded", headers={"X-Save-Token": save_token(app, send.attempt_id)})
    assert flask_view_calls == [1]
    assert response.status_code == 200 and response.get_json()["status"] == "saved"
    assert _stored(app, send)[info.stem] == ([info.correct[0]], 1, True)


class _Unsized:
    """A request body of unknown length (as a chunked upload arrives)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        out, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return out


@pytest.mark.parametrize(("path", "status"), [
    ("/tests/attempts/{a}/questions/1/autosave/", 404),
    ("/tests/attempts/{a}/questions/01/autosave", 200),  # Flask reads 01 as 1, and so does the fast path
    ("/tests/attempts/2147483648/questions/1/autosave", 404),  # beyond any row id: no such page
    ("/tests/attempts/99999999999999999999/questions/1/autosave", 404),
    ("/tests/attempts/{a}/questions/2147483648/autosave", 404),
])
def test_urls_the_fast_path_does_not_take_are_flasks(client, auth, fx, app, path, status):
    auth.as_role("candidate")
    send = Sender(app, start(client)[0])
    info = next(q for q in send.questions if q.position == 1)
    response = app.test_client().post(path.format(a=send.attempt_id), data={**answer_form(info), "seq": "1"},
                                      headers={"X-Save-Token": save_token(app, send.attempt_id)})
    assert response.status_code == status


@pytest.mark.parametrize("fast_path", [True, False])
def test_the_largest_id_is_an_attempt_nobody_has(client, auth, fx, app, fast_path):
    """(PostgreSQL's id columns hold up to 2**31 - 1: one more was "integer out of range", a 500.)"""
    app.config["AUTOSAVE_FAST_PATH"] = fast_path
    response = app.test_client().post("/tests/attempts/2147483647/questions/2147483647/autosave",
                                      data={"answer": "0", "seq": "1"}, headers={"X-Save-Token": "1.x"})
    assert response.status_code == 401 and response.get_json()["status"] == "signed-out"


def test_a_get_is_refused_as_flask_refuses_it(client, auth, fx, app):
    auth.as_role("candidate")
    send = Sender(app, start(client)[0])
    assert client.get(qurl(send.attempt_id, 1, "/autosave")).status_code == 405


def test_an_unexpected_error_is_logged_and_answered_so_the_script_tries_again(client, auth, fx, app, monkeypatch,
                                                                              caplog):
    """The script retries (with back-off) any reply without a `status`, as it does a lost network."""
    auth.as_role("candidate")
    send = Sender(app, start(client)[0])
    info = send.first("single")
    assert _saved(send, None)[0].get_json()["status"] == "saved"

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(answers, "store_answer", broken)
    with caplog.at_level(logging.ERROR):
        response = send({**answer_form(info, right=False), "seq": "2"})
    assert response.status_code == 500 and response.is_json
    assert "status" not in response.get_json() and "tried again" in response.get_json()["message"]
    assert response.headers["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response.headers
    assert "the disk is full" in caplog.text
    assert _stored(app, send)[info.stem] == ([info.correct[0]], 1, True)  # unchanged


def test_the_save_is_a_write_transaction_whatever_the_thread_did_before(client, auth, fx, app):
    """Flask's hook set BEGIN IMMEDIATE for every POST; a GET served earlier on the same worker
    thread leaves DEFERRED behind, and a deferred transaction that then writes can fail with
    "database is locked" under load. The fast path sets it itself."""
    engine = app.extensions["quizapp_db"].single_write_engine
    if engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    auth.as_role("candidate")
    send = Sender(app, start(client)[0])
    info = send.first("single")
    token = save_token(app, send.attempt_id)  # (reads, in this thread)
    modes: list[str] = []
    event.listen(engine, "begin", lambda connection: modes.append(sqlite_begin.get()))
    sqlite_begin.set("DEFERRED")
    assert send({**answer_form(info), "seq": "1"}, token=token).get_json()["status"] == "saved"
    assert modes == ["IMMEDIATE"]


def test_the_fast_path_sits_inside_any_proxy_fix(app_config, tmp_path, monkeypatch):
    """ProxyFix must see every request first (the address the sign-in limits count)."""
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1})
    try:
        assert isinstance(proxied.wsgi_app, ProxyFix) and isinstance(proxied.wsgi_app.app, FastPath)
    finally:
        proxied.extensions["quizapp_db"].dispose()
