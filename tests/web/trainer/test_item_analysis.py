"""Item analysis on stored attempts: which attempts count, the figures per item version, CSV and
the `quizapp stats` command."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from quizapp.services import item_analysis
from quizapp.domain import item_stats
from quizapp.web.extensions import db
from quizapp.data.models import TestForm


def fx_mock():
    return db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))


def test_first_ended_timed_attempt_per_candidate_by_default(fx, cohort):
    with fx.app_context():
        assert item_analysis.attempt_ids(db.session, fx_mock()) == cohort["first"]
        assert item_analysis.attempt_ids(db.session, fx_mock(), all_attempts=True) == [*cohort["first"], cohort["later"]]


def test_figures(fx, cohort):
    with fx.app_context():
        result = item_analysis.analyse_test(db.session, fx_mock())
    form = result.form
    assert (form.attempts, form.questions, result.candidates) == (6, 6, 6)
    # Totals 6, 5, 4, 3, 2, 1 of 6: mean 3.5 of 6 = 58.33%, median 58.33%.
    assert form.mean_percent == pytest.approx(350 / 6)
    assert form.median_percent == pytest.approx(350 / 6)
    assert len(result.items) == 6 and all(s.n == 6 for s in result.items)
    assert {s.item.key for s in result.items} == {"fx-s1", "fx-s2", "fx-m1", "fx-o1", "fx-sc1-1", "fx-sc1-2"}
    # Every facility is the share of the six candidates who got it right; answers are stored.
    assert sum(s.facility * 6 for s in result.items) == pytest.approx(21)
    multiple = next(s for s in result.items if s.item.key == "fx-m1")
    assert [o.correct for o in multiple.options] == [True, False, True, False, True, False, False, False]
    assert sum(o.chosen for o in multiple.options) == 18  # three choices each
    assert all(not s.flags for s in result.items)  # six responses: below the minimum of 30


def test_all_attempts_adds_the_later_one(fx, cohort):
    with fx.app_context():
        result = item_analysis.analyse_test(db.session, fx_mock(), all_attempts=True)
    assert result.form.attempts == 7 and result.candidates == 6


def test_flags_with_a_lower_minimum(fx, cohort):
    with fx.app_context():
        result = item_analysis.analyse_test(db.session, fx_mock(), min_sample=5)
    codes = {f.code for s in result.items for f in s.flags}
    assert codes  # something is flagged on six responses when the minimum allows it
    assert result.flagged == [s for s in result.items if s.flags]


@pytest.mark.parametrize("sort", ["facility", "discrimination", "flags", "item", "n", "nonsense"])
def test_sorting(fx, cohort, sort):
    with fx.app_context():
        result = item_analysis.analyse_test(db.session, fx_mock(), min_sample=5)
    ordered = item_analysis.sorted_items(result, sort)
    assert sorted(s.item.key for s in ordered) == sorted(s.item.key for s in result.items)
    if sort == "facility":
        assert [s.facility for s in ordered] == sorted(s.facility for s in ordered)


def test_csv_protects_against_formulas():
    info = item_stats.ItemInfo(1, "=evil", 1, "single", ("a", "b"), (0,), stem="=HYPERLINK(\"http://x\")", section="knowledge",
                               statements=("A",))
    stats = item_stats.ItemStats(info, 40, 0.5, 0.5, -0.25, -0.5, (0.4, 0.6), (-0.4, -0.1), 0, 13,
                                 flags=[item_stats.Flag("discrimination", "-bad")])
    analysis = item_stats.Analysis(item_stats.form_stats([]), [stats], 30)
    test = TestForm(key="+test")
    out = io.StringIO()
    item_analysis.write_csv([item_analysis.TestAnalysis(test, False, 0, analysis)], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == item_analysis.CSV_HEADER
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["test"] == "'+test" and row["item"] == "'=evil" and row["stem"].startswith("'=HYPERLINK")
    assert row["flags"] == "'-bad"
    assert row["discrimination"] == "-0.25"  # numbers stay numbers


def test_stats_command(fx, cohort, runner, tmp_path):
    path = tmp_path / "stats.csv"
    result = runner.invoke(args=["stats", "--test", "fx-mock", "--csv", str(path), "--min-sample", "5"])
    assert result.exit_code == 0, result.output
    assert "fx-mock: Fixture mock" in result.output
    assert "6 attempts (each candidate's first ended timed attempt) by 6 candidates; 6 questions a form" in result.output
    assert "mean 58.3%, median 58.3%" in result.output
    assert "fx-s1 v1 n=6 facility" in result.output
    assert "item versions flagged (flags need at least 5 responses)" in result.output
    rows = list(csv.reader(path.open()))
    assert len(rows) == 7 and rows[0][0] == "test"
    every = runner.invoke(args=["stats", "--all-attempts"])
    assert "7 attempts (all ended timed attempts) by 6 candidates" in every.output
    assert runner.invoke(args=["stats", "--test", "nope"]).exit_code == 2


def test_stats_command_with_nothing_to_analyse(fx, runner):
    result = runner.invoke(args=["stats"])
    assert result.exit_code == 0 and "No test has any ended attempts yet." in result.output


def test_stats_csv_to_standard_output(fx, cohort, runner):
    result = runner.invoke(args=["stats", "--test", "fx-mock", "--csv", "-"])
    assert result.stdout.startswith("test,item,version")
