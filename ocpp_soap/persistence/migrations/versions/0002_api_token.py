"""The REST API's generated token, stored hashed (``webapp/api/token_store.py``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) may have the table already.
    if sa.inspect(op.get_bind()).has_table('api_tokens'):
        return
    op.create_table('api_tokens',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_api_tokens'))
    )


def downgrade() -> None:
    op.drop_table('api_tokens')
