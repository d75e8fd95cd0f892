"""Retention: what `quizapp purge --older-than DAYS` removes, free of Flask.

Everything that is older than DAYS by the rule below goes; nothing else:
- **accounts** nobody has signed in to for DAYS (never signed in: made DAYS ago), of any role,
  are erased exactly as when a person deletes their own (quizapp/services/erasure.py: personal
  data deleted, answers kept as anonymous rows). The only administrator who can sign in is kept
  (and counted as kept), as on the admin pages. Erased accounts' stand-ins are not accounts.
- **sessions** (signed-in browsers) that began more than DAYS ago: they end.
- **sign-in lockout counters** (kept under the address typed, whether or not it has an
  account) whose first failure was more than DAYS ago and which lock nothing now.
- **invitations** that stopped working (expired or withdrawn) more than DAYS ago, with the
  address they were emailed to.
- **emails written to the outbox folder** (development, no mail server) more than DAYS ago.

Emailed links (confirmation, password reset) are signed, not stored: there is nothing to purge,
and they expire by themselves (24 hours, 1 hour). The audit trail is kept whole (it holds ids,
never names or addresses). `purge` works in the caller's transaction: the caller commits it, or
rolls it back for a dry run (so a dry run counts exactly what a real run would do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from quizapp.data.models import Invitation, SigninFailures, User, UserSession

from . import audit, erasure
from .administration import AdminError

MAX_DAYS = 36500  # a hundred years: anything longer is a typing mistake


class RetentionError(ValueError):
    """A period that makes no sense; the message says why."""


def check_days(days: int) -> None:
    if days < 1:
        raise RetentionError(f"--older-than must be a whole number of days, 1 or more (not {days})")
    if days > MAX_DAYS:
        raise RetentionError(f"--older-than must be at most {MAX_DAYS} days (a hundred years); {days} is too many")


@dataclass
class Purged:
    days: int
    cutoff: datetime
    accounts_erased: int = 0
    accounts_kept: list[int] = field(default_factory=list)  # the only administrator, not erased
    sessions_ended: int = 0
    lockouts_cleared: int = 0
    invitations_deleted: int = 0
    outbox_files: list[Path] = field(default_factory=list)  # the caller deletes them after committing

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would be" if dry_run else "were"
        out = [
            f"Older than {self.days} days (before {self.cutoff:%Y-%m-%d %H:%M} UTC):",
            f"  accounts not signed in to: {self.accounts_erased} {verb} erased (their answers kept, anonymous)",
            f"  sessions: {self.sessions_ended} {verb} ended",
            f"  sign-in lockout counters: {self.lockouts_cleared} {verb} cleared",
            f"  invitations no longer usable: {self.invitations_deleted} {verb} deleted",
            f"  emails in the outbox folder: {len(self.outbox_files)} {verb} deleted",
        ]
        if self.accounts_kept:
            out.append(f"  kept: {len(self.accounts_kept)} account(s) of the only administrator who can sign in")
        return out


def stale_accounts(session: Session, cutoff: datetime) -> list[User]:
    last_seen = func.coalesce(User.last_signin_at, User.created_at)
    return list(session.scalars(select(User).where(User.erased_at.is_(None), last_seen < cutoff).order_by(User.id)))


def old_outbox_files(outbox: Path | None, cutoff: datetime) -> list[Path]:
    if outbox is None or not outbox.is_dir():
        return []
    limit = cutoff.timestamp()
    return sorted(p for p in outbox.glob("*.eml") if p.is_file() and p.stat().st_mtime < limit)


def purge(session: Session, days: int, now: datetime, outbox: Path | None = None) -> Purged:
    """Remove what is older than `days` (see the module's docstring) in the caller's transaction."""
    check_days(days)
    cutoff = now - timedelta(days=days)
    report = Purged(days=days, cutoff=cutoff)
    for user in stale_accounts(session, cutoff):
        try:  # the rule is checked before erase writes anything
            erasure.erase(session, user, now=now, who="retention")
        except AdminError:
            report.accounts_kept.append(user.id)
        else:
            report.accounts_erased += 1
    report.sessions_ended = session.execute(delete(UserSession).where(UserSession.created_at < cutoff)).rowcount or 0
    report.lockouts_cleared = session.execute(delete(SigninFailures).where(
        SigninFailures.first_failed_at < cutoff,
        or_(SigninFailures.locked_until.is_(None), SigninFailures.locked_until < now))).rowcount or 0
    report.invitations_deleted = session.execute(delete(Invitation).where(or_(
        Invitation.expires_at < cutoff, and_(Invitation.revoked_at.is_not(None), Invitation.revoked_at < cutoff),
    )).execution_options(synchronize_session=False)).rowcount or 0
    report.outbox_files = old_outbox_files(outbox, cutoff)
    audit.record(session, "data.purged", now=now, days=days, accounts=report.accounts_erased,
                 sessions=report.sessions_ended, lockouts=report.lockouts_cleared,
                 invitations=report.invitations_deleted, emails=len(report.outbox_files))
    return report
