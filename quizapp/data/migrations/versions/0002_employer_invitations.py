"""employers: invitations, extra time history, indexes for the cohort dashboard

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_invitations_team_id_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('code', name=op.f('uq_invitations_code'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('extra_time_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_extra_time_changes_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_extra_time_changes_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_time_changes'))
    )
    with op.batch_alter_table('extra_time_changes', schema=None) as batch_op:
        batch_op.create_index('ix_extra_time_changes_candidate_set', ['candidate_id', 'set_at'], unique=False)

    # The cohort dashboard joins chosen attempts to their statement results: a covering index.
    with op.batch_alter_table('statement_results', schema=None) as batch_op:
        batch_op.create_index('ix_statement_results_attempt_cover', ['attempt_id', 'statement_id', 'percent'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('statement_results', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_results_attempt_cover')

    with op.batch_alter_table('extra_time_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_extra_time_changes_candidate_set')

    op.drop_table('extra_time_changes')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_organisation_id'))

    op.drop_table('invitations')
