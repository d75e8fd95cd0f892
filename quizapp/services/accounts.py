"""Account rules, free of Flask: creating users, checking passwords, sign-in lockout.

Passwords are hashed with scrypt (Werkzeug's default). Between 12 and 64 characters, as
NCSC guidance suggests: length over composition rules.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.data.models import (
    ROLES,
    ExtraTimeChange,
    Membership,
    Organisation,
    SigninFailures,
    User,
)
from quizapp.data.models._types import utcnow

PASSWORD_MIN = 12
PASSWORD_MAX = 64
# Werkzeug's scrypt defaults (N=32768, r=8, p=1). The tests lower N to keep the suite fast.
HASH_METHOD = "scrypt"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# A hash of a random password, checked when the address is unknown so that the response
# takes as long as for a real account (no timing oracle for which addresses exist).
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A rule about accounts was broken; the message is fit to show to the person."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    """Why a password is not acceptable, or None."""
    if len(password) < PASSWORD_MIN:
        return f"Password must be {PASSWORD_MIN} characters or more"
    if len(password) > PASSWORD_MAX:
        return f"Password must be {PASSWORD_MAX} characters or fewer"
    if not password.strip():
        return "Password must not be only spaces"
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def get_or_create_organisation(session: Session, name: str) -> Organisation:
    name = " ".join(name.split())
    if not name:
        raise AccountError("Enter the organisation's name")
    org = session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if org is None:
        org = Organisation(name=name)
        session.add(org)
        session.flush()
    return org


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    name: str = "",
    role: str = "candidate",
    organisation: Organisation | None = None,
) -> User:
    """Create an account. Raises AccountError with a message for the person on any broken rule."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise AccountError("Enter an email address in the correct format, like name@example.com")
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if find_user(session, email) is not None:
        raise AccountError("An account with this email address already exists")
    user = User(
        email=email,
        name=" ".join(name.split()) or email.split("@")[0],
        password_hash=hash_password(password),
        role=role,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    session.flush()
    if organisation is not None:
        session.add(Membership(user_id=user.id, organisation_id=organisation.id))
        session.flush()
    return user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)  # ends every other session


@dataclass(frozen=True)
class SigninResult:
    user: User | None
    locked_until: datetime | None = None


def check_credentials(session: Session, email: str, password: str, *, now: datetime | None = None) -> SigninResult:
    """The read-only half of signing in: is the address locked, and is the password right?
    Writes nothing, so the slow password hash never runs inside a write transaction."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    failures = session.get(SigninFailures, email)
    if failures is not None and failures.locked_until is not None and failures.locked_until > now:
        return SigninResult(None, failures.locked_until)
    user = find_user(session, email)
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    return SigninResult(user if ok else None)


def record_signin(session: Session, email: str, result: SigninResult, *, threshold: int, lockout: timedelta,
                  now: datetime | None = None) -> SigninResult:
    """The writing half: clear the failure count on success, count a failure (and lock the address
    after `threshold` in a row) otherwise. Returns the final result (a failure may lock)."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    if result.locked_until is not None:
        return result
    failures = session.get(SigninFailures, email, populate_existing=True)
    if result.user is not None:
        if failures is not None:
            session.delete(failures)
        result.user.last_signin_at = now
        return result
    if failures is None:
        failures = SigninFailures(email=email, count=0, first_failed_at=now)
        session.add(failures)
    if failures.locked_until is not None and failures.locked_until <= now:
        failures.count = 0  # the lock has passed: start counting again
        failures.locked_until = None
    failures.count += 1
    if failures.count >= threshold:
        failures.locked_until = now + lockout
        return SigninResult(None, failures.locked_until)
    return result


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    threshold: int,
    lockout: timedelta,
    now: datetime | None = None,
) -> SigninResult:
    """Check an address and password, counting failures per address.

    After `threshold` failures in a row the address is locked for `lockout`, whether or not an
    account exists for it, and the result looks the same in both cases.
    """
    result = check_credentials(session, email, password, now=now)
    return record_signin(session, email, result, threshold=threshold, lockout=lockout, now=now)


EXTRA_TIME_MAX = 200


def set_extra_time(candidate: User, percent: int, set_by: User, now: datetime | None = None) -> None:
    """Set a candidate's extra time on timed tests (a reasonable adjustment), recording who set it
    and when (also kept as a history of changes). Applies to attempts started afterwards; an attempt in progress keeps its deadline."""
    if candidate.role != "candidate":
        raise AccountError("Extra time can only be set for candidates")
    if not 0 <= percent <= EXTRA_TIME_MAX:
        raise AccountError(f"Extra time must be between 0% and {EXTRA_TIME_MAX}%")
    candidate.extra_time_percent = percent
    candidate.extra_time_set_by_id = set_by.id
    candidate.extra_time_set_at = now or utcnow()
    session = object_session(candidate)
    if session is not None:  # the history of changes, shown on the employer's candidate page
        session.add(ExtraTimeChange(candidate_id=candidate.id, percent=percent, set_by_id=set_by.id,
                                    set_at=candidate.extra_time_set_at))
