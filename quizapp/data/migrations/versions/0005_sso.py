"""single sign-on: organisations' OpenID providers, their email domains, and identities linked to accounts

Revision ID: 0005_sso
Revises: 0004_orgcontent
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import quizapp.data.models._types  # noqa: F401  (UTCDateTime columns)


revision: str = '0005_sso'
down_revision: str | None = '0005_ecs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sso_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_signin_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sso_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identities')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_sso_identities_issuer_subject'))
    )
    with op.batch_alter_table('sso_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_identities_user_id'), ['user_id'], unique=False)

    op.create_table('sso_providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('client_secret', sa.String(length=500), nullable=False),
    sa.Column('endpoints', sa.JSON(), nullable=False),
    sa.Column('updated_at', quizapp.data.models._types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sso_providers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_sso_providers_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_providers')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_sso_providers_organisation_id'))
    )
    op.create_table('sso_domains',
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['sso_providers.id'], name=op.f('fk_sso_domains_provider_id_sso_providers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('domain', name=op.f('pk_sso_domains'))
    )
    with op.batch_alter_table('sso_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_domains_provider_id'), ['provider_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sso_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_domains_provider_id'))

    op.drop_table('sso_domains')
    op.drop_table('sso_providers')
    with op.batch_alter_table('sso_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_identities_user_id'))

    op.drop_table('sso_identities')
