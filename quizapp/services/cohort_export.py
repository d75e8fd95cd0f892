"""The cohort export's table: one row per chosen attempt, one column per statement, pivoted in
SQL over the stored `statement_results` (quizapp.services.exports writes it as CSV or Excel).
No Flask. Which attempts are chosen is quizapp.services.cohort's rule (`chosen_select`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.data.models import Statement, StatementResult, Team, User
from quizapp.services.catalogue import LEVEL_ORDER
from quizapp.services.cohort import CohortFilter, as_float, chosen_select, of_frameworks


@dataclass(frozen=True)
class ExportRow:
    candidate: str
    email: str
    team: str
    test: str
    started_at: datetime
    ended_at: datetime
    ended_how: str
    seconds: float | None
    percent: float
    passed: bool | None
    statements: list[float | None]  # in the order of ExportTable.statements


@dataclass(frozen=True)
class ExportTable:
    statements: list[tuple[str, str]]  # (code, title)
    rows: list[ExportRow]


def export_table(session: Session, f: CohortFilter) -> ExportTable:
    """One row per chosen attempt with one column per statement, pivoted in SQL."""
    chosen = chosen_select(session, f).cte("chosen")
    statement_ids = list(session.scalars(
        select(StatementResult.statement_id).distinct().join(chosen, StatementResult.attempt_id == chosen.c.id)
        .where(of_frameworks(f))  # the framework chosen on the page (framework_choice)
    ))
    statements = sorted(
        session.scalars(select(Statement).where(Statement.id.in_(statement_ids)).options(selectinload(Statement.framework))),
        key=lambda s: (LEVEL_ORDER.get(s.framework.level, 99), s.framework.key, s.position, s.code),
    ) if statement_ids else []
    # One column per statement: a scalar subquery on the (attempt, statement) unique index.
    pivot_columns = [
        select(StatementResult.percent)
        .where(StatementResult.attempt_id == chosen.c.id, StatementResult.statement_id == s.id)
        .scalar_subquery().label(f"s{n}")
        for n, s in enumerate(statements)
    ]
    query = (
        select(chosen, User.name.label("candidate"), User.email.label("email"), Team.name.label("team"), *pivot_columns)
        .join(User, User.id == chosen.c.user_id)
        .outerjoin(Team, Team.id == chosen.c.team_id)
        .order_by(User.name, chosen.c.user_id, chosen.c.started_at, chosen.c.id)
    )
    n = len(statements)
    rows = [
        ExportRow(r[-n - 3], r[-n - 2], r[-n - 1] or "", r.title, r.started_at, r.ended_at, r.ended_how or "",
                  as_float(r.seconds), float(r.percent), r.passed, [as_float(v) for v in r[len(r) - n:]])
        for r in session.connection().execute(query)
    ]
    return ExportTable([(s.code, s.title) for s in statements], rows)
