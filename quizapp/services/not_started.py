"""Who has not started a test: the organisation's current candidates (in a team, or in no team,
when asked) with no result at it that the cohort pages count. No Flask.

A result here is what quizapp.services.cohort counts: a finished timed attempt at the test, started
while the candidate belonged to the organisation. So, when nobody has moved between teams, a
team's candidates are its heatmap count plus its *not started* list. A candidate with a timed
attempt still open is listed too, marked as started but not finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from quizapp.data.models import Attempt, Membership, Mode, Team, User
from .cohort import NO_TEAM


@dataclass(frozen=True)
class NotStarted:
    user_id: int
    name: str
    email: str
    team: str | None
    joined_at: datetime
    in_progress: bool  # a timed attempt at the test is open


def _attempts(organisation_id: int, test_id: int, *conditions):  # noqa: ANN202 (an EXISTS clause)
    return exists().where(Attempt.user_id == User.id, Attempt.organisation_id == organisation_id,
                          Attempt.test_id == test_id, Attempt.mode == Mode.TIMED.value, *conditions)


def not_started(session: Session, organisation_id: int, test_id: int, team_id: int | None = None) -> list[NotStarted]:
    """The candidates with no result at the test, by name. `team_id` narrows to the candidates in
    that team now (NO_TEAM: in no team); None is every candidate of the organisation."""
    finished = _attempts(organisation_id, test_id, Attempt.ended_at.is_not(None), Attempt.percent.is_not(None))
    open_now = _attempts(organisation_id, test_id, Attempt.ended_at.is_(None))
    query = (
        select(User.id, User.name, User.email, Team.name, Membership.joined_at, open_now)
        .join(Membership, and_(Membership.user_id == User.id, Membership.organisation_id == organisation_id,
                               Membership.left_at.is_(None)))
        .outerjoin(Team, Team.id == Membership.team_id)
        .where(User.role == "candidate", ~finished)
        .order_by(User.name, User.id)
    )
    if team_id == NO_TEAM:
        query = query.where(Membership.team_id.is_(None))
    elif team_id is not None:
        query = query.where(Membership.team_id == team_id)
    return [NotStarted(*row) for row in session.execute(query).all()]
