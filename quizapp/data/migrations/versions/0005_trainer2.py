"""web_uploads: where a draft's files came from (origin "web": a trainer's upload; "folder":
`quizapp import --draft`) and whether publishing it is a full sync of the banks folder

Revision ID: 0005_trainer2
Revises: 0004_orgcontent
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_trainer2'
down_revision: str | None = '0005_sso'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('web_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('full_sync', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('web_uploads', schema=None) as batch_op:
        batch_op.drop_column('full_sync')
        batch_op.drop_column('origin')
