"""The API's read model: what it shows, queried straight from the database with the engine.

Reads are not commands, so they skip the bus; writes never come here. Every list is one page, fetched with
LIMIT/OFFSET along an index, and counted separately. Rows come out as JSON-ready dicts with camelCase keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Select, func, select

from ocpp_soap.persistence.orm import (
    CommandLogRow,
    ConnectorRow,
    IdTagRow,
    MessageLogRow,
    MeterValueRow,
    ReservationRow,
    StationRow,
    TransactionRow,
)

BOOT_FIELDS = {
    "charge_point_vendor": "chargePointVendor",
    "charge_point_model": "chargePointModel",
    "charge_point_serial_number": "chargePointSerialNumber",
    "charge_box_serial_number": "chargeBoxSerialNumber",
    "firmware_version": "firmwareVersion",
    "iccid": "iccid",
    "imsi": "imsi",
    "meter_type": "meterType",
    "meter_serial_number": "meterSerialNumber",
}


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class Listing:
    items: list[dict[str, Any]]
    total: int
    total_exact: bool = True
    """False when counting stopped at ``COUNT_LIMIT`` rows: there are at least ``total``."""


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


COUNT_LIMIT = 10_000
"""Rows counted beyond the page asked for, at most. An exact count(*) grows with the table (17 ms for 200,000
transactions, seconds for a fleet's message log); a bounded one costs what the page's own offset costs."""


def paged(engine: Engine, query: Select[Any], page: Page, convert: Any) -> Listing:
    limit = page.offset + page.size + COUNT_LIMIT
    with engine.connect() as connection:
        counted = connection.execute(
            select(func.count()).select_from(query.order_by(None).limit(limit + 1).subquery())
        ).scalar_one()
        rows = connection.execute(query.limit(page.size).offset(page.offset)).all()
    return Listing([convert(row) for row in rows], min(counted, limit), total_exact=counted <= limit)


# Stations


@dataclass(frozen=True)
class StationFilter:
    search: str | None = None
    """Part of the station id, case-insensitive."""
    status: str | None = None
    protocol: str | None = None
    online: bool | None = None


def list_stations(engine: Engine, page: Page, where: StationFilter, online_since: datetime) -> Listing:
    query = select(StationRow.__table__).order_by(StationRow.charge_box_id)
    if where.search:
        query = query.where(func.lower(StationRow.charge_box_id).contains(where.search.lower(), autoescape=True))
    if where.status is not None:
        query = query.where(StationRow.registration_status == where.status)
    if where.protocol is not None:
        query = query.where(StationRow.protocol == where.protocol)
    if where.online is True:
        query = query.where(StationRow.last_seen_at >= online_since)
    elif where.online is False:
        query = query.where((StationRow.last_seen_at < online_since) | StationRow.last_seen_at.is_(None))
    return paged(engine, query, page, lambda row: station_item(row, online_since))


def station(engine: Engine, charge_box_id: str, online_since: datetime) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(StationRow.__table__).where(StationRow.charge_box_id == charge_box_id)
        ).first()
        if row is None:
            return None
        connectors = connection.execute(
            select(ConnectorRow.__table__)
            .where(ConnectorRow.charge_box_id == charge_box_id)
            .order_by(ConnectorRow.connector_id)
        ).all()
    body = station_item(row, online_since)
    body["bootDetails"] = (
        {wire: row._mapping[name] for name, wire in BOOT_FIELDS.items()}
        if row.charge_point_vendor is not None or row.charge_point_model is not None
        else None
    )
    body.update(
        bootCount=row.boot_count,
        firstSeenAt=iso(row.first_seen_at),
        lastBootAt=iso(row.last_boot_at),
        firmwareStatus=row.firmware_status,
        firmwareStatusAt=iso(row.firmware_status_at),
        diagnosticsStatus=row.diagnostics_status,
        diagnosticsStatusAt=iso(row.diagnostics_status_at),
        connectors=[
            {
                "connectorId": c.connector_id,
                "status": c.status,
                "errorCode": c.error_code,
                "info": c.info,
                "vendorId": c.vendor_id,
                "vendorErrorCode": c.vendor_error_code,
                "timestamp": iso(c.status_timestamp),
                "updatedAt": iso(c.updated_at),
            }
            for c in connectors
        ],
    )
    return body


def station_item(row: Any, online_since: datetime | None) -> dict[str, Any]:
    last_seen = aware(row.last_seen_at)
    return {
        "chargeBoxId": row.charge_box_id,
        "registrationStatus": row.registration_status,
        "protocol": row.protocol,
        "endpointAddress": row.endpoint_address,
        "addressProblem": None if row.endpoint_address else row.address_problem,
        "lastSeenAt": iso(last_seen),
        "online": bool(last_seen is not None and online_since is not None and last_seen >= online_since),
    }


def aware(value: datetime | None) -> datetime | None:
    """The columns' UtcDateTime type already gives aware UTC; this keeps any naive value from slipping through."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# Id tags


def list_id_tags(engine: Engine, page: Page) -> Listing:
    return paged(engine, select(IdTagRow.__table__).order_by(IdTagRow.id_tag), page, id_tag_item)


def id_tag(engine: Engine, tag: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(IdTagRow.__table__).where(IdTagRow.id_tag == tag)).first()
    return None if row is None else id_tag_item(row)


def id_tag_item(row: Any) -> dict[str, Any]:
    return {
        "idTag": row.id_tag,
        "status": row.status,
        "expiryDate": iso(aware(row.expiry_date)),
        "parentIdTag": row.parent_id_tag,
    }


# Transactions


@dataclass(frozen=True)
class TransactionFilter:
    station: str | None = None
    id_tag: str | None = None
    open: bool | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None


TRANSACTION_COLUMNS = (
    "transactionId", "chargeBoxId", "connectorId", "idTag", "startStatus", "startedAt", "meterStart",
    "reservationId", "stoppedAt", "meterStop", "stopIdTag", "stopReason", "energyWh",
)
METER_VALUE_COLUMNS = (
    "timestamp", "connectorId", "value", "measurand", "unit", "phase", "context", "format", "location", "source",
)


def _transactions_query(where: TransactionFilter) -> Select[Any]:
    query = select(TransactionRow.__table__).order_by(TransactionRow.transaction_id.desc())
    if where.station is not None:
        query = query.where(TransactionRow.charge_box_id == where.station)
    if where.id_tag is not None:
        query = query.where(TransactionRow.id_tag == where.id_tag)
    if where.open is True:
        query = query.where(TransactionRow.stopped_at.is_(None))
    elif where.open is False:
        query = query.where(TransactionRow.stopped_at.is_not(None))
    if where.started_from is not None:
        query = query.where(TransactionRow.started_at >= where.started_from)
    if where.started_to is not None:
        query = query.where(TransactionRow.started_at < where.started_to)
    return query


def list_transactions(engine: Engine, page: Page, where: TransactionFilter) -> Listing:
    return paged(engine, _transactions_query(where), page, transaction_item)


def all_transactions(engine: Engine, where: TransactionFilter, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching transaction, streamed from the server in batches (for CSV export)."""
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(_transactions_query(where))
        for row in result:
            yield transaction_item(row)


def transaction(engine: Engine, transaction_id: int) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(TransactionRow.__table__).where(TransactionRow.transaction_id == transaction_id)
        ).first()
        if row is None:
            return None
        values = connection.execute(
            select(MeterValueRow.__table__)
            .where(MeterValueRow.transaction_id == transaction_id)
            .order_by(MeterValueRow.timestamp, MeterValueRow.id)
        ).all()
    body = transaction_item(row)
    body["meterValues"] = [
        {
            "timestamp": iso(aware(v.timestamp)),
            "connectorId": v.connector_id,
            "value": v.value,
            "measurand": v.measurand,
            "unit": v.unit,
            "phase": v.phase,
            "context": v.context,
            "format": v.format,
            "location": v.location,
            "source": v.source,
        }
        for v in values
    ]
    return body


def transaction_item(row: Any) -> dict[str, Any]:
    return {
        "transactionId": row.transaction_id,
        "chargeBoxId": row.charge_box_id,
        "connectorId": row.connector_id,
        "idTag": row.id_tag,
        "startStatus": row.start_status,
        "startedAt": iso(aware(row.started_at)),
        "meterStart": row.meter_start,
        "reservationId": row.reservation_id,
        "stoppedAt": iso(aware(row.stopped_at)),
        "meterStop": row.meter_stop,
        "stopIdTag": row.stop_id_tag,
        "stopReason": row.stop_reason,
        "energyWh": None if row.meter_stop is None else row.meter_stop - row.meter_start,
        "open": row.stopped_at is None,
    }


# Command log


def list_commands(engine: Engine, page: Page, *, station: str | None) -> Listing:
    query = select(CommandLogRow.__table__).order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc())
    if station is not None:
        query = query.where(CommandLogRow.charge_box_id == station)
    return paged(engine, query, page, command_item)


def command_item(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "chargeBoxId": row.charge_box_id,
        "operation": row.operation,
        "parameters": row.parameters,
        "requestedAt": iso(aware(row.requested_at)),
        "outcome": row.outcome,
        "answer": row.answer,
        "error": row.error,
        "durationMs": row.duration_ms,
        "protocol": row.protocol,
        "address": row.address,
    }


# Reservations


def list_reservations(engine: Engine, page: Page, *, station: str | None, state: str | None) -> Listing:
    query = select(ReservationRow.__table__).order_by(ReservationRow.reservation_id.desc())
    if station is not None:
        query = query.where(ReservationRow.charge_box_id == station)
    if state is not None:
        query = query.where(ReservationRow.state == state)
    return paged(engine, query, page, reservation_item)


def reservation_item(row: Any) -> dict[str, Any]:
    return {
        "reservationId": row.reservation_id,
        "chargeBoxId": row.charge_box_id,
        "connectorId": row.connector_id,
        "idTag": row.id_tag,
        "parentIdTag": row.parent_id_tag,
        "expiryDate": iso(aware(row.expiry_date)),
        "state": row.state,
        "createdAt": iso(aware(row.created_at)),
    }


# Message log

_MESSAGE_SUMMARY = (
    MessageLogRow.id, MessageLogRow.at, MessageLogRow.direction, MessageLogRow.charge_box_id, MessageLogRow.operation,
    MessageLogRow.message_id, MessageLogRow.outcome, MessageLogRow.http_status, MessageLogRow.duration_ms,
    MessageLogRow.error,
)


@dataclass(frozen=True)
class MessageFilter:
    station: str | None = None
    direction: str | None = None
    operation: str | None = None
    outcome: str | None = None
    faults_only: bool = False


def list_messages(engine: Engine, page: Page, where: MessageFilter) -> Listing:
    """Newest first, without the bodies (``message`` has them)."""
    query = select(*_MESSAGE_SUMMARY).order_by(MessageLogRow.at.desc(), MessageLogRow.id.desc())
    if where.station is not None:
        query = query.where(MessageLogRow.charge_box_id == where.station)
    if where.direction is not None:
        query = query.where(MessageLogRow.direction == where.direction)
    if where.operation is not None:
        query = query.where(MessageLogRow.operation == where.operation)
    if where.outcome is not None:
        query = query.where(MessageLogRow.outcome == where.outcome)
    if where.faults_only:
        query = query.where(MessageLogRow.outcome.not_in(FINE_OUTCOMES))
    return paged(engine, query, page, message_item)


FINE_OUTCOMES = ("ok", "resent", "answered")
"""Outcomes that are not faults: a station request answered, a resend answered again, a call the station answered."""


def message(engine: Engine, message_log_id: int) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(*_MESSAGE_SUMMARY, MessageLogRow.request, MessageLogRow.response).where(
                MessageLogRow.id == message_log_id
            )
        ).first()
    if row is None:
        return None
    return {**message_item(row), "request": row.request, "response": row.response}


def message_item(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": iso(aware(row.at)),
        "direction": row.direction,
        "chargeBoxId": row.charge_box_id,
        "operation": row.operation,
        "messageId": row.message_id,
        "outcome": row.outcome,
        "httpStatus": row.http_status,
        "durationMs": row.duration_ms,
        "error": row.error,
    }
