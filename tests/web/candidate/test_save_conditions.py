"""answers.save_answer decides in the database, at the moment of writing, whether a save may be
stored: a save reads its question before it writes (the form save in an earlier transaction; on
PostgreSQL, which reads committed data statement by statement, the autosave in an earlier
statement), so whatever happened in between (a submit, another save, a practice answer) must
still be respected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.services import answers, attempts
from quizapp.data.db import make_sessionmaker
from quizapp.web.extensions import db
from quizapp.data.models import Attempt, AttemptQuestion, Ending

from tests.web.candidate.conftest import answer_form, autosave, single_question, stored_response
from tests.web.candidate.test_journey import start


def _read(app, attempt_id: int, position: int):
    """The attempt and question as a request read them, in a session left open (a stale copy)."""
    session = make_sessionmaker(db.engine)()
    question = session.scalar(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == position)
    )
    question.item_version  # noqa: B018 -- loaded now, as the view does
    question.attempt  # noqa: B018
    session.commit()  # the read transaction ends, as begin_writing ends it
    return session, question


def test_a_save_after_the_attempt_ended_elsewhere_is_refused_and_not_written(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    with app.app_context():
        session, question = _read(app, attempt_id, info.position)
        # Meanwhile the candidate's submit, in another worker, ends the attempt.
        attempts.finish(db.session, db.session.get(Attempt, attempt_id), clock(), Ending.SUBMITTED)
        db.session.commit()
        assert question.attempt.ended_at is None  # the save's copy does not know
        outcome = answers.save_answer(session, question.attempt, question, [info.correct[0]], 5, clock(), 10.0)
        session.commit()
        session.close()
        assert outcome.status == "closed" and not outcome.ok
        assert stored_response(attempt_id, info.position) is None


@pytest.mark.parametrize(("stored_seq", "saved_seq", "status", "kept_seq"), [
    (3, 7, "saved", 7),
    (7, 3, "stale", 7),
    (7, 7, "stale", 7),
])
def test_the_higher_sequence_number_wins_whatever_was_read(client, auth, fx, app, clock, stored_seq, saved_seq, status, kept_seq):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    with app.app_context():
        session, question = _read(app, attempt_id, info.position)
        other = db.session.get(AttemptQuestion, question.id)
        first = answers.save_answer(db.session, other.attempt, other, [info.correct[0]], stored_seq, clock(), 10.0)
        db.session.commit()
        assert first.status == "saved"
        outcome = answers.save_answer(session, question.attempt, question, [info.correct[0]], saved_seq, clock(), 10.0)
        session.commit()
        session.close()
        assert outcome.status == status and outcome.ok
        db.session.expire_all()
        assert stored_response(attempt_id, info.position).seq == kept_seq


def test_a_practice_answer_given_meanwhile_stays_final(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = single_question(app, attempt_id)
    right, wrong = [info.correct[0]], [next(i for i in range(info.n) if i not in info.correct)]
    with app.app_context():
        session, question = _read(app, attempt_id, info.position)
        other = db.session.get(AttemptQuestion, question.id)
        # Save and continue: the candidate asks for feedback, which makes the answer final.
        assert answers.save_answer(db.session, other.attempt, other, wrong, 1, clock(), 10.0, explicit=True,
                                    final=True).status == "saved"
        db.session.commit()
        outcome = answers.save_answer(session, question.attempt, question, right, 2, clock(), 10.0)
        session.commit()
        session.close()
        assert outcome.status == "locked"
        db.session.expire_all()
        assert stored_response(attempt_id, info.position).answer == wrong


def test_an_explicit_save_overwrites_but_keeps_the_highest_sequence_number(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    other_option = next(i for i in range(info.n) if i not in info.correct)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        question = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id,
                                                                   AttemptQuestion.position == info.position))
        answers.save_answer(db.session, attempt, question, [info.correct[0]], 9, clock(), 10.0)
        db.session.commit()
        outcome = answers.save_answer(db.session, attempt, question, [other_option], 2, clock() + timedelta(seconds=1), 10.0,
                                       explicit=True)
        db.session.commit()
        assert outcome.status == "saved"
        db.session.expire_all()
        stored = stored_response(attempt_id, info.position)
        assert stored.answer == [other_option] and stored.seq == 9


def _autosave(client, app, seq: int):
    """Start a timed mock as the signed-in candidate and autosave a right answer to a single-choice question."""
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    reply = autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": str(seq)})
    return attempt_id, info, reply


def test_autosave_through_the_view_stores_the_answer(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, info, reply = _autosave(client, app, seq=4)
    assert reply.status_code == 200 and reply.get_json()["status"] == "saved"
    with app.app_context():
        stored = stored_response(attempt_id, info.position)
        assert stored.answer == [info.correct[0]] and stored.seq == 4
        assert stored.saved_at == clock()


def test_autosave_neither_reads_nor_sends_the_session_cookie(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, info, saved = _autosave(client, app, seq=1)
    assert saved.get_json()["status"] == "saved"
    assert "Set-Cookie" not in saved.headers  # no cookie signed and sent per save
    page = client.get(f"/tests/attempts/{attempt_id}/questions/{info.position}")
    assert page.status_code == 200 and page.headers["Set-Cookie"].startswith("session=")  # page views renew it


def test_a_cached_autosave_target_is_refused_once_the_attempt_ended(client, auth, fx, app, clock):
    """The autosave's cache still says "not ended" after a submit; the write itself refuses."""
    auth.as_role("candidate")
    attempt_id, _ = start(client)
    info = single_question(app, attempt_id)
    assert autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": "1"}).status_code == 200
    cached = app.extensions["quizapp_autosave_targets"].get(attempt_id, info.position)
    assert cached is not None and cached[1].ended_at is None
    client.get(f"/tests/attempts/{attempt_id}/submit")
    assert client.post(f"/tests/attempts/{attempt_id}/submit").status_code == 302
    reply = autosave(client, app, attempt_id, info.position, {**answer_form(info, right=False), "seq": "2"})
    assert reply.status_code == 409 and reply.get_json()["status"] == "closed"
    with app.app_context():
        assert stored_response(attempt_id, info.position).seq == 1


def _target(question_id: int, options: list) -> answers.SaveTarget:
    return answers.SaveTarget(1, question_id, "timed", None, None, "single", options, [0, 1])


def test_the_autosave_cache_is_bounded_and_shares_options_per_item_version():
    cache = answers.AutosaveTargets(max_entries=2)
    owner = answers.AttemptOwner(7, "candidate", "token")
    cache.put(1, 1, owner, _target(11, [{"text": "a"}, {"text": "b"}]), version_id=5)
    cache.put(1, 2, owner, _target(12, [{"text": "a"}, {"text": "b"}]), version_id=5)
    assert cache.get(1, 1)[1].options is cache.get(1, 2)[1].options  # one copy per item version
    cache.put(1, 3, owner, _target(13, [{"text": "c"}]), version_id=6)
    assert len(cache) == 2 and cache.get(1, 1) is None  # the oldest went first
    assert cache.get(1, 3)[1].question_id == 13
    cache.forget(1, 3)
    assert cache.get(1, 3) is None and len(cache) == 1
