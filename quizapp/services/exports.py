"""Writing a cohort export (quizapp.services.cohort_export.ExportTable) as CSV or Excel. No Flask.

In the CSV, text that a spreadsheet could take for a formula (starting with = + - @, a tab or
a carriage return) gets a leading apostrophe (OWASP's advice on CSV injection): a candidate's
name such as "=HYPERLINK(...)" is shown as text, never run. The Excel file needs no apostrophe:
every text cell is written as an inline string, which Excel never runs ("-North" stays "-North").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO
from quizapp.domain.uk_time import UK

from . import xlsx
from .cohort_export import ExportRow, ExportTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ENDINGS = {"submitted": "Submitted", "expired": "Time ran out"}
FIXED_HEADERS = [
    "Candidate", "Email address", "Team", "Test", "Started (UK time)", "Ended (UK time)", "How it ended",
    "Time taken (minutes)", "Percent", "Passed",
]


def safe_text(value: str) -> str:
    """Text as a spreadsheet will show it, never as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def headers(table: ExportTable) -> list[str]:
    return FIXED_HEADERS + [f"{code} {title} (%)" for code, title in table.statements]


def _local(value: datetime) -> datetime:
    return value.astimezone(UK).replace(tzinfo=None)


def _passed(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _values(row: ExportRow, protect: bool = True) -> list[object]:
    """One row as typed values: text made safe (for CSV: `protect`), times in UK local time,
    numbers rounded."""
    text = safe_text if protect else str
    return [
        text(row.candidate), text(row.email), text(row.team), text(row.test),
        _local(row.started_at), _local(row.ended_at), ENDINGS.get(row.ended_how, row.ended_how),
        round(row.seconds / 60, 1) if row.seconds is not None else None,
        round(row.percent, 1), _passed(row.passed),
        *[round(v, 1) if v is not None else None for v in row.statements],
    ]


def csv_lines(table: ExportTable) -> Iterator[list[str]]:
    yield [safe_text(h) for h in headers(table)]
    for row in table.rows:
        yield ["" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else str(v)
               for v in _values(row)]


def write_csv(table: ExportTable, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerows(csv_lines(table))


def csv_bytes(table: ExportTable) -> bytes:
    """UTF-8 with a byte order mark, so that Excel opens names with accents correctly."""
    buffer = io.StringIO()
    write_csv(table, buffer)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(table: ExportTable, sheet_title: str = "Results") -> bytes:
    """An Excel workbook: text as text (never a formula), times as date-times, numbers as numbers."""
    names = headers(table)
    return xlsx.workbook_bytes(
        xlsx.sheet_name(sheet_title, default="Results"),
        names,
        (_values(row, protect=False) for row in table.rows),
        widths=[28 if n < 4 else 14 for n in range(len(names))],
    )


def slug(text: str) -> str:
    """Plain ASCII for a file name: accents dropped (Bórd -> bord), anything else a hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "all"


WHICH_WORDS = {"latest": "latest-attempts", "first": "first-attempts", "best": "best-attempts", "all": "every-attempt"}


def filename(organisation: str, selection: str, on: date, extension: str, *, team: str = "All teams",
             which: str = "latest", date_from: date | None = None, date_to: date | None = None,
             framework: str = "") -> str:
    """Says what was chosen and when it was downloaded: the organisation, the test, the team,
    which attempts, the framework the statements are read against when there was a choice, the
    date range if any, then the day, e.g.
    org-a-fixture-mock-blue-best-attempts-from-2026-01-01-to-2026-01-31-2026-03-02.csv or
    org-a-all-tests-all-teams-latest-attempts-early-career-standards-2027-04-02.csv."""
    parts = [slug(organisation), slug(selection), slug(team), WHICH_WORDS.get(which, slug(which))]
    if framework:
        parts.append(slug(framework))
    if date_from is not None:
        parts.append(f"from-{date_from.isoformat()}")
    if date_to is not None:
        parts.append(f"to-{date_to.isoformat()}")
    return "-".join([*parts, on.isoformat()]) + f".{extension}"
