"""Attempts, the questions frozen on them, the candidate's responses and stored results.

An attempt freezes everything needed to replay it exactly: the seed of its draw, the item
versions and the option order shown. Scores are written on submission and never recomputed
behind the candidate's back (`quizapp rescore` shows a change before applying it).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import JSONType, UTCDateTime, utcnow
from .accounts import Organisation, User
from .content import ItemVersion, Statement, TestForm


class Mode(enum.StrEnum):
    TIMED = "timed"  # a mock: timed, feedback at the end
    PRACTICE = "practice"  # untimed, feedback after each question


class Ending(enum.StrEnum):
    SUBMITTED = "submitted"  # the candidate submitted
    EXPIRED = "expired"  # time ran out; the answers saved until the deadline count


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint("mode IN ('timed', 'practice')", name="mode"),
        CheckConstraint("ended_how IS NULL OR ended_how IN ('submitted', 'expired')", name="ended_how"),
        Index("ix_attempts_user_started", "user_id", "started_at"),
        Index("ix_attempts_org_test", "organisation_id", "test_id"),
        # One open attempt per candidate, test and mode: a double click or a stampede of
        # starts can never create two.
        Index(
            "uq_attempts_open",
            "user_id",
            "test_id",
            "mode",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND test_id IS NOT NULL"),
            postgresql_where=text("ended_at IS NULL AND test_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # None for a practice set built from the candidate's weakest statements.
    test_id: Mapped[int | None] = mapped_column(ForeignKey("tests.id"), index=True, default=None)
    # The organisation the candidate belonged to when starting (what an employer may see).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)
    # The team the candidate was in when starting: results stay with it after a move.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    title: Mapped[str] = mapped_column(String(300))
    mode: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    time_limit_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    extra_time_percent: Mapped[int] = mapped_column(Integer, default=0)
    extra_time_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # None when untimed
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_how: Mapped[str | None] = mapped_column(String(20), default=None)
    # Results, written once when the attempt ends.
    score: Mapped[float | None] = mapped_column(Float, default=None)  # sum of item scores
    max_score: Mapped[float | None] = mapped_column(Float, default=None)
    percent: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    pass_mark_percent: Mapped[float | None] = mapped_column(Float, default=None)
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    user: Mapped[User] = relationship()
    test: Mapped[TestForm | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )
    statement_results: Mapped[list[StatementResult]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class AttemptQuestion(Base):
    """One question of an attempt: which item version, in which position, with which option order."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1-based question number
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    # The authored option indices in the order shown, e.g. [2, 0, 3, 1].
    option_order: Mapped[list[int]] = mapped_column(JSONType)
    section: Mapped[str] = mapped_column(String(20))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float, default=None)  # written when the attempt ends

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    item_version: Mapped[ItemVersion] = relationship()
    response: Mapped[Response | None] = relationship(
        back_populates="question", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def answer(self) -> list[int] | None:
        """The stored answer that counts (is marked, shown as answered): None when there is none
        or the choice is incomplete."""
        response = self.response
        return response.answer if response is not None and response.complete else None


class Response(Base):
    """The candidate's latest saved choice on one question: an answer, or an incomplete choice
    kept for them to finish, which never counts (`complete` false; see question_types.Choice).

    `seq` is the client's sequence number for this question (0 to 2^31 - 1, compared as serial
    numbers: see answers.SEQ_MODULUS): a save is applied only when its seq is newer than the
    stored one, so a late or repeated save never overwrites a newer answer.
    """

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("attempt_questions.id", ondelete="CASCADE"), unique=True)
    # Complete: authored option indices: single [i]; multiple sorted [i, j, k]; ordering in the
    # candidate's order. Incomplete: the type's partial form (question_types.Choice).
    answer: Mapped[list[int]] = mapped_column(JSONType)
    # False: not answered yet (too few boxes ticked, positions missing, or everything cleared).
    complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # Practice: when the candidate asked for feedback; the answer is locked from then on.
    # None: a draft they may still change (always, in a timed attempt).
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[AttemptQuestion] = relationship(back_populates="response")


class StatementResult(Base):
    """An attempt's result on one statement, stored for SQL aggregation (cohorts, history)."""

    __tablename__ = "statement_results"
    __table_args__ = (
        UniqueConstraint("attempt_id", "statement_id"),
        # Covers the cohort queries' join from attempts (quizapp.services.cohort): no table lookups.
        Index("ix_statement_results_attempt_cover", "attempt_id", "statement_id", "percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    items: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    percent: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(100))

    attempt: Mapped[Attempt] = relationship(back_populates="statement_results")
    statement: Mapped[Statement] = relationship()
