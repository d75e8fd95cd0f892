"""An instant's date in England (quizapp/domain/uk_time.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from quizapp.domain.uk_time import uk_date


@pytest.mark.parametrize(("when", "day"), [
    (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), date(2026, 12, 6)),  # GMT: the same day
    (datetime(2026, 7, 6, 23, 30, tzinfo=UTC), date(2026, 7, 7)),  # BST: already tomorrow
    (datetime(2026, 7, 6, 23, 30), date(2026, 7, 7)),  # naive, as SQLite gives it back: UTC
])
def test_uk_date(when, day):
    assert uk_date(when) == day
