"""`quizapp purge --older-than DAYS [--dry-run]` (quizapp/services/retention.py): it erases accounts
nobody has signed in to for DAYS (keeping the only administrator), ends old sessions, clears old
lockout counters, deletes dead invitations and old outbox emails, and prints the counts; a dry run
prints the same counts and changes nothing; nonsense values are refused with a message."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.data.models import AuditEvent, Invitation, SigninFailures, User, UserSession
from quizapp.services import organisations
from quizapp.web.extensions import db

NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=800)


@pytest.fixture
def aged(app, users):
    """The fixture's accounts last signed in long ago, but for the employer and the other
    candidate (recently); old and new sessions, lockouts, invitations and outbox emails."""
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        for who in users.values():
            user = db.session.get(User, who["id"])
            recent = who["role"] == "employer" and who["org"] == "Org A" or who is users["other_candidate"]
            user.last_signin_at = NOW - timedelta(days=3) if recent else LONG_AGO
            user.created_at = LONG_AGO
            db.session.add(UserSession(key=f"s{who['id']}", user_id=who["id"], created_at=LONG_AGO if recent else NOW))
        db.session.add(UserSession(key="new", user_id=users["employer"]["id"], created_at=NOW - timedelta(days=1)))
        db.session.add(SigninFailures(email="old@x.example", count=3, first_failed_at=LONG_AGO))
        db.session.add(SigninFailures(email="new@x.example", count=3, first_failed_at=NOW - timedelta(hours=1)))
        employer = db.session.get(User, users["employer"]["id"])
        organisations.create_invitation(db.session, employer.organisation, employer, LONG_AGO, 7)
        organisations.create_invitation(db.session, employer.organisation, employer, NOW, 7)
        db.session.commit()
    outbox = Path(app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    old, new = outbox / "old.eml", outbox / "new.eml"
    old.write_text("To: someone@x.example\n")
    new.write_text("To: someone@x.example\n")
    os.utime(old, (LONG_AGO.timestamp(), LONG_AGO.timestamp()))
    os.utime(new, (NOW.timestamp(), NOW.timestamp()))
    return {"old": old, "new": new}


def snapshot(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (User, UserSession, SigninFailures, Invitation, AuditEvent)}


EXPECTED = [
    "  accounts not signed in to: 3 {verb} erased (their answers kept, anonymous)",  # candidate, trainer, other employer
    "  sessions: 2 {verb} ended",
    "  sign-in lockout counters: 1 {verb} cleared",
    "  invitations no longer usable: 1 {verb} deleted",
    "  emails in the outbox folder: 1 {verb} deleted",
    "  kept: 1 account(s) of the only administrator who can sign in",
]


def test_a_dry_run_counts_and_changes_nothing(app, runner, users, aged):
    before = snapshot(app)
    result = runner.invoke(args=["purge", "--older-than", "730", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Older than 730 days (before 2024-12-06 07:00 UTC):"
    assert lines[1:7] == [line.format(verb="would be") for line in EXPECTED]
    assert "Dry run: nothing was changed" in result.output
    assert snapshot(app) == before
    assert aged["old"].exists()


def test_a_purge_removes_what_is_older_and_nothing_else(app, runner, users, aged):
    result = runner.invoke(args=["purge", "--older-than", "730"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:7] == [line.format(verb="were") for line in EXPECTED]
    with app.app_context():
        left = set(db.session.scalars(select(User.email)))
        assert left == {users[w]["email"] for w in ("employer", "other_candidate", "admin")}
        assert set(db.session.scalars(select(UserSession.key))) == {f"s{users['admin']['id']}", "new"}
        assert db.session.get(SigninFailures, "old@x.example") is None
        assert db.session.get(SigninFailures, "new@x.example") is not None
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
        events = [e.event for e in db.session.scalars(select(AuditEvent).where(AuditEvent.at == NOW))]
        assert events.count("account.erased") == 3 and events[-1] == "data.purged"
    assert not aged["old"].exists() and aged["new"].exists()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


@pytest.mark.parametrize(("value", "message"), [
    ("0", "1 or more"), ("-5", "1 or more"), ("ten", "a whole number of days"), ("2.5", "a whole number of days"),
    ("99999999999", "at most 36500"), ("", "a whole number of days"),
])
def test_nonsense_periods_are_refused_and_change_nothing(app, runner, users, value, message):
    before = snapshot(app)
    result = runner.invoke(args=["purge", "--older-than", value])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(app) == before


def test_the_period_is_required(runner):
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 2 and "--older-than" in result.output
