"""The cohort dashboard's filter form (a GET form: the filters live in the URL, so a filtered view
can be bookmarked, shared and exported). Reads the query string into a `cohort.CohortFilter` and
the state the form shows, with GOV.UK error messages; dates are read by quizapp.domain.typed_dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from quizapp.domain.uk_time import UK

from quizapp.domain import typed_dates as typed_dates_
from quizapp.services.cohort import NO_TEAM, WHICH, CohortFilter, LevelChoice
from quizapp.data.models import Team

DATE_PARTS = ("day", "month", "year")


class UnknownTeam(LookupError):
    """A team id that is not one of the organisation's teams (the view answers 404)."""


@dataclass
class FilterForm:
    test: str = ""  # "" every test, "level:<level>", or a test key
    team: str = ""  # "" every team, "none", or a team id
    which: str = "latest"
    dates: dict[str, str] = field(default_factory=lambda: {"from": "", "to": ""})  # as typed
    errors: dict[str, str] = field(default_factory=dict)  # "from" / "to" / "test" -> message
    selection: str = "All tests"  # what the test choice means, in words
    team_label: str = "All teams"
    date_from: date | None = None
    date_to: date | None = None
    framework: str = ""  # the framework results are read against (pages.py sets it: framework_choice)

    @property
    def period(self) -> str:
        if self.date_from and self.date_to:
            return f"started from {_long(self.date_from)} to {_long(self.date_to)}"
        if self.date_from:
            return f"started on or after {_long(self.date_from)}"
        if self.date_to:
            return f"started on or before {_long(self.date_to)}"
        return "started at any time"

    @property
    def page_errors(self) -> list[dict[str, str]]:
        """For the error summary: each message links to the first input of its field."""
        return [{"text": message, "href": f"#{name}"} for name, message in self.errors.items()]

    def query(self, **changes: str) -> dict[str, str]:
        """The query string of this (valid) selection, with `changes`: for links that keep the filters."""
        args = {"test": self.test, "team": self.team, "which": self.which, "framework": self.framework}
        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if value is not None:
                args[name] = value.isoformat()
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None) and not (k == "which" and v == "latest")}


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def typed_dates(args: Mapping[str, str]) -> tuple[dict[str, str], typed_dates_.Range]:
    """The from and to dates as typed (one box each, `from` and `to`; older links give three,
    `from-day`, `from-month`, `from-year`), and what they mean: both bounds, or with errors neither."""
    texts: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, label in (("from", "Date from"), ("to", "Date to")):
        if name not in args and any(f"{name}-{p}" in args for p in DATE_PARTS):
            try:
                texts[name] = typed_dates_.from_parts(*(args.get(f"{name}-{p}", "")[:20] for p in DATE_PARTS), label)
            except typed_dates_.DateProblem as problem:
                texts[name] = " ".join(args.get(f"{name}-{p}", "")[:20] for p in DATE_PARTS).strip()
                problems[name] = str(problem)
        else:
            texts[name] = args.get(name, "")[:typed_dates_.MAX_TEXT + 20]
    found = typed_dates_.read_range(*("" if n in problems else texts[n] for n in ("from", "to")))
    if problems:  # a gap in the three boxes: refused whole, like any other bad bound
        errors = {**dict(found.errors), **problems}
        found = typed_dates_.Range(errors=tuple((n, errors[n]) for n in ("from", "to") if n in errors))
    return texts, found


def uk_midnight(day: date) -> datetime:
    """The start of a UK calendar day, in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=UK).astimezone(UTC)


def parse(args: Mapping[str, str], organisation_id: int, levels: list[LevelChoice], teams: list[Team]
          ) -> tuple[CohortFilter, FilterForm]:
    form = FilterForm()
    f = CohortFilter(organisation_id=organisation_id)

    which = args.get("which", "latest")
    form.which = which if which in WHICH else "latest"
    f = replace(f, which=form.which)

    test = args.get("test", "").strip()
    if test.startswith("level:"):
        level = next((lv for lv in levels if lv.level == test[6:]), None)
        if level is None:
            form.errors["test"] = "Choose a test from the list"
        else:
            form.test, form.selection = test, f"All {level.title.lower()} tests"
            f = replace(f, level=level.level)
    elif test:
        found = next((t for lv in levels for t in lv.tests if t.key == test), None)
        if found is None:
            form.errors["test"] = "Choose a test from the list"
        else:
            form.test, form.selection = test, found.title
            f = replace(f, test_id=found.id)

    team = args.get("team", "").strip()
    if team == "none":
        form.team, form.team_label = team, "Candidates in no team"
        f = replace(f, team_id=NO_TEAM)
    elif team:
        chosen = next((t for t in teams if str(t.id) == team), None)
        if chosen is None:
            raise UnknownTeam(team)
        form.team, form.team_label = team, chosen.name
        f = replace(f, team_id=chosen.id)

    form.dates, found = typed_dates(args)
    form.errors.update(found.errors)
    form.date_from, form.date_to = found.start, found.end  # never half of an invalid range
    if form.date_from:
        f = replace(f, start=uk_midnight(form.date_from))
    if form.date_to:
        f = replace(f, end=uk_midnight(form.date_to + timedelta(days=1)))
    return f, form
