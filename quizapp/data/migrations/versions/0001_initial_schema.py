"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 03:14:02.186993
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('level', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source_file', sa.String(length=500), nullable=False),
    sa.Column('retired_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frameworks')),
    sa.UniqueConstraint('key', name=op.f('uq_frameworks_key'))
    )
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frameworks_level'), ['level'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('signin_failures',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_signin_failures'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('last_signin_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('extra_time_percent', sa.Integer(), nullable=False),
    sa.Column('extra_time_set_by_id', sa.Integer(), nullable=True),
    sa.Column('extra_time_set_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('candidate', 'trainer', 'employer', 'admin')", name=op.f('ck_users_role')),
    sa.CheckConstraint('extra_time_percent >= 0 AND extra_time_percent <= 200', name=op.f('ck_users_extra_time')),
    sa.ForeignKeyConstraint(['extra_time_set_by_id'], ['users.id'], name=op.f('fk_users_extra_time_set_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('banks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_file', sa.String(length=500), nullable=False),
    sa.Column('retired_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_banks_framework_id_frameworks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_banks')),
    sa.UniqueConstraint('key', name=op.f('uq_banks_key'))
    )
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_banks_framework_id'), ['framework_id'], unique=False)

    op.create_table('statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('resources', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.Column('retired_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_statements_framework_id_frameworks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statements')),
    sa.UniqueConstraint('framework_id', 'code', name=op.f('uq_statements_framework_id_code'))
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_teams_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_teams_organisation_id_name'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Float(), nullable=False),
    sa.Column('pass_mark_percent', sa.Float(), nullable=False),
    sa.Column('blueprint', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source_file', sa.String(length=500), nullable=False),
    sa.Column('updated_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['framework_id'], ['frameworks.id'], name=op.f('fk_tests_framework_id_frameworks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tests')),
    sa.UniqueConstraint('key', name=op.f('uq_tests_key'))
    )
    with op.batch_alter_table('tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tests_framework_id'), ['framework_id'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('started_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('time_limit_seconds', sa.Float(), nullable=True),
    sa.Column('extra_time_percent', sa.Integer(), nullable=False),
    sa.Column('deadline_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_how', sa.String(length=20), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=True),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('pass_mark_percent', sa.Float(), nullable=True),
    sa.Column('bands', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.CheckConstraint("ended_how IS NULL OR ended_how IN ('submitted', 'expired')", name=op.f('ck_attempts_ended_how')),
    sa.CheckConstraint("mode IN ('timed', 'practice')", name=op.f('ck_attempts_mode')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_attempts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['test_id'], ['tests.id'], name=op.f('fk_attempts_test_id_tests')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts'))
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index('ix_attempts_org_test', ['organisation_id', 'test_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_test_id'), ['test_id'], unique=False)
        batch_op.create_index('ix_attempts_user_started', ['user_id', 'started_at'], unique=False)
        batch_op.create_index('uq_attempts_open', ['user_id', 'test_id', 'mode'], unique=True, sqlite_where=sa.text('ended_at IS NULL AND test_id IS NOT NULL'), postgresql_where=sa.text('ended_at IS NULL AND test_id IS NOT NULL'))

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_memberships_team_id_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_memberships_current_user', ['user_id'], unique=True, sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))

    op.create_table('scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retired_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_scenarios_bank_id_banks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenarios')),
    sa.UniqueConstraint('key', name=op.f('uq_scenarios_key'))
    )
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenarios_bank_id'), ['bank_id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_items_bank_id_banks')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_items_scenario_id_scenarios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('key', name=op.f('uq_items_key'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_bank_id'), ['bank_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('statement_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('band', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_statement_results_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statements.id'], name=op.f('fk_statement_results_statement_id_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_results')),
    sa.UniqueConstraint('attempt_id', 'statement_id', name=op.f('uq_statement_results_attempt_id_statement_id'))
    )
    with op.batch_alter_table('statement_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_results_statement_id'), ['statement_id'], unique=False)

    op.create_table('item_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=True),
    sa.Column('scoring', sa.String(length=20), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('references', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.Column('scenario_title', sa.String(length=300), nullable=True),
    sa.Column('scenario_text', sa.Text(), nullable=True),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_versions_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_versions')),
    sa.UniqueConstraint('item_id', 'content_hash', name=op.f('uq_item_versions_item_id_content_hash')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_item_versions_item_id_number'))
    )
    # items.current_version_id and item_versions.item_id refer to each other: add this one last.
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_foreign_key(
            'fk_items_current_version_id_item_versions', 'item_versions', ['current_version_id'], ['id']
        )
    with op.batch_alter_table('item_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_versions_item_id'), ['item_id'], unique=False)

    op.create_table('attempt_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_attempt_questions_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_attempt_questions_item_version_id_item_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_questions')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_attempt_questions_attempt_id_position'))
    )
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_questions_item_version_id'), ['item_version_id'], unique=False)

    op.create_table('item_version_statements',
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_versions.id'], name=op.f('fk_item_version_statements_item_version_id_item_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statements.id'], name=op.f('fk_item_version_statements_statement_id_statements')),
    sa.PrimaryKeyConstraint('item_version_id', 'statement_id', name=op.f('pk_item_version_statements'))
    )
    with op.batch_alter_table('item_version_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_version_statements_statement_id'), ['statement_id'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.JSON().with_variant(sa.JSON(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('saved_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['attempt_questions.id'], name=op.f('fk_responses_question_id_attempt_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('question_id', name=op.f('uq_responses_question_id'))
    )


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint('fk_items_current_version_id_item_versions', type_='foreignkey')
    op.drop_table('responses')
    with op.batch_alter_table('item_version_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_version_statements_statement_id'))

    op.drop_table('item_version_statements')
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_questions_item_version_id'))

    op.drop_table('attempt_questions')
    with op.batch_alter_table('item_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_versions_item_id'))

    op.drop_table('item_versions')
    with op.batch_alter_table('statement_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_results_statement_id'))

    op.drop_table('statement_results')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_scenario_id'))
        batch_op.drop_index(batch_op.f('ix_items_bank_id'))

    op.drop_table('items')
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenarios_bank_id'))

    op.drop_table('scenarios')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('uq_memberships_current_user', sqlite_where=sa.text('left_at IS NULL'), postgresql_where=sa.text('left_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_memberships_organisation_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_attempts_open', sqlite_where=sa.text('ended_at IS NULL AND test_id IS NOT NULL'), postgresql_where=sa.text('ended_at IS NULL AND test_id IS NOT NULL'))
        batch_op.drop_index('ix_attempts_user_started')
        batch_op.drop_index(batch_op.f('ix_attempts_test_id'))
        batch_op.drop_index('ix_attempts_org_test')

    op.drop_table('attempts')
    with op.batch_alter_table('tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tests_framework_id'))

    op.drop_table('tests')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_organisation_id'))

    op.drop_table('teams')
    op.drop_table('statements')
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_banks_framework_id'))

    op.drop_table('banks')
    op.drop_table('users')
    op.drop_table('signin_failures')
    op.drop_table('organisations')
    with op.batch_alter_table('frameworks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frameworks_level'))

    op.drop_table('frameworks')
