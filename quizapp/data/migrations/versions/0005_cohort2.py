"""Extra time in minutes: users, attempts and extra_time_changes get extra_time_minutes (minutes)

Revision ID: 0005_cohort2
Revises: 0004_orgcontent
Create Date: 2026-12-06 06:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_cohort2'
down_revision: str | None = '0005_trainer2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('users', sa.Column('extra_time_minutes', sa.Integer(), server_default='0', nullable=False))
    op.add_column('attempts', sa.Column('extra_time_minutes', sa.Integer(), server_default='0', nullable=False))
    op.add_column('extra_time_changes', sa.Column('minutes', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('extra_time_changes') as batch:
        batch.drop_column('minutes')
    with op.batch_alter_table('attempts') as batch:
        batch.drop_column('extra_time_minutes')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('extra_time_minutes')
