"""Fixtures for the employer's pages: the small cohort of tests/web/employer/builders.py."""

from __future__ import annotations

import pytest

from tests.web.employer.builders import build_cohort


@pytest.fixture
def cohort(app, runner, users) -> dict:
    return build_cohort(app, runner)
