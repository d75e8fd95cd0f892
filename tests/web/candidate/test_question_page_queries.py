"""The question page runs a fixed, small number of SQL statements, whatever the number of
questions (counted with SQLAlchemy's `before_cursor_execute` event; counting is deterministic)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import counted_statements
from tests.web.candidate.conftest import answer_form, questions_of

MAX_STATEMENTS = 5  # the limit; the page runs 3 (the user, the question with its attempt, the buttons)


def _start(client, mode: str) -> int:
    reply = client.post("/tests/practitioner-mock-a/start", data={"mode": mode})
    assert reply.status_code == 302
    return int(re.search(r"/attempts/(\d+)/", reply.headers["Location"]).group(1))


@pytest.mark.parametrize("mode", ["timed", "practice"])
def test_a_question_page_runs_at_most_five_statements(imported, client, auth, mode):
    app = imported
    auth.as_role("candidate")
    attempt_id = _start(client, mode)
    infos = questions_of(app, attempt_id)
    assert len(infos) == 30
    # Some questions answered and flagged, so that the buttons have something to load.
    for info in infos[1:5]:
        action = "flag" if info.position % 2 else "save"
        client.post(f"/tests/attempts/{attempt_id}/questions/{info.position}", data={**answer_form(info), "action": action})
    for position in (1, 15, 30):
        with counted_statements(app) as statements:
            page = client.get(f"/tests/attempts/{attempt_id}/questions/{position}")
        assert page.status_code == 200
        assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)
        html = page.get_data(as_text=True)
        # ... and the buttons still show what is stored (a flag also saves the answer on the page)
        assert html.count("app-question-nav__button--answered") == 4
        assert html.count("app-question-nav__button--flagged") == 2
