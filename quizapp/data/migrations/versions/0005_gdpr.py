"""an erased account's anonymous stand-in: users.erased_at

When a person deletes their account (or `quizapp purge` erases it), their user row is deleted
and their attempts move to a new row with `erased_at` set, no name, an address that can never
receive mail and no usable password, so item statistics keep one "candidate" per erased person
(quizapp/services/erasure.py).

Revision ID: 0005_gdpr
Revises: 0004_orgcontent
Create Date: 2026-12-06 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types  # noqa: F401  (UTCDateTime columns)

revision: str = '0005_gdpr'
down_revision: str | None = '0004_orgcontent'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
