"""The app keeps Flask's answer to "is this hook or view a coroutine function?" per function
(quizapp.app._remember_which_functions_are_sync): the answer is Flask's, asked once."""

from __future__ import annotations

import inspect

from flask import Flask


def test_a_function_is_asked_about_once_and_gets_flasks_answer(app, monkeypatch):
    asked: list[object] = []
    real = inspect.iscoroutinefunction

    def counting(func: object) -> bool:
        asked.append(func)
        return real(func)

    monkeypatch.setattr("flask.app.iscoroutinefunction", counting)

    def plain() -> str:
        return "plain"

    async def coroutine() -> str:
        return "coroutine"

    for _ in range(3):
        assert app.ensure_sync(plain) is plain
    assert asked.count(plain) == 1
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("made sync", func))  # (Flask's needs asgiref)
    assert app.ensure_sync(coroutine) == ("made sync", coroutine)
    assert app.ensure_sync(coroutine) == ("made sync", coroutine) and asked.count(coroutine) == 1
    assert Flask.ensure_sync(app, plain) is plain


def test_requests_ask_nothing_once_every_hook_has_been_seen(app, client, monkeypatch):
    assert client.get("/healthz").status_code == 200
    asked: list[object] = []
    monkeypatch.setattr("flask.app.iscoroutinefunction", lambda func: asked.append(func) or False)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert asked == []
