"""What an administrator changes, free of Flask: accounts (create, role, disable and enable again),
organisations (create, rename) and which organisation an employer account belongs to. Every
change is recorded in the audit trail.

One rule guards the service itself: there is always at least one administrator who can sign in.
Demoting or disabling the last one (oneself included) is refused. The enabled administrators'
rows are locked while the rule is checked (`FOR UPDATE` on PostgreSQL; SQLite's write lock,
taken at BEGIN, does the same), so two administrators disabling each other at the same moment
cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.data.models import ROLES, Membership, Organisation, User
from quizapp.data.models._types import utcnow
from quizapp.services import accounts, audit, user_sessions

ORGANISATION_NAME_MAX = 200
ROLE_NAMES = {"candidate": "Candidate", "trainer": "Trainer", "employer": "Employer", "admin": "Administrator"}
# Roles that belong to an organisation (an employer must, a candidate may).
ORGANISATION_ROLES = ("candidate", "employer")


class AdminError(ValueError):
    """A rule was broken; the message is fit to show to the administrator."""


def _enabled_admins(session: Session) -> list[int]:
    return list(session.scalars(
        select(User.id).where(User.role == "admin", User.disabled_at.is_(None)).order_by(User.id).with_for_update()
    ))


def _keep_an_admin(session: Session, user: User, doing: str) -> None:
    if user.role != "admin" or user.disabled_at is not None:
        return
    if _enabled_admins(session) == [user.id]:
        raise AdminError(f"You cannot {doing} the only administrator who can sign in: "
                         "make another account an administrator first")


def refuse_last_admin(session: Session, user: User, doing: str) -> None:
    """The rule above, for other services (erasing an account): AdminError if `user` is the only
    administrator who can sign in."""
    _keep_an_admin(session, user, doing)


def create_account(session: Session, by: User, *, email: str, name: str, role: str, password: str,
                   organisation: Organisation | None = None) -> User:
    if role not in ROLES:
        raise AdminError("Choose the account's role")
    if role == "employer" and organisation is None:
        raise AdminError("Choose the employer's organisation")
    if role not in ORGANISATION_ROLES:
        organisation = None
    try:
        return accounts.create_user(session, email, password, name=name, role=role, organisation=organisation, by=by)
    except accounts.AccountError as error:
        raise AdminError(str(error)) from None


def set_role(session: Session, by: User, user: User, role: str) -> bool:
    """Give the account another role. Whether anything changed."""
    if role not in ROLES:
        raise AdminError("Choose a role")
    if role == user.role:
        return False
    if role != "admin":
        _keep_an_admin(session, user, "remove the role of")
    if role not in ORGANISATION_ROLES and user.current_membership is not None:
        _leave(session, by, user, reason=f"now {ROLE_NAMES[role].lower()}")
    before, user.role = user.role, role
    session.flush()
    audit.record(session, "role.changed", actor=by, user=user, before=before, after=role)
    return True


def disable(session: Session, by: User, user: User, now: datetime | None = None) -> bool:
    """The account can no longer sign in and every session of it ends at its next request
    (autosaves included: they carry the session token). Its results stay. Whether it changed."""
    if user.disabled_at is not None:
        return False
    _keep_an_admin(session, user, "disable")
    user.disabled_at = now or utcnow()
    user_sessions.end_all_sessions(session, user)
    audit.record(session, "account.disabled", actor=by, user=user, now=user.disabled_at)
    return True


def enable(session: Session, by: User, user: User) -> bool:
    if user.disabled_at is None:
        return False
    user.disabled_at = None
    session.flush()
    audit.record(session, "account.enabled", actor=by, user=user)
    return True


def _organisation_name(session: Session, name: str, organisation_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise AdminError("Enter the organisation's name")
    if len(name) > ORGANISATION_NAME_MAX:
        raise AdminError(f"Organisation name must be {ORGANISATION_NAME_MAX} characters or fewer")
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if organisation_id is not None:
        query = query.where(Organisation.id != organisation_id)
    if session.scalar(query) is not None:
        raise AdminError(f"There is already an organisation called {name}")
    return name


def create_organisation(session: Session, by: User, name: str) -> Organisation:
    name = _organisation_name(session, name)
    return accounts.get_or_create_organisation(session, name, by=by)


def rename_organisation(session: Session, by: User, organisation: Organisation, name: str) -> bool:
    name = _organisation_name(session, name, organisation.id)
    if name == organisation.name:
        return False
    before, organisation.name = organisation.name, name
    session.flush()
    audit.record(session, "organisation.renamed", actor=by, organisation=organisation, before=before, after=name)
    return True


def _leave(session: Session, by: User, user: User, reason: str, now: datetime | None = None) -> None:
    current = user.current_membership
    if current is None:
        return
    current.left_at = now or utcnow()
    session.flush()
    session.expire(user, ["memberships"])
    audit.record(session, "organisation.left", actor=by, user=user, organisation=current.organisation_id, reason=reason)


def attach_employer(session: Session, by: User, user: User, organisation: Organisation,
                    now: datetime | None = None) -> bool:
    """Make the employer account one of `organisation`'s (leaving any other). Whether it changed."""
    if user.role != "employer":
        raise AdminError("Only employer accounts can be attached to an organisation")
    current = user.current_membership
    if current is not None and current.organisation_id == organisation.id:
        return False
    now = now or utcnow()
    _leave(session, by, user, reason="attached to another organisation", now=now)
    session.add(Membership(user_id=user.id, organisation_id=organisation.id, joined_at=now))
    session.flush()
    session.expire(user, ["memberships"])
    audit.record(session, "organisation.joined", actor=by, user=user, organisation=organisation, now=now)
    return True


def organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))
