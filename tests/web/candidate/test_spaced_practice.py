"""Spaced practice through the views and the services (quizapp.services.spacing), with the
server's clock moved: a practice answer made final reviews its item's card once; a mock's wrong
answers schedule their items; the home page says how many questions are due today; Practise
draws the due items first, most overdue first, and skips an item retired since."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.web.extensions import db
from quizapp.data.models import Attempt, Item, ItemVersion, ReviewCard, ReviewLog
from tests.helpers import check_page, text_of

from tests.web.candidate.conftest import answer_form, autosave, questions_of
from tests.web.candidate.test_journey import is_standalone_single, qurl, start, submit_a_mixed_mock


def _cards(app, user_id: int) -> dict[str, ReviewCard]:
    with app.app_context():
        rows = db.session.execute(select(Item.key, ReviewCard).join(ReviewCard, ReviewCard.item_id == Item.id)
                                  .where(ReviewCard.user_id == user_id)).all()
        return {key: card for key, card in rows}


def _logs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ReviewLog))


def _standalone(app, attempt_id: int):
    return [info for info in questions_of(app, attempt_id) if info.scenario is None]


def _key_of(app, attempt_id: int, position: int) -> str:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return attempt.questions[position - 1].item_version.item.key


def _practise(client, app, wrong: int = 1, right: int = 1) -> tuple[list[str], list[str]]:
    """A practice attempt at the fixture mock: `wrong` questions answered wrong, then `right` right,
    each with Save and continue (feedback). The item keys answered wrong and right."""
    attempt_id, _ = start(client, mode="practice")
    infos = _standalone(app, attempt_id)
    keys: tuple[list[str], list[str]] = ([], [])
    for n, info in enumerate(infos[:wrong + right]):
        is_right = n >= wrong
        client.post(qurl(attempt_id, info.position), data={**answer_form(info, is_right), "action": "save"})
        keys[is_right].append(_key_of(app, attempt_id, info.position))
    return keys


def _user_id(auth) -> int:
    return auth.users["candidate"]["id"]


def test_a_wrong_practice_answer_is_due_the_next_day_and_a_right_one_days_later(client, auth, fx, app, clock):
    auth.as_role("candidate")
    (wrong,), (right,) = _practise(client, app)
    cards = _cards(app, _user_id(auth))
    assert set(cards) == {wrong, right}
    assert cards[wrong].due == clock.now + timedelta(days=1)
    assert cards[right].due >= clock.now + timedelta(days=2)
    assert _logs(app) == 2


def test_a_draft_reviews_nothing(client, auth, fx, app, clock):
    """Moving on without asking for feedback (a draft) is not an answer to learn from yet."""
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = _standalone(app, attempt_id)[0]
    client.post(qurl(attempt_id, info.position), data={**answer_form(info, False), "action": "flag"})
    autosave(client, app, attempt_id, info.position, {**answer_form(info, False), "seq": "5"})
    assert _cards(app, _user_id(auth)) == {} and _logs(app) == 0


def test_a_double_submit_or_a_second_tab_reviews_a_card_once(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, _ = start(client, mode="practice")
    info = _standalone(app, attempt_id)[0]
    url = qurl(attempt_id, info.position)
    for right in (False, False, True):  # a double click, then the back button's form answered again
        response = client.post(url, data={**answer_form(info, right), "action": "save"})
        assert response.headers["Location"].endswith(url + "/feedback")
    autosave(client, app, attempt_id, info.position, {**answer_form(info, True), "seq": "9"})  # a second tab
    clock.advance(days=3)  # even on another day
    client.post(url, data={**answer_form(info, True), "action": "save"})
    (card,) = _cards(app, _user_id(auth)).values()
    assert card.reviews == 1 and _logs(app) == 1
    assert card.due == clock.now - timedelta(days=3) + timedelta(days=1)  # the first, wrong answer's


def test_a_timed_mock_schedules_its_wrong_answers_not_its_right_ones(client, auth, fx, app, clock):
    auth.as_role("candidate")
    attempt_id, questions = submit_a_mixed_mock(client, app)
    wrong, right = [], []
    for info in questions:
        (right if is_standalone_single(info) else wrong).append(_key_of(app, attempt_id, info.position))
    client.post(f"/tests/attempts/{attempt_id}/submit")  # submitted twice: reviewed once
    cards = _cards(app, _user_id(auth))
    assert set(cards) == set(wrong) and not set(right) & set(cards)
    assert all(card.due == clock.now + timedelta(days=1) for card in cards.values())
    assert _logs(app) == len(wrong)


def test_a_right_mock_answer_lengthens_the_interval_of_an_item_already_on_a_card(client, auth, fx, app, clock):
    auth.as_role("candidate")
    _practise(client, app, wrong=0, right=6)  # every standalone item on a card, due in 2 days
    clock.advance(days=2)
    attempt_id, _ = start(client)
    for info in questions_of(app, attempt_id):
        client.post(qurl(attempt_id, info.position), data={**answer_form(info, True), "action": "save"})
    client.post(f"/tests/attempts/{attempt_id}/submit")
    cards = _cards(app, _user_id(auth))
    standalone = [info for info in questions_of(app, attempt_id) if info.scenario is None]
    assert len(cards) == len(standalone)  # the scenario's right answers made no card
    assert all(card.reviews == 2 and card.due >= clock.now + timedelta(days=7) for card in cards.values())


@pytest.mark.parametrize(("days", "says"), [
    (0, "No questions are due for review today. The next is due on 3 March 2026."),
    (1, "1 question is due for review today."),
    (30, "2 questions are due for review today."),
])
def test_the_home_page_says_how_many_questions_are_due_today(client, auth, fx, app, clock, days, says):
    auth.as_role("candidate")
    _practise(client, app, wrong=1, right=1)
    clock.advance(days=days)
    page = client.get("/tests/")
    check_page(page)
    assert says in text_of(page)


def test_due_today_means_today_in_england_not_now(client, auth, fx, app, clock):
    """A question due at 9am tomorrow is not due today at 11pm; it is at a minute past midnight."""
    auth.as_role("candidate")
    _practise(client, app, wrong=1, right=0)
    clock.advance(hours=14)  # 11pm, GMT in March
    assert "No questions are due for review today" in text_of(client.get("/tests/"))
    clock.advance(minutes=61)
    assert "1 question is due for review today." in text_of(client.get("/tests/"))


def test_the_home_page_says_nothing_of_reviews_before_any_practice(client, auth, fx):
    auth.as_role("candidate")
    text = text_of(client.get("/tests/"))
    assert "due for review" not in text and "Practise" not in text


def _new_practice(client) -> int:
    response = client.post("/tests/practice/weakest")
    assert response.status_code == 302, response.text
    return int(re.search(r"attempts/(\d+)/", response.headers["Location"]).group(1))


def test_practise_draws_the_due_items_first_most_overdue_first(client, auth, fx, app, clock):
    auth.as_role("candidate")
    (first,), _ = _practise(client, app, wrong=1, right=0)
    clock.advance(hours=1)
    second = _wrong_again(client, app, first)
    clock.advance(days=1)
    with app.app_context():
        keys = [q.item_version.item.key for q in db.session.get(Attempt, _new_practice(client)).questions]
    assert keys == [first, second]  # no mock yet: only the due items, the longer overdue first


def _wrong_again(client, app, not_key: str) -> str:
    """Answer one more standalone item (not `not_key`) wrong in a new practice attempt."""
    attempt_id, _ = start(client, mode="practice")
    for info in _standalone(app, attempt_id):
        key = _key_of(app, attempt_id, info.position)
        if key != not_key:
            client.post(qurl(attempt_id, info.position), data={**answer_form(info, False), "action": "save"})
            return key
    raise AssertionError("no other standalone item")


def test_practise_fills_up_with_the_weakest_statements_after_the_due_items(client, auth, fx, app, clock):
    auth.as_role("candidate")
    submit_a_mixed_mock(client, app)
    due = set(_cards(app, _user_id(auth)))
    clock.advance(days=1)
    with app.app_context():
        practice = db.session.get(Attempt, _new_practice(client))
        keys = [q.item_version.item.key for q in practice.questions]
        assert practice.title.startswith(f"Practice: {len(due)} due for review")
    assert set(keys[:len(due)]) == due and not set(keys[len(due):]) & due
    assert len(keys) == len(set(keys))


def test_an_item_retired_since_is_neither_counted_nor_drawn(client, auth, fx, app, clock):
    auth.as_role("candidate")
    (retired, kept), _ = _practise(client, app, wrong=2, right=0)
    with app.app_context():
        db.session.scalar(select(Item).where(Item.key == retired)).retired_at = clock.now
        db.session.commit()
    clock.advance(days=1)
    assert "1 question is due for review today." in text_of(client.get("/tests/"))
    with app.app_context():
        keys = [q.item_version.item.key for q in db.session.get(Attempt, _new_practice(client)).questions]
    assert keys == [kept]


def test_a_new_version_of_an_item_keeps_its_card(client, auth, fx, app, clock):
    """The card is the item's, not a version's: Practise shows the current version."""
    auth.as_role("candidate")
    (key,), _ = _practise(client, app, wrong=1, right=0)
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.key == key))
        old = db.session.get(ItemVersion, item.current_version_id)
        new = ItemVersion(item_id=item.id, number=old.number + 1, content_hash="changed", type=old.type,
                          stem=old.stem + " (reworded)", options=old.options, scoring=old.scoring,
                          section=old.section, rationale=old.rationale)
        db.session.add(new)
        db.session.flush()
        item.current_version_id = new.id
        db.session.commit()
        new_id = new.id
    clock.advance(days=1)
    with app.app_context():
        (question,) = db.session.get(Attempt, _new_practice(client)).questions
        assert question.item_version_id == new_id


def test_the_review_schedule_is_in_your_data_and_goes_with_your_account(client, auth, fx, app, clock):
    """A card is personal data: the JSON download lists it, and erasing the account deletes it
    (and its review log) while the attempts stay, anonymous."""
    import json

    from quizapp.data.models import User
    from quizapp.services import erasure

    auth.as_role("candidate")
    (key,), _ = _practise(client, app, wrong=1, right=0)
    data = json.loads(client.get("/account/your-data/data.json").data)
    assert data["review_schedule"] == [{"question": key, "due_at": (clock.now + timedelta(days=1)).isoformat(),
                                        "reviews": 1, "last_reviewed_at": clock.now.isoformat()}]
    with app.app_context():
        erasure.erase(db.session, db.session.get(User, _user_id(auth)), now=clock.now)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ReviewCard)) == 0
    assert _logs(app) == 0


def test_practise_with_nothing_due_yet_and_no_mock_says_when_the_next_review_is(client, auth, fx, app, clock):
    auth.as_role("candidate")
    _practise(client, app, wrong=1, right=0)
    page = client.post("/tests/practice/weakest", follow_redirects=True)
    assert "No questions are due for review today: the next is due on 3 March 2026." in text_of(page)
