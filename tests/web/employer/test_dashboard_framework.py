"""The employer reads the cohort's statements (heatmap, CSV and Excel exports) against either
framework the questions are keyed to, by the same GET choice as the candidate; the file name
says which (tests/fixtures/ecs_banks)."""

from __future__ import annotations

from datetime import UTC, datetime

from quizapp.services import accounts
from quizapp.web.extensions import db
from tests.helpers import check_page, text_of
from tests.services.test_results_frameworks import both  # noqa: F401 (fixture)
from tests.web.employer.test_export import FIXED, read_csv, read_xlsx
from tests.web.trainer.conftest import take

KSS = ["K1 First statement (%)", "K2 Second statement (%)", "K3 Third statement (%)"]
ECS = ["E1.1 First outcome (%)", "E1.2 Second outcome (%)", "E2.1 Third outcome (%)"]


def _cohort(app, both) -> None:  # noqa: F811
    with both.app_context():
        take("ann@example.org", {"k-1", "k-2"}, test_key="fx-kss-mock")
        take("ben@example.org", {"k-3"}, test_key="fx-kss-mock")


def _text(response) -> str:
    check_page(response)
    return " ".join(text_of(response).split())


def test_the_heatmap_switches_framework_and_keeps_the_filters(app, both, client, auth) -> None:  # noqa: F811
    _cohort(app, both)
    auth.as_role("employer")
    app.config["CLOCK"] = lambda: datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    kss = _text(client.get("/employer/", query_string={"test": "fx-kss-mock", "which": "all"}))
    assert "Show statements of" in kss and "Statements by team: Fixture KSS" in kss
    assert "K3 Third statement" in kss and "E2.1 Third outcome" not in kss
    page = client.get("/employer/", query_string={"test": "fx-kss-mock", "which": "all"}).get_data(as_text=True)
    assert '<input type="hidden" name="test" value="fx-kss-mock">' in page  # the choice keeps the filters
    assert '<input type="hidden" name="which" value="all">' in page
    ecs = _text(client.get("/employer/", query_string={"test": "fx-kss-mock", "which": "all", "framework": "fx-ecs"}))
    assert "Statements by team: Fixture early career standards" in ecs
    assert "E2.1 Third outcome" in ecs and "K3 Third statement" not in ecs
    ecs_page = client.get("/employer/", query_string={"test": "fx-kss-mock", "framework": "fx-ecs"}).get_data(as_text=True)
    assert "/employer/export.csv?test=fx-kss-mock&amp;framework=fx-ecs" in ecs_page
    app.config["CLOCK"] = lambda: datetime(2027, 4, 2, 12, 0, tzinfo=UTC)
    after = _text(client.get("/employer/", query_string={"test": "fx-kss-mock"}))
    assert "Statements by team: Fixture early career standards" in after


def test_exports_follow_the_choice_and_their_names_say_it(app, both, client, auth) -> None:  # noqa: F811
    _cohort(app, both)
    auth.as_role("employer")
    app.config["CLOCK"] = lambda: datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    kss = client.get("/employer/export.csv", query_string={"test": "fx-kss-mock"})
    assert kss.headers["Content-Disposition"] == (
        'attachment; filename="org-a-fixture-kss-mock-all-teams-latest-attempts-fx-kss-2027-03-31.csv"')
    assert read_csv(kss)[0] == FIXED + KSS
    ecs = client.get("/employer/export.xlsx", query_string={"test": "fx-kss-mock", "framework": "fx-ecs"})
    assert ecs.headers["Content-Disposition"] == (
        'attachment; filename="org-a-fixture-kss-mock-all-teams-latest-attempts-fx-ecs-2027-03-31.xlsx"')
    rows = read_xlsx(ecs)
    assert list(rows[0]) == FIXED + ECS and len(rows) == 3


def test_a_candidates_statement_profile_follows_the_same_choice(app, both, client, auth) -> None:  # noqa: F811
    _cohort(app, both)
    auth.as_role("employer")
    app.config["CLOCK"] = lambda: datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    with both.app_context():
        ann = accounts.find_user(db.session, "ann@example.org").id
    kss = _text(client.get(f"/employer/candidates/{ann}"))
    assert "Statement profile: Fixture KSS" in kss and "K3 Third statement" in kss and "E1.1" not in kss
    ecs = _text(client.get(f"/employer/candidates/{ann}", query_string={"framework": "fx-ecs"}))
    assert "Statement profile: Fixture early career standards" in ecs
    assert "E1.1 First outcome" in ecs and "K3 Third statement" not in ecs
