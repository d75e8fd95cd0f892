"""Reading results against either framework in the browser (tests/fixtures/ecs_banks): the
candidate switches framework on the result page and the employer on the cohort page, with the
radios and the button (no script needed), at 1000 px and at 320 px, each page checked with
axe-core and the page checks of Audit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from quizapp.web.extensions import db
from tests.helpers import PASSWORD, make_user
from tests.services.test_pools_also_keyed import ECS_BANKS
from tests.web.trainer.conftest import take

from .server import LiveServer
from .support import page_scrolls_sideways, sign_in

pytestmark = pytest.mark.browser

CANDIDATE = {"email": "two.frameworks@example.org", "password": PASSWORD, "role": "candidate"}
EMPLOYER = {"email": "two.frameworks.employer@example.org", "password": PASSWORD, "role": "employer"}


@pytest.fixture(scope="module")
def ecs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("ecs-server"), [ECS_BANKS], "ecs-server")
    with live.app.app_context():  # the candidate and the employer are both in Org A
        live.attempt_id = take(CANDIDATE["email"], {"k-1", "k-2"}, test_key="fx-kss-mock")  # type: ignore[attr-defined]
        make_user(EMPLOYER["email"], "employer", "Org A")
        db.session.commit()
    live.start()
    yield live
    live.stop()


@pytest.mark.parametrize("width", [1000, 320])
def test_the_candidate_switches_framework_on_the_result_page(ecs_server, open_page, audit, width) -> None:
    page = open_page(base_url=ecs_server.url, viewport={"width": width, "height": 800})
    sign_in(page, CANDIDATE)
    page.goto(f"/tests/attempts/{ecs_server.attempt_id}/result")
    choice = page.get_by_role("group", name="Show results against")
    expect(choice.get_by_role("radio", name="Fixture KSS")).to_be_checked()  # in use today (before April 2027)
    expect(page.locator("#statements")).to_contain_text("Fixture KSS")
    expect(page.locator("#standards")).to_have_count(0)
    assert not page_scrolls_sideways(page)
    audit(page, "result", state="KSS")

    choice.get_by_role("radio", name="Fixture early career standards (not yet in force)").check()
    page.get_by_role("button", name="Show results").click()
    expect(page).to_have_url(f"{ecs_server.url}/tests/attempts/{ecs_server.attempt_id}/result?framework=fx-ecs")
    table = page.get_by_role("table", name="Result for each standard and its outcomes")
    expect(table.get_by_role("rowheader")).to_have_count(5)  # E1 with E1.1 and E1.2, E2 with E2.1
    expect(table).to_contain_text("E1 First standard")
    expect(page.get_by_role("radio", name="Fixture early career standards (not yet in force)")).to_be_checked()
    assert not page_scrolls_sideways(page)
    audit(page, "result", state="early career standards")


@pytest.mark.parametrize("width", [1000, 320])
def test_the_employer_switches_framework_on_the_cohort_page(ecs_server, open_page, audit, width) -> None:
    page = open_page(base_url=ecs_server.url, viewport={"width": width, "height": 800})
    sign_in(page, EMPLOYER)
    page.goto("/employer/?test=fx-kss-mock&which=all")
    heatmap = page.locator(".app-heatmap")
    expect(heatmap).to_contain_text("K3")
    audit(page, "cohort", state="KSS")

    page.get_by_role("group", name="Show statements of").get_by_role(
        "radio", name="Fixture early career standards (not yet in force)").check()
    page.get_by_role("button", name="Show results").click()
    expect(page).to_have_url(f"{ecs_server.url}/employer/?test=fx-kss-mock&which=all&framework=fx-ecs")
    expect(page.locator("#heatmap-heading")).to_contain_text("Fixture early career standards")
    expect(heatmap).to_contain_text("E2.1")
    expect(heatmap).not_to_contain_text("K3")
    expect(page.get_by_role("link", name="Download as CSV")).to_have_attribute(
        "href", "/employer/export.csv?test=fx-kss-mock&which=all&framework=fx-ecs")
    assert not page_scrolls_sideways(page)
    audit(page, "cohort", state="early career standards")
