"""Cohort results for one organisation, aggregated in SQL over the stored results. No Flask.

Every function takes a Session and a `CohortFilter` and returns plain dataclasses. All of them
start from `_chosen`: the timed, ended attempts the organisation's employer may see (started
while the candidate belonged to the organisation, and the candidate still belongs to it),
narrowed by the filter, then one attempt per candidate and test (first, latest or best) unless
every attempt is asked for. Counts, means, medians, histograms and the statement heatmap are
GROUP BY queries over those attempts and their `statement_results` rows: nothing loops over
attempts in Python except to write an export file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from quizapp.domain.uk_time import UK

from sqlalchemy import ColumnElement, Select, and_, case, or_, distinct, func, literal, select, true
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.selectable import Subquery

from quizapp.domain import scoring
from .attempts import DEFAULT_BANDS
from .catalogue import LEVEL_ORDER, level_title
from quizapp.data.models import (
    Attempt,
    Framework,
    Membership,
    Mode,
    Statement,
    StatementResult,
    Team,
    TestForm,
    User,
)

NO_TEAM = 0  # the team filter's value for candidates who are in no team
SMALL_GROUP = 3  # cells based on fewer candidates than this are marked
WHICH: dict[str, str] = {
    "latest": "Latest attempt per candidate",
    "first": "First attempt per candidate",
    "best": "Best attempt per candidate",
    "all": "Every attempt",
}
BIN_EDGES = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)


@dataclass(frozen=True)
class CohortFilter:
    organisation_id: int
    test_id: int | None = None  # one test...
    level: str | None = None  # ...or every test of a level (None and None: every test)
    team_id: int | None = None  # NO_TEAM: candidates in no team
    candidate_id: int | None = None
    start: datetime | None = None  # started at or after (UTC)
    end: datetime | None = None  # started before (UTC)
    which: str = "latest"  # first | latest | best | all
    framework_ids: frozenset[int] | None = None  # statements of these frameworks only (framework_choice)


# -- the attempts a filter selects --------------------------------------------------------------------


def _seconds_between(dialect: str, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def _chosen(session: Session, f: CohortFilter) -> Subquery:
    """The attempts the filter selects, one row each: id, user_id, test_id, team_id (the team the
    candidate was in when the attempt started: a later move does not re-attribute it),
    title, percent, passed, started_at, ended_at, ended_how, seconds (time taken)."""
    return chosen_select(session, f).subquery("chosen")


def chosen_select(session: Session, f: CohortFilter) -> Select:
    dialect = session.get_bind().dialect.name
    # Time taken stops at the deadline: answers saved after it do not count (quizapp.services.attempts).
    end = case((Attempt.deadline_at < Attempt.ended_at, Attempt.deadline_at), else_=Attempt.ended_at)
    columns = [
        Attempt.id.label("id"),
        Attempt.user_id.label("user_id"),
        Attempt.test_id.label("test_id"),
        Attempt.team_id.label("team_id"),
        Attempt.title.label("title"),
        Attempt.percent.label("percent"),
        Attempt.passed.label("passed"),
        Attempt.started_at.label("started_at"),
        Attempt.ended_at.label("ended_at"),
        Attempt.ended_how.label("ended_how"),
        _seconds_between(dialect, Attempt.started_at, end).label("seconds"),
    ]
    query: Select = (
        select(*columns)
        .join(Membership, and_(Membership.user_id == Attempt.user_id, Membership.organisation_id == f.organisation_id,
                               Membership.left_at.is_(None)))
        .where(Attempt.organisation_id == f.organisation_id, Attempt.mode == Mode.TIMED.value,
               Attempt.ended_at.is_not(None), Attempt.percent.is_not(None), Attempt.test_id.is_not(None))
    )
    if f.test_id is not None:
        query = query.where(Attempt.test_id == f.test_id)
    elif f.level is not None:
        query = query.where(Attempt.test_id.in_(
            select(TestForm.id).join(Framework, TestForm.framework_id == Framework.id).where(Framework.level == f.level)
        ))
    if f.team_id == NO_TEAM:
        query = query.where(Attempt.team_id.is_(None))
    elif f.team_id is not None:
        query = query.where(Attempt.team_id == f.team_id)
    if f.candidate_id is not None:
        query = query.where(Attempt.user_id == f.candidate_id)
    if f.start is not None:
        query = query.where(Attempt.started_at >= f.start)
    if f.end is not None:
        query = query.where(Attempt.started_at < f.end)
    if f.which == "all":
        return query
    order = {
        "first": (Attempt.started_at.asc(), Attempt.id.asc()),
        "latest": (Attempt.started_at.desc(), Attempt.id.desc()),
        "best": (Attempt.percent.desc(), Attempt.started_at.asc(), Attempt.id.asc()),
    }[f.which]
    # Rank narrow rows (the window sorts only ids and keys), then keep the first of each
    # candidate and test.
    rank = func.row_number().over(partition_by=(Attempt.user_id, Attempt.test_id), order_by=order).label("rn")
    ranked = query.with_only_columns(Attempt.id.label("id"), rank).subquery("ranked")
    return query.where(Attempt.id.in_(select(ranked.c.id).where(ranked.c.rn == 1)))


# -- headline figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    candidates: int
    attempts: int
    passed: int
    median_percent: float | None
    median_seconds: float | None

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.passed / self.attempts if self.attempts else None


def headline(session: Session, f: CohortFilter) -> Headline:
    """Counts, pass rate and the medians of percent and time taken, in one query. A median is
    the middle row (or the mean of the two middle rows) by row_number over the column's order."""
    chosen = _chosen(session, f)
    ranked = select(
        chosen.c.user_id, chosen.c.passed, chosen.c.percent, chosen.c.seconds,
        func.row_number().over(order_by=(chosen.c.percent, chosen.c.id)).label("by_percent"),
        func.row_number().over(order_by=(chosen.c.seconds, chosen.c.id)).label("by_seconds"),
        func.count().over().label("n"),
    ).subquery("ranked")

    def middle(rank: ColumnElement) -> ColumnElement:
        return and_(rank * 2 >= ranked.c.n, rank * 2 <= ranked.c.n + 2)

    candidates, attempts, passed, median_percent, median_seconds = session.execute(select(
        func.count(distinct(ranked.c.user_id)),
        func.count(),
        func.count().filter(ranked.c.passed.is_(True)),
        func.avg(case((middle(ranked.c.by_percent), ranked.c.percent))),
        func.avg(case((middle(ranked.c.by_seconds), ranked.c.seconds))),
    )).one()
    return Headline(candidates, attempts, passed, as_float(median_percent), as_float(median_seconds))


# -- the statement heatmap ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    mean: float
    band: str
    candidates: int
    attempts: int

    @property
    def small(self) -> bool:
        return self.candidates < SMALL_GROUP


@dataclass(frozen=True)
class StatementColumn:
    id: int
    code: str
    title: str
    level: str
    cell: Cell  # the whole selection's result on this statement


@dataclass(frozen=True)
class HeatRow:
    key: int | None  # team id (None: no team) or candidate id
    label: str
    candidates: int
    cells: Mapping[int, Cell]  # statement id -> cell (missing: no results)
    individual: bool = False  # a candidate's own row (never "fewer than 3")


@dataclass(frozen=True)
class Heatmap:
    by: str  # team | candidate
    statements: list[StatementColumn]  # weakest first
    rows: list[HeatRow]
    bands: list[dict[str, object]] = field(default_factory=list)


def bands_for(session: Session, f: CohortFilter) -> list[dict[str, object]]:
    """The bands to label means with: the chosen test's own, else the default bands."""
    if f.test_id is not None:
        test = session.get(TestForm, f.test_id)
        if test is not None and test.blueprint.get("bands"):
            return list(test.blueprint["bands"])
    return [dict(b) for b in DEFAULT_BANDS]


def _cell(total: float, candidates: int, attempts: int, bands: Sequence[Mapping[str, object]]) -> Cell:
    mean = float(total) / attempts
    return Cell(mean, scoring.band_for(mean, bands), candidates, attempts)


def result_frameworks(session: Session, f: CohortFilter) -> list[int]:
    """The frameworks the selected attempts have statement results against (an item keyed to two
    frameworks gives a result on each: framework_choice says which is shown)."""
    chosen = _chosen(session, f)
    return list(session.scalars(
        select(Statement.framework_id).distinct().select_from(chosen)
        .join(StatementResult, StatementResult.attempt_id == chosen.c.id)
        .join(Statement, Statement.id == StatementResult.statement_id)))


def of_frameworks(f: CohortFilter) -> ColumnElement:
    """The condition on StatementResult that keeps the filter's frameworks' statements."""
    if f.framework_ids is None:
        return true()
    return StatementResult.statement_id.in_(
        select(Statement.id).where(Statement.framework_id.in_(sorted(f.framework_ids))))


def heatmap(session: Session, f: CohortFilter) -> Heatmap:
    """Rows are teams, or the candidates of one team when the filter names a team; columns are
    statements, weakest first across the whole selection (the page draws it turned round: a row per
    statement, a column per team or candidate). Three queries: one GROUP BY row and
    statement, one counting each row's candidates, one counting each statement's candidates
    across the selection (a candidate whose results were taken in two teams is in two rows)."""
    chosen = _chosen(session, f)
    bands = bands_for(session, f)
    by = "candidate" if f.team_id is not None else "team"
    group = chosen.c.user_id if by == "candidate" else chosen.c.team_id
    per_group = session.execute(
        select(group, StatementResult.statement_id, func.sum(StatementResult.percent),
               func.count(distinct(chosen.c.user_id)), func.count())
        .select_from(chosen)
        .join(StatementResult, StatementResult.attempt_id == chosen.c.id)
        .where(of_frameworks(f))
        .group_by(group, StatementResult.statement_id)
    ).all()
    counts = dict(session.execute(
        select(group, func.count(distinct(chosen.c.user_id))).select_from(chosen).group_by(group)
    ).all())
    # The whole selection's cell for a statement adds up its rows' sums and attempts; its
    # candidates are counted across the selection, each once.
    overall = dict(session.execute(
        select(StatementResult.statement_id, func.count(distinct(chosen.c.user_id)))
        .select_from(chosen)
        .join(StatementResult, StatementResult.attempt_id == chosen.c.id)
        .where(of_frameworks(f))
        .group_by(StatementResult.statement_id)
    ).all())
    totals: dict[int, list[float]] = {}
    cells: dict[object, dict[int, Cell]] = {}
    for key, statement_id, total, candidates, attempts in per_group:
        cells.setdefault(key, {})[statement_id] = _cell(total, candidates, attempts, bands)
        t = totals.setdefault(statement_id, [0.0, 0, 0])
        t[0] += float(total)
        t[1] = overall.get(statement_id, 0)
        t[2] += attempts
    statements = {s.id: s for s in session.scalars(
        select(Statement).where(Statement.id.in_(list(totals))).options(selectinload(Statement.framework))
    )} if totals else {}
    columns = sorted(
        (StatementColumn(sid, s.code, s.title, s.framework.level, _cell(*totals[sid], bands)) for sid, s in statements.items()),
        key=lambda c: (c.cell.mean, LEVEL_ORDER.get(c.level, 99), c.code),
    )
    if by == "candidate":
        names = dict(session.execute(select(User.id, User.name).where(User.id.in_(list(counts)))).all()) if counts else {}
        keys = sorted(counts, key=lambda k: (names.get(k, "").lower(), k))
        rows = [HeatRow(k, names.get(k, ""), counts[k], cells.get(k, {}), individual=True) for k in keys]
    else:
        names = dict(session.execute(select(Team.id, Team.name).where(Team.organisation_id == f.organisation_id)).all())
        keys = sorted(counts, key=lambda k: (k is None, (names.get(k) or "").lower(), k or 0))
        rows = [HeatRow(k, names.get(k, "No team") if k is not None else "No team", counts[k], cells.get(k, {}))
                for k in keys]
    return Heatmap(by, columns, rows, bands)


# -- charts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    low: int
    high: int  # exclusive, except the last bin, which includes 100
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}% to 100%" if self.high == 100 else f"{self.low}% to under {self.high}%"


def distribution(session: Session, f: CohortFilter) -> list[Bin]:
    """How many chosen attempts scored in each band of 10 percentage points."""
    chosen = _chosen(session, f)
    edges = BIN_EDGES
    bucket = case(*[(chosen.c.percent < high, i) for i, high in enumerate(edges[1:-1])], else_=len(edges) - 2)
    counts = dict(session.execute(select(bucket, func.count()).group_by(bucket)).all())
    return [Bin(edges[i], edges[i + 1], int(counts.get(i, 0))) for i in range(len(edges) - 1)]


@dataclass(frozen=True)
class Period:
    month: str  # YYYY-MM
    attempts: int
    passed: int

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.passed / self.attempts if self.attempts else None

    @property
    def label(self) -> str:
        return datetime.strptime(self.month, "%Y-%m").strftime("%B %Y")


def uk_months(first: datetime, last: datetime) -> list[tuple[str, datetime]]:
    """Every UK calendar month from the one `first` falls in to the one `last` falls in: its key
    (YYYY-MM) and its first instant in UTC (midnight in Europe/London, so 23:00 UTC the day before
    in British Summer Time)."""
    start, end = first.astimezone(UK), last.astimezone(UK)
    year, month = start.year, start.month
    months = []
    while (year, month) <= (end.year, end.month):
        months.append((f"{year:04d}-{month:02d}", datetime(year, month, 1, tzinfo=UK).astimezone(UTC)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def pass_rate_over_time(session: Session, f: CohortFilter) -> list[Period]:
    """Attempts and passes by the UK month (Europe/London) they started in, every month from the
    first to the last.

    Times are stored in UTC, and SQLite has no time zones, so the database is not asked to convert
    them: zoneinfo gives each UK month's first instant in UTC, and one GROUP BY counts the chosen
    attempts against those bounds (a CASE over plain UTC comparisons, the same SQL on SQLite and
    PostgreSQL). The bounds cover the months of a cheap superset of the chosen attempts (the
    organisation's ended timed attempts in the filter's dates); empty months at either end are
    then dropped."""
    scope = select(func.min(Attempt.started_at), func.max(Attempt.started_at)).where(
        Attempt.organisation_id == f.organisation_id, Attempt.mode == Mode.TIMED.value, Attempt.ended_at.is_not(None))
    for column, value in ((Attempt.test_id, f.test_id), (Attempt.user_id, f.candidate_id)):
        if value is not None:
            scope = scope.where(column == value)
    if f.start is not None:
        scope = scope.where(Attempt.started_at >= f.start)
    if f.end is not None:
        scope = scope.where(Attempt.started_at < f.end)
    first, last = session.execute(scope).one()
    if first is None:
        return []
    months = uk_months(_utc(first), _utc(last))
    chosen = _chosen(session, f)
    if len(months) == 1:
        bucket: ColumnElement = literal(0)
    else:
        bucket = case(*[(chosen.c.started_at < begins, i) for i, (_key, begins) in enumerate(months[1:])],
                      else_=len(months) - 1)
    rows = session.execute(
        select(bucket, func.count(), func.count().filter(chosen.c.passed.is_(True))).group_by(bucket)
    ).all()
    found = {int(i): (int(n), int(p)) for i, n, p in rows}
    if not found:
        return []
    return [Period(months[i][0], *found.get(i, (0, 0))) for i in range(min(found), max(found) + 1)]


# -- one candidate ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptLine:
    id: int
    test_id: int
    title: str
    started_at: datetime
    ended_at: datetime
    ended_how: str
    seconds: float | None
    percent: float
    passed: bool | None


def attempt_lines(session: Session, f: CohortFilter) -> list[AttemptLine]:
    """The chosen attempts, newest first (for a candidate's page, filter by candidate)."""
    chosen = _chosen(session, f)
    rows = session.execute(select(chosen).order_by(chosen.c.started_at.desc(), chosen.c.id.desc())).mappings()
    return [AttemptLine(r["id"], r["test_id"], r["title"], _utc(r["started_at"]), _utc(r["ended_at"]), r["ended_how"],
                        as_float(r["seconds"]), float(r["percent"]), r["passed"]) for r in rows]


@dataclass(frozen=True)
class ProfileLine:
    code: str
    title: str
    cell: Cell


def statement_profile(session: Session, f: CohortFilter) -> list[ProfileLine]:
    """Mean result per statement over the chosen attempts, weakest first (a candidate's profile
    when the filter names a candidate)."""
    return [ProfileLine(c.code, c.title, c.cell) for c in heatmap(session, f).statements]


# -- choices for the filter form -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceOfTest:
    id: int
    key: str
    title: str


@dataclass(frozen=True)
class LevelChoice:
    level: str
    title: str
    tests: list[ChoiceOfTest]


def choices_of_tests(session: Session, organisation_id: int) -> list[LevelChoice]:
    """The tests an organisation's people can take: the service's and the organisation's own,
    never another organisation's (retired ones too: past results may use them), grouped by level."""
    rows = session.execute(
        select(TestForm.id, TestForm.key, TestForm.title, Framework.level)
        .join(Framework, TestForm.framework_id == Framework.id)
        .where(or_(TestForm.organisation_id.is_(None), TestForm.organisation_id == organisation_id))
        .order_by(TestForm.title)
    ).all()
    grouped: dict[str, list[ChoiceOfTest]] = {}
    for test_id, key, title, level in rows:
        grouped.setdefault(level, []).append(ChoiceOfTest(test_id, key, title))
    return [LevelChoice(level, level_title(level), tests)
            for level, tests in sorted(grouped.items(), key=lambda kv: (LEVEL_ORDER.get(kv[0], 99), kv[0]))]


def _utc(value: datetime) -> datetime:
    """Subquery columns come back through the column type (UTCDateTime): aware already."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def as_float(value: object) -> float | None:
    """PostgreSQL gives numerics as Decimal; SQLite as float."""
    return float(value) if value is not None else None  # type: ignore[arg-type]
