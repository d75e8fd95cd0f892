"""Practice mode: an answer is final only when the candidate asks for its feedback (Save and
continue). Until then it is a draft they can change, with JavaScript (the autosave) or without
(the question buttons, Flag for review, Check your answers); a final answer is locked."""

from __future__ import annotations

import pytest

from quizapp.web.extensions import db
from tests.helpers import check_page, text_of

from tests.web.candidate.conftest import (
    answer_form,
    autosave,
    questions_of,
    single_question,
    stored_response,
)
from tests.web.candidate.test_journey import qurl, start


def _wrong(info) -> dict[str, object]:
    return answer_form(info, right=False)


def test_autosaves_are_drafts_and_save_and_continue_gives_feedback_on_the_last_choice(client, auth, fx, app):
    """The reported steps: practice, click one option, click another, Save and continue."""
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = single_question(app, attempt_id)
    first = autosave(client, app, attempt_id, info.position, {**_wrong(info), "seq": "2"})
    assert first.get_json()["status"] == "saved"
    second = autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": "3"})
    assert second.status_code == 200 and second.get_json()["status"] == "saved", second.get_json()
    # Still a draft: the question page shows it, with no feedback yet.
    page = client.get(qurl(attempt_id, info.position))
    check_page(page)
    assert client.get(qurl(attempt_id, info.position, "/feedback")).headers["Location"].endswith(qurl(attempt_id, info.position))
    saved = client.post(qurl(attempt_id, info.position), data={**answer_form(info), "seq": "3", "action": "save"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(qurl(attempt_id, info.position, "/feedback"))
    feedback = client.get(qurl(attempt_id, info.position, "/feedback"))
    check_page(feedback)
    assert "Correct" in text_of(feedback) and "Incorrect" not in text_of(feedback)
    with app.app_context():
        stored = stored_response(attempt_id, info.position)
        assert stored.answer == [info.correct[0]] and stored.final_at is not None


@pytest.mark.parametrize("extra", [{"goto": "1"}, {"action": "flag"}, {"action": "check"}])
def test_moving_on_without_feedback_keeps_a_changeable_draft(client, auth, fx, app, extra):
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = single_question(app, attempt_id)
    moved = client.post(qurl(attempt_id, info.position), data={**_wrong(info), **extra})
    assert moved.status_code == 302 and not moved.headers["Location"].endswith("/feedback")
    changed = client.post(qurl(attempt_id, info.position), data={**answer_form(info), "action": "save"})
    assert changed.headers["Location"].endswith(qurl(attempt_id, info.position, "/feedback"))
    with app.app_context():
        assert stored_response(attempt_id, info.position).answer == [info.correct[0]]


def test_a_final_practice_answer_is_locked(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = single_question(app, attempt_id)
    client.post(qurl(attempt_id, info.position), data={**_wrong(info), "seq": "1", "action": "save"})
    late = autosave(client, app, attempt_id, info.position, {**answer_form(info), "seq": "9"})
    assert late.get_json()["status"] == "locked"
    # The form again (the back button), or a double click: the feedback on the first answer.
    again = client.post(qurl(attempt_id, info.position), data={**answer_form(info), "action": "save"})
    assert again.status_code == 302 and again.headers["Location"].endswith(qurl(attempt_id, info.position, "/feedback"))
    assert "already answered" in text_of(client.get(again.headers["Location"]))
    twice = client.post(qurl(attempt_id, info.position), data={**_wrong(info), "action": "save"})
    assert twice.headers["Location"].endswith("/feedback")
    with app.app_context():
        assert stored_response(attempt_id, info.position).answer != [info.correct[0]]
    assert client.get(qurl(attempt_id, info.position)).headers["Location"].endswith("/feedback")


def test_an_incomplete_practice_answer_is_never_final(client, auth, fx, app):
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = next(i for i in questions_of(app, attempt_id) if i.type == "multiple")
    shown = {a: d for d, a in enumerate(info.option_order)}
    response = client.post(qurl(attempt_id, info.position), data={"answer": [str(shown[info.correct[0]])], "action": "save"})
    assert response.status_code == 400 and "Select 3 answers. You selected 1." in text_of(response)
    completed = client.post(qurl(attempt_id, info.position), data={**answer_form(info), "action": "save"})
    assert completed.headers["Location"].endswith("/feedback")
    with app.app_context():
        db.session.expire_all()
        assert stored_response(attempt_id, info.position).complete is True


def test_a_returning_candidate_resumes_at_the_first_practice_draft(client, auth, fx, app):
    """A draft has had no feedback yet: that is where the practice goes on."""
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    infos = questions_of(app, attempt_id)
    draft = single_question(app, attempt_id)
    for info in infos[:draft.position - 1]:
        assert client.post(qurl(attempt_id, info.position), data={**answer_form(info), "action": "save"}).status_code == 302
    client.post(qurl(attempt_id, draft.position), data={**answer_form(draft), "goto": str(len(infos))})
    resumed = client.post("/tests/fx-mock/start", data={"mode": "practice"})
    assert resumed.headers["Location"].endswith(qurl(attempt_id, draft.position))
