"""Operator accounts with roles and time zones, their API tokens, who sent each command, the record of every
operator write, and the secrets the workers share.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) may have all of this already.
    existing = sa.inspect(op.get_bind())
    accounts = {column['name'] for column in existing.get_columns('operator_accounts')}
    with op.batch_alter_table('operator_accounts') as batch:
        # The one account there was is the administrator; its pages showed UTC.
        if 'role' not in accounts:
            batch.add_column(sa.Column('role', sa.String(length=16), nullable=False, server_default='admin'))
        if 'time_zone' not in accounts:
            batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='UTC'))
    if 'requested_by' not in {column['name'] for column in existing.get_columns('command_log')}:
        op.add_column('command_log', sa.Column('requested_by', sa.String(length=64), nullable=True))
    if not existing.has_table('account_tokens'):
        op.create_table('account_tokens',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['username'], ['operator_accounts.username'],
                                name=op.f('fk_account_tokens_username_operator_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
        )
        op.create_index(op.f('ix_account_tokens_username'), 'account_tokens', ['username'], unique=False)
    if not existing.has_table('operator_actions'):
        op.create_table('operator_actions',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=255), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_actions'))
        )
        op.create_index(op.f('ix_operator_actions_at'), 'operator_actions', ['at'], unique=False)
        op.create_index('ix_operator_actions_target_time', 'operator_actions', ['target', 'at'], unique=False)
    if not existing.has_table('shared_secrets'):
        op.create_table('shared_secrets',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('value', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_shared_secrets'))
        )


def downgrade() -> None:
    op.drop_table('shared_secrets')
    op.drop_index('ix_operator_actions_target_time', table_name='operator_actions')
    op.drop_index(op.f('ix_operator_actions_at'), table_name='operator_actions')
    op.drop_table('operator_actions')
    op.drop_index(op.f('ix_account_tokens_username'), table_name='account_tokens')
    op.drop_table('account_tokens')
    op.drop_column('command_log', 'requested_by')
    with op.batch_alter_table('operator_accounts') as batch:
        batch.drop_column('time_zone')
        batch.drop_column('role')
