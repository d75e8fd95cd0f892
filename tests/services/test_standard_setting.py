"""Modified Angoff panels on the database (services/standard_setting.py and pass_marks.py): forming
a panel on a fixed form only, ratings saved as rows as a judge goes, rounds, the cut score, the
versioned apply step and what a later import does to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizapp.data.models import AngoffRating, Attempt, AuditEvent, PassMarkChange, TestForm, User
from quizapp.services import accounts, erasure, pass_marks, results
from quizapp.services import standard_setting as ss
from quizapp.web.extensions import db
from tests.helpers import make_user
from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.web.trainer.conftest import take

FIXED = FIXTURE_BANKS.parent / "angoff"
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def setting(app, runner, users):
    result = runner.invoke(args=["import", str(FIXTURE_BANKS), str(FIXED)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        make_user("judge2@example.org", "trainer", None)
        make_user("trainer@a.example", "trainer", "Org A")
        db.session.commit()
        yield app


def _test(key: str = "fx-fixed") -> TestForm:
    return db.session.scalar(select(TestForm).where(TestForm.key == key))


def _user(email: str) -> User:
    user = accounts.find_user(db.session, email)
    assert user is not None
    return user


def _panel(judges=("trainer@example.org", "judge2@example.org")):
    panel = ss.create_panel(db.session, _test(), "December panel", [str(_user(e).id) for e in judges],
                            _user("trainer@example.org"), NOW)
    db.session.commit()
    return panel


def _rate_all(panel, email: str, values: list[int], submit: bool = True) -> None:
    judge = ss.judge_of(panel, _user(email))
    errors = ss.save_ratings(db.session, panel, judge, {item.id: str(v) for item, v in zip(panel.items, values)}, NOW)
    assert errors == {}
    if submit:
        ss.submit(db.session, panel, judge, NOW)
    db.session.commit()


def test_a_drawn_test_cannot_have_a_panel(setting):
    with pytest.raises(ss.PanelError, match="draws its questions afresh"):
        ss.create_panel(db.session, _test("fx-mock"), "Panel", [], _user("trainer@example.org"), NOW)


def test_a_panel_rates_the_form_as_it_is_with_the_owners_trainers(setting):
    panel = _panel()
    assert [item.item.key for item in panel.items] == ["fx-s1", "fx-s2", "fx-m1", "fx-o1", "fx-sc1-1", "fx-sc1-2"]
    assert [item.version.id for item in panel.items] == [item.item.current_version_id for item in panel.items]
    assert panel.status == "round1" and panel.test_hash == _test().content_hash
    assert [u.email for u in ss.eligible_judges(db.session, None)] == ["judge2@example.org", "trainer@example.org"]


@pytest.mark.parametrize(("name", "judges", "field"), [
    ("", ["trainer@example.org", "judge2@example.org"], "name"),
    ("Panel", ["trainer@example.org"], "judges"),
    ("Panel", ["trainer@example.org", "trainer@a.example"], "judges"),  # another owner's trainer
    ("Panel", ["trainer@example.org", "candidate@a.example"], "judges"),
])
def test_a_panel_needs_a_name_and_two_judges_of_the_owner(setting, name, judges, field):
    with pytest.raises(ss.FormErrors) as refused:
        ss.create_panel(db.session, _test(), name, [str(_user(e).id) for e in judges], _user("trainer@example.org"), NOW)
    assert field in refused.value.errors
    db.session.rollback()
    assert ss.panels_of(db.session, _test()) == []


def test_half_finished_ratings_are_kept_and_bad_ones_leave_what_was_stored(setting):
    panel = _panel()
    judge = ss.judge_of(panel, _user("trainer@example.org"))
    first, second, third = panel.items[:3]
    assert ss.save_ratings(db.session, panel, judge, {first.id: "60", second.id: "70"}, NOW) == {}
    db.session.commit()
    errors = ss.save_ratings(db.session, panel, judge, {first.id: "150", second.id: "abc", third.id: "55"}, NOW)
    db.session.commit()
    assert set(errors) == {first.id, second.id}
    assert ss.ratings(db.session, panel, 1)[judge.id] == {first.id: 60, second.id: 70, third.id: 55}
    with pytest.raises(ss.PanelError, match="3 of 6 are not rated yet"):
        ss.submit(db.session, panel, judge, NOW)
    assert judge.round1_submitted_at is None


def test_a_submitted_round_cannot_change_and_the_rounds_wait_for_every_judge(setting):
    panel = _panel()
    _rate_all(panel, "trainer@example.org", [60, 60, 60, 60, 60, 60])
    judge = ss.judge_of(panel, _user("trainer@example.org"))
    with pytest.raises(ss.PanelError, match="submitted your round 1"):
        ss.save_ratings(db.session, panel, judge, {panel.items[0].id: "10"}, NOW)
    with pytest.raises(ss.PanelError, match="waiting for Judge2"):
        ss.advance(db.session, panel, NOW)
    assert ss.cut_score(db.session, panel, 1) is None  # nobody sees round 1 until it is over
    _rate_all(panel, "judge2@example.org", [40, 40, 40, 40, 40, 80])
    assert ss.advance(db.session, panel, NOW) == "round2"
    rows = ss.rating_rows(db.session, panel, judge)
    assert [row.typed for row in rows] == ["60"] * 6  # round 2 starts from the judge's round-1 ratings
    assert (rows[5].spread.low, rows[5].spread.median, rows[5].spread.high) == (60, 70.0, 80)
    assert ss.cut_score(db.session, panel, 1).percent == pytest.approx((60 + 280 / 6) / 2)


def _closed_panel(round2=((70,) * 6, (50,) * 6)):
    panel = _panel()
    _rate_all(panel, "trainer@example.org", [60] * 6)
    _rate_all(panel, "judge2@example.org", [40] * 6)
    ss.advance(db.session, panel, NOW)
    _rate_all(panel, "trainer@example.org", list(round2[0]))
    _rate_all(panel, "judge2@example.org", list(round2[1]))
    ss.advance(db.session, panel, NOW)
    db.session.commit()
    return panel


def test_the_cut_score_of_the_closed_panel(setting):
    panel = _closed_panel()
    cut = ss.cut_score(db.session, panel, 2)
    assert (cut.judges, cut.percent, cut.sd_percent) == (2, pytest.approx(60.0), pytest.approx(14.142, abs=1e-3))
    assert cut.se_percent == pytest.approx(10.0)
    csv = ss.export_csv(db.session, panel).splitlines()
    assert csv[0] == "panel,test,judge,judge_email,question,item,item_version,round,rating"
    assert len(csv) == 1 + 2 * 2 * 6
    assert "December panel,fx-fixed,Judge2,judge2@example.org,1,fx-s1,1,1,40" in csv


def test_applying_a_cut_score_is_versioned_and_applies_to_new_attempts_only(setting):
    # Before: a 3/6 (50%) attempt passes at 50%; a 4/6 one passes too.
    low = take("low@a.example", 3 / 6, test_key="fx-fixed")
    high = take("high@a.example", 4 / 6, test_key="fx-fixed")
    panel = _closed_panel()
    shown = pass_marks.preview(db.session, panel)
    assert (shown.old_percent, shown.new_percent, shown.finished, shown.problem) == (50.0, 60.0, 2, None)
    assert [(a.id, c.passed_before, c.passed_after) for a, c in shown.changes] == [(low, True, False)]
    change = pass_marks.apply(db.session, panel, _user("trainer@example.org"), NOW)
    db.session.commit()
    assert (change.version, change.old_percent, change.new_percent, change.judges) == (1, 50.0, 60.0, 2)
    assert _test().pass_mark_percent == 60.0
    past = db.session.get(Attempt, low)
    assert (past.pass_mark_percent, past.passed) == (50.0, True)  # not re-decided
    assert db.session.get(Attempt, high).passed is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "pass_mark.applied"))
    assert json.loads(event.details)["percent"] == 60.0 and json.loads(event.details)["percent_before"] == 50.0
    later = db.session.get(Attempt, take("late@a.example", 3 / 6, test_key="fx-fixed", minutes=60 * 24 * 300))
    assert (later.pass_mark_percent, later.passed) == (60.0, False)
    assert pass_marks.how_set(db.session, later) == ("The pass mark was set by a panel of 2 trainers on 3 December "
                                                     "2026 (modified Angoff standard setting).")
    assert "set by this service" in pass_marks.how_set(db.session, past)
    assert results.report(db.session, later).pass_mark_note.startswith("The pass mark was set by a panel of 2")
    # Applying the same cut again changes nothing; another panel's cut is version 2.
    with pytest.raises(ss.PanelError, match="already the test's pass mark"):
        pass_marks.apply(db.session, panel, _user("trainer@example.org"), NOW + timedelta(days=1))
    db.session.rollback()
    other = _closed_panel(round2=((80,) * 6, (60,) * 6))
    assert pass_marks.apply(db.session, other, _user("trainer@example.org"), NOW + timedelta(days=1)).version == 2
    assert [c.new_percent for c in pass_marks.history(db.session, _test().id)] == [70.0, 60.0]


def test_a_cut_score_cannot_be_applied_before_the_panel_closes_or_to_a_changed_form(setting):
    panel = _panel()
    with pytest.raises(ss.PanelError, match="Close the panel first"):
        pass_marks.apply(db.session, panel, _user("trainer@example.org"), NOW)
    db.session.rollback()
    panel = _closed_panel()
    test = _test()
    blueprint = dict(test.blueprint)
    blueprint["sections"] = [blueprint["sections"][0]]
    test.blueprint = blueprint
    db.session.commit()
    assert "form has changed" in pass_marks.preview(db.session, panel).problem
    with pytest.raises(ss.PanelError, match="form has changed"):
        pass_marks.apply(db.session, panel, _user("trainer@example.org"), NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PassMarkChange)) == 0


def test_the_test_says_when_its_applied_pass_mark_was_set_on_an_earlier_form(setting):
    panel = _closed_panel()
    assert pass_marks.stale_cut(db.session, _test().id) is None  # no panel's mark yet
    pass_marks.apply(db.session, panel, _user("trainer@example.org"), NOW)
    db.session.commit()
    assert pass_marks.stale_cut(db.session, _test().id) is None
    test = _test()
    test.blueprint = {**test.blueprint, "sections": test.blueprint["sections"][:1]}
    db.session.commit()
    assert "form has changed" in pass_marks.stale_cut(db.session, _test().id)


def test_a_later_import_keeps_the_applied_pass_mark_and_says_so(setting, runner):
    panel = _closed_panel()
    pass_marks.apply(db.session, panel, _user("trainer@example.org"), NOW)
    db.session.commit()
    result = runner.invoke(args=["import", str(FIXTURE_BANKS), str(FIXED)])
    assert result.exit_code == 0, result.output
    assert ("kept the pass mark of test fx-fixed at 60%, set by the standard-setting panel 'December panel' "
            "(version 1); the file says 50%, which is not applied") in result.output
    db.session.expire_all()
    assert _test().pass_mark_percent == 60.0


def test_a_judge_who_deletes_their_account_still_counts(setting):
    panel = _closed_panel()
    erasure.erase(db.session, _user("judge2@example.org"), now=NOW)
    db.session.commit()
    db.session.expire_all()
    assert ss.cut_score(db.session, panel, 2).judges == 2
    assert db.session.scalar(select(func.count()).select_from(AngoffRating)) == 24
    assert "A judge whose account was deleted" in ss.export_csv(db.session, panel)


def test_round_two_shows_each_items_facility_and_the_panel_the_forms_sem_once_there_is_data(setting):
    for n, share in enumerate((1.0, 4 / 6, 3 / 6, 1 / 6)):
        take(f"c{n}@a.example", share, test_key="fx-fixed", seed=n)
    panel = _panel()
    _rate_all(panel, "trainer@example.org", [60] * 6)
    _rate_all(panel, "judge2@example.org", [40] * 6)
    ss.advance(db.session, panel, NOW)
    figures = ss.form_figures(db.session, _test(), min_sample=4)
    assert figures.form.attempts == 4 and figures.form.sem_percent is not None
    rows = ss.rating_rows(db.session, panel, ss.judge_of(panel, _user("trainer@example.org")), figures=figures)
    assert all(row.facility_n == 4 for row in rows)
    assert sum(row.facility for row in rows) == pytest.approx((6 + 4 + 3 + 1) / 4)
    fewer = ss.form_figures(db.session, _test(), min_sample=5)  # below the minimum: no facility yet
    assert fewer.facility == {}
