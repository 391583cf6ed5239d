"""The SOAP message log (both directions, with the key that answers a resent request again) and the web app's
operator accounts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) may have these tables already.
    existing = sa.inspect(op.get_bind())
    if not existing.has_table('message_log'):
        _create_message_log()
    if not existing.has_table('operator_accounts'):
        op.create_table('operator_accounts',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_operator_accounts'))
        )


def _create_message_log() -> None:
    op.create_table('message_log',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('charge_box_id', sa.String(length=255), nullable=True),
    sa.Column('operation', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Double(), nullable=False),
    sa.Column('request', sa.Text(), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_log')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_message_log_dedupe_key'))
    )
    op.create_index(op.f('ix_message_log_at'), 'message_log', ['at'], unique=False)
    op.create_index('ix_message_log_station_time', 'message_log', ['charge_box_id', 'at'], unique=False)
    op.create_index('ix_message_log_outcome_time', 'message_log', ['outcome', 'at'], unique=False)


def downgrade() -> None:
    op.drop_table('operator_accounts')
    op.drop_index('ix_message_log_outcome_time', table_name='message_log')
    op.drop_index('ix_message_log_station_time', table_name='message_log')
    op.drop_index(op.f('ix_message_log_at'), table_name='message_log')
    op.drop_table('message_log')
