"""The export: CSV and Excel files opened and read back, one row per attempt, a column per statement."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

FIXED = ["Candidate", "Email address", "Team", "Test", "Started (UK time)", "Ended (UK time)", "How it ended",
         "Time taken (minutes)", "Percent", "Passed"]
MOCK_STATEMENTS = ["A Statement A (%)", "B Statement B (%)", "C Statement C (%)"]


@pytest.fixture
def employer(app, client, auth, cohort):
    app.config["CLOCK"] = lambda: datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    auth.as_role("employer")
    return cohort


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_csv_has_one_row_per_attempt_and_a_column_per_statement(client, employer):
    response = client.get("/employer/export.csv?test=fx-mock&which=all")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="org-a-fixture-mock-all-teams-every-attempt-2026-03-10.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0] == FIXED + MOCK_STATEMENTS
    assert len(rows) == 1 + 7
    by_name = {}
    for row in rows[1:]:
        by_name.setdefault(row[0], []).append(row)
    assert [r[4] for r in by_name["Ann Archer"]] == ["2026-01-10 10:00", "2026-02-10 10:00", "2026-02-25 10:00"]
    assert by_name["Ann Archer"][0] == ["Ann Archer", "ann@a.example", "Blue", "Fixture mock", "2026-01-10 10:00",
                                        "2026-01-10 10:08", "Submitted", "8.0", "40.0", "No", "20.0", "40.0", "60.0"]
    ben = by_name["Ben Baker"][0]
    assert ben[5:10] == ["2026-01-15 10:10", "Time ran out", "10.0", "60.0", "Yes"]  # time taken stops at the deadline
    assert by_name["Cat Cole"][0][9] == "Yes"  # 50% on a 50% pass mark passes
    assert by_name["Eve <script>alert(1)</script>"][0][2] == ""  # no team


def test_csv_neutralises_formulas(client, employer):
    rows = read_csv(client.get("/employer/export.csv?test=fx-mock"))
    names = [r[0] for r in rows[1:]]
    assert "'=SUM(1+1) Dan" in names
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_excel_has_the_same_rows_as_typed_cells(client, employer):
    response = client.get("/employer/export.xlsx?test=fx-mock&which=all")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == 'attachment; filename="org-a-fixture-mock-all-teams-every-attempt-2026-03-10.xlsx"'
    rows = read_xlsx(response)
    assert rows[0] == FIXED + MOCK_STATEMENTS
    assert len(rows) == 8
    ann = next(r for r in rows if r[0] == "Ann Archer")
    assert ann[4] == datetime(2026, 1, 10, 10, 0) and ann[5] == datetime(2026, 1, 10, 10, 8)
    assert ann[6:] == ["Submitted", 8.0, 40.0, "No", 20.0, 40.0, 60.0]
    assert "=SUM(1+1) Dan" in [r[0] for r in rows]  # a text cell: shown as written, never run, no apostrophe


def test_uk_summer_time_is_shown_as_local_time(app, client, employer):
    from quizapp.web.extensions import db
    from quizapp.data.models import TestForm

    from tests.web.employer.builders import add_attempt

    with app.app_context():
        mock = db.session.get(TestForm, employer["mock"])
        add_attempt(employer["cat"], employer["org_a"], mock, datetime(2026, 6, 1, 8, 30, tzinfo=UTC), 5, 90, {})
        db.session.commit()
    rows = read_csv(client.get("/employer/export.csv?test=fx-mock&which=all"))
    assert "2026-06-01 09:30" in [r[4] for r in rows if r[0] == "Cat Cole"]


@pytest.mark.parametrize(("query", "filename", "names", "statements"), [
    ("", "org-a-all-tests-all-teams-latest-attempts-2026-03-10", {"Ann Archer", "Ben Baker", "Cat Cole", "=SUM(1+1) Dan", "Eve"}, MOCK_STATEMENTS + ["S1 Statement S1 (%)"]),
    ("test=level:practice-supervisor", "org-a-all-practice-supervisor-tests-all-teams-latest-attempts-2026-03-10", {"Ann Archer"}, ["S1 Statement S1 (%)"]),
    ("test=fx-mock&team={blue}", "org-a-fixture-mock-blue-latest-attempts-2026-03-10", {"Ann Archer", "Ben Baker", "Cat Cole"}, MOCK_STATEMENTS),
    ("test=fx-mock&from-day=1&from-month=3&from-year=2030",
     "org-a-fixture-mock-all-teams-latest-attempts-from-2030-03-01-2026-03-10", set(), []),
])
def test_the_export_follows_the_filters(client, employer, query, filename, names, statements):
    response = client.get("/employer/export.csv?" + query.format(**employer))
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}.csv"'
    rows = read_csv(response)
    assert rows[0] == FIXED + statements
    assert {r[0].lstrip("'").split(" <")[0] for r in rows[1:]} == names


def test_admin_exports_any_organisation(client, auth, cohort, app):
    app.config["CLOCK"] = lambda: datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    auth.as_role("admin")
    response = client.get(f"/admin/organisations/{cohort['org_b']}/export.xlsx?which=all")
    assert response.headers["Content-Disposition"] == 'attachment; filename="org-b-all-tests-all-teams-every-attempt-2026-03-10.xlsx"'
    rows = read_xlsx(response)
    assert [r[0] for r in rows[1:]] == ["Candidate"]


@pytest.mark.parametrize("who", ["candidate", "trainer", "other_employer"])
def test_nobody_else_gets_org_as_results(client, auth, cohort, who):
    auth.as_role(who)
    response = client.get("/employer/export.csv?which=all")
    if who == "other_employer":
        names = [r[0] for r in read_csv(response)[1:]]
        assert names == ["Candidate"]  # their own organisation's only
    else:
        assert response.status_code == 403
