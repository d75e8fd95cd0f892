"""Account rules, free of Flask: creating users, checking passwords, sign-in lockout, and the
account page's changes (name, password). Each change is recorded in the audit trail.

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

from quizapp.domain import timing
from quizapp.services import audit, user_sessions
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


def get_or_create_organisation(session: Session, name: str, *, by: User | None = None) -> Organisation:
    name = " ".join(name.split())
    if not name:
        raise AccountError("Enter the organisation's name")
    org = session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if org is None:
        org = Organisation(name=name)
        session.add(org)
        session.flush()
        audit.record(session, "organisation.created", actor=by, organisation=org, name=name)
    return org


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    name: str = "",
    role: str = "candidate",
    organisation: Organisation | None = None,
    verified: bool = True,
    now: datetime | None = None,
    by: User | None = None,
) -> User:
    """Create an account. Raises AccountError with a message for the person on any broken rule.

    `verified`: whether the address counts as confirmed. Accounts made by an admin or on the
    command line are; a sign-up is not until its link is followed (`confirm_email`)."""
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
        email_verified_at=(now or utcnow()) if verified else None,
    )
    session.add(user)
    session.flush()
    audit.record(session, "account.created", actor=by if by is not None else user, user=user, role=role,
                 organisation=organisation)
    if organisation is not None:
        session.add(Membership(user_id=user.id, organisation_id=organisation.id))
        session.flush()
        audit.record(session, "organisation.joined", actor=by if by is not None else user, user=user,
                     organisation=organisation)
    return user


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did: made `user`, or found `existing` (the address already had an account).
    The page says the same either way; only the email differs."""

    user: User | None
    existing: User | None


def sign_up(session: Session, email: str, password: str, name: str, now: datetime | None = None) -> SignUp:
    """A candidate's own sign-up: a new, unconfirmed account, or the account the address already
    has (left as it is). The password is hashed either way, so both take as long."""
    existing = find_user(session, email)
    if existing is not None:
        hash_password(password)  # the same work as a new account: no timing difference
        return SignUp(None, existing)
    return SignUp(create_user(session, email, password, name=name, role="candidate", verified=False, now=now), None)


def is_verified(user: User) -> bool:
    return user.email_verified_at is not None


def confirm_email(session: Session, user_id: int, email: str, now: datetime | None = None) -> User | None:
    """Follow a confirmation link for `email` made for the account `user_id`: the account's own
    address becomes confirmed, or a new address it asked for becomes its address (and confirmed).
    None if the account is gone. AccountError if another account has taken the new address."""
    user = session.get(User, user_id)
    if user is None:
        return None
    email = normalise_email(email)
    if user.email != email:
        if find_user(session, email) is not None:
            raise AccountError("Another account now uses this email address, so it cannot become yours")
        audit.record(session, "email.changed", actor=user, user=user, now=now)  # no addresses: see audit.py
        user.email = email
        user.email_verified_at = now or utcnow()
    elif user.email_verified_at is None:
        user.email_verified_at = now or utcnow()
        audit.record(session, "email.confirmed", actor=user, user=user, now=now)
    session.flush()
    return user


def set_password(user: User, password: str, hashed: str | None = None, *, by: User | None = None) -> None:
    """A new password (`hashed`: its hash, made beforehand outside a write transaction); every
    session of the account ends (the caller may start a new one). `by`: who set it, if not the
    account's owner (for the audit trail)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hashed or hash_password(password)
    user.session_token = secrets.token_hex(16)  # ends every other session
    session = object_session(user)
    if session is not None:
        audit.record(session, "password.changed", actor=by if by is not None else user, user=user)


def reset_password(session: Session, user: User, password: str, now: datetime | None = None,
                   hashed: str | None = None) -> None:
    """A new password from a reset link: every session ends (the session token changes), the
    address counts as confirmed (the link reached it), and its sign-in lockout is lifted."""
    set_password(user, password, hashed)
    if user.email_verified_at is None:
        user.email_verified_at = now or utcnow()
    failures = session.get(SigninFailures, user.email)
    if failures is not None:
        session.delete(failures)
    session.flush()


@dataclass(frozen=True)
class SigninResult:
    user: User | None
    locked_until: datetime | None = None
    disabled: bool = False  # the right password, for an account an administrator disabled


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
    if ok and user is not None and user.disabled_at is not None:
        return SigninResult(None, disabled=True)
    return SigninResult(user if ok else None)


def record_signin(session: Session, email: str, result: SigninResult, *, threshold: int, lockout: timedelta,
                  now: datetime | None = None, ip: str | None = None) -> SigninResult:
    """The writing half: clear the failure count on success, count a failure (and lock the address
    after `threshold` in a row) otherwise. Returns the final result (a failure may lock).
    Either way the audit trail gets the outcome (and the network `ip` is in, when given)."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    where = {"method": "password", **({"network": audit.network_of(ip)} if ip else {})}
    if result.user is not None:
        audit.record(session, "signin.succeeded", actor=result.user, user=result.user, now=now, **where)
    else:
        account = find_user(session, email)  # the account the attempt was on, if one has this address
        reason = ("locked" if result.locked_until is not None else "account disabled" if result.disabled
                  else "wrong password" if account is not None else "no account with this address")
        audit.record(session, "signin.failed", user=account, now=now, reason=reason, **where)
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
        return SigninResult(None, failures.locked_until, disabled=result.disabled)
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


EXTRA_TIME_MAX = timing.EXTRA_PERCENT_MAX


def set_extra_time(candidate: User, percent: int, set_by: User, now: datetime | None = None, minutes: int = 0) -> None:
    """Set a candidate's extra time on timed tests (a reasonable adjustment): a percentage of each
    test's limit, or a number of minutes (one of them 0), recording who set it and when (also kept
    as a history of changes). Applies to attempts started afterwards; an attempt in progress keeps its deadline."""
    if candidate.role != "candidate":
        raise AccountError("Extra time can only be set for candidates")
    if not 0 <= percent <= EXTRA_TIME_MAX:
        raise AccountError(f"Extra time must be between 0% and {EXTRA_TIME_MAX}%")
    if not 0 <= minutes <= timing.EXTRA_MINUTES_MAX or (minutes and percent):
        raise AccountError(f"Extra time in minutes must be between 0 and {timing.EXTRA_MINUTES_MAX}, with no percentage")
    before = (candidate.extra_time_percent, candidate.extra_time_minutes or 0)
    candidate.extra_time_percent = percent
    candidate.extra_time_minutes = minutes
    candidate.extra_time_set_by_id = set_by.id
    candidate.extra_time_set_at = now or utcnow()
    session = object_session(candidate)
    if session is not None:  # the history of changes, shown on the employer's candidate page
        session.add(ExtraTimeChange(candidate_id=candidate.id, percent=percent, minutes=minutes, set_by_id=set_by.id,
                                    set_at=candidate.extra_time_set_at))
        audit.record(session, "extra_time.changed", actor=set_by, user=candidate, organisation=candidate.organisation,
                     now=candidate.extra_time_set_at, percent_before=before[0], percent=percent,
                     **({"minutes_before": before[1], "minutes": minutes} if minutes or before[1] else {}))


# -- the account page: changes a person makes to their own account ---------------------------------

NAME_MAX = 200
WRONG_CURRENT_PASSWORD = "Your current password is not right"


def change_name(user: User, name: str) -> bool:
    """Whether the name changed (the old and new names are not kept in the audit trail)."""
    name = " ".join(name.split())
    if not name:
        raise AccountError("Enter your full name")
    if len(name) > NAME_MAX:
        raise AccountError(f"Name must be {NAME_MAX} characters or fewer")
    if name == user.name:
        return False
    user.name = name
    session = object_session(user)
    if session is not None:
        audit.record(session, "name.changed", actor=user, user=user)
    return True


def password_is_right(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def change_password(user: User, current: str, new: str) -> None:
    """A new password, given the current one. Every other session of the account ends (this one,
    `user.session_key`, goes on: the caller signs it in again with the new session token)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(WRONG_CURRENT_PASSWORD)
    if new == current:
        raise AccountError("Your new password must be different from your current one")
    set_password(user, new)
    session = object_session(user)
    if session is not None:
        user_sessions.end_other_sessions(session, user, record=False)
