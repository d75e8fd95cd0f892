"""What employers manage beyond accounts: invitations to join their organisation, and the
history of a candidate's extra time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import UTCDateTime, utcnow
from .accounts import Organisation, Team, User


class Invitation(Base):
    """A link or code that lets a candidate join an organisation (and a team in it).

    An invitation can be used by many candidates until it expires or is revoked; `uses`
    counts the joins. The code is random (about 60 bits), so it cannot be guessed. An invitation
    sent by email (`email` set) is for one person: it can be used once, and `sent_at` and
    `send_count` say when it was last sent and how often.
    """

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_organisation_email", "organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # upper case, no separators
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    email: Mapped[str | None] = mapped_column(String(254), default=None)  # lower-cased
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    send_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    organisation: Mapped[Organisation] = relationship()
    team: Mapped[Team | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class ExtraTimeChange(Base):
    """One change of a candidate's extra time: what it became, who set it and when."""

    __tablename__ = "extra_time_changes"
    __table_args__ = (Index("ix_extra_time_changes_candidate_set", "candidate_id", "set_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    percent: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # extra time in minutes instead
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    set_by: Mapped[User | None] = relationship(foreign_keys=[set_by_id])
