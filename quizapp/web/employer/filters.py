"""The cohort dashboard's filter form (a GET form: the filters live in the URL, so a filtered view
can be bookmarked, shared and exported). Reads the query string into a `cohort.CohortFilter` and
the state the form shows, with GOV.UK error messages for dates that are not real."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from quizapp.services.cohort import NO_TEAM, WHICH, CohortFilter, LevelChoice
from quizapp.data.models import Team

UK = ZoneInfo("Europe/London")
DATE_PARTS = ("day", "month", "year")


class UnknownTeam(LookupError):
    """A team id that is not one of the organisation's teams (the view answers 404)."""


@dataclass
class FilterForm:
    test: str = ""  # "" every test, "level:<level>", or a test key
    team: str = ""  # "" every team, "none", or a team id
    which: str = "latest"
    dates: dict[str, dict[str, str]] = field(default_factory=lambda: {"from": {}, "to": {}})
    errors: dict[str, str] = field(default_factory=dict)  # "from" / "to" / "test" -> message
    selection: str = "All tests"  # what the test choice means, in words
    team_label: str = "All teams"
    date_from: date | None = None
    date_to: date | None = None

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
        targets = {"from": "from-day", "to": "to-day", "test": "test"}
        return [{"text": message, "href": f"#{targets[name]}"} for name, message in self.errors.items()]

    def query(self, **changes: str) -> dict[str, str]:
        """The query string of this (valid) selection, with `changes`: for links that keep the filters."""
        args = {"test": self.test, "team": self.team, "which": self.which}
        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if value is not None:
                args.update({f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)})
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None) and not (k == "which" and v == "latest")}


MONTHS = {name: n for n, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"), start=1)}


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _date(parts: Mapping[str, str], label: str) -> tuple[date | None, str | None]:
    values = {p: parts.get(p, "").strip() for p in DATE_PARTS}
    if not any(values.values()):
        return None, None
    missing = [p for p in DATE_PARTS if not values[p]]
    if missing:
        return None, f"{label} must include a {missing[0]}"
    month = MONTHS.get(values["month"].lower().rstrip(".")[:3]) if not values["month"].isdigit() else None
    if month is not None:
        values["month"] = str(month)  # "Dec", "December", "dec."
    if not all(v.isdigit() for v in values.values()):
        return None, f"{label} must be a real date"
    try:
        year = int(values["year"])
        if year < 1000:
            return None, f"{label} must include a year with 4 numbers"
        return date(year, int(values["month"]), int(values["day"])), None
    except ValueError:
        return None, f"{label} must be a real date"


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

    for name, label in (("from", "Date from"), ("to", "Date to")):
        form.dates[name] = {p: args.get(f"{name}-{p}", "") for p in DATE_PARTS}
        value, problem = _date(form.dates[name], label)
        if problem:
            form.errors[name] = problem
        setattr(form, f"date_{name}", value)
    if form.date_from and form.date_to and form.date_to < form.date_from:
        form.errors["to"] = "Date to must be the same as or after date from"
    if "from" in form.errors or "to" in form.errors:
        form.date_from = form.date_to = None  # never half of an invalid range
    if form.date_from:
        f = replace(f, start=uk_midnight(form.date_from))
    if form.date_to:
        f = replace(f, end=uk_midnight(form.date_to + timedelta(days=1)))
    return f, form
