"""Readiness in the browser (docs/readiness.md): the candidate's panel on "Your results over time"
and the employer's distribution on the cohort page, on the shipped banks with the demo's
simulated candidates and a calibration, read at 320 px (no sideways scrolling, every figure beside
its label) and checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quizapp.services import readiness
from quizapp.web.extensions import db
from quizapp.data.models import Organisation, TestForm, User
from quizapp.services.demo import DEMO_ORGANISATION
from tests.web.trainer.conftest import take

from .conftest import DEMO, SHIPPED_MOCK
from .server import REAL_BANKS, LiveServer
from .support import SCREENSHOTS, page_scrolls_sideways, sign_in, step

pytestmark = pytest.mark.browser

UNCALIBRATED = "practitioner-mock-b"


@pytest.fixture(scope="module")
def calibrated_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The shipped banks, `quizapp demo` with 40 simulated candidates at the practitioner mock A,
    that mock calibrated (the minimum lowered to 30 attempts), and the demo candidate with a timed
    mock of A (calibrated) and of B (not calibrated)."""
    live = LiveServer(tmp_path_factory.mktemp("readiness-server"), [REAL_BANKS], "readiness-server")
    live.cli("demo", "--candidates", "40")
    with live.app.app_context():
        take(DEMO["candidate"]["email"], 0.6, seed=11, test_key=SHIPPED_MOCK)
        take(DEMO["candidate"]["email"], 0.5, seed=12, test_key=UNCALIBRATED, minutes=90)
    assert "Calibration version 1" in live.cli("calibrate", "--test", SHIPPED_MOCK, "--min-attempts", "30")
    live.start()
    yield live
    live.stop()


def expected_for_candidate(live: LiveServer) -> readiness.TestReadiness:
    with live.app.app_context():
        user = db.session.scalar(select(User).where(User.email == DEMO["candidate"]["email"]))
        test = db.session.scalar(select(TestForm).where(TestForm.key == SHIPPED_MOCK))
        return readiness.for_candidate(db.session, user.id, test)


def open_as(open_page, live: LiveServer, role: str, width: int) -> Page:
    page = open_page(base_url=live.url, viewport={"width": width, "height": 800})
    sign_in(page, DEMO[role])
    return page


def fits(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5


def test_the_candidate_reads_their_readiness_at_320_px(open_page, calibrated_server, audit) -> None:
    expected = expected_for_candidate(calibrated_server)
    assert expected.prediction is not None and expected.answered == 30
    page = open_as(open_page, calibrated_server, "candidate", 320)
    page.goto("/tests/history")
    panel = page.locator("section.app-readiness").filter(has=page.get_by_role("heading", name="Practitioner mock test A"))
    with step(page, "the calibrated mock shows a chance of passing with its range, in words and numbers"):
        overall = panel.locator(".app-readiness__overall strong")
        expect(overall).to_have_text(expected.prediction.sentence())
        assert fits(page, overall)
        expect(panel).to_contain_text("worked out from your answers to 30 calibrated questions")
    with step(page, "what the numbers mean opens"):
        panel.get_by_text("What these numbers mean").click()
        expect(panel.get_by_text("The first number is our best estimate.")).to_be_visible()
    with step(page, "each statement's row shows its figures beside their labels, inside the window"):
        rows = panel.locator("tbody tr")
        expect(rows).to_have_count(len(expected.statements))
        first = expected.statements[0]
        cell = rows.first.locator("td").nth(1)
        expect(cell.locator(".app-table__label")).to_have_text("Readiness")
        shown = first.prediction.sentence() if first.prediction else "Not enough answers yet"
        expect(cell).to_contain_text(shown)
        assert fits(page, cell)
    with step(page, "the mock without a calibration says so, with no number"):
        other = page.locator("section.app-readiness").filter(has=page.get_by_role("heading", name="Practitioner mock test B"))
        expect(other).to_contain_text("No prediction yet. The questions of this test have not been calibrated yet")
        expect(other.locator(".app-readiness__overall")).to_have_count(0)
    with step(page, "the page never scrolls sideways"):
        assert not page_scrolls_sideways(page)
    audit(page, "results over time")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=SCREENSHOTS / "readiness-candidate-320.png")


def test_the_employer_reads_the_cohorts_readiness_at_320_px(open_page, calibrated_server, audit) -> None:
    with calibrated_server.app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
        test = db.session.scalar(select(TestForm).where(TestForm.key == SHIPPED_MOCK))
        expected = readiness.for_organisation(db.session, org.id, test).distribution
    assert expected is not None and expected.candidates == 41
    page = open_as(open_page, calibrated_server, "employer", 320)
    page.goto(f"/employer/?test={SHIPPED_MOCK}")
    with step(page, "the readiness section gives the passes with a range and a count per band"):
        heading = page.get_by_role("heading", name="Readiness for a new mock")
        expect(heading).to_be_visible()
        expect(page.locator("#readiness + p")).to_contain_text(
            f"Of the 41 candidates here with enough answers in timed mocks, about {expected.expected_passes:.0f} would pass")
        region = page.get_by_role("table", name="Candidates by their chance of passing")
        rows = region.locator("tbody tr")
        expect(rows).to_have_count(5)
        for n, band in enumerate(expected.bands):
            expect(rows.nth(n).locator("th")).to_have_text(band.words)
            cells = rows.nth(n).locator("td")
            expect(cells.nth(0)).to_have_text(f"Candidates{band.count}")
            expect(cells.nth(1)).to_have_text(f"Range{band.low} to {band.high}")
            assert fits(page, cells.nth(1))
        assert fits(page, region)
        assert not page_scrolls_sideways(page)
    with step(page, "nobody is named in it"):
        expect(region).not_to_contain_text("Simulated candidate")
    audit(page, "cohort results")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    region.screenshot(path=SCREENSHOTS / "readiness-employer-320.png")
