"""Dates as people type them into a filter (quizapp.domain.typed_dates)."""

from datetime import date

import pytest

from quizapp.domain.typed_dates import DateProblem, Range, from_parts, read, read_range

DEC_1 = (date(2026, 12, 1), date(2026, 12, 1))
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(("text", "first_last"), [
    ("1/12/2026", DEC_1), ("01/12/2026", DEC_1), ("1-12-2026", DEC_1), ("1.12.2026", DEC_1), ("1 12 2026", DEC_1),
    ("2026-12-01", DEC_1), ("1 Dec 2026", DEC_1), ("1 December 2026", DEC_1), ("1st December 2026", DEC_1),
    ("December 1, 2026", DEC_1), ("  1 dec. 2026 ", DEC_1),
    ("Dec 2026", DECEMBER), ("December 2026", DECEMBER), ("dec 2026", DECEMBER), ("12/2026", DECEMBER),
    ("2026-12", DECEMBER),
    ("Feb 2028", (date(2028, 2, 1), date(2028, 2, 29))), ("Sept 2026", (date(2026, 9, 1), date(2026, 9, 30))),
    ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
])
def test_what_people_type_is_read_as_the_days_it_covers(text, first_last):
    span = read(text, "Date from")
    assert (span.first, span.last) == first_last


@pytest.mark.parametrize("text", ["", "   "])
def test_nothing_typed_is_no_date(text):
    assert read(text, "Date from") is None


@pytest.mark.parametrize(("text", "message"), [
    ("31/2/2026", "Date from must be a real date"),
    ("13/2026", "Date from must be a real date"),
    ("2026-13-01", "Date from must be a real date"),
    ("0/12/2026", "Date from must be a real date"),
    ("1/12/26", "Date from must include a year with 4 numbers"),
    ("Dec 26", "Date from must include a year with 4 numbers"),
    ("yesterday", "Date from must be a date, like 1/12/2026, 1 Dec 2026 or Dec 2026"),
    ("Mayday 2026", "Date from must be a date, like"),
    ("1 Dec", "Date from must be a real date, like"),
    ("1/2/3/2026", "Date from must be a date, like"),
    ("9" * 80, "Date from must be a date, like"),
])
def test_what_is_not_a_date_is_explained(text, message):
    with pytest.raises(DateProblem) as problem:
        read(text, "Date from")
    assert str(problem.value).startswith(message)


def test_a_month_is_the_start_of_a_from_bound_and_the_end_of_a_to_bound():
    assert read_range("Dec 2026", "Dec 2026") == Range(date(2026, 12, 1), date(2026, 12, 31))
    assert read_range("Nov 2026", "") == Range(date(2026, 11, 1), None)
    assert read_range("", "Nov 2026") == Range(None, date(2026, 11, 30))


@pytest.mark.parametrize(("start", "end", "errors"), [
    ("2/12/2026", "1/12/2026", (("to", "Date to must be the same as or after date from"),)),
    ("Jan 2027", "Dec 2026", (("to", "Date to must be the same as or after date from"),)),
    ("31/2/2026", "1/12/2026", (("from", "Date from must be a real date"),)),
    ("1/12/2026", "nonsense", (("to", "Date to must be a date, like 1/12/2026, 1 Dec 2026 or Dec 2026"),)),
])
def test_a_bad_range_applies_neither_date(start, end, errors):
    assert read_range(start, end) == Range(None, None, errors)


@pytest.mark.parametrize(("parts", "text"), [
    (("1", "12", "2026"), "1 12 2026"), (("", "Dec", "2026"), "Dec 2026"), (("", "", ""), ""),
])
def test_three_boxes_become_one_text(parts, text):
    assert from_parts(*parts, "Date from") == text


@pytest.mark.parametrize(("parts", "message"), [
    (("1", "", "2026"), "Date from must include a month"), (("1", "12", ""), "Date from must include a year"),
])
def test_three_boxes_with_a_gap_are_explained(parts, message):
    with pytest.raises(DateProblem, match=message):
        from_parts(*parts, "Date from")
