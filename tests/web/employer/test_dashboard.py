"""The cohort dashboard: every filter and figure against the hand-computed cohort of builders.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from quizapp.web.extensions import db
from quizapp.data.models import TestForm
from tests.helpers import check_page, text_of

from tests.web.employer.builders import add_attempt


def figures(response) -> dict[str, str]:
    text = text_of(response)
    found = re.search(r"Headline figures Candidates (\d+) Attempts (\d+) Pass rate (\S+) \((\d+) of \d+ passed\) "
                      r"Median score (\S+) Median time taken (.+?) (?:\d+ candidates? in .+? not taken .+? )?Statements", text)
    assert found, text[:2000]
    keys = ["candidates", "attempts", "pass_rate", "passed", "median", "time"]
    return dict(zip(keys, found.groups(), strict=True))


def table(response, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, as lists of cell texts."""
    html = response.get_data(as_text=True)
    for match in re.finditer(r"<table.*?</table>", html, re.S):
        if caption in " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()):
            rows = re.findall(r"<tr.*?</tr>", match.group(0), re.S)
            return [[unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
                     for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
    raise AssertionError(f"no table with caption {caption!r}")


@pytest.fixture
def employer(client, auth, cohort):
    auth.as_role("employer")
    return cohort


# query string -> candidates, attempts, pass rate, passed, median score, median time (see tests/services/test_cohort.py)
CASES = [
    ("test=fx-mock", "5", "5", "60%", "3", "50%", "7 minutes"),
    ("test=fx-mock&which=first", "5", "5", "60%", "3", "50%", "8 minutes"),
    ("test=fx-mock&which=best", "5", "5", "80%", "4", "60%", "7 minutes"),
    ("test=fx-mock&which=all", "5", "7", "57%", "4", "50%", "7 minutes"),
    ("test=fx-mock&team={blue}", "3", "3", "67%", "2", "50%", "9 minutes"),
    ("test=fx-mock&team={red}", "1", "1", "0%", "0", "30%", "5 minutes"),
    ("test=fx-mock&team=none", "1", "1", "100%", "1", "70%", "7 minutes"),
    ("test=fx-mock&which=all&from-day=1&from-month=2&from-year=2026&to-day=28&to-month=2&to-year=2026",
     "3", "4", "50%", "2", "47.5%", "5 minutes 30 seconds"),
    ("test=fx-mock&from-day=1&from-month=3&from-year=2026", "1", "1", "100%", "1", "70%", "7 minutes"),
    ("test=fx-mock&to-day=14&to-month=1&to-year=2026", "1", "1", "0%", "0", "40%", "8 minutes"),
    ("test=level:practice-supervisor", "1", "1", "100%", "1", "100%", "12 minutes"),
    ("test=level:practitioner", "5", "5", "60%", "3", "50%", "7 minutes"),
    ("", "5", "6", "67%", "4", "55%", "8 minutes"),  # every test: latest per candidate and test (4 5 7 9 10 12)
]


@pytest.mark.parametrize(("query", "candidates", "attempts", "rate", "passed", "median", "time"), CASES)
def test_headline_figures_for_every_filter(client, employer, query, candidates, attempts, rate, passed, median, time):
    response = client.get("/employer/?" + query.format(**employer))
    check_page(response, title="Cohort results")
    assert figures(response) == {"candidates": candidates, "attempts": attempts, "pass_rate": rate, "passed": passed,
                                 "median": median, "time": time}


def test_the_page_says_what_is_selected(client, employer):
    text = text_of(client.get(f"/employer/?test=fx-mock&which=best&team={employer['blue']}"
                              "&from-day=1&from-month=2&from-year=2026"))
    assert "Showing the best attempt per candidate at Fixture mock, Blue, started on or after 1 February 2026." in text


@pytest.mark.parametrize(("query", "sentence"), [
    ("", "Showing the latest attempt per candidate at all tests, all teams, started at any time."),
    ("which=all&test=level:practitioner", "Showing every attempt at all practitioner tests, all teams, started at any time."),
    ("which=first&test=fx-mock&team=none", "Showing the first attempt per candidate at Fixture mock, Candidates in no team,"),
])
def test_the_selection_reads_as_a_sentence(client, employer, query, sentence):
    """Not "Showing the every attempt at All tests": found by the browser journey."""
    assert sentence in text_of(client.get("/employer/?" + query))


def test_filters_are_shown_as_chosen(client, employer):
    html = client.get(f"/employer/?test=fx-mock&which=first&team={employer['red']}&from-day=3&from-month=2&from-year=2026"
                      ).get_data(as_text=True)
    assert re.search(r'<option value="fx-mock" selected', html)
    assert re.search(rf'<option value="{employer["red"]}" selected', html)
    assert re.search(r'<option value="first" selected', html)
    assert re.search(r'name="from"[^>]*value="3 2 2026"', html)  # an older link's three boxes, as one date
    assert 'method="get"' in html


def test_heatmap_by_team_weakest_first_with_bands_in_words_and_small_groups_marked(client, employer):
    response = client.get("/employer/?test=fx-mock")
    rows = table(response, "Mean score on each statement by team")
    assert rows[0] == ["Statement", "All candidates", "Blue", "Red", "No team"]  # a column per team
    assert rows[1] == ["Candidates", "5", "3", "1", "1"]
    assert [r[0] for r in rows[2:]] == ["A Statement A", "B Statement B", "C Statement C"]  # a row per statement, titled
    assert rows[2][:4] == ["A Statement A", "42% Priority for development", "40% Priority for development",
                           "0% Priority for development Fewer than 3 candidates (1)"]
    assert rows[2][4] == "90% Secure Fewer than 3 candidates (1)"
    assert [r[1] for r in rows[3:]] == ["53% Developing", "58% Developing"]
    assert [r[2] for r in rows[3:]] == ["52% Developing", "63% Developing"]
    html = response.get_data(as_text=True)
    assert 'class="govuk-tag app-heat__tag govuk-tag--green">Secure' in html  # colour and the word
    assert html.count("app-heat--small") == 6 + 1  # Red's and No team's cells, and the legend's example
    legend = text_of(response).split("What the cells mean")[1]
    assert "Secure a mean of 75% or more Developing a mean of 50% to under 75% " \
           "Priority for development a mean of 0% to under 50%" in legend


def test_heatmap_drills_into_a_team_by_candidate(client, employer):
    response = client.get("/employer/?test=fx-mock")
    blue_link = re.search(r'href="([^"]+)">Blue<', response.get_data(as_text=True)).group(1).replace("&amp;", "&")
    assert f"team={employer['blue']}" in blue_link and "test=fx-mock" in blue_link
    drilled = client.get(blue_link)
    check_page(drilled)
    rows = table(drilled, "Mean score on each statement by candidate")
    assert rows[0] == ["Statement", "All in Blue", "Ann Archer", "Ben Baker", "Cat Cole"]
    assert rows[1][0] == "A Statement A" and rows[1][2] == "30% Priority for development"  # Ann's latest: A 30
    assert "Fewer than" not in " ".join(" ".join(r[2:]) for r in rows[1:])  # one candidate's own column is not a group
    assert f'href="/employer/candidates/{employer["ann"]}"' in drilled.get_data(as_text=True)
    none_row = client.get("/employer/?test=fx-mock&team=none")
    assert table(none_row, "by candidate")[0][2:] == ["Eve <script>alert(1)</script>"]


def test_score_distribution_chart_and_table(client, employer):
    response = client.get("/employer/?test=fx-mock&which=all")
    rows = table(response, "Attempts in each score band")
    assert rows[1:] == [["0% to under 10%", "0"], ["10% to under 20%", "0"], ["20% to under 30%", "0"],
                        ["30% to under 40%", "1"], ["40% to under 50%", "2"], ["50% to under 60%", "1"],
                        ["60% to under 70%", "1"], ["70% to under 80%", "1"], ["80% to under 90%", "1"],
                        ["90% to 100%", "0"]]
    html = response.get_data(as_text=True)
    svg = re.search(r'<svg class="app-chart" id="distribution-chart".*?</svg>', html, re.S).group(0)
    assert svg.count("<rect") == 10 and 'role="img"' in svg and "<title" in svg


def test_pass_rate_over_time_chart_and_table(client, employer):
    response = client.get("/employer/?test=fx-mock&which=all")
    rows = table(response, "Pass rate by the month the attempt started")
    assert rows[1:] == [["January 2026", "2", "1", "50%"], ["February 2026", "4", "2", "50%"], ["March 2026", "1", "1", "100%"]]
    svg = re.search(r'<svg class="app-chart" id="pass-rate-chart".*?</svg>', response.get_data(as_text=True), re.S).group(0)
    assert svg.count("<circle") == 3 and "<polyline" in svg


def test_pass_rate_months_are_uk_months(client, employer, app):
    """Submitted at 23:30 UTC on 31 March 2026, after British Summer Time began: 00:30 on 1 April in England."""
    with app.app_context():
        add_attempt(employer["dan"], employer["org_a"], db.session.get(TestForm, employer["mock"]),
                    datetime(2026, 3, 31, 23, 10, tzinfo=UTC), 20, 90, {})
        db.session.commit()
    response = client.get("/employer/?test=fx-mock&which=all")
    rows = table(response, "Pass rate by the month the attempt started (UK time)")
    assert rows[1:] == [["January 2026", "2", "1", "50%"], ["February 2026", "4", "2", "50%"], ["March 2026", "1", "1", "100%"],
                        ["April 2026", "1", "1", "100%"]]
    # The filter's dates are UK days: from 1 April 2026 takes it, to 31 March 2026 does not.
    april = table(client.get("/employer/?test=fx-mock&which=all&from-day=1&from-month=4&from-year=2026"),
                  "Pass rate by the month")
    assert april[1:] == [["April 2026", "1", "1", "100%"]]
    march = table(client.get("/employer/?test=fx-mock&which=all&from-day=1&from-month=3&from-year=2026"
                             "&to-day=31&to-month=3&to-year=2026"), "Pass rate by the month")
    assert march[1:] == [["March 2026", "1", "1", "100%"]]


def test_no_results(client, employer):
    response = client.get("/employer/?test=fx-mock&from-day=1&from-month=1&from-year=2027")
    check_page(response)
    assert "No timed test results match these filters." in text_of(response)
    assert "Headline figures" not in text_of(response)


def test_only_visible_attempts_count(client, employer):
    """Practice, unfinished, left the organisation, taken elsewhere: none of them appear."""
    text = text_of(client.get("/employer/?test=fx-mock&which=all"))
    assert "Fay Ford" not in text and "Gus Grey" not in text
    assert figures(client.get("/employer/?test=fx-mock&which=all&team=none"))["attempts"] == "1"  # Eve's timed one only


@pytest.mark.parametrize(("query", "message", "target"), [
    ("from-day=31&from-month=2&from-year=2026", "Date from must be a real date", "from"),
    ("from-day=1&from-year=2026", "Date from must include a month", "from"),
    ("to-day=1&to-month=1&to-year=26", "Date to must include a year with 4 numbers", "to"),
    ("from-day=2&from-month=2&from-year=2026&to-day=1&to-month=2&to-year=2026",
     "Date to must be the same as or after date from", "to"),
    ("from=31/2/2026", "Date from must be a real date", "from"),
    ("to=next Tuesday", "Date to must be a date, like 1/12/2026, 1 Dec 2026 or Dec 2026", "to"),
    ("from=Mar 2026&to=Feb 2026", "Date to must be the same as or after date from", "to"),
    ("test=no-such-test", "Choose a test from the list", "test"),
    ("test=level:astronaut", "Choose a test from the list", "test"),
])
def test_bad_filters_are_explained_in_an_error_summary(client, employer, query, message, target):
    response = client.get("/employer/?" + query)
    page = check_page(response)
    assert target in page.error_links
    assert message in text_of(response)
    assert page.title.startswith("Error: ")


def test_an_unknown_which_falls_back_to_latest(client, employer):
    assert figures(client.get("/employer/?test=fx-mock&which=everything"))["attempts"] == "5"


@pytest.mark.parametrize("team", ["99999", "abc"])
def test_a_team_that_is_not_the_employers_is_a_404(client, employer, team):
    assert client.get(f"/employer/?team={team}").status_code == 404


def test_another_organisations_team_is_a_404_and_reveals_nothing(client, auth, employer, app):
    from quizapp.services import organisations
    from quizapp.web.extensions import db
    from quizapp.data.models import Organisation

    with app.app_context():
        org_b = db.session.get(Organisation, employer["org_b"])
        theirs = organisations.create_team(db.session, org_b, "Their team").id
        db.session.commit()
    assert client.get(f"/employer/?team={theirs}").status_code == 404
    assert client.get(f"/employer/export.csv?team={theirs}").status_code == 404


def test_hostile_names_are_escaped(client, employer):
    html = client.get("/employer/?test=fx-mock&team=none").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "Eve &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_employer_without_an_organisation(client, app, auth):
    from tests.helpers import make_user

    from quizapp.web.extensions import db

    with app.app_context():
        make_user("loner@example.org", "employer", None)
        db.session.commit()
    auth.sign_in("loner@example.org")
    response = client.get("/employer/")
    check_page(response, title="Cohort results")
    assert "not linked to an organisation" in text_of(response)
    for url in ("/employer/candidates", "/employer/teams", "/employer/invitations", "/employer/export.csv"):
        assert client.get(url).status_code == 404


def test_the_dashboard_works_without_javascript_and_links_keep_the_filters(client, employer):
    html = client.get(f"/employer/?test=fx-mock&which=all&team={employer['blue']}").get_data(as_text=True)
    export = re.search(r'href="(/employer/export\.csv[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "test=fx-mock" in export and "which=all" in export and f"team={employer['blue']}" in export
    assert "<noscript" not in html  # nothing on the page needs a script


def test_admin_sees_any_organisations_dashboard(client, auth, cohort):
    auth.as_role("admin")
    home = client.get("/admin/")
    assert f'href="/admin/organisations/{cohort["org_a"]}"' in home.get_data(as_text=True)
    response = client.get(f"/admin/organisations/{cohort['org_a']}?test=fx-mock")
    check_page(response, title="Org A: cohort results")
    assert figures(response)["attempts"] == "5"
    assert f'href="/admin/organisations/{cohort["org_a"]}/candidates/{cohort["ann"]}"' in client.get(
        f"/admin/organisations/{cohort['org_a']}?test=fx-mock&team={cohort['blue']}").get_data(as_text=True)
    b = client.get(f"/admin/organisations/{cohort['org_b']}?which=all")
    check_page(b, title="Org B: cohort results")
    assert figures(b)["attempts"] == "1"
    assert client.get("/admin/organisations/99999").status_code == 404


@pytest.mark.parametrize("month", ["Feb", "february", "FEB."])
def test_a_month_may_be_written_as_a_word(client, employer, month):
    words = figures(client.get("/employer/", query_string={
        "test": "fx-mock", "which": "all", "from-day": "1", "from-month": month, "from-year": "2026",
        "to-day": "28", "to-month": "Feb", "to-year": "2026"}))
    assert (words["candidates"], words["attempts"]) == ("3", "4")  # as with 2 for February


@pytest.mark.parametrize(("start", "end"), [
    ("Feb 2026", "Feb 2026"), ("February 2026", "february 2026"), ("1/2/2026", "28/02/2026"),
    ("01/02/2026", "28/2/2026"), ("2026-02-01", "2026-02-28"), ("1 Feb 2026", "28 February 2026"), ("2026-02", "2/2026"),
])
def test_dates_are_read_as_people_type_them(client, employer, start, end):
    """February 2026 written in the ways people write it: the same figures as from 1 to 28 February."""
    typed = figures(client.get("/employer/", query_string={"test": "fx-mock", "which": "all", "from": start, "to": end}))
    assert (typed["candidates"], typed["attempts"], typed["median"]) == ("3", "4", "47.5%")


def test_a_typed_date_is_shown_as_typed_and_kept_by_the_links(client, employer):
    response = client.get("/employer/", query_string={"test": "fx-mock", "which": "all", "from": "Feb 2026", "to": "Feb 2026"})
    html = response.get_data(as_text=True)
    assert re.search(r'name="from"[^>]*value="Feb 2026"', html)
    assert "started from 1 February 2026 to 28 February 2026" in text_of(response)
    assert "from=2026-02-01&amp;to=2026-02-28" in html  # the downloads keep the whole month


@pytest.mark.parametrize("query", [{"from": "1 Mar 2026", "to": "1 Feb 2026"}, {"from": "1 Mar 2026", "to": "31/2/2026"},
                                   {"from": "31/2/2026", "to": "Feb 2026"}])
def test_a_bad_typed_range_applies_neither_date(client, employer, query):
    response = client.get("/employer/", query_string={"test": "fx-mock", **query})
    assert "There is a problem" in text_of(response)
    assert figures(response) == figures(client.get("/employer/", query_string={"test": "fx-mock"}))


def test_a_reversed_date_range_is_refused_whole(client, employer):
    """From 1 March to 1 February: an error, and neither date applied (not the from-date alone)."""
    response = client.get("/employer/", query_string={
        "test": "fx-mock", "from-day": "1", "from-month": "3", "from-year": "2026",
        "to-day": "1", "to-month": "2", "to-year": "2026"})
    assert "Date to must be the same as or after date from" in text_of(response)
    everything = figures(client.get("/employer/", query_string={"test": "fx-mock"}))
    assert figures(response) == everything


def test_another_organisations_tests_are_not_offered_or_accepted(client, auth, cohort, app):
    """An organisation's own test is listed only to that organisation's employer (and the admin
    viewing it): its title is not even named to another."""
    with app.app_context():
        test = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        test.title, test.organisation_id = "Org B's own check", cohort["org_b"]
        db.session.commit()
    auth.as_role("employer")
    page = client.get("/employer/")
    assert "Org B&#39;s own check" not in page.get_data(as_text=True) and "Org B's own check" not in text_of(page)
    chosen = client.get("/employer/", query_string={"test": "fx-mock"})
    assert "Choose a test from the list" in text_of(chosen)
    auth.sign_out()
    auth.as_role("other_employer")
    assert "Org B&#39;s own check" in client.get("/employer/").get_data(as_text=True)
