"""standard setting: modified Angoff panels (their rated items, judges and ratings) and the versioned
record of pass marks applied to tests

Revision ID: 0006_angoff
Revises: 0006_rasch
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types  # noqa: F401  (UTCDateTime columns)


revision: str = '0006_angoff'
down_revision: str | None = '0006_rasch'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('angoff_panels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('test_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('round2_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('round1', 'round2', 'closed')", name=op.f('ck_angoff_panels_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_angoff_panels_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['test_id'], ['tests.id'], name=op.f('fk_angoff_panels_test_id_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_panels'))
    )
    with op.batch_alter_table('angoff_panels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_panels_test_id'), ['test_id'], unique=False)

    op.create_table('angoff_judges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('round1_submitted_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('round2_submitted_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['panel_id'], ['angoff_panels.id'], name=op.f('fk_angoff_judges_panel_id_angoff_panels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_angoff_judges_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_judges')),
    sa.UniqueConstraint('panel_id', 'user_id', name=op.f('uq_angoff_judges_panel_id_user_id'))
    )
    with op.batch_alter_table('angoff_judges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_judges_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_angoff_judges_user_id'), ['user_id'], unique=False)

    op.create_table('pass_mark_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('panel_name', sa.String(length=200), nullable=False),
    sa.Column('judges', sa.Integer(), nullable=False),
    sa.Column('old_percent', sa.Float(), nullable=False),
    sa.Column('new_percent', sa.Float(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('applied_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_pass_mark_changes_applied_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['panel_id'], ['angoff_panels.id'], name=op.f('fk_pass_mark_changes_panel_id_angoff_panels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['test_id'], ['tests.id'], name=op.f('fk_pass_mark_changes_test_id_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_mark_changes')),
    sa.UniqueConstraint('test_id', 'version', name=op.f('uq_pass_mark_changes_test_id_version'))
    )
    with op.batch_alter_table('pass_mark_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pass_mark_changes_test_id'), ['test_id'], unique=False)

    op.create_table('angoff_panel_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('max_marks', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_angoff_panel_items_item_id_items')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_angoff_panel_items_item_version_id_item_versions')),
    sa.ForeignKeyConstraint(['panel_id'], ['angoff_panels.id'], name=op.f('fk_angoff_panel_items_panel_id_angoff_panels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_panel_items')),
    sa.UniqueConstraint('panel_id', 'position', name=op.f('uq_angoff_panel_items_panel_id_position'))
    )
    with op.batch_alter_table('angoff_panel_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_panel_items_panel_id'), ['panel_id'], unique=False)

    op.create_table('angoff_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('panel_item_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('updated_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating >= 0 AND rating <= 100', name=op.f('ck_angoff_ratings_rating')),
    sa.CheckConstraint('round IN (1, 2)', name=op.f('ck_angoff_ratings_round')),
    sa.ForeignKeyConstraint(['judge_id'], ['angoff_judges.id'], name=op.f('fk_angoff_ratings_judge_id_angoff_judges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panel_item_id'], ['angoff_panel_items.id'], name=op.f('fk_angoff_ratings_panel_item_id_angoff_panel_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_angoff_ratings')),
    sa.UniqueConstraint('judge_id', 'panel_item_id', 'round', name=op.f('uq_angoff_ratings_judge_id_panel_item_id_round'))
    )
    with op.batch_alter_table('angoff_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_angoff_ratings_judge_id'), ['judge_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('angoff_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_ratings_judge_id'))

    op.drop_table('angoff_ratings')
    with op.batch_alter_table('angoff_panel_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_panel_items_panel_id'))

    op.drop_table('angoff_panel_items')
    with op.batch_alter_table('pass_mark_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pass_mark_changes_test_id'))

    op.drop_table('pass_mark_changes')
    with op.batch_alter_table('angoff_judges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_judges_user_id'))
        batch_op.drop_index(batch_op.f('ix_angoff_judges_panel_id'))

    op.drop_table('angoff_judges')
    with op.batch_alter_table('angoff_panels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_angoff_panels_test_id'))

    op.drop_table('angoff_panels')
