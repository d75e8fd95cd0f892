"""Users, organisations, teams and memberships, and each user's signed-in sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    TRAINER = "trainer"
    EMPLOYER = "employer"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teams: Mapped[list[Team]] = relationship(back_populates="organisation", order_by="Team.name")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="teams")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('candidate', 'trainer', 'employer', 'admin')", name="role"),
        CheckConstraint("extra_time_percent >= 0 AND extra_time_percent <= 200", name="extra_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CANDIDATE.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Changes whenever the password changes or all sessions are ended: part of the login id,
    # so old session cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64))
    last_signin_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # When the person proved the address is theirs (the link in the email sent at sign-up). None:
    # not yet, and an unconfirmed account may practise but not join an organisation.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Extra time on timed tests (reasonable adjustment): a percentage of the time limit, or a
    # number of minutes (one or the other is 0).
    extra_time_percent: Mapped[int] = mapped_column(Integer, default=0)
    extra_time_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extra_time_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    extra_time_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Set by an administrator: a disabled account cannot sign in, and its sessions have ended.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Set only on an erased person's anonymous stand-in (quizapp/services/erasure.py): it holds
    # their attempts for item statistics, has no name, address or password, and is never listed.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id", order_by="Membership.joined_at"
    )

    # Flask-Login protocol (kept here so the model is usable without Flask-Login's mixin).
    is_authenticated = True
    is_active = True
    is_anonymous = False

    # The key of the session this object was loaded for (set by the sign-in and the user loader).
    session_key = None  # type: str | None

    def get_id(self) -> str:
        """The login id kept in the session cookie: "<user id>:<session token>:<session key>"."""
        return f"{self.id}:{self.session_token}:{self.session_key or ''}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def organisation(self) -> Organisation | None:
        """The organisation the user currently belongs to, if any."""
        for membership in self.memberships:
            if membership.left_at is None:
                return membership.organisation
        return None

    @property
    def current_membership(self) -> Membership | None:
        for membership in self.memberships:
            if membership.left_at is None:
                return membership
        return None


class Membership(Base):
    """A user's belonging to an organisation (and optionally one team in it).

    Leaving sets `left_at`; the row stays so that history is kept, but an employer sees a
    candidate's results only while the membership is current.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        # At most one current membership per user.
        Index(
            "uq_memberships_current_user",
            "user_id",
            unique=True,
            sqlite_where=text("left_at IS NULL"),
            postgresql_where=text("left_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team | None] = relationship()


class SigninFailures(Base):
    """Failed sign-ins per e-mail address, whether or not an account exists for it.

    Keyed by the address (lower-cased) rather than by user, so that a lockout looks the same
    for an unknown address as for a real one and does not reveal which accounts exist.
    Kept in the database so every app process sees the same count.
    """

    __tablename__ = "signin_failures"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class UserSession(Base):
    """One signed-in browser: listed on the account page, where it can be ended.

    The key is the third part of the login id in the session cookie; a request whose key has no
    row here (ended, or the account disabled) is treated as signed out. Changing the user's
    `session_token` ends every session at once."""

    __tablename__ = "user_sessions"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    browser: Mapped[str] = mapped_column(String(100), default="")  # "Chrome on Windows", from the User-Agent
