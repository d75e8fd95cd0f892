"""users.email_verified_at (addresses confirmed by email); invitations sent by email (email,
sent_at, send_count)

Revision ID: 0004_mail
Revises: 0004_perf2
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types  # noqa: F401  (UTCDateTime columns)

revision: str = '0004_mail'
down_revision: str | None = '0004_perf2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True))
    # Accounts made before addresses were confirmed keep what they could do: they count as confirmed.
    op.execute("UPDATE users SET email_verified_at = created_at")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('sent_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('send_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.create_index('ix_invitations_organisation_email', ['organisation_id', 'email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_invitations_organisation_email')
        batch_op.drop_column('send_count')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('email')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
