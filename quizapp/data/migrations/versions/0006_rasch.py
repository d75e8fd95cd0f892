"""Rasch calibrations: calibrations (one per run of quizapp calibrate, per test or framework) and calibrated_items

Revision ID: 0006_rasch
Revises: 0005_cohort2
Create Date: 2026-12-06 09:03:13.033755
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types  # noqa: F401  (UTCDateTime columns)


revision: str = '0006_rasch'
down_revision: str | None = '0005_cohort2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calibrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=True),
    sa.Column('framework_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('min_attempts', sa.Integer(), nullable=False),
    sa.Column('min_item_responses', sa.Integer(), nullable=False),
    sa.Column('sigma', sa.Float(), nullable=False),
    sa.Column('sigma_se', sa.Float(), nullable=False),
    sa.Column('log_likelihood', sa.Float(), nullable=False),
    sa.Column('converged', sa.Boolean(), nullable=False),
    sa.Column('left_out', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.CheckConstraint('(test_id IS NULL) <> (framework_id IS NULL)', name=op.f('ck_calibrations_one_scope')),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_calibrations_framework_id_frameworks')),
    sa.ForeignKeyConstraint(['test_id'], ['tests.id'], name=op.f('fk_calibrations_test_id_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibrations'))
    )
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.create_index('ix_calibrations_framework', ['framework_id', 'version'], unique=True)
        batch_op.create_index('ix_calibrations_test', ['test_id', 'version'], unique=True)

    op.create_table('calibrated_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calibration_id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('difficulty', sa.Float(), nullable=False),
    sa.Column('se', sa.Float(), nullable=False),
    sa.Column('infit', sa.Float(), nullable=False),
    sa.Column('outfit', sa.Float(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('facility', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['calibration_id'], ['calibrations.id'], name=op.f('fk_calibrated_items_calibration_id_calibrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_calibrated_items_item_version_id_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibrated_items')),
    sa.UniqueConstraint('calibration_id', 'item_version_id', name=op.f('uq_calibrated_items_calibration_id_item_version_id'))
    )
    with op.batch_alter_table('calibrated_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibrated_items_item_version_id'), ['item_version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('calibrated_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibrated_items_item_version_id'))

    op.drop_table('calibrated_items')
    with op.batch_alter_table('calibrations', schema=None) as batch_op:
        batch_op.drop_index('ix_calibrations_test')
        batch_op.drop_index('ix_calibrations_framework')

    op.drop_table('calibrations')
