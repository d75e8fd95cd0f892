"""Standard setting: modified Angoff panels on a fixed test form, their judges and ratings, and
the versioned record of each pass mark applied to a test (docs/readiness.md).

A panel rates the form as it was when the panel was formed: `AngoffPanelItem` keeps each item's
version then (and its maximum marks), so a later edit of the test or an item never changes what
the judges rated. Ratings are rows (one per judge, item and round), saved as a judge goes, so a
half-finished rating survives. A judge whose account is erased stays on the panel as a row with
no user; their ratings keep counting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import UTCDateTime, utcnow
from .accounts import User
from .content import Item, ItemVersion, TestForm

PANEL_STATUSES = ("round1", "round2", "closed")


class AngoffPanel(Base):
    __tablename__ = "angoff_panels"
    __table_args__ = (CheckConstraint("status IN ('round1', 'round2', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    test_id: Mapped[int] = mapped_column(ForeignKey("tests.id"), index=True)
    # The test's content hash when the panel was formed: the form it rates.
    test_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="round1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    round2_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    test: Mapped[TestForm] = relationship()
    items: Mapped[list[AngoffPanelItem]] = relationship(order_by="AngoffPanelItem.position",
                                                        cascade="all, delete-orphan")
    judges: Mapped[list[AngoffJudge]] = relationship(order_by="AngoffJudge.id", cascade="all, delete-orphan")

    @property
    def round(self) -> int | None:
        """The round being rated now (None once closed)."""
        return {"round1": 1, "round2": 2}.get(self.status)


class AngoffPanelItem(Base):
    """One question of the rated form, in the form's order."""

    __tablename__ = "angoff_panel_items"
    __table_args__ = (UniqueConstraint("panel_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("angoff_panels.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))
    max_marks: Mapped[float] = mapped_column(Float, default=1.0)

    item: Mapped[Item] = relationship()
    version: Mapped[ItemVersion] = relationship()


class AngoffJudge(Base):
    __tablename__ = "angoff_judges"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("angoff_panels.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    round1_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    round2_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User | None] = relationship()

    def submitted(self, round_: int) -> datetime | None:
        return self.round1_submitted_at if round_ == 1 else self.round2_submitted_at


class AngoffRating(Base):
    """A judge's rating of one item in one round: the chance, in whole percent, that a
    just-competent candidate answers it right."""

    __tablename__ = "angoff_ratings"
    __table_args__ = (
        UniqueConstraint("judge_id", "panel_item_id", "round"),
        CheckConstraint("round IN (1, 2)", name="round"),
        CheckConstraint("rating >= 0 AND rating <= 100", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("angoff_judges.id", ondelete="CASCADE"), index=True)
    panel_item_id: Mapped[int] = mapped_column(ForeignKey("angoff_panel_items.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    rating: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PassMarkChange(Base):
    """One version of a test's pass mark set by standard setting: who applied which panel's cut
    score, when, and the mark before and after. The newest row is the test's mark in force; a
    `quizapp import` keeps it (the file's `pass_mark_percent` no longer decides)."""

    __tablename__ = "pass_mark_changes"
    __table_args__ = (UniqueConstraint("test_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("tests.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per test
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("angoff_panels.id", ondelete="SET NULL"), default=None)
    panel_name: Mapped[str] = mapped_column(String(200))
    judges: Mapped[int] = mapped_column(Integer)
    old_percent: Mapped[float] = mapped_column(Float)
    new_percent: Mapped[float] = mapped_column(Float)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    applied_by: Mapped[User | None] = relationship()
