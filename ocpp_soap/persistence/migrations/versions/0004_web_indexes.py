"""Indexes for the web app's pages: open and recently stopped transactions (dashboard), and a transaction's meter
values in time order (its chart and table).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXES = (
    ('ix_transactions_stopped_at', 'transactions', ['stopped_at']),
    ('ix_meter_values_transaction_time', 'meter_values', ['transaction_id', 'timestamp']),
)


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) may have these indexes already.
    existing = sa.inspect(op.get_bind())
    for name, table, columns in INDEXES:
        if name not in {index['name'] for index in existing.get_indexes(table)}:
            op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    op.drop_index('ix_meter_values_transaction_time', table_name='meter_values')
    op.drop_index('ix_transactions_stopped_at', table_name='transactions')
