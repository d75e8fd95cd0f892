"""frameworks grouped under standards, with the dates they apply (effective_from, superseded_on,
replaces, source_note, standards), statements' standard and unconfirmed marks, and crosswalk links
between two frameworks' statements

Revision ID: 0005_ecs
Revises: 0004_orgcontent
Create Date: 2026-12-06 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_ecs'
down_revision: str | None = '0005_gdpr'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('superseded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('replaces', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('standards', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standard_code', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unconfirmed', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'crosswalk_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('crosswalk', sa.String(length=80), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['statements.id'], name=op.f('fk_crosswalk_links_source_id_statements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['target_id'], ['statements.id'], name=op.f('fk_crosswalk_links_target_id_statements'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_crosswalk_links')),
        sa.UniqueConstraint('crosswalk', 'source_id', 'target_id', name=op.f('uq_crosswalk_links_crosswalk_source_id_target_id')),
    )
    with op.batch_alter_table('crosswalk_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crosswalk_links_crosswalk'), ['crosswalk'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crosswalk_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crosswalk_links_crosswalk'))
    op.drop_table('crosswalk_links')
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.drop_column('unconfirmed')
        batch_op.drop_column('standard_code')
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.drop_column('standards')
        batch_op.drop_column('source_note')
        batch_op.drop_column('replaces')
        batch_op.drop_column('superseded_on')
        batch_op.drop_column('effective_from')
