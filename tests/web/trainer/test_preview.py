"""Previews: the candidate's own templates, a seeded draw that replays, the key and feedback."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.services import accounts, attempts
from quizapp.web.extensions import db
from quizapp.data.models import TestForm

from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.helpers import check_page, text_of
from tests.web.trainer.conftest import START


@pytest.fixture
def trainer(fx, auth, users):
    auth.as_role("trainer")
    return auth.client


def shown_order(response) -> list[str]:
    html = response.get_data(as_text=True)
    start = html.index('<form method="get"')
    form = html[start:html.index("</form>", start)]
    return re.findall(r"(S1 (?:right|wrong [abc]))", form)


def test_item_preview_shows_the_question_with_its_seed_and_the_key(trainer):
    response = trainer.get("/trainer/items/fx-s1/preview?seed=7")
    page = check_page(response)
    text = text_of(response)
    assert page.h1[0].split()[:4] == ["Preview", "of", "item", "fx-s1,"]
    assert "Single one?" in text and "Select one answer." in text
    assert "Seed 7" in text and "Nothing you choose here is stored." in text
    # The key and the feedback on every option, not only the chosen ones.
    assert "Key and feedback" in text and "Correct answer S1 right" in text
    for feedback in ["S1 right because.", "S1 wrong a because.", "S1 wrong b because.", "S1 wrong c because."]:
        assert feedback in text
    assert "(not correct)" in text and "Your answer" not in text and "Rationale for S1." in text


def test_the_same_seed_gives_the_same_order(trainer):
    first = shown_order(trainer.get("/trainer/items/fx-s1/preview?seed=7"))
    assert shown_order(trainer.get("/trainer/items/fx-s1/preview?seed=7")) == first
    orders = {tuple(shown_order(trainer.get(f"/trainer/items/fx-s1/preview?seed={s}"))) for s in range(12)}
    assert len(orders) > 1
    assert sorted(first) == ["S1 right", "S1 wrong a", "S1 wrong b", "S1 wrong c"]


def test_an_explicit_order(trainer):
    assert shown_order(trainer.get("/trainer/items/fx-s1/preview?seed=1&order=3,2,1,0")) == [
        "S1 wrong c", "S1 wrong b", "S1 wrong a", "S1 right"]
    # not a permutation: the seed's order is used
    assert len(shown_order(trainer.get("/trainer/items/fx-s1/preview?seed=1&order=0,0,1,2"))) == 4


@pytest.mark.parametrize("seed", ["abc", "-1", "99999999999"])
def test_a_bad_seed_is_a_bad_request(trainer, seed):
    check_page(trainer.get(f"/trainer/items/fx-s1/preview?seed={seed}"), status=400)


@pytest.mark.parametrize(("right", "outcome"), [(True, "Correct"), (False, "Incorrect")])
def test_checking_an_answer_gives_the_candidate_feedback(trainer, right, outcome):
    order = shown_order(trainer.get("/trainer/items/fx-s1/preview?seed=3"))
    choice = order.index("S1 right" if right else "S1 wrong b")
    response = trainer.get(f"/trainer/items/fx-s1/preview?seed=3&order=&check=1&answer={choice}")
    check_page(response)
    text = text_of(response)
    assert "The feedback a candidate would get" in text
    assert f"{outcome} Your answer" in text
    assert f"Your answer {'S1 right' if right else 'S1 wrong b'}" in text


def test_checking_without_an_answer_shows_the_candidates_error(trainer):
    response = trainer.get("/trainer/items/fx-m1/preview?seed=3&check=1")
    page = check_page(response, status=400)
    assert page.error_links == ["answer"]
    assert "Select an answer" in text_of(response)
    response = trainer.get("/trainer/items/fx-m1/preview?seed=3&check=1&answer=0")
    check_page(response, status=400)
    assert "Select 3 answers. You selected 1." in text_of(response)


def test_an_ordering_answer_scored_in_part(trainer):
    html = trainer.get("/trainer/items/fx-o1/preview?seed=2&order=0,1,2,3").get_data(as_text=True)
    assert 'id="position-0"' in html
    response = trainer.get("/trainer/items/fx-o1/preview?seed=2&order=0,1,2,3&check=1"
                           "&position-0=2&position-1=1&position-2=3&position-3=4")
    text = text_of(response)
    assert "Partly correct" in text and "(scored 0.83 of 1)" in text


def test_an_earlier_version(fx, trainer, runner, tmp_path):
    text = (FIXTURE_BANKS / "bank.yaml").read_text().replace("stem: Single one?", "stem: Single one, edited?")
    for name in ("framework.yaml", "test.yaml"):
        (tmp_path / name).write_text((FIXTURE_BANKS / name).read_text())
    (tmp_path / "bank.yaml").write_text(text)
    assert "changed item fx-s1 (version 2)" in runner.invoke(args=["import", str(tmp_path)]).output
    assert "Single one, edited?" in text_of(trainer.get("/trainer/items/fx-s1/preview"))
    old = text_of(trainer.get("/trainer/items/fx-s1/preview?version=1"))
    assert "Single one?" in old and "version 1" in old
    item_page = text_of(trainer.get("/trainer/items/fx-s1"))
    assert "Version 2 (current)" in item_page and "Version 1" in item_page


def test_scenario_preview(trainer):
    response = trainer.get("/trainer/scenarios/fx-sc1/preview?seed=4")
    check_page(response, title="Preview of case scenario fx-sc1")
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "Seed 4" in text and "Question 1 of 2" in text and "Question 2 of 2" in text
    assert html.count("Case scenario: The Fixture family") == 2
    assert html.count('class="govuk-details app-scenario" open') == 1  # open the first time only
    assert "Scenario question one?" in text and "R2 right because." in text
    assert 'id="q1-answer"' in html and 'id="q2-answer"' in html  # ids unique on the page


def test_form_preview_is_the_draw_a_candidate_would_get(fx, trainer, users):
    response = trainer.get("/trainer/tests/fx-mock/preview?seed=11")
    check_page(response, title="Preview of Fixture mock")
    html = response.get_data(as_text=True)
    previewed = re.findall(r'name="order" value="([0-9,]+)"', html)
    keys = re.findall(r'<a class="govuk-link" href="/trainer/items/([a-z0-9-]+)">', html)
    with fx.app_context():
        user = accounts.find_user(db.session, users["candidate"]["email"])
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        attempt = attempts.start(db.session, user, test, "timed", START, seed=11)
        drawn = [(q.item_version.item.key, ",".join(map(str, q.option_order))) for q in attempt.questions]
        db.session.rollback()
    assert list(zip(keys, previewed, strict=True)) == drawn
    assert trainer.get("/trainer/tests/fx-mock/preview?seed=11").get_data(as_text=True).count("name=\"order\"") == 6
    text = text_of(response)
    assert "Seed 11" in text and "draw again" in text and text.count("Key and feedback for question") == 6


def test_form_preview_without_a_seed_draws_one(trainer):
    text = text_of(trainer.get("/trainer/tests/fx-mock/preview"))
    assert re.search(r"Seed \d+", text)
