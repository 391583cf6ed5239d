"""The phase of a sampled value (OCPP 1.6 says which phase a value is for; older versions never do).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) may have the column already.
    existing = sa.inspect(op.get_bind())
    if 'phase' not in {column['name'] for column in existing.get_columns('meter_values')}:
        with op.batch_alter_table('meter_values') as batch:
            batch.add_column(sa.Column('phase', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meter_values') as batch:
        batch.drop_column('phase')
