"""A framework grouped under standards in the browser: the candidate's result with a table per
standard and its outcomes, and the trainer's framework page with its standards and whether it
is in use, each checked with axe-core (WCAG 2.2 A/AA) and the page checks of Audit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from quizapp.web.extensions import db
from tests.helpers import PASSWORD, make_user
from tests.services.test_results_standards import GROUPED_BANKS
from tests.web.trainer.conftest import take

from .server import FIXTURE_BANKS, LiveServer
from .support import sign_in

pytestmark = pytest.mark.browser

CANDIDATE = {"email": "ecs.browser@example.org", "password": PASSWORD, "role": "candidate"}
TRAINER = {"email": "ecs.trainer@example.org", "password": PASSWORD, "role": "trainer"}


@pytest.fixture(scope="module")
def grouped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("grouped-server"), [FIXTURE_BANKS, GROUPED_BANKS], "grouped-server")
    with live.app.app_context():
        live.attempt_id = take(CANDIDATE["email"], {"g-1", "g-2"}, test_key="fx-grouped-mock")  # type: ignore[attr-defined]
        make_user(TRAINER["email"], "trainer", None)
        db.session.commit()
    live.start()
    yield live
    live.stop()


def test_grouped_result_and_framework_pages(grouped_server, open_page, audit) -> None:
    page = open_page(base_url=grouped_server.url)
    sign_in(page, CANDIDATE)
    page.goto(f"/tests/attempts/{grouped_server.attempt_id}/result")
    table = page.get_by_role("table", name="Result for each standard and its outcomes")
    expect(table.get_by_role("rowheader")).to_have_count(5)  # 2 standards, 3 outcomes
    expect(table).to_contain_text("G1 First standard")
    audit(page, "result")

    trainer = open_page(base_url=grouped_server.url)
    sign_in(trainer, TRAINER)
    expect(trainer.get_by_role("table", name="Frameworks")).to_contain_text("Not yet in use")
    audit(trainer, "question banks")
    trainer.get_by_role("link", name="Fixture standards").click()
    expect(trainer.locator("#framework-in-use")).to_contain_text("from 1 April 2027")
    expect(trainer.get_by_role("columnheader", name="G2 Second standard")).to_be_visible()
    audit(trainer, "framework")
