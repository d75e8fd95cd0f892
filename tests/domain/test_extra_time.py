"""Extra time as people write it, and the time it gives (quizapp.domain.timing)."""

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.domain.timing import ExtraTime, ExtraTimeProblem, allowed_seconds, deadline, read_extra_time


@pytest.mark.parametrize(("written", "meant"), [
    ("25%", ExtraTime(percent=25)), ("25 %", ExtraTime(percent=25)), ("+25%", ExtraTime(percent=25)),
    ("25", ExtraTime(percent=25)), ("15", ExtraTime(percent=15)), ("25 percent", ExtraTime(percent=25)),
    ("0", ExtraTime()), ("200%", ExtraTime(percent=200)),
    ("+15 min", ExtraTime(minutes=15)), ("15 minutes", ExtraTime(minutes=15)), ("15 mins", ExtraTime(minutes=15)),
    ("15min", ExtraTime(minutes=15)), (" 15  Minutes ", ExtraTime(minutes=15)), ("1 minute", ExtraTime(minutes=1)),
    ("180 minutes", ExtraTime(minutes=180)),
])
def test_extra_time_is_read_as_people_write_it(written, meant):
    assert read_extra_time(written) == meant


@pytest.mark.parametrize(("written", "message"), [
    ("", "Enter the extra time as a percentage, like 25%, or in minutes, like 15 minutes"),
    ("abc", "like 25%"), ("-5", "like 25%"), ("1.5", "like 25%"), ("15 hours", "like 25%"), ("25%%", "like 25%"),
    ("201", "between 0% and 200%"), ("250%", "between 0% and 200%"), ("181 minutes", "180 minutes or less"),
])
def test_what_is_not_extra_time_is_explained(written, message):
    with pytest.raises(ExtraTimeProblem, match=message):
        read_extra_time(written)


@pytest.mark.parametrize(("extra", "said"), [(ExtraTime(percent=25), "25%"), (ExtraTime(minutes=15), "15 minutes"),
                                             (ExtraTime(minutes=1), "1 minute"), (ExtraTime(), "0%")])
def test_extra_time_in_words(extra, said):
    assert str(extra) == said


def test_minutes_are_added_to_the_limit_and_a_percentage_scales_it():
    started = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert allowed_seconds(600, 25) == 750 and allowed_seconds(600, 0, 15) == 1500
    assert deadline(started, 10, 0, 15) - started == timedelta(minutes=25)
    assert deadline(started, 10, 25) - started == timedelta(minutes=12.5)
