"""Erasing an account (UK GDPR: the right to erasure), free of Flask. The person deletes their own
account on its page, an administrator deletes it from theirs, or `quizapp purge` erases accounts
nobody has signed in to for a long time; all three call `erase`.

The organisation they belonged to sees them leave in its own audit trail (`organisation.left`,
reason "account deleted"), and the trail gets `account.erased`; both name them by id only.

What goes: the user row (name, email address, password hash, session token, extra time), every
signed-in session, every membership (so no employer sees them any more, and no cohort page or
export lists them), the history of their extra time, invitations emailed to their address, and
the sign-in lockout counter kept under their address. Links emailed to them (confirmation,
reset) stop working: they name an account that no longer exists.

What stays, anonymous: their attempts, with every question, answer, score and per-statement
result, so that item statistics (facility, discrimination, alpha) stay right. The attempts move
to a new stand-in row (`User.erased_at` set) with no name, an address under the reserved
`.invalid` domain that no mail can reach, no usable password, disabled: one stand-in per erased
person, so "each candidate's first attempt" still counts them once. The attempts lose their
organisation, team and extra time, and the stand-in has a new id, so the audit trail's rows about
the old id (kept: the chain cannot change) lead to nothing; they never held a name or an address
(quizapp/services/audit.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from quizapp.data.models import (
    Attempt,
    ExtraTimeChange,
    Invitation,
    Membership,
    SigninFailures,
    User,
    UserSession,
)

from . import audit
from .administration import refuse_last_admin

ERASED_NAME = "Erased account"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never a real address
WHO = ("self", "administrator", "retention")


@dataclass(frozen=True)
class Erasure:
    user_id: int
    attempts_kept: int  # now anonymous, held by the stand-in
    stand_in_id: int | None  # None when there were no attempts to keep


def erase(session: Session, user: User, *, now: datetime, by: User | None = None, who: str = "self") -> Erasure:
    """Erase `user` in the caller's transaction (the caller commits). `by`: the administrator, or
    None (the person themself, or retention). Raises administration.AdminError for the only
    administrator who can sign in."""
    assert who in WHO
    refuse_last_admin(session, user, "delete")
    user_id, email = user.id, user.email
    actor = by.id if by is not None else (user_id if who == "self" else None)
    attempts = session.scalar(select(Attempt.id).where(Attempt.user_id == user_id).limit(1))
    stand_in_id = None
    kept = 0
    if attempts is not None:
        stand_in = User(email=f"erased-{secrets.token_hex(12)}@{ERASED_DOMAIN}", name=ERASED_NAME, password_hash="!",
                        role="candidate", created_at=now, session_token=secrets.token_hex(16), disabled_at=now,
                        erased_at=now)
        session.add(stand_in)
        session.flush()
        stand_in_id = stand_in.id
        kept = session.execute(
            update(Attempt).where(Attempt.user_id == user_id)
            .values(user_id=stand_in_id, organisation_id=None, team_id=None, extra_time_percent=0,
                    extra_time_minutes=0)
            .execution_options(synchronize_session=False)
        ).rowcount or 0
    current = session.scalar(select(Membership.organisation_id).where(Membership.user_id == user_id,
                                                                      Membership.left_at.is_(None)))
    if current is not None:  # the organisation's own trail shows them leaving (by id, as every row)
        audit.record(session, "organisation.left", actor=actor, user=user_id,
                     organisation=current, now=now, reason="account deleted")
    session.execute(delete(Invitation).where(Invitation.email == email).execution_options(synchronize_session=False))
    session.execute(delete(SigninFailures).where(SigninFailures.email == email))
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    session.execute(delete(Membership).where(Membership.user_id == user_id).execution_options(synchronize_session=False))
    session.execute(delete(ExtraTimeChange).where(ExtraTimeChange.candidate_id == user_id)
                    .execution_options(synchronize_session=False))
    session.expunge(user)
    # The database sets to NULL what other rows say this account did (invitations it created,
    # extra time it set, uploads it made); the audit trail has no foreign keys and keeps the id.
    session.execute(delete(User).where(User.id == user_id))
    session.expire_all()
    audit.record(session, "account.erased", actor=actor, user=user_id, now=now, by=who, attempts_kept=kept)
    return Erasure(user_id=user_id, attempts_kept=kept, stand_in_id=stand_in_id)
