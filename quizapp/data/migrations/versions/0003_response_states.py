"""responses: complete (an incomplete choice is kept but never counts) and final_at (practice)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complete', sa.Boolean(), server_default=sa.text('true'), nullable=False))
        batch_op.add_column(sa.Column('final_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True))
    # Until now every stored practice answer had had its feedback shown: they stay final (locked).
    op.execute(
        "UPDATE responses SET final_at = saved_at WHERE question_id IN ("
        " SELECT attempt_questions.id FROM attempt_questions"
        " JOIN attempts ON attempts.id = attempt_questions.attempt_id WHERE attempts.mode = 'practice')"
    )


def downgrade() -> None:
    # Incomplete choices were never stored before: they go.
    op.execute("DELETE FROM responses WHERE NOT complete")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('final_at')
        batch_op.drop_column('complete')
