"""The *not started* list: the organisation's candidates (in the chosen team) with no result at the
chosen test, linked from the cohort page, its counts agreeing with the cohort page's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.data.models import TestForm
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of
from tests.web.employer.builders import add_attempt, at
from tests.web.employer.test_dashboard import figures, table


@pytest.fixture
def employer(client, auth, cohort):
    auth.as_role("employer")
    return cohort


def listed(response) -> list[list[str]]:
    return [row[:3] + row[4:] for row in table(response, "Candidates with no result")[1:]]  # not the joining time


def link_to_list(response) -> str:
    found = re.search(r'<p class="govuk-body app-no-print" id="not-started">\s*<a class="govuk-link" href="([^"]+)">(.*?)</a>',
                      response.get_data(as_text=True), re.S)
    assert found, "the cohort page has no link to the not-started list"
    return found.group(1).replace("&amp;", "&"), " ".join(found.group(2).split())


def test_the_list_names_the_members_with_no_result(client, employer):
    response = client.get("/employer/not-started?test=fx-mock")
    check_page(response, title="Not started: Fixture mock")
    # Gus's only attempt was taken in Org B, Fay has left, Eve's practice and open attempts came after her result.
    assert listed(response) == [["Candidate", "candidate@a.example", "No team", "Not started"],
                                ["Gus Grey", "gus@a.example", "No team", "Not started"]]
    assert "2 candidates in all teams have no result for Fixture mock" in text_of(response)


@pytest.mark.parametrize(("query", "in_heatmap", "waiting"), [
    ("test=fx-mock", 5, 2),  # 7 members now
    ("test=fx-mock&team={blue}", 3, 0),
    ("test=fx-mock&team={red}", 1, 0),
    ("test=fx-mock&team=none", 1, 2),  # Eve; the candidate and Gus
    ("test=fx-sup", 1, 6),
    ("test=fx-sup&team={blue}", 1, 2),  # Ann took it; Ben and Cat did not
])
def test_the_cohort_page_links_to_the_list_and_the_counts_agree(client, employer, query, in_heatmap, waiting):
    """The people in the heatmap and the people in the list make up the team (nobody has moved)."""
    query = query.format(**employer)
    dashboard = client.get("/employer/?" + query)
    assert int(figures(dashboard)["candidates"]) == in_heatmap
    href, words = link_to_list(dashboard)
    assert words.startswith(f"{waiting} candidate{'s' if waiting != 1 else ''} in ")
    page = client.get(href)
    check_page(page)
    assert len(table(page, "Candidates with no result")[1:]) == waiting if waiting else "Nobody in" in text_of(page)


def test_no_link_without_one_test_chosen(client, employer):
    for query in ("", "test=level:practitioner"):
        assert 'id="not-started"' not in client.get("/employer/?" + query).get_data(as_text=True)
    page = client.get("/employer/not-started")
    check_page(page, title="Not started")
    assert "Choose one test" in text_of(page)


def test_an_open_timed_attempt_is_started_but_not_finished(app, client, employer):
    with app.app_context():
        mock = db.session.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        add_attempt(employer["gus"], employer["org_a"], mock, at(3, 10), 0, 0, {}, ended=False)
        db.session.commit()
    assert ["Gus Grey", "gus@a.example", "No team", "Started, not finished"] in listed(
        client.get("/employer/not-started?test=fx-mock"))


@pytest.mark.parametrize("query", ["test=no-such-test", "test=fx-mock&team=99999", "test=fx-mock&team=abc"])
def test_an_unknown_test_or_team_is_404(client, employer, query):
    assert client.get("/employer/not-started?" + query).status_code == 404
