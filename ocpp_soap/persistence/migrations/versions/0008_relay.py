"""Relay mode: OCPP 1.6-J back offices in front of SOAP stations. Per-station relay settings, the relay processes
and the links they own, the ordered queue of messages for the back office, the id mappings of sessions and
reservations, late answers, connector states as told upstream, and counters for /metrics.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # A schema made by ``create_all`` before migrations (adopted by stamping 0001) has these tables already.
    if sa.inspect(op.get_bind()).has_table('relay_outbox'):
        return
    op.create_table('relay_counters',
    sa.Column('operation', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('operation', 'outcome', name=op.f('pk_relay_counters'))
    )
    op.create_table('relay_nodes',
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('renewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_relay_nodes'))
    )
    op.create_index(op.f('ix_relay_nodes_expires_at'), 'relay_nodes', ['expires_at'], unique=False)
    op.create_table('relay_answers',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_relay_answers'))
    )
    op.create_index(op.f('ix_relay_answers_at'), 'relay_answers', ['at'], unique=False)
    op.create_table('relay_connectors',
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('connector_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error_code', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['charge_box_id'], ['stations.charge_box_id'], name=op.f('fk_relay_connectors_charge_box_id_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('charge_box_id', 'connector_id', name=op.f('pk_relay_connectors'))
    )
    op.create_table('relay_ids',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('local_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=True),
    sa.Column('csms_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['charge_box_id'], ['stations.charge_box_id'], name=op.f('fk_relay_ids_charge_box_id_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kind', 'local_id', name=op.f('pk_relay_ids'))
    )
    op.create_index('ix_relay_ids_station_kind_csms_id', 'relay_ids', ['charge_box_id', 'kind', 'csms_id'], unique=False)
    op.create_index('ix_relay_ids_station_kind_station_id', 'relay_ids', ['charge_box_id', 'kind', 'station_id'], unique=False)
    op.create_table('relay_links',
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('owner_node', sa.String(length=64), nullable=True),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('connected', sa.Boolean(), nullable=False),
    sa.Column('state_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration', sa.String(length=16), nullable=True),
    sa.Column('registered_url', sa.String(length=2048), nullable=True),
    sa.Column('heartbeat_interval', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('charge_box_id', name=op.f('pk_relay_links'))
    )
    op.create_index(op.f('ix_relay_links_owner_node'), 'relay_links', ['owner_node'], unique=False)
    op.create_table('relay_outbox',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=True),
    sa.Column('session_id', sa.BigInteger(), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['charge_box_id'], ['stations.charge_box_id'], name=op.f('fk_relay_outbox_charge_box_id_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relay_outbox'))
    )
    op.create_index(op.f('ix_relay_outbox_done_at'), 'relay_outbox', ['done_at'], unique=False)
    op.create_index(op.f('ix_relay_outbox_key'), 'relay_outbox', ['key'], unique=False)
    op.create_index('ix_relay_outbox_station_state_id', 'relay_outbox', ['charge_box_id', 'state', 'id'], unique=False)
    op.create_table('relay_stations',
    sa.Column('charge_box_id', sa.String(length=255), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('password', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['charge_box_id'], ['stations.charge_box_id'], name=op.f('fk_relay_stations_charge_box_id_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('charge_box_id', name=op.f('pk_relay_stations'))
    )


def downgrade() -> None:
    op.drop_table('relay_stations')
    op.drop_index('ix_relay_outbox_station_state_id', table_name='relay_outbox')
    op.drop_index(op.f('ix_relay_outbox_key'), table_name='relay_outbox')
    op.drop_index(op.f('ix_relay_outbox_done_at'), table_name='relay_outbox')
    op.drop_table('relay_outbox')
    op.drop_index(op.f('ix_relay_links_owner_node'), table_name='relay_links')
    op.drop_table('relay_links')
    op.drop_index('ix_relay_ids_station_kind_station_id', table_name='relay_ids')
    op.drop_index('ix_relay_ids_station_kind_csms_id', table_name='relay_ids')
    op.drop_table('relay_ids')
    op.drop_table('relay_connectors')
    op.drop_index(op.f('ix_relay_answers_at'), table_name='relay_answers')
    op.drop_table('relay_answers')
    op.drop_index(op.f('ix_relay_nodes_expires_at'), table_name='relay_nodes')
    op.drop_table('relay_nodes')
    op.drop_table('relay_counters')
