"""The answer autosave: the request a question page's script sends each time the candidate
changes their choice, the app's busiest by far (docs/performance.md).

One rule, `save`, served two ways:
- `autosave`, the Flask view at `candidate.autosave` (whose URL the question page is given), and
- `FastPath`, a WSGI layer in front of Flask that answers the script's ordinary request to that
  URL (a POST with a short urlencoded body) without Flask's request machinery: no request or
  response objects, URL matching, hooks or app context. That machinery cost a save about as
  much as the save itself (bench/bench_save_inprocess.py). Anything else sent to the URL (a
  multipart or long body, no length, another method) goes on to Flask and the view.
Both give the same replies, headers included (tests/web/candidate/test_autosave_paths.py); the
setting AUTOSAVE_FAST_PATH (QUIZAPP_AUTOSAVE_FAST_PATH=0) turns the fast path off.

Authentication is the question page's save token (quizapp.domain.save_tokens), not the cookie
session: no token, a wrong one or an expired one is 401, whether or not the attempt exists. The
answer is written by one conditional upsert that the database refuses if the attempt ended
meanwhile or its owner is no longer that candidate with that session token
(answers.store_answer). Every reply is JSON with a `status` the script acts on; an unexpected
error is a 500 without one, which the script retries (with back-off) as it does a lost network.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, current_app, jsonify, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from quizapp.data.db import single_write, sqlite_begin
from quizapp.data.models._types import utcnow
from quizapp.domain import question_types, save_tokens, timing
from quizapp.services import answers
from ..auth_session import sessionless
from ..security_headers import response_headers
from ..templating import clock_time_seconds
from ..url_converters import MAX_ID
from . import bp

SIGNED_OUT_MESSAGE = ("You have been signed out, so this answer has not been saved. Answers saved before are kept: "
                      "sign in again to go on with your test.")
CHANGED_ELSEWHERE_MESSAGE = ("Your answer to this question was changed in another window or tab, so the answer you "
                             "chose here was not saved. This page now shows the saved answer: change it if you want to.")
NOT_FOUND_MESSAGE = "This question could not be found"
ERROR_MESSAGE = "Your answer could not be saved just now. It will be tried again."

# The script's body is a few fields; a longer one goes through Werkzeug's form parser and its limits.
BODY_LIMIT = 4096


@dataclass(frozen=True)
class Reply:
    code: int
    body: dict[str, Any]


def save(app: Flask, attempt_id: int, position: int, token: str, form: MultiDict[str, str],
         result_url: Callable[[int], str]) -> Reply:
    """Save the choice in `form` (the question page's fields and its `seq`) to question
    `position` of attempt `attempt_id`, if `token` lets its bearer; always with the server's
    remaining time, so the page's countdown re-syncs on every save. Needs no app context."""
    clock = app.config.get("CLOCK")
    now = clock() if clock is not None else utcnow()
    sqlite_begin.set("IMMEDIATE")  # a write (a GET earlier on this thread may have left DEFERRED)
    targets: answers.AutosaveTargets = app.extensions["quizapp_autosave_targets"]
    with single_write(app.extensions["quizapp_db"].single_write_engine) as connection:
        found = _save_target(connection, targets, _token_secrets(app), attempt_id, position, token, now)
        if found is None:
            return _signed_out()
        owner, target = found
        if target is None:
            return Reply(404, {"status": "not-found", "message": NOT_FOUND_MESSAGE})
        remaining = timing.remaining_seconds(target.deadline_at, now)
        seq = answers.parse_seq(form.get("seq"))
        if seq is None:
            return Reply(400, {"status": "invalid", "message": answers.BAD_SEQ_MESSAGE, "remaining_seconds": remaining})
        qtype = question_types.of(target.item_type)
        choice, problem = qtype.read_form(form, target.option_order, target.options)
        if choice is None:
            return Reply(200, {"status": "invalid", "message": problem or "", "remaining_seconds": remaining})
        # Always a draft in practice (final only when the candidate asks for feedback); an
        # incomplete choice is kept but is not an answer ("complete": false says so).
        outcome = answers.store_answer(connection, target, choice.answer, seq, now,
                                       float(app.config["SAVE_GRACE_SECONDS"]), owner=owner, complete=choice.complete)
    if outcome.status == "signed-out":
        targets.forget(attempt_id, position)
        return _signed_out()
    if outcome.status == "closed":
        return Reply(409, {"status": "closed", "message": outcome.message, "remaining_seconds": 0,
                           "result_url": result_url(attempt_id)})
    if outcome.status == "stale" and outcome.stored is not None:
        return _stale(outcome.stored, choice.answer, qtype, target, remaining)
    code = 200 if outcome.ok or outcome.status in ("invalid", "locked") else 409
    message = outcome.message or (f"Not answered yet. {choice.missing}" if not choice.complete and not choice.empty else "")
    return Reply(code, {"status": outcome.status, "message": message, "remaining_seconds": remaining,
                        "complete": choice.complete, **_saved_at(now)})


def _token_secrets(app: Flask) -> list[str | bytes]:
    return [app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ())]  # type: ignore[list-item]


def _save_target(connection: Any, targets: answers.AutosaveTargets, token_secrets: list[str | bytes],
                 attempt_id: int, position: int, token: str,
                 now: datetime) -> tuple[answers.AttemptOwner, answers.SaveTarget | None] | None:
    """The attempt's owner and the question to save to, if `token` lets its bearer save to
    this attempt (else None). Taken from this process's cache of earlier reads
    (answers.AutosaveTargets) when it can be: a save to a question saved to before then runs
    one statement, not two (the read costs about 0.12 ms, the cache lookup 0.1 µs). The cache's
    owner is only a hint: a token it refuses is checked again against a fresh read (a new
    session token, a changed role), and the upsert itself re-checks the owner in the database."""

    def may_save(owner: answers.AttemptOwner) -> bool:
        return owner.role == "candidate" and save_tokens.verify(
            token_secrets, token, attempt_id, owner.user_id, owner.session_token, now.timestamp())

    cached = targets.get(attempt_id, position)
    if cached is not None and may_save(cached[0]):
        return cached
    found = answers.autosave_target(connection, attempt_id, position, targets)
    return found if found is not None and may_save(found[0]) else None


def _signed_out() -> Reply:
    return Reply(401, {"status": "signed-out", "message": SIGNED_OUT_MESSAGE})


def _stale(stored: answers.StoredAnswer, answer: list[int], qtype: question_types.QuestionType,
           target: answers.SaveTarget, remaining: float | None) -> Reply:
    """A save refused because the question holds a newer one (another tab's, or this page's own
    save repeated after its answer was lost): what the question holds, as form fields for the
    page to show, with its sequence number for the page's next save. `changed` says whether it
    differs from what this page sent."""
    changed = list(stored.answer) != list(answer)  # both as read_form gives them (choices sorted)
    return Reply(200, {"status": "stale", "changed": changed, "message": CHANGED_ELSEWHERE_MESSAGE if changed else "",
                       "answer": qtype.form_fields(stored.answer, target.option_order, stored.complete),
                       "seq": stored.seq, "complete": stored.complete, "remaining_seconds": remaining,
                       **_saved_at(stored.saved_at)})


def _saved_at(when: datetime) -> dict[str, str]:
    """When an answer was saved, as the server's instant and as the page says it (UK time)."""
    return {"saved_at": when.isoformat(), "saved_at_text": f"Saved at {clock_time_seconds(when)}"}


def is_short_form(mimetype: str, length: int | None) -> bool:
    """Whether a body is what the page's script sends: urlencoded, its length given and short."""
    return mimetype == "application/x-www-form-urlencoded" and length is not None and length <= BODY_LIMIT


def read_short_form(body: bytes) -> MultiDict[str, str]:
    """The script's urlencoded body as form fields (`parse_qsl` reads it in about 0.03 ms where
    Werkzeug's streaming form parser takes 0.07); a body that is not one is no fields at all
    (and so no answer)."""
    try:
        return MultiDict(parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=100))
    except (UnicodeDecodeError, ValueError):
        return MultiDict()


# -- the Flask view --


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>/autosave", methods=["POST"])
@sessionless
def autosave(attempt_id: int, position: int) -> Response:
    """The autosave through Flask: what FastPath leaves (or all of it, with the fast path off)."""
    if is_short_form(request.mimetype, request.content_length):
        form = read_short_form(request.get_data(cache=False))
    else:
        form = request.form
    reply = save(current_app._get_current_object(), attempt_id, position,  # type: ignore[attr-defined]
                 request.headers.get(save_tokens.HEADER, ""), form,
                 lambda attempt: url_for(".result", attempt_id=attempt))
    response = jsonify(reply.body)
    response.status_code = reply.code
    return response


# -- the fast path --


class FastPath:
    """WSGI middleware answering the script's autosave without Flask (see the module's doc).

    It takes a request only if it is a POST to the autosave's URL exactly as Flask would match
    it, with a urlencoded body whose length is given and at most BODY_LIMIT; it reads the body,
    calls `save`, and writes the reply as the Flask view and the app's after-request hooks would
    (JSON, the security headers, Server-Timing). Everything else goes to `wsgi_app` untouched."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        rule = next(rule for rule in app.url_map.iter_rules("candidate.autosave"))
        # "/tests/attempts/<int:attempt_id>/questions/<int:position>/autosave" -> a regular expression.
        # Numbers larger than any id (url_converters.MAX_ID) go to Flask, which says 404.
        parts = re.split(r"<int:\w+>", rule.rule)
        pattern = "([0-9]{1,10})".join(re.escape(part) for part in parts)
        self.url = re.compile(pattern)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and self.app.config.get("AUTOSAVE_FAST_PATH", True):
            match = self.url.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                attempt_id, position = int(match[1]), int(match[2])
                length_text = environ.get("CONTENT_LENGTH", "")
                length = int(length_text) if length_text.isdigit() else None
                mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
                if attempt_id <= MAX_ID and position <= MAX_ID and is_short_form(mimetype, length):
                    return self._serve(environ, start_response, attempt_id, position, length)  # type: ignore[arg-type]
        return self.wsgi_app(environ, start_response)

    def _serve(self, environ: dict[str, Any], start_response: Callable[..., Any], attempt_id: int, position: int,
               length: int) -> Iterable[bytes]:
        started = time.perf_counter()
        try:
            body = environ["wsgi.input"].read(length) if length else b""
            if len(body) != length:  # the client went away mid-body
                reply = Reply(400, {"message": "The request ended early."})
            else:
                reply = save(self.app, attempt_id, position, environ.get("HTTP_X_SAVE_TOKEN", ""),
                             read_short_form(body), lambda attempt: self._result_url(environ, attempt))
        except Exception:  # as Flask's error handler: logged, and a reply the script retries
            self.app.logger.exception("Unhandled error in the answer autosave")
            reply = Reply(500, {"message": ERROR_MESSAGE})
        payload = (self.app.json.dumps(reply.body, separators=(",", ":")) + "\n").encode()  # as jsonify writes it
        secure = environ.get("wsgi.url_scheme") == "https" or bool(self.app.config.get("SESSION_COOKIE_SECURE"))
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
                   ("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}"),
                   *response_headers(secrets.token_urlsafe(16), (), secure, html=False)]
        start_response(f"{reply.code} {HTTP_STATUS_CODES[reply.code].upper()}", headers)  # as Werkzeug says it
        return [payload]

    def _result_url(self, environ: dict[str, Any], attempt_id: int) -> str:
        adapter = self.app.url_map.bind_to_environ(environ, server_name=self.app.config.get("SERVER_NAME"))
        return adapter.build("candidate.result", {"attempt_id": attempt_id})


def install(app: Flask) -> None:
    """Put the fast path in front of the app (before any proxy fix, which must see requests first)."""
    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
