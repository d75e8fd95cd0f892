"""A trainer retires and restores a single item and a whole test in a real browser, and downloads
a bank as Moodle XML. Retiring asks first and names the test it would stop; the candidate is told
plainly that the test cannot be started, never shown an error; restoring brings it back. Every
distinct page is audited (axe-core, one h1, a unique title)."""

from __future__ import annotations

import re
import uuid

import pytest
from defusedxml import ElementTree as SafeET
from playwright.sync_api import expect

from .support import Audit, publish_fixed_form, sign_in, step

pytestmark = pytest.mark.browser


def test_a_trainer_retires_and_restores_an_item_and_a_test(open_page, demo_server, audit, tmp_path) -> None:
    server = demo_server  # uploads are checked with the fixture banks folder there
    tag = uuid.uuid4().hex[:8]
    org = f"Retire org {tag}"
    trainer = server.new_user("trainer", org)
    candidate = server.new_user("candidate", org)
    page = open_page(base_url=server.url, accept_downloads=True)
    sign_in(page, {**trainer, "role": "trainer"})
    publish_fixed_form(page, "Retire", tag, 2)  # bank rb-TAG (items rb-TAG-1, rb-TAG-2), test rt-TAG

    with step(page, "download the bank as Moodle XML"):
        page.goto(f"/trainer/banks/rb-{tag}")
        with page.expect_download() as info:
            page.get_by_role("link", name="Download this bank as Moodle XML").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        root = SafeET.fromstring(path.read_bytes(), forbid_dtd=True)
        assert sorted(q.findtext("idnumber") for q in root.findall("question") if q.get("type") == "multichoice") == [
            f"rb-{tag}-1", f"rb-{tag}-2"]

    with step(page, "retiring an item asks first and names the test it would stop"):
        page.goto(f"/trainer/items/rb-{tag}-1")
        page.get_by_role("link", name="Retire this item").click()
        expect(page.locator("h1")).to_have_text(f"Retire item rb-{tag}-1")
        expect(page.locator("main")).to_contain_text(f"Retire test {tag}")
        audit(page, "retire item", state="names the test it would stop")
        page.get_by_role("button", name="Retire this item").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Item rb-{tag}-1 retired")
        expect(page.locator("main")).to_contain_text("Retired on")
        audit(page, "item", state="retired")

    with step(page, "the test's page says plainly that candidates cannot start it"):
        page.goto(f"/trainer/tests/rt-{tag}")
        expect(page.locator("main")).to_contain_text(
            f"Candidates cannot start this test now: section 1 (knowledge) items not in the pool: rb-{tag}-1")
        audit(page, "test", state="cannot be drawn")

    learner = open_page(base_url=server.url)
    sign_in(learner, candidate)
    with step(learner, "the candidate is told the test cannot be started, with no error page"):
        learner.goto(f"/tests/rt-{tag}")
        learner.get_by_role("button", name="Start timed mock").click()
        expect(learner.locator("main")).to_contain_text("cannot be started at the moment")
        expect(learner).to_have_url(re.compile(rf"/tests/rt-{tag}$"))
        Audit()(learner, "start page", state="cannot be started")  # the candidate's pages are titled apart

    with step(page, "restore the item: the test can be started again"):
        page.goto(f"/trainer/items/rb-{tag}-1")
        page.get_by_role("button", name="Restore this item").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("restored")
        page.goto(f"/trainer/tests/rt-{tag}")
        expect(page.locator("main")).not_to_contain_text("Candidates cannot start")

    with step(page, "retire the whole test after a page that asks first"):
        page.get_by_role("link", name="Retire this test").click()
        expect(page.locator("h1")).to_have_text(f"Retire Retire test {tag}")
        audit(page, "retire test")
        page.get_by_role("button", name="Retire this test").click()
        expect(page.locator("main")).to_contain_text("Retired on")

    with step(learner, "a retired test is not listed to candidates"):
        learner.goto("/tests/")
        expect(learner.locator("main")).not_to_contain_text(f"Retire test {tag}")

    with step(page, "restore the test: candidates see it again"):
        page.get_by_role("button", name="Restore this test").click()
        learner.goto("/tests/")
        expect(learner.locator("main")).to_contain_text(f"Retire test {tag}")
        learner.get_by_role("link", name=f"Retire test {tag}").click()
        learner.get_by_role("button", name="Start timed mock").click()
        expect(learner).to_have_url(re.compile(r"/attempts/\d+/questions/1$"))
