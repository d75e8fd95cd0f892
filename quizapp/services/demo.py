"""Demo accounts for trying the service locally (`quizapp demo`, run by `make run`), and
simulated candidates' attempts so that the trainer's item analysis has figures to show
(the model is in quizapp/services/simulation.py and docs/item-analysis.md)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import accounts, organisations, simulation
from quizapp.data.models import Attempt, Membership, Organisation, User
from quizapp.data.models._types import utcnow

DEMO_ORGANISATION = "Demo Borough Council"
DEMO_PASSWORD = "practise-for-the-kss"
DEMO_SIMULATED_CANDIDATES = 60
DEMO_TEAMS = ("North locality", "South locality")  # the simulated candidates take turns
DEMO_ACCOUNTS = (
    ("candidate@demo.example", "Amara Okafor", "candidate", True),
    ("trainer@demo.example", "Tom Whitfield", "trainer", False),
    ("employer@demo.example", "Priya Shah", "employer", True),
    ("admin@demo.example", "Sam Admin", "admin", False),
)


def create_demo_accounts(session: Session) -> list[str]:
    """Create the demo organisation and accounts; reset their passwords if they exist."""
    organisation = accounts.get_or_create_organisation(session, DEMO_ORGANISATION)
    lines = []
    for email, name, role, in_org in DEMO_ACCOUNTS:
        user = accounts.find_user(session, email)
        if user is None:
            user = accounts.create_user(
                session, email, DEMO_PASSWORD, name=name, role=role, organisation=organisation if in_org else None
            )
        else:
            accounts.set_password(user, DEMO_PASSWORD)
            user.role = role
            if in_org and user.current_membership is None:
                session.add(Membership(user_id=user.id, organisation_id=organisation.id))
        lines.append(f"{role:<10} {email:<24} password: {DEMO_PASSWORD}")
    session.flush()
    return lines


def create_demo_attempts(session: Session, candidates: int = DEMO_SIMULATED_CANDIDATES) -> str:
    """Simulated candidates in the demo organisation, one timed attempt each at a practitioner
    mock, in the demo's two teams (idempotent: existing simulated candidates keep their attempts
    and teams). Returns a line to print."""
    if candidates <= 0:
        return "No simulated attempts were asked for."
    organisation = accounts.get_or_create_organisation(session, DEMO_ORGANISATION)
    report = simulation.simulate(session, organisation, candidates, utcnow())
    if report.test is not None:
        put_in_teams(session, organisation, [simulation.EMAIL.format(i + 1) for i in range(candidates)])
        return f"{report.line()}, in the teams {' and '.join(DEMO_TEAMS)}"
    return report.line()


def put_in_teams(session: Session, organisation: Organisation, emails: list[str]) -> None:
    """The demo's teams (created if missing); the n-th of `emails` goes in team n mod 2, unless they
    are in a team already, with the simulated attempts they have in no team (the story is that
    they took them in it: results stay with the team they were taken in). So the employer's
    dashboard has teams to compare."""
    teams = {t.name: t for t in organisations.teams_of(session, organisation.id)}
    chosen = [teams.get(name) or organisations.create_team(session, organisation, name) for name in DEMO_TEAMS]
    members = dict(session.execute(
        select(User.email, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(User.email.in_(emails), Membership.organisation_id == organisation.id, Membership.left_at.is_(None))
    ).all())
    for n, email in enumerate(emails):
        membership = members.get(email)
        if membership is not None and membership.team_id is None:
            team = chosen[n % len(chosen)]
            organisations.set_team(session, membership, team)
            session.execute(update(Attempt).where(
                Attempt.user_id == membership.user_id, Attempt.organisation_id == organisation.id,
                Attempt.team_id.is_(None)).values(team_id=team.id))
