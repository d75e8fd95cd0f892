"""The standard-setting pages over HTTP: a panel formed on a fixed form only, ratings with ordinary
mistakes kept and explained, two rounds, the cut score, applying it after a preview, the ratings
CSV, who may see and do what, and what the candidate's result then says."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.data.models import AngoffPanel, AngoffRating, PassMarkChange, TestForm
from quizapp.web.extensions import db
from tests.helpers import check_page, make_user, text_of
from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.web.trainer.conftest import take
from tests.web.trainer.test_org_content import ORG_TEST, bank_text, published, sign_in

FIXED = FIXTURE_BANKS.parent / "angoff"
JUDGES = ("trainer@example.org", "judge2@example.org")


@pytest.fixture
def angoff(app, runner, client, users):
    result = runner.invoke(args=["import", str(FIXTURE_BANKS), str(FIXED)])
    assert result.exit_code == 0, result.output
    app.config["BANKS_PATH"] = str(FIXTURE_BANKS)
    with app.app_context():
        make_user("judge2@example.org", "trainer", None)
        make_user("trainer@a.example", "trainer", "Org A")
        make_user("trainer2@a.example", "trainer", "Org A")
        make_user("trainer@b.example", "trainer", "Org B")
        db.session.commit()
    return client


def _ids(app, *emails: str) -> list[str]:
    from quizapp.services import accounts

    with app.app_context():
        return [str(accounts.find_user(db.session, email).id) for email in emails]


def _form_panel(app, client, key: str = "fx-fixed", judges=JUDGES) -> int:
    response = client.post(f"/trainer/tests/{key}/panels", data={"name": "December panel", "judges": _ids(app, *judges)})
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _items(app, panel_id: int) -> list[int]:
    with app.app_context():
        return [item.id for item in db.session.get(AngoffPanel, panel_id).items]


def _value(response, item: int) -> str:
    """The value the page's rating box for a panel item shows."""
    field = re.search(rf'<input[^>]*name="rating-{item}"[^>]*>', response.get_data(as_text=True))
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else ""


def _rate(client, panel_id: int, items: list[int], values, action: str = "submit", round_: int = 1):
    data = {f"rating-{i}": str(v) for i, v in zip(items, values)}
    return client.post(f"/trainer/panels/{panel_id}/ratings", data={**data, "action": action, "round": str(round_)})


def test_a_drawn_test_is_refused_with_the_reason(app, angoff):
    sign_in(angoff, "trainer@example.org")
    page = angoff.get("/trainer/tests/fx-mock/panels")
    check_page(page)
    assert "draws its questions afresh for each attempt" in text_of(page)
    assert "Form the panel" not in text_of(page)
    refused = angoff.post("/trainer/tests/fx-mock/panels", data={"name": "Panel", "judges": _ids(app, *JUDGES)})
    check_page(refused, status=400)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AngoffPanel)) == 0


def test_forming_a_panel_with_mistakes_keeps_what_was_chosen(app, angoff):
    sign_in(angoff, "trainer@example.org")
    judge2 = _ids(app, "judge2@example.org")[0]
    page = angoff.post("/trainer/tests/fx-fixed/panels", data={"name": "  ", "judges": [judge2]})
    parsed = check_page(page, status=400)
    assert parsed.error_links == ["name", "judges"]
    html = page.get_data(as_text=True)
    assert re.search(rf'value="{judge2}" checked', html)
    assert "Trainer@A" not in text_of(page)  # only the service's trainers judge a service test


def test_two_judges_through_both_rounds_with_ordinary_mistakes(app, angoff):
    sign_in(angoff, "trainer@example.org")
    panel = _form_panel(app, angoff)
    items = _items(app, panel)
    # Half rated, with a rating of 150 and one of "abc": the good ones are kept, the bad ones explained.
    page = _rate(angoff, panel, items[:4], ["60", "150", "abc", "0.7"], action="save")
    parsed = check_page(page, status=400)
    assert parsed.error_links == [f"rating-{items[1]}", f"rating-{items[2]}", f"rating-{items[3]}"]
    text = text_of(page)
    assert "Question 2: Enter a chance from 0 to 100" in text and "for 0.7, type 70" in text
    assert [_value(page, i) for i in items[:5]] == ["60", "150", "abc", "0.7", ""]  # as typed
    again = angoff.get(f"/trainer/panels/{panel}/ratings")
    assert [_value(again, i) for i in items[:3]] == ["60", "", ""]  # what was stored
    assert "You have rated 1 of 6" in text_of(angoff.get(f"/trainer/panels/{panel}"))
    # Submitting with questions unrated says how many.
    missing = _rate(angoff, panel, items[:3], [60, 70, 50])
    check_page(missing, status=400)
    assert "3 of 6 are not rated yet" in text_of(missing)
    done = _rate(angoff, panel, items, [60, 70, 50, 60, 80, 40])
    assert done.status_code == 302
    twice = _rate(angoff, panel, items, [10] * 6)  # a second click, or the back button
    assert twice.status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(select(AngoffRating.rating))) == [40, 50, 60, 60, 70, 80]
    # The second judge sees nothing of the first judge's round 1, and cannot start round 2 early.
    sign_in(angoff, "judge2@example.org")
    assert "Cut score" not in text_of(angoff.get(f"/trainer/panels/{panel}"))
    assert angoff.get(f"/trainer/panels/{panel}/ratings.csv").get_data(as_text=True).count("\n") == 1
    early = angoff.post(f"/trainer/panels/{panel}/advance", data={"status": "round1"}, follow_redirects=True)
    assert "waiting for Judge2" in text_of(early)
    assert _rate(angoff, panel, items, [40, 50, 50, 40, 60, 40]).status_code == 302
    assert angoff.post(f"/trainer/panels/{panel}/advance", data={"status": "round1"}).status_code == 302
    assert angoff.post(f"/trainer/panels/{panel}/advance", data={"status": "round1"}).status_code == 302  # twice
    with app.app_context():
        assert db.session.get(AngoffPanel, panel).status == "round2"
    # Round 2: the spread of round 1 beside each question, the judge's own rating to start from.
    second = angoff.get(f"/trainer/panels/{panel}/ratings")
    check_page(second)
    assert "Panel in round 1: lowest 40%, median 50%, highest 60% (2 judges); yours 40%" in text_of(second)
    assert "not enough attempts yet" in text_of(second)
    assert _rate(angoff, panel, items, [50] * 6, round_=2).status_code == 302
    sign_in(angoff, "trainer@example.org")
    assert _rate(angoff, panel, items, [70] * 6, round_=2).status_code == 302
    assert angoff.post(f"/trainer/panels/{panel}/advance", data={"status": "round2"}).status_code == 302
    closed = text_of(angoff.get(f"/trainer/panels/{panel}"))
    assert "60.0% (3.60 of 6 marks)" in closed and "SD 14.1 percentage points" in closed
    assert "10.0 percentage points (SD / &radic;2)" in closed or "10.0 percentage points (SD / √2)" in closed
    csv = angoff.get(f"/trainer/panels/{panel}/ratings.csv").get_data(as_text=True).splitlines()
    assert len(csv) == 1 + 2 * 2 * 6 and "December panel,fx-fixed,Judge2,judge2@example.org,1,fx-s1,1,1,40" in csv


def _closed(app, client) -> int:
    sign_in(client, "trainer@example.org")
    panel = _form_panel(app, client)
    items = _items(app, panel)
    for round_, values in ((1, {"trainer@example.org": 60, "judge2@example.org": 40}),
                           (2, {"trainer@example.org": 70, "judge2@example.org": 50})):
        for email in JUDGES:
            sign_in(client, email)
            assert _rate(client, panel, items, [values[email]] * 6, round_=round_).status_code == 302
        assert client.post(f"/trainer/panels/{panel}/advance", data={"status": f"round{round_}"}).status_code == 302
    return panel


def test_applying_the_cut_score_after_a_preview(app, angoff):
    with app.app_context():
        low = take("low@a.example", 3 / 6, test_key="fx-fixed")
    panel = _closed(app, angoff)
    with app.app_context():  # as the shipped mocks' descriptions do
        db.session.scalar(select(TestForm).where(TestForm.key == "fx-fixed")).description = "The pass mark is 50%."
        db.session.commit()
    preview = angoff.get(f"/trainer/panels/{panel}/apply")
    check_page(preview)
    text = text_of(preview)
    assert 'The test\'s description for candidates says "50%"' in text
    assert "1 of the 1 finished timed attempts would have had the other result: 1 would not have passed" in text
    assert "low@a.example" not in text  # nobody named
    assert angoff.post(f"/trainer/panels/{panel}/apply").status_code == 302
    assert angoff.post(f"/trainer/panels/{panel}/apply").status_code == 302  # a double click: one version
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PassMarkChange)) == 1
        assert db.session.scalar(select(TestForm.pass_mark_percent).where(TestForm.key == "fx-fixed")) == 60.0
    page = text_of(angoff.get("/trainer/tests/fx-fixed"))
    assert "60% (set by the panel December panel on" in page
    assert "earlier form" not in page
    with app.app_context():  # the form changes afterwards: the test's page says the mark was set on another
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-fixed"))
        test.blueprint = {**test.blueprint, "sections": test.blueprint["sections"][:1]}
        db.session.commit()
    assert "The pass mark was set by a panel on an earlier form" in text_of(angoff.get("/trainer/tests/fx-fixed"))
    history = text_of(angoff.get("/trainer/tests/fx-fixed/panels"))
    assert "Trainer" in history and "50%" in history and "60%" in history
    # The candidate whose attempt came first keeps the result they were given; a new attempt says how the mark was set.
    sign_in(angoff, "low@a.example")
    old = text_of(angoff.get(f"/tests/attempts/{low}/result"))
    assert "Passed" in old and "set by this service; the DfE has not published" in old
    with app.app_context():
        later = take("low@a.example", 3 / 6, test_key="fx-fixed", minutes=60 * 24 * 400)
    new = text_of(angoff.get(f"/tests/attempts/{later}/result"))
    assert "Not passed" in new and "The pass mark was set by a panel of 2 trainers on" in new


def test_only_judges_rate(app, angoff):
    sign_in(angoff, "trainer@example.org")
    panel = _form_panel(app, angoff)
    sign_in(angoff, "admin@example.org")
    assert angoff.get(f"/trainer/panels/{panel}").status_code == 200
    assert angoff.get(f"/trainer/panels/{panel}/ratings").status_code == 403
    assert angoff.post(f"/trainer/panels/{panel}/ratings", data={"round": "1", "action": "save"}).status_code == 403


def test_an_organisations_panel_is_its_own(app, angoff):
    sign_in(angoff, "trainer@a.example")
    published(angoff, ("eastshire.yaml", bank_text()), ("check.yaml", ORG_TEST))
    page = text_of(angoff.get("/trainer/tests/eastshire-check/panels"))
    assert "Trainer2" in page and "Judge2" not in page  # its own trainers are its judges
    panel = _form_panel(app, angoff, "eastshire-check", ("trainer@a.example", "trainer2@a.example"))
    paths = [f"/trainer/panels/{panel}", f"/trainer/panels/{panel}/ratings", f"/trainer/panels/{panel}/ratings.csv",
             "/trainer/tests/eastshire-check/panels"]
    for path in paths:
        assert angoff.get(path).status_code == 200, path
    for email in ("trainer@b.example", "trainer@example.org"):
        sign_in(angoff, email)
        for path in paths + [f"/trainer/panels/{panel}/apply"]:
            check_page(angoff.get(path), status=404)
        assert angoff.post(f"/trainer/panels/{panel}/advance", data={"status": "round1"}).status_code == 404
        assert angoff.post(f"/trainer/panels/{panel}/apply").status_code == 404
    # An organisation's trainer sees the service's test, but not its standard setting.
    sign_in(angoff, "trainer@a.example")
    assert angoff.get("/trainer/tests/fx-fixed").status_code == 200
    assert "Standard setting" not in text_of(angoff.get("/trainer/tests/fx-fixed"))
    check_page(angoff.get("/trainer/tests/fx-fixed/panels"), status=404)
    sign_in(angoff, "admin@example.org")
    assert angoff.get(f"/trainer/panels/{panel}").status_code == 200
