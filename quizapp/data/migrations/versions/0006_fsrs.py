"""Spaced practice: review_cards (a candidate's FSRS card per item) and review_logs (a row per review)

Revision ID: 0006_fsrs
Revises: 0006_angoff
Create Date: 2026-12-06 09:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from quizapp.data.models._types import UTCDateTime

revision: str = '0006_fsrs'
down_revision: str | None = '0006_angoff'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'review_cards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.SmallInteger(), nullable=False),
        sa.Column('step', sa.Integer(), nullable=True),
        sa.Column('stability', sa.Float(), nullable=True),
        sa.Column('difficulty', sa.Float(), nullable=True),
        sa.Column('due', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_review', UTCDateTime(timezone=True), nullable=True),
        sa.Column('reviews', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_review_cards_item_id_items'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_cards_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_cards')),
        sa.UniqueConstraint('user_id', 'item_id', name=op.f('uq_review_cards_user_id_item_id')),
    )
    op.create_index('ix_review_cards_user_due', 'review_cards', ['user_id', 'due'])
    op.create_index(op.f('ix_review_cards_item_id'), 'review_cards', ['item_id'])
    op.create_table(
        'review_logs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('rating', sa.SmallInteger(), nullable=False),
        sa.Column('reviewed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('due_after', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['card_id'], ['review_cards.id'], name=op.f('fk_review_logs_card_id_review_cards'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['attempt_questions.id'], name=op.f('fk_review_logs_question_id_attempt_questions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_logs')),
        sa.UniqueConstraint('question_id', name=op.f('uq_review_logs_question_id')),
    )
    op.create_index(op.f('ix_review_logs_card_id'), 'review_logs', ['card_id'])


def downgrade() -> None:
    op.drop_table('review_logs')
    op.drop_table('review_cards')
