"""The save's sequence number (`seq`) is the client's: bad values get a clear answer (JSON from
the autosave, a message on the page from the form) and change nothing, and no value a client
sends can stop a later save from a freshly loaded page from being stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from quizapp.services.answers import MAX_CLIENT_SEQ
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of

from tests.web.candidate.conftest import (
    answer_form,
    autosave,
    questions_of,
    save_token,
    single_question,
    stored_response,
)
from tests.web.candidate.test_journey import qurl, start

HUGE = [2**63, 2**63 + 5, 2**64, 10**30, 2**53]
BAD = [*map(str, HUGE), "-1", "1.5", "1e9", "seven", "٣"]


def _stored(app, attempt_id: int, position: int):
    with app.app_context():
        db.session.expire_all()
        response = stored_response(attempt_id, position)
        return None if response is None else (list(response.answer), response.seq)


def _wrong(info) -> dict[str, object]:
    return answer_form(info, right=False)


@pytest.mark.parametrize("seq", BAD)
def test_the_autosave_refuses_a_bad_seq_with_json_and_changes_nothing(client, auth, fx, app, seq):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    assert autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": "1"}).status_code == 200
    before = _stored(app, attempt_id, info.position)
    reply = autosave(client, app, attempt_id, info.position, {**_wrong(info), "seq": seq})
    assert reply.status_code == 400 and reply.is_json, reply.get_data(as_text=True)[:300]
    body = reply.get_json()
    assert body["status"] == "invalid" and "reload" in body["message"].lower()
    assert _stored(app, attempt_id, info.position) == before


@pytest.mark.parametrize("seq", BAD)
def test_the_form_save_refuses_a_bad_seq_with_a_message_and_changes_nothing(client, auth, fx, app, seq):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    client.post(qurl(attempt_id, info.position), data={**answer_form(info), "seq": "1", "action": "flag"})
    before = _stored(app, attempt_id, info.position)
    response = client.post(qurl(attempt_id, info.position), data={**_wrong(info), "seq": seq, "action": "save"})
    check_page(response, status=400)
    assert "reload" in text_of(response).lower()
    assert _stored(app, attempt_id, info.position) == before


def _page_seq(client, attempt_id: int, position: int) -> int:
    html = client.get(qurl(attempt_id, position)).get_data(as_text=True)
    return int(re.search(r'name="seq" value="(\d+)"', html).group(1))


@pytest.mark.parametrize("highest", [2**31 - 1, 2**53 - 1, 2**63 - 1])
def test_no_seq_wedges_the_question_for_a_fresh_page(client, auth, fx, app, highest):
    """Whatever seq a client sent (the highest accepted, or one refused), a page loaded afterwards
    still saves (with the script, which counts on from the page's seq, and without), and older
    saves stay stale."""
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    reply = autosave(client, app, attempt_id, info.position, {**_wrong(info), "seq": str(highest)})
    if highest > MAX_CLIENT_SEQ:
        assert reply.status_code == 400
    else:
        assert reply.get_json()["status"] == "saved"
        older = autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": str(highest - 3)})
        assert older.get_json()["status"] == "stale"
    fresh = _page_seq(client, attempt_id, info.position)
    reply = autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": str(fresh + 1)})
    assert reply.get_json()["status"] == "saved", reply.get_json()
    assert _stored(app, attempt_id, info.position)[0] == [info.correct[0]]
    fresh = _page_seq(client, attempt_id, info.position)
    saved = client.post(qurl(attempt_id, info.position), data={**_wrong(info), "seq": str(fresh), "action": "save"})
    assert saved.status_code == 302
    assert _stored(app, attempt_id, info.position)[0] != [info.correct[0]]
    fresh = _page_seq(client, attempt_id, info.position)
    assert autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": str(fresh)}).get_json()["status"] == "saved"


@pytest.mark.parametrize(("mode", "kind", "complete"), [
    ("timed", "single", True), ("timed", "multiple", False), ("practice", "single", True), ("practice", "multiple", False),
])
def test_a_cached_autosave_is_one_sql_statement_whatever_it_saves(client, auth, fx, app, mode, kind, complete):
    """The autosave is the hot path: a draft, an incomplete choice and a bounded seq add no
    statement to its one conditional upsert (BEGIN and COMMIT aside)."""

    auth.as_role("candidate")
    attempt_id, _ = start(client, mode=mode)
    info = next(i for i in questions_of(app, attempt_id) if i.type == kind)
    shown = {a: d for d, a in enumerate(info.option_order)}
    form = answer_form(info) if complete else {"answer": [str(shown[info.correct[0]])]}
    assert autosave(client, app, attempt_id, info.position, {**form, "seq": "1"}).get_json()["status"] == "saved"
    statements: list[str] = []
    with app.app_context():
        engine = db.single_write_engine
    token = save_token(app, attempt_id)  # read before counting: the page has it
    listener = lambda conn, cursor, sql, *rest: statements.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        reply = client.post(qurl(attempt_id, info.position, "/autosave"), data={**form, "seq": str(2**32 + 2)},  # kept as 2
                            headers={"X-Save-Token": token})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert reply.get_json()["status"] == "saved" and reply.get_json()["complete"] is complete
    work = [sql for sql in statements if sql.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert len(work) == 1 and work[0].lstrip().upper().startswith("INSERT"), statements
