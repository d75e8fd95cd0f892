"""quizapp.services.cohort against the hand-computed figures of the small cohort in tests/web/employer/builders.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from quizapp.services import cohort as c
from quizapp.services import cohort_export
from quizapp.web.extensions import db
from quizapp.data.models import TestForm

from tests.web.employer.builders import add_attempt, at, build_cohort


@pytest.fixture
def data(app, runner, users) -> dict:
    return build_cohort(app, runner)


@pytest.fixture
def s(app, data):
    with app.app_context():
        yield db.session


def mock(data: dict, **kwargs) -> c.CohortFilter:
    return c.CohortFilter(organisation_id=data["org_a"], test_id=data["mock"], **kwargs)


# (which, team, candidates, attempts, passed, median %, median minutes)
HEADLINES = [
    ("latest", None, 5, 5, 3, 50.0, 7),  # 30 45 50 60 70; 4 5 7 9 10 minutes
    ("first", None, 5, 5, 3, 50.0, 8),  # 30 40 50 60 70; 5 7 8 9 10
    ("best", None, 5, 5, 4, 60.0, 7),  # 30 50 60 70 80; 5 6 7 9 10
    ("all", None, 5, 7, 4, 50.0, 7),  # 30 40 45 50 60 70 80; 4 5 6 7 8 9 10
    ("latest", "blue", 3, 3, 2, 50.0, 9),  # Ann 45, Ben 60, Cat 50; 4 9 10
    ("latest", "red", 1, 1, 0, 30.0, 5),
    ("latest", "none", 1, 1, 1, 70.0, 7),  # Eve
]


@pytest.mark.parametrize(("which", "team", "candidates", "attempts", "passed", "median", "minutes"), HEADLINES)
def test_headline_figures(s, data, which, team, candidates, attempts, passed, median, minutes):
    team_id = {None: None, "blue": data["blue"], "red": data["red"], "none": c.NO_TEAM}[team]
    h = c.headline(s, mock(data, which=which, team_id=team_id))
    assert (h.candidates, h.attempts, h.passed) == (candidates, attempts, passed)
    assert h.median_percent == pytest.approx(median)
    assert h.median_seconds == pytest.approx(minutes * 60, abs=0.01)
    assert h.pass_rate == pytest.approx(100 * passed / attempts)


def test_a_date_range_takes_attempts_started_in_it_and_an_even_count_has_the_mean_of_the_middle_two(s, data):
    h = c.headline(s, mock(data, which="all", start=at(2, 1, 0), end=at(3, 1, 0)))
    # February: Ann 80 and 45, Cat 50, Dan 30
    assert (h.candidates, h.attempts, h.passed) == (3, 4, 2)
    assert h.median_percent == pytest.approx(47.5)
    assert h.median_seconds == pytest.approx(330, abs=0.01)  # 4 5 6 9 minutes


def test_level_and_all_tests(s, data):
    sup = c.headline(s, c.CohortFilter(organisation_id=data["org_a"], level="practice-supervisor"))
    assert (sup.candidates, sup.attempts, sup.passed, sup.median_percent) == (1, 1, 1, 100.0)
    practitioner = c.headline(s, c.CohortFilter(organisation_id=data["org_a"], level="practitioner"))
    assert (practitioner.candidates, practitioner.attempts) == (5, 5)
    everything = c.headline(s, c.CohortFilter(organisation_id=data["org_a"]))
    assert (everything.candidates, everything.attempts) == (5, 6)  # latest per candidate and test


def test_nothing_selected(s, data):
    h = c.headline(s, mock(data, start=at(6, 1)))
    assert (h.candidates, h.attempts, h.pass_rate, h.median_percent, h.median_seconds) == (0, 0, None, None, None)
    assert c.heatmap(s, mock(data, start=at(6, 1))).rows == []
    assert c.pass_rate_over_time(s, mock(data, start=at(6, 1))) == []
    assert sum(b.count for b in c.distribution(s, mock(data, start=at(6, 1)))) == 0


def test_heatmap_by_team_weakest_statement_first(s, data):
    hm = c.heatmap(s, mock(data))
    assert hm.by == "team"
    assert [col.code for col in hm.statements] == ["A", "B", "C"]
    # overall, latest attempts: A (30+40+50+0+90)/5, B (45+60+50+30+80)/5, C (60+80+50+60+40)/5
    assert [round(col.cell.mean, 2) for col in hm.statements] == [42.0, 53.0, 58.0]
    assert [col.cell.band for col in hm.statements] == ["Priority for development", "Developing", "Developing"]
    assert [(r.label, r.candidates) for r in hm.rows] == [("Blue", 3), ("Red", 1), ("No team", 1)]
    blue, red, none = hm.rows
    A, B, C = (data["statements"][k] for k in "ABC")
    assert [round(blue.cells[x].mean, 2) for x in (A, B, C)] == [40.0, 51.67, 63.33]
    assert not blue.cells[A].small and red.cells[A].small and none.cells[A].small
    assert none.cells[A].band == "Secure" and none.cells[C].band == "Priority for development"


def test_heatmap_drilled_into_a_team_has_a_row_per_candidate(s, data):
    hm = c.heatmap(s, mock(data, team_id=data["blue"]))
    assert hm.by == "candidate"
    assert [r.label for r in hm.rows] == ["Ann Archer", "Ben Baker", "Cat Cole"]
    A = data["statements"]["A"]
    assert [r.cells[A].mean for r in hm.rows] == [30.0, 40.0, 50.0]
    assert all(r.individual for r in hm.rows)


def test_distribution_in_bins_of_ten(s, data):
    bins = c.distribution(s, mock(data))
    assert [b.count for b in bins] == [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]  # 30 45 50 60 70
    assert bins[5].label == "50% to under 60%" and bins[-1].label == "90% to 100%"
    best = c.distribution(s, mock(data, which="best"))
    assert best[8].count == 1  # Ann's 80


def test_pass_rate_over_time_by_month(s, data):
    periods = c.pass_rate_over_time(s, mock(data, which="all"))
    assert [(p.month, p.attempts, p.passed) for p in periods] == [("2026-01", 2, 1), ("2026-02", 4, 2), ("2026-03", 1, 1)]
    assert periods[0].label == "January 2026" and periods[1].pass_rate == 50.0


def test_pass_rate_over_time_fills_empty_months(s, data):
    periods = c.pass_rate_over_time(s, mock(data, which="all", team_id=c.NO_TEAM))
    assert [p.month for p in periods] == ["2026-03"]
    both = c.pass_rate_over_time(s, c.CohortFilter(organisation_id=data["org_a"], candidate_id=data["ben"], which="all"))
    assert [p.month for p in both] == ["2026-01"]


def test_uk_months_start_at_uk_midnight():
    months = c.uk_months(datetime(2026, 2, 28, 23, 30, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert months == [("2026-02", datetime(2026, 2, 1, 0, 0, tzinfo=UTC)),  # GMT
                      ("2026-03", datetime(2026, 3, 1, 0, 0, tzinfo=UTC)),
                      ("2026-04", datetime(2026, 3, 31, 23, 0, tzinfo=UTC))]  # BST began on 29 March
    assert c.uk_months(datetime(2026, 3, 31, 23, 0, tzinfo=UTC), datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == [months[2]]
    assert [m for m, _ in c.uk_months(datetime(2025, 12, 31, 23, 59, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))] == \
        ["2025-12", "2026-01"]


def test_pass_rate_months_are_uk_months(app, s, data):
    """An attempt submitted at 23:30 UTC on 31 March is in April in England (00:30 BST); the same
    time on 28 February (GMT) or 31 October (GMT again from 25 October) stays in its month."""
    mock_test = s.get(TestForm, data["mock"])
    late = {
        "march": add_attempt(data["dan"], data["org_a"], mock_test, datetime(2026, 3, 31, 23, 10, tzinfo=UTC), 20, 90,
                             {}),
        "february": add_attempt(data["dan"], data["org_a"], mock_test, datetime(2026, 2, 28, 23, 10, tzinfo=UTC), 20, 20,
                                {}),
        "october": add_attempt(data["dan"], data["org_a"], mock_test, datetime(2026, 10, 31, 23, 10, tzinfo=UTC), 20, 70,
                               {}),
    }
    assert late["march"].ended_at == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    s.commit()
    periods = {p.month: (p.attempts, p.passed) for p in c.pass_rate_over_time(s, mock(data, which="all"))}
    assert periods["2026-02"] == (5, 2)  # 4 as before, and the 28 February one (not passed)
    assert periods["2026-03"] == (1, 1)  # Eve's only: the 31 March one is April's
    assert periods["2026-04"] == (1, 1)
    assert periods["2026-10"] == (1, 1)
    assert list(periods) == [f"2026-{m:02d}" for m in range(1, 11)]  # empty months between are filled
    # Only Dan's: the months run from his first to his last.
    dan = c.pass_rate_over_time(s, c.CohortFilter(organisation_id=data["org_a"], candidate_id=data["dan"], which="all"))
    assert [(p.month, p.attempts) for p in dan if p.attempts] == [("2026-02", 2), ("2026-04", 1), ("2026-10", 1)]
    # The date filter is in UK days too: "from 1 April" takes the 31 March 23:10 UTC attempt.
    april = c.pass_rate_over_time(s, mock(data, which="all", start=datetime(2026, 3, 31, 23, 0, tzinfo=UTC),
                                          end=datetime(2026, 5, 1, tzinfo=UTC)))
    assert [(p.month, p.attempts) for p in april] == [("2026-04", 1)]


def test_a_candidates_attempts_and_profile(s, data):
    f = c.CohortFilter(organisation_id=data["org_a"], candidate_id=data["ann"], which="all")
    lines = c.attempt_lines(s, f)
    assert [line.id for line in lines] == [data["attempts"][k] for k in ("a4", "a3", "a2", "a1")]
    assert lines[1].seconds == pytest.approx(240, abs=0.01)
    profile = c.statement_profile(s, f)
    assert [(p.code, round(p.cell.mean, 2)) for p in profile] == [("A", 36.67), ("B", 55.0), ("C", 73.33), ("S1", 100.0)]


def test_time_taken_stops_at_the_deadline(s, data):
    ben = c.attempt_lines(s, c.CohortFilter(organisation_id=data["org_a"], candidate_id=data["ben"], which="all"))
    assert ben[0].ended_how == "expired" and ben[0].seconds == pytest.approx(600, abs=0.01)


@pytest.mark.parametrize("who", ["fay", "gus"])
def test_left_or_joined_later_is_not_visible(s, data, who):
    assert c.attempt_lines(s, c.CohortFilter(organisation_id=data["org_a"], candidate_id=data[who], which="all")) == []


def test_other_organisations_see_only_their_own(s, data):
    b = c.headline(s, c.CohortFilter(organisation_id=data["org_b"], which="all"))
    # Gus's attempt was in Org B but he is in Org A now; Org B's own candidate's attempt counts.
    assert (b.candidates, b.attempts) == (1, 1)


def test_export_table_one_row_per_attempt_with_a_column_per_statement(s, data):
    table = cohort_export.export_table(s, c.CohortFilter(organisation_id=data["org_a"], which="all"))
    assert table.statements == [("A", "Statement A"), ("B", "Statement B"), ("C", "Statement C"), ("S1", "Statement S1")]
    assert len(table.rows) == 8
    ann = [r for r in table.rows if r.candidate == "Ann Archer"]
    assert [r.percent for r in ann] == [40.0, 80.0, 45.0, 100.0]
    assert ann[0].statements == [20.0, 40.0, 60.0, None] and ann[3].statements == [None, None, None, 100.0]
    assert ann[0].team == "Blue" and ann[0].test == "Fixture mock"
    eve = next(r for r in table.rows if r.candidate.startswith("Eve"))
    assert eve.team == "" and eve.passed is True


def test_filters_compose(s, data):
    f = mock(data, which="all", team_id=data["blue"], start=at(2, 1, 0), end=at(3, 1, 0))
    assert c.headline(s, f).attempts == 3  # Ann's a2 and a3, Cat's c1
    assert replace(f, which="latest").which == "latest"
    assert c.headline(s, replace(f, which="latest")).attempts == 2


def test_a_candidate_with_results_in_two_teams_counts_once_overall(s, data):
    """Dan took his attempt in Red; moved to Blue, he takes another. Every attempt: he is in both
    teams' rows (results stay with the team they were taken in), but one candidate overall."""
    from quizapp.data.models import Membership
    from sqlalchemy import select

    membership = s.scalar(select(Membership).where(Membership.user_id == data["dan"], Membership.left_at.is_(None)))
    membership.team_id = data["blue"]
    A, B, C = (data["statements"][k] for k in "ABC")
    add_attempt(data["dan"], data["org_a"], s.get(TestForm, data["mock"]), at(3, 6), 5, 60, {A: 60, B: 60, C: 60})
    s.commit()
    hm = c.heatmap(s, mock(data, which="all"))
    rows = {r.label: r for r in hm.rows}
    assert rows["Red"].candidates == 1 and rows["Blue"].candidates == 4  # Ann, Ben, Cat and Dan now
    overall = {col.code: col.cell for col in hm.statements}
    assert overall["A"].candidates == 5  # Ann, Ben, Cat, Dan, Eve: Dan once
    assert overall["A"].attempts == 8
