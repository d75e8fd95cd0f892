"""Spaced practice: a review card per candidate and item (its FSRS state), and a log row per
review. The rules that fill them are in quizapp.domain.spacing; quizapp.services.spacing writes them.

A card belongs to the item (its stable identity), not to a version: a reworded item keeps its
schedule. A review log row names the attempt question whose answer made the review, and that name
is unique: one answer reviews its card once, whatever a double click or a second tab sends.
Cards are personal data: in the person's download (services.personal_data), and deleted with their
account (the foreign key cascades when services.erasure deletes the user), their logs with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ._types import UTCDateTime


class ReviewCard(Base):
    """The FSRS card of one item for one candidate: when it is next due and the memory model's
    state (fsrs.Card's fields: state 1 learning, 2 review, 3 relearning; step; stability;
    difficulty; last review)."""

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "item_id"),
        Index("ix_review_cards_user_due", "user_id", "due"),  # the home page's count, the due-first draw
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    state: Mapped[int] = mapped_column(SmallInteger)
    step: Mapped[int | None] = mapped_column(Integer, default=None)
    stability: Mapped[float | None] = mapped_column(Float, default=None)
    difficulty: Mapped[float | None] = mapped_column(Float, default=None)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reviews: Mapped[int] = mapped_column(Integer, default=0)


class ReviewLog(Base):
    """One review of a card: the answer that made it (unique), its score, the rating and when."""

    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("review_cards.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("attempt_questions.id", ondelete="CASCADE"), unique=True)
    score: Mapped[float] = mapped_column(Float)
    rating: Mapped[int] = mapped_column(SmallInteger)  # fsrs.Rating: 1 again, 2 hard, 3 good
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_after: Mapped[datetime] = mapped_column(UTCDateTime)  # when the review made the card due
