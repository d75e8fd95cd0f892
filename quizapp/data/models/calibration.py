"""Rasch calibrations of items (docs/readiness.md): each run of `quizapp calibrate` is a version.

A calibration covers one test or one framework (every test of it: forms linked through the
items they share). It keeps what it was fitted on (attempts, responses, the minimums in force),
the ability distribution's spread, the items it left out and why, and one row per calibrated
item version: difficulty with its standard error, and infit and outfit mean squares. Rows are
never changed: a new calibration is a new version, and pages use the latest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ._types import JSONType, UTCDateTime, utcnow
from .content import Framework, ItemVersion, TestForm


class Calibration(Base):
    __tablename__ = "calibrations"
    __table_args__ = (
        CheckConstraint("(test_id IS NULL) <> (framework_id IS NULL)", name="one_scope"),
        # One version number per scope (the other scope column is NULL, and NULLs never clash).
        Index("ix_calibrations_test", "test_id", "version", unique=True),
        Index("ix_calibrations_framework", "framework_id", "version", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of these: the scope calibrated.
    test_id: Mapped[int | None] = mapped_column(ForeignKey("tests.id"), default=None)
    framework_id: Mapped[int | None] = mapped_column(ForeignKey("frameworks.id"), default=None)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per scope
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer)  # attempts (person records) fitted
    responses: Mapped[int] = mapped_column(Integer)  # responses to the calibrated items
    min_attempts: Mapped[int] = mapped_column(Integer)
    min_item_responses: Mapped[int] = mapped_column(Integer)
    sigma: Mapped[float] = mapped_column(Float)  # SD of ability (logits); the mean is 0 by definition
    sigma_se: Mapped[float] = mapped_column(Float)
    log_likelihood: Mapped[float] = mapped_column(Float)
    converged: Mapped[bool] = mapped_column(Boolean)
    # Item versions left out: [{"item_version_id", "key", "number", "responses", "reason"}].
    left_out: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    test: Mapped[TestForm | None] = relationship()
    framework: Mapped[Framework | None] = relationship()
    items: Mapped[list[CalibratedItem]] = relationship(
        back_populates="calibration", cascade="all, delete-orphan", order_by="CalibratedItem.difficulty"
    )


class CalibratedItem(Base):
    __tablename__ = "calibrated_items"
    __table_args__ = (UniqueConstraint("calibration_id", "item_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibrations.id", ondelete="CASCADE"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    difficulty: Mapped[float] = mapped_column(Float)  # logits
    se: Mapped[float] = mapped_column(Float)
    infit: Mapped[float] = mapped_column(Float)
    outfit: Mapped[float] = mapped_column(Float)
    responses: Mapped[int] = mapped_column(Integer)
    facility: Mapped[float] = mapped_column(Float)  # mean score, for comparison with the classical figure

    calibration: Mapped[Calibration] = relationship(back_populates="items")
    item_version: Mapped[ItemVersion] = relationship()
