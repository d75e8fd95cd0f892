"""The audit and the step wrapper can fail: a page with a known violation is refused, with
the rule, its help and the element; a failing step names its page and itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .support import Audit, StepFailed, step

pytestmark = pytest.mark.browser


def test_the_audit_fails_a_page_with_a_violation_and_says_where(page: Page) -> None:
    page.goto("/sign-in")
    page.evaluate("""() => {
        const input = document.createElement("input");
        input.id = "unlabelled";
        document.querySelector("main").append(input);
    }""")
    with pytest.raises(StepFailed) as failure:
        Audit()(page, "sign-in")
    message = str(failure.value)
    assert "step 'audit the sign-in page' failed on page 'Sign in – Social work practice tests' (/sign-in)" in message
    assert "label (critical): Form elements must have labels; at #unlabelled" in message


def test_the_audit_fails_two_pages_with_one_title(page: Page) -> None:
    audit = Audit()
    page.goto("/sign-in")
    audit(page, "sign-in")
    page.goto("/sign-in?again=1")
    with pytest.raises(StepFailed, match="is also the title of the sign-in page"):
        audit(page, "another page")


def test_a_failing_step_names_the_page_and_the_step(page: Page) -> None:
    page.goto("/sign-up")
    with pytest.raises(StepFailed) as failure, step(page, "look for a heading that is not there"):
        expect(page.locator("h1")).to_have_text("Not this page", timeout=500)
    assert "step 'look for a heading that is not there' failed on page 'Create an account" in str(failure.value)
