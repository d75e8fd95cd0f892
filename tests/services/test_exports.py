"""quizapp.services.exports: text that a spreadsheet would run as a formula is neutralised; file names."""

from __future__ import annotations

from datetime import date

import pytest

from quizapp.services import exports


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tname", "'\tname"), ("\rname", "'\rname"), ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("Ann", "Ann"), ("O'Neill", "O'Neill"), ("", ""), (" =1", " =1"),
])
def test_safe_text(value, written):
    assert exports.safe_text(value) == written


@pytest.mark.parametrize(("organisation", "selection", "expected"), [
    ("Org A", "Fixture mock", "org-a-fixture-mock-all-teams-latest-attempts-2026-03-10.csv"),
    ("Brent & Harrow Council", "All practitioner tests",
     "brent-harrow-council-all-practitioner-tests-all-teams-latest-attempts-2026-03-10.csv"),
    ('"; rm -rf /', "../../etc", "rm-rf-etc-all-teams-latest-attempts-2026-03-10.csv"),
    ("Ünïcödé", "<script>", "unicode-script-all-teams-latest-attempts-2026-03-10.csv"),
    ("Org", "¿?", "org-all-all-teams-latest-attempts-2026-03-10.csv"),
])
def test_filenames_are_plain_and_say_what_and_when(organisation, selection, expected):
    assert exports.filename(organisation, selection, date(2026, 3, 10), "csv") == expected


@pytest.mark.parametrize(("team", "which", "dates", "expected"), [
    ("Blue", "best", (None, None), "org-a-fixture-mock-blue-best-attempts-2026-03-10.csv"),
    ("Candidates in no team", "all", (date(2026, 1, 1), date(2026, 1, 31)),
     "org-a-fixture-mock-candidates-in-no-team-every-attempt-from-2026-01-01-to-2026-01-31-2026-03-10.csv"),
    ("Red", "first", (date(2026, 2, 1), None), "org-a-fixture-mock-red-first-attempts-from-2026-02-01-2026-03-10.csv"),
])
def test_filenames_say_the_team_attempts_and_dates_chosen(team, which, dates, expected):
    assert exports.filename("Org A", "Fixture mock", date(2026, 3, 10), "csv", team=team, which=which,
                            date_from=dates[0], date_to=dates[1]) == expected


@pytest.mark.parametrize(("selection", "sheet"), [("Fixture mock", "Fixture mock"), ("???", "Results"), ("", "Results")])
def test_the_workbook_sheet_is_named_after_the_selection(selection, sheet):
    import io

    from openpyxl import load_workbook

    from quizapp.services.cohort_export import ExportTable

    data = exports.xlsx_bytes(ExportTable(statements=[("P1", "One")], rows=[]), sheet_title=selection)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.active.title == sheet
    assert [c.value for c in workbook.active[1]] == exports.headers(ExportTable([("P1", "One")], []))
