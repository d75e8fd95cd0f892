"""The audit trail: one row per event that matters for security or for an appeal, chained by
SHA-256 (each row holds the previous row's hash and its own), so that an edited, inserted or
deleted row shows (`quizapp audit verify`; the rules are in quizapp/services/audit.py).

No foreign keys: a row must never change when the account or organisation it names is deleted
(a foreign key's ON DELETE would rewrite it and break the chain). The ids are kept as numbers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ._types import UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_organisation_seq", "organisation_id", "seq"),
        Index("ix_audit_events_event_seq", "event", "seq"),
    )

    # 1, 2, 3 ... with no gaps: given by the writer that holds the chain's lock, not a sequence.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    event: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # who did it
    user_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # whose account it concerns
    organisation_id: Mapped[int | None] = mapped_column(Integer, default=None)  # the organisation it concerns
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON, hashed as stored
    # Unique: two writers can never both append after the same row (a fork fails to insert).
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
