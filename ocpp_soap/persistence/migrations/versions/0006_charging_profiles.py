"""The charging profiles stations accepted (OCPP 1.6 smart charging), the gateway's copy per station and connector.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) may have the table already.
    if sa.inspect(op.get_bind()).has_table('charging_profiles'):
        return
    op.create_table('charging_profiles',
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('charging_profile_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('connector_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('stack_level', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=True),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['charge_box_id'], ['stations.charge_box_id'],
                            name=op.f('fk_charging_profiles_charge_box_id_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('charge_box_id', 'charging_profile_id', name=op.f('pk_charging_profiles'))
    )


def downgrade() -> None:
    op.drop_table('charging_profiles')
