"""A small cohort with known scores, built with the services (accounts, organisations) and stored
attempts with their statement results, so every figure on the employer's pages can be worked out
by hand. The expectations are written out in EXPECTED below.

Org A (the `users` fixture's) has teams Blue and Red; the fixture bank's test fx-mock (pass mark
50%, statements A, B, C) and a second test fx-sup at another level (statement S1).

| who | team | attempt | test | started (UTC) | minutes | % | A | B | C |
|---|---|---|---|---|---|---|---|---|---|
| Ann | Blue | a1 | fx-mock | 2026-01-10 | 8 | 40 | 20 | 40 | 60 |
| Ann | Blue | a2 | fx-mock | 2026-02-10 | 6 | 80 | 60 | 80 | 100 |
| Ann | Blue | a3 | fx-mock | 2026-02-25 | 4 | 45 | 30 | 45 | 60 |
| Ann | Blue | a4 | fx-sup | 2026-03-05 | 12 | 100 | S1: 100 |
| Ben | Blue | b1 | fx-mock | 2026-01-15 | 10 (time ran out) | 60 | 40 | 60 | 80 |
| Cat | Blue | c1 | fx-mock | 2026-02-20 | 9 | 50 | 50 | 50 | 50 |
| Dan (name starts with =) | Red | d1 | fx-mock | 2026-02-05 | 5 | 30 | 0 | 30 | 60 |
| Eve (name has HTML) | none | e1 | fx-mock | 2026-03-01 | 7 | 70 | 90 | 80 | 40 |

Not visible to Org A's employer: Eve's practice attempt and her open timed attempt; Fay's attempt
(she left Org A); Gus's attempt (started while he was in Org B; he is in Org A now); Org B's
candidate's attempt.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from quizapp.services import accounts, organisations
from quizapp.domain import scoring
from quizapp.services.attempts import DEFAULT_BANDS
from quizapp.web.extensions import db
from quizapp.data.models import (
    Attempt,
    Framework,
    Membership,
    Organisation,
    Statement,
    StatementResult,
    TestForm,
    User,
)

from tests.web.candidate.conftest import FIXTURE_BANKS
from tests.helpers import PASSWORD


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def add_attempt(user_id: int, organisation_id: int | None, test: TestForm, started: datetime, minutes: float,
                percent: float, statements: dict[int, float], *, mode: str = "timed", ended: bool = True,
                expired: bool = False) -> Attempt:
    """A stored, scored attempt: `statements` maps statement ids to percents. Its team is the
    candidate's team now, as attempts.start stores it."""
    limit = test.time_limit_minutes
    team_id = db.session.scalar(select(Membership.team_id).where(
        Membership.user_id == user_id, Membership.organisation_id == organisation_id, Membership.left_at.is_(None)))
    attempt = Attempt(
        user_id=user_id, test_id=test.id, organisation_id=organisation_id, team_id=team_id, title=test.title,
        mode=mode, seed=1,
        started_at=started, time_limit_seconds=limit * 60 if mode == "timed" else None,
        deadline_at=started + timedelta(minutes=limit) if mode == "timed" else None,
        pass_mark_percent=test.pass_mark_percent, bands=list(DEFAULT_BANDS),
    )
    if ended:
        # A time-out ends a little after the deadline; time taken still stops at the deadline.
        attempt.ended_at = started + timedelta(minutes=minutes, seconds=30 if expired else 0)
        attempt.ended_how = "expired" if expired else "submitted"
        attempt.score, attempt.max_score, attempt.percent = percent / 10, 10.0, float(percent)
        attempt.passed = scoring.passed(percent, test.pass_mark_percent)
    db.session.add(attempt)
    db.session.flush()
    if ended:
        for statement_id, value in statements.items():
            db.session.add(StatementResult(attempt_id=attempt.id, statement_id=statement_id, items=2, score=value / 50,
                                           percent=float(value), band=scoring.band_for(value, DEFAULT_BANDS)))
    db.session.flush()
    return attempt


def candidate(email: str, name: str, organisation: Organisation | None) -> User:
    return accounts.create_user(db.session, email, PASSWORD, name=name, role="candidate", organisation=organisation)


def build_cohort(app, runner) -> dict:
    """Build the cohort in the app's database; returns the ids the tests need."""
    assert runner.invoke(args=["import", str(FIXTURE_BANKS)]).exit_code == 0
    with app.app_context():
        s = db.session
        org_a = accounts.get_or_create_organisation(s, "Org A")
        org_b = accounts.get_or_create_organisation(s, "Org B")
        mock = s.scalar(select(TestForm).where(TestForm.key == "fx-mock"))
        st = {x.code: x.id for x in s.scalars(select(Statement).where(Statement.framework_id == mock.framework_id))}
        sup_framework = Framework(key="fx-sup-framework", title="Supervisor fixture", level="practice-supervisor",
                                  content_hash="x")
        s.add(sup_framework)
        s.flush()
        s1 = Statement(framework_id=sup_framework.id, code="S1", position=1, title="Statement S1")
        s.add(s1)
        sup = TestForm(key="fx-sup", title="Supervisor mock", framework_id=sup_framework.id, time_limit_minutes=20,
                       pass_mark_percent=60, blueprint={"sections": []}, content_hash="x")
        s.add(sup)
        s.flush()
        blue = organisations.create_team(s, org_a, "Blue")
        red = organisations.create_team(s, org_a, "Red")

        def abc(a: float, b: float, c: float) -> dict[int, float]:
            return {st["A"]: a, st["B"]: b, st["C"]: c}

        people = {}
        for key, name, team in [("ann", "Ann Archer", blue), ("ben", "Ben Baker", blue), ("cat", "Cat Cole", blue),
                                ("dan", "=SUM(1+1) Dan", red), ("eve", "Eve <script>alert(1)</script>", None)]:
            user = candidate(f"{key}@a.example", name, org_a)
            s.flush()
            if team is not None:
                organisations.set_team(s, user.current_membership, team)
            people[key] = user
        a = org_a.id
        ids = {k: u.id for k, u in people.items()}
        attempts = {
            "a1": add_attempt(ids["ann"], a, mock, at(1, 10), 8, 40, abc(20, 40, 60)),
            "a2": add_attempt(ids["ann"], a, mock, at(2, 10), 6, 80, abc(60, 80, 100)),
            "a3": add_attempt(ids["ann"], a, mock, at(2, 25), 4, 45, abc(30, 45, 60)),
            "a4": add_attempt(ids["ann"], a, sup, at(3, 5), 12, 100, {s1.id: 100}),
            "b1": add_attempt(ids["ben"], a, mock, at(1, 15), 10, 60, abc(40, 60, 80), expired=True),
            "c1": add_attempt(ids["cat"], a, mock, at(2, 20), 9, 50, abc(50, 50, 50)),
            "d1": add_attempt(ids["dan"], a, mock, at(2, 5), 5, 30, abc(0, 30, 60)),
            "e1": add_attempt(ids["eve"], a, mock, at(3, 1), 7, 70, abc(90, 80, 40)),
            # never visible to Org A's employer:
            "e_practice": add_attempt(ids["eve"], a, mock, at(3, 2), 5, 100, abc(100, 100, 100), mode="practice"),
            "e_open": add_attempt(ids["eve"], a, mock, at(3, 3), 0, 0, {}, ended=False),
        }
        fay = candidate("fay@a.example", "Fay Ford", org_a)
        attempts["f1"] = add_attempt(fay.id, a, mock, at(1, 20), 5, 90, abc(90, 90, 90))
        organisations.leave(s, fay, at(1, 21))
        gus = candidate("gus@a.example", "Gus Grey", org_b)
        attempts["g1"] = add_attempt(gus.id, org_b.id, mock, at(1, 22), 5, 10, abc(10, 10, 10))
        invitation = organisations.create_invitation(s, org_a, None, at(1, 23), 7)
        organisations.join(s, gus, invitation, at(1, 23))
        other = s.scalar(select(User).where(User.email == "candidate@b.example"))
        if other is not None:
            attempts["o1"] = add_attempt(other.id, org_b.id, mock, at(1, 24), 5, 20, abc(20, 20, 20))
        s.commit()
        return {
            "org_a": a, "org_b": org_b.id, "mock": mock.id, "sup": sup.id, "blue": blue.id, "red": red.id,
            "statements": {**st, "S1": s1.id}, "fay": fay.id, "gus": gus.id, **ids,
            "attempts": {k: v.id for k, v in attempts.items()},
        }
