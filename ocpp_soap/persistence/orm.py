"""The database schema as SQLAlchemy 2 typed ORM classes. Only repositories use them; the domain never sees them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements an INTEGER PRIMARY KEY; elsewhere meter values need 64 bits.
BigId = BigInteger().with_variant(Integer, "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on backends (SQLite) that store no zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime}


class StationRow(Base):
    __tablename__ = "stations"

    charge_box_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    registration_status: Mapped[str] = mapped_column(String(16), index=True)
    protocol: Mapped[str | None] = mapped_column(String(32), index=True)
    endpoint_address: Mapped[str | None] = mapped_column(String(2048))
    address_problem: Mapped[str | None] = mapped_column(String(255))
    charge_point_vendor: Mapped[str | None] = mapped_column(String(255))
    charge_point_model: Mapped[str | None] = mapped_column(String(255))
    charge_point_serial_number: Mapped[str | None] = mapped_column(String(255))
    charge_box_serial_number: Mapped[str | None] = mapped_column(String(255))
    firmware_version: Mapped[str | None] = mapped_column(String(255))
    iccid: Mapped[str | None] = mapped_column(String(255))
    imsi: Mapped[str | None] = mapped_column(String(255))
    meter_type: Mapped[str | None] = mapped_column(String(255))
    meter_serial_number: Mapped[str | None] = mapped_column(String(255))
    boot_count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime | None]
    last_boot_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None] = mapped_column(index=True)
    firmware_status: Mapped[str | None] = mapped_column(String(32))
    firmware_status_at: Mapped[datetime | None]
    diagnostics_status: Mapped[str | None] = mapped_column(String(32))
    diagnostics_status_at: Mapped[datetime | None]


class StationBindingChangeRow(Base):
    """Each time a station re-booted with another protocol version, and so moved to another version's edge."""

    __tablename__ = "station_binding_changes"
    __table_args__ = (Index("ix_station_binding_changes_station_time", "charge_box_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"))
    old_protocol: Mapped[str] = mapped_column(String(32))
    new_protocol: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]
    message_id: Mapped[str | None] = mapped_column(String(255))


class IdTagRow(Base):
    __tablename__ = "id_tags"

    id_tag: Mapped[str] = mapped_column(String(255), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    expiry_date: Mapped[datetime | None]
    parent_id_tag: Mapped[str | None] = mapped_column(String(255))


class TransactionRow(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        Index("ix_transactions_id_tag_open", "id_tag", "stopped_at"),
        Index("ix_transactions_station_started", "charge_box_id", "started_at"),
        Index("ix_transactions_connector_open", "charge_box_id", "connector_id", "stopped_at"),
        Index("ix_transactions_stopped_at", "stopped_at"),
    )

    # The id is the transactionId sent to the station: the database sequence makes it unique across workers.
    transaction_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"))
    connector_id: Mapped[int] = mapped_column(Integer)
    id_tag: Mapped[str] = mapped_column(String(255))
    start_status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    meter_start: Mapped[int] = mapped_column(BigInteger)
    reservation_id: Mapped[int | None] = mapped_column(Integer)
    stopped_at: Mapped[datetime | None]
    meter_stop: Mapped[int | None] = mapped_column(BigInteger)
    stop_id_tag: Mapped[str | None] = mapped_column(String(255))
    stop_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class UnknownTransactionStopRow(Base):
    __tablename__ = "unknown_transaction_stops"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"), index=True)
    reported_transaction_id: Mapped[int] = mapped_column(BigInteger)
    stopped_at: Mapped[datetime]
    meter_stop: Mapped[int] = mapped_column(BigInteger)
    id_tag: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime]


class MeterValueRow(Base):
    __tablename__ = "meter_values"
    __table_args__ = (
        Index("ix_meter_values_station_time", "charge_box_id", "timestamp"),
        Index("ix_meter_values_transaction_time", "transaction_id", "timestamp"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"))
    connector_id: Mapped[int] = mapped_column(Integer)
    transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("transactions.transaction_id", ondelete="SET NULL"), index=True
    )
    reported_transaction_id: Mapped[int | None] = mapped_column(BigInteger)
    timestamp: Mapped[datetime]
    value: Mapped[str] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(String(32))
    format: Mapped[str | None] = mapped_column(String(16))
    measurand: Mapped[str | None] = mapped_column(String(48))
    location: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    phase: Mapped[str | None] = mapped_column(String(8))  # 1.6
    source: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]


class ConnectorRow(Base):
    """The current status of each connector (0 is the station as a whole)."""

    __tablename__ = "connectors"

    charge_box_id: Mapped[str] = mapped_column(
        ForeignKey("stations.charge_box_id", ondelete="CASCADE"), primary_key=True
    )
    connector_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(32))
    info: Mapped[str | None] = mapped_column(Text)
    vendor_id: Mapped[str | None] = mapped_column(String(255))
    vendor_error_code: Mapped[str | None] = mapped_column(String(255))
    status_timestamp: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ConnectorStatusRow(Base):
    """Every StatusNotification, as history."""

    __tablename__ = "connector_status_history"
    __table_args__ = (Index("ix_connector_status_station_time", "charge_box_id", "connector_id", "received_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"))
    connector_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str] = mapped_column(String(32))
    info: Mapped[str | None] = mapped_column(Text)
    vendor_id: Mapped[str | None] = mapped_column(String(255))
    vendor_error_code: Mapped[str | None] = mapped_column(String(255))
    status_timestamp: Mapped[datetime | None]
    received_at: Mapped[datetime]


class DataTransferRow(Base):
    __tablename__ = "data_transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    response_data: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]


class CommandLogRow(Base):
    """Every operator command toward a station: station, operation, parameters, outcome, answer, duration."""

    __tablename__ = "command_log"
    __table_args__ = (Index("ix_command_log_station_time", "charge_box_id", "requested_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    requested_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(32), index=True)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float]
    protocol: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(2048))
    requested_by: Mapped[str | None] = mapped_column(String(64))  # the operator account (or "cli:user"), migration 0005


class ReservationRow(Base):
    __tablename__ = "reservations"
    __table_args__ = (Index("ix_reservations_station_state", "charge_box_id", "state"),)

    # The id is the reservationId sent to the station: the database sequence keeps it unique.
    reservation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    charge_box_id: Mapped[str] = mapped_column(ForeignKey("stations.charge_box_id", ondelete="CASCADE"))
    connector_id: Mapped[int] = mapped_column(Integer)
    id_tag: Mapped[str] = mapped_column(String(255))
    parent_id_tag: Mapped[str | None] = mapped_column(String(255))
    expiry_date: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class LocalListRow(Base):
    __tablename__ = "local_lists"

    charge_box_id: Mapped[str] = mapped_column(
        ForeignKey("stations.charge_box_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class StationConfigurationRow(Base):
    """The gateway's copy of each station's configuration keys, from GetConfiguration and ChangeConfiguration."""

    __tablename__ = "station_configuration"

    charge_box_id: Mapped[str] = mapped_column(
        ForeignKey("stations.charge_box_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    readonly: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class ChargingProfileRow(Base):
    """The charging profiles stations accepted (OCPP 1.6), as the gateway's copy: per station, on the connector each
    was set on, the whole profile under its OCPP names in ``profile``. A profile id is unique per station (a new
    profile with the same id replaces the old one)."""

    __tablename__ = "charging_profiles"

    charge_box_id: Mapped[str] = mapped_column(
        ForeignKey("stations.charge_box_id", ondelete="CASCADE"), primary_key=True
    )
    charging_profile_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    connector_id: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(32))
    stack_level: Mapped[int] = mapped_column(Integer)
    transaction_id: Mapped[int | None] = mapped_column(Integer)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    installed_at: Mapped[datetime]


class ApiTokenRow(Base):
    """The REST API token the gateway generated itself (none when OCPP_SOAP_API_TOKEN is set), as a SHA-256 hash."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class MessageLogRow(Base):
    """SOAP exchanges in both directions, request and response as sent, kept for a configurable retention.

    ``dedupe_key`` (set on successful station requests that carried a ``wsa:MessageID``) is written in the
    same transaction as the request's effects: a resent request finds it and gets the stored answer again.
    """

    __tablename__ = "message_log"
    __table_args__ = (
        Index("ix_message_log_station_time", "charge_box_id", "at"),
        Index("ix_message_log_outcome_time", "outcome", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    direction: Mapped[str] = mapped_column(String(8))
    charge_box_id: Mapped[str | None] = mapped_column(String(255))
    operation: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[float]
    request: Mapped[str | None] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class OperatorAccountRow(Base):
    """Web app accounts; the admin's password (configured or generated) is stored only as a salted hash."""

    __tablename__ = "operator_accounts"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    role: Mapped[str] = mapped_column(String(16), default="admin")  # read-only | operator | admin (0005)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")


class AccountTokenRow(Base):
    """API tokens of operator accounts (the token has the account's role), as SHA-256 hashes (migration 0005)."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(ForeignKey("operator_accounts.username", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class OperatorActionRow(Base):
    """Every write made by an operator, the command line or start-up: who, when, what, on which record (0005)."""

    __tablename__ = "operator_actions"
    __table_args__ = (Index("ix_operator_actions_target_time", "target", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class SharedSecretRow(Base):
    """Secrets every worker and node must share, generated once (the web app's session key), migration 0005."""

    __tablename__ = "shared_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


def table_of(row_class: type[Base]) -> Table:
    """A mapped class's table, typed as the Table it is (Core statements on the station path are built on it)."""
    table = row_class.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{row_class.__name__} is not mapped to a table")
    return table


# The relay's tables live in their own module, on this same metadata (migrations and create_all see them).
from . import relay_orm  # noqa: E402,F401
