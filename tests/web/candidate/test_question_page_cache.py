"""The question page's rendered fragments (quizapp/web/fragments.py) are reused only while they are
what a fresh render would show: the same HTML as without the cache; a new entry when the item's
content, the answer shown or the flag changes; an answer saved in another tab shows at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from quizapp.services import question_page, results
from quizapp.web.extensions import db
from quizapp.web.fragments import cache_of
from quizapp.data.models import Attempt, AttemptQuestion, ItemVersion

from tests.web.candidate.conftest import (
    answer_form,
    autosave,
    questions_of,
    shows_an_answer,
    single_question,
)


@pytest.fixture
def attempt_id(imported, client, auth, clock) -> int:  # a clock that stands still: the timer is the same
    auth.as_role("candidate")
    reply = client.post("/tests/practitioner-mock-a/start", data={"mode": "timed"})
    return int(re.search(r"/attempts/(\d+)/", reply.headers["Location"]).group(1))


def _page(client, attempt_id: int, position: int) -> str:
    reply = client.get(f"/tests/attempts/{attempt_id}/questions/{position}")
    assert reply.status_code == 200
    return _without_request_tokens(reply.get_data(as_text=True))


def _without_request_tokens(html: str) -> str:
    """What differs between two renders of one page by design: the CSP nonce, the CSRF and save tokens."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r'data-save-token="[^"]*"', 'data-save-token=""', html)


def test_a_cached_page_is_the_same_html_as_a_fresh_render(imported, client, attempt_id):
    app = imported
    cache = cache_of(app)
    scenario = next(i.position for i in questions_of(app, attempt_id) if i.scenario)
    for position in (1, scenario):
        first = _page(client, attempt_id, position)
        hits = cache.hits
        again = _page(client, attempt_id, position)
        assert cache.hits > hits  # the second view came from the cache ...
        assert again == first
        cache.max_entries = 0  # ... and a render with no cache at all is the same page
        assert _page(client, attempt_id, position) == first
        cache.max_entries = 2_000
    assert "Case scenario:" in _page(client, attempt_id, scenario)


def test_an_answer_saved_in_another_tab_shows_on_the_next_page_load(imported, client, attempt_id):
    app = imported
    info = single_question(app, attempt_id)
    assert not shows_an_answer(client.get(f"/tests/attempts/{attempt_id}/questions/{info.position}"))
    for choice in ("0", "1"):  # another tab's script saves an answer, then changes it
        assert autosave(client, app, attempt_id, info.position, {"answer": choice, "seq": str(10 + int(choice))}).status_code == 200
        html = client.get(f"/tests/attempts/{attempt_id}/questions/{info.position}").get_data(as_text=True)
        checked = re.findall(r'<input[^>]*value="(\d+)"[^>]*checked', html)
        assert checked == [choice]


def test_a_flag_shows_at_once(imported, client, attempt_id):
    app = imported
    info = questions_of(app, attempt_id)[0]
    assert "Flag for review" in client.get(f"/tests/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    client.post(f"/tests/attempts/{attempt_id}/questions/1", data={**answer_form(info), "action": "flag"})
    html = client.get(f"/tests/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert "Remove flag" in html and "(flagged for review)" in html


def test_changed_item_content_is_a_new_entry(imported, client, attempt_id):
    """Item versions never change once imported, but the cache does not rely on it: its key is
    what the page shows, so other content can never be served from an older entry."""
    app = imported
    _page(client, attempt_id, 1)
    entries = len(cache_of(app))
    with app.app_context():
        version_id = db.session.scalar(select(AttemptQuestion.item_version_id).where(
            AttemptQuestion.attempt_id == attempt_id, AttemptQuestion.position == 1))
        db.session.execute(update(ItemVersion).where(ItemVersion.id == version_id).values(stem="A **changed** stem"))
        db.session.commit()
    html = _page(client, attempt_id, 1)
    assert "A <strong>changed</strong> stem" in html
    assert len(cache_of(app)) > entries


def test_the_buttons_say_what_results_navigation_says(imported, client, attempt_id):
    """question_page.navigation (rows from one query) must agree with results.navigation (the
    attempt's loaded questions), for answered, flagged and untouched questions."""
    app = imported
    infos = questions_of(app, attempt_id)
    for info in infos[:6]:
        client.post(f"/tests/attempts/{attempt_id}/questions/{info.position}",
                    data={**answer_form(info), "action": "flag" if info.position % 3 == 0 else "save"})
    client.post(f"/tests/attempts/{attempt_id}/questions/8", data={"action": "flag"})  # flagged, not answered
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        rows = question_page.navigation(db.session, attempt_id)
        assert rows == results.navigation(attempt)
        assert {(e.answered, e.flagged) for e in rows} == {(True, False), (True, True), (False, True), (False, False)}


@pytest.mark.parametrize("mode", ["timed", "practice"])
def test_the_page_from_plain_records_is_the_page_from_the_orm_objects(imported, client, auth, clock, monkeypatch, mode):
    """The view builds an open question's page from plain records (question_page.shown_question)
    and anything else from the ORM objects: every question, unanswered, answered right and wrong,
    flagged, with an incomplete choice kept, is the same page either way."""
    app = imported
    auth.as_role("candidate")
    reply = client.post("/tests/practitioner-mock-a/start", data={"mode": mode})
    attempt_id = int(re.search(r"/attempts/(\d+)/", reply.headers["Location"]).group(1))
    infos = questions_of(app, attempt_id)
    multi = next(info for info in infos if info.type == "multiple" and len(info.correct) > 1)
    for info in infos:
        if info.position % 5 == 1 or info is multi:
            continue  # unanswered
        action = "flag" if info.position % 3 == 0 else "save"
        client.post(f"/tests/attempts/{attempt_id}/questions/{info.position}",
                    data={**answer_form(info, right=info.position % 2 == 0), "action": action})
    shown = {authored: displayed for displayed, authored in enumerate(multi.option_order)}
    assert autosave(client, app, attempt_id, multi.position, {"answer": str(shown[multi.correct[0]]), "seq": "50"}).status_code == 200
    cache_of(app).max_entries = 0  # every page rendered in full both ways

    def reply(position: int) -> tuple[int, str]:  # (a practice answer with its feedback asked for is a redirect)
        page = client.get(f"/tests/attempts/{attempt_id}/questions/{position}")
        return page.status_code, page.headers.get("Location") or _without_request_tokens(page.get_data(as_text=True))

    lean = {info.position: reply(info.position) for info in infos}
    monkeypatch.setattr(question_page, "shown_question", lambda *_args: None)
    for info in infos:
        assert reply(info.position) == lean[info.position], info
    shown = [html for status, html in lean.values() if status == 200]
    assert len(shown) >= 6 and any(" checked" in html or " selected" in html for html in shown)
