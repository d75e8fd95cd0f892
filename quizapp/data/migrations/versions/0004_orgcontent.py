"""content owned by organisations (organisation_id, origin), web uploads kept as drafts, and the
team an attempt was taken in

Revision ID: 0004_orgcontent
Revises: 0004_admin
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types  # noqa: F401  (UTCDateTime columns)

revision: str = '0004_orgcontent'
down_revision: str | None = '0004_admin'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = ('frameworks', 'banks', 'tests')


def upgrade() -> None:
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='folder', nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_organisation_id'), ['organisation_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_organisation_id_organisations'), 'organisations',
                                        ['organisation_id'], ['id'])
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attempts_team_id_teams'), 'teams', ['team_id'], ['id'],
                                    ondelete='SET NULL')
    # Until now results followed the candidate's current team: that is the best record there is.
    op.execute(
        "UPDATE attempts SET team_id = (SELECT memberships.team_id FROM memberships"
        " WHERE memberships.user_id = attempts.user_id AND memberships.organisation_id = attempts.organisation_id"
        " AND memberships.left_at IS NULL) WHERE attempts.organisation_id IS NOT NULL"
    )
    op.create_table(
        'web_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published', 'discarded')", name=op.f('ck_web_uploads_status')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_web_uploads_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_web_uploads_published_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_web_uploads_uploaded_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_uploads')),
        sa.UniqueConstraint('token', name=op.f('uq_web_uploads_token')),
    )
    with op.batch_alter_table('web_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_uploads_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_uploads_organisation_id'))
    op.drop_table('web_uploads')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempts_team_id_teams'), type_='foreignkey')
        batch_op.drop_column('team_id')
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_organisation_id_organisations'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_organisation_id'))
            batch_op.drop_column('origin')
            batch_op.drop_column('organisation_id')
