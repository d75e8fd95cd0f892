"""Fixtures for the employer's pages: the small cohort of tests/employer/builders.py."""

from __future__ import annotations

import pytest

from .builders import build_cohort


@pytest.fixture
def cohort(app, runner, users) -> dict:
    return build_cohort(app, runner)
