"""Stations: the list (filters, sorting, connector states, boot details), one station with its connectors, its
status history and stored configuration, whether it is online, and the connector overview across the fleet.

**Online** means: the station sent a message within two heartbeat intervals, *and* it can be called back: the
last command sent to its current address did not end ``unreachable`` or ``timeout`` (a station whose address
refuses every connection still sends heartbeats, but no command reaches it). A later command that got an answer
of any kind, a new address, or a boot after the failure clears that mark. Such a station is shown as
*unreachable*; one not seen for two intervals as *offline*.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement, Engine, and_, case, func, literal, or_, select

from ocpp_soap.persistence.orm import (
    CommandLogRow,
    ConnectorRow,
    ConnectorStatusRow,
    StationConfigurationRow,
    StationRow,
)
from webapp import core
from webapp.core import protocol_label

from . import charging
from .base import Listing, Page, Time, Value, aware, paged
from .relay import StationRelay, station_relay

UNREACHABLE_OUTCOMES = tuple(sorted(str(outcome) for outcome in core.UNREACHABLE_OUTCOMES))
"""Command outcomes that say the station's address does not take calls: the reachability memory's own set."""


class Presence(enum.StrEnum):
    ONLINE = "online"
    UNREACHABLE = "unreachable"  # seen lately, but the last call to its address could not connect or timed out
    OFFLINE = "offline"  # nothing heard within two heartbeat intervals (or never)


class Connector(Value):
    connector_id: int = Field(description="The connector (0 is the station as a whole)")
    status: str = Field(description="Last reported status (Available, Occupied, Faulted, Unavailable, Reserved)")
    error_code: str = Field(description="Last reported errorCode (NoError when fine)")
    info: str | None = Field(description="Free text the station added")
    vendor_id: str | None = Field(description="vendorId of a vendor-specific error")
    vendor_error_code: str | None = Field(description="vendorErrorCode")
    timestamp: Time | None = Field(description="The station's time of the status, when it sent one")
    updated_at: Time = Field(description="When the gateway received it")


class StationItem(Value):
    charge_box_id: str = Field(description="The station's chargeBoxIdentity")
    registration_status: str = Field(description="Accepted, Pending (waiting for an operator) or Rejected")
    protocol: str | None = Field(description="The protocol version the station is bound to (ocpp1.5-soap), or null before its first boot")
    protocol_label: str = Field(description='The protocol as shown to people: "OCPP 1.5 (SOAP)"')
    endpoint_address: str | None = Field(description="The address commands are sent to (its wsa:From)")
    address_problem: str | None = Field(description="Why no address is known, when none is")
    last_seen_at: Time | None = Field(description="When the station last sent a message")
    online: bool = Field(description="Seen within two heartbeat intervals and its address takes calls")
    presence: Presence = Field(description="online, unreachable (seen, but the last call to its address failed to connect or timed out) or offline")
    vendor: str | None = Field(description="chargePointVendor from its last BootNotification")
    model: str | None = Field(description="chargePointModel from its last BootNotification")
    firmware_version: str | None = Field(description="firmwareVersion from its last BootNotification")
    connectors: list[Connector] = Field(description="Each connector's last StatusNotification, connector 0 included when reported")


class BootDetails(Value):
    charge_point_vendor: str | None = Field(description="chargePointVendor")
    charge_point_model: str | None = Field(description="chargePointModel")
    charge_point_serial_number: str | None = Field(description="chargePointSerialNumber")
    charge_box_serial_number: str | None = Field(description="chargeBoxSerialNumber")
    firmware_version: str | None = Field(description="firmwareVersion")
    iccid: str | None = Field(description="iccid of the modem's SIM")
    imsi: str | None = Field(description="imsi of the modem's SIM")
    meter_type: str | None = Field(description="meterType")
    meter_serial_number: str | None = Field(description="meterSerialNumber")


class StationDetail(StationItem):
    boot_details: BootDetails | None = Field(description="What the station said about itself at its last boot")
    boot_count: int = Field(description="BootNotifications received")
    first_seen_at: Time | None = Field(description="Its first message")
    last_boot_at: Time | None = Field(description="Its last BootNotification")
    firmware_status: str | None = Field(description="Last FirmwareStatusNotification")
    firmware_status_at: Time | None = Field(description="When that came")
    diagnostics_status: str | None = Field(description="Last DiagnosticsStatusNotification")
    diagnostics_status_at: Time | None = Field(description="When that came")
    last_failed_call_at: Time | None = Field(description="When the last call to its current address failed to connect or timed out, while that mark stands")
    relay: StationRelay = Field(description="Its relay to the OCPP 1.6-J back office (relay mode)")
    charging_profiles: list[charging.ChargingProfileItem] = Field(
        description="The charging profiles the station accepted (OCPP 1.6), as the gateway keeps its copy: by "
                    "connector, purpose and highest stack level first (none for other versions)")


@dataclass(frozen=True)
class StationFilter:
    search: str | None = None
    """Part of the station id, case-insensitive."""
    status: str | None = None
    protocol: str | None = None
    online: bool | None = None
    sort: str = "id"
    descending: bool = False


SORTS: dict[str, Any] = {
    "id": StationRow.charge_box_id,
    "status": StationRow.registration_status,
    "protocol": StationRow.protocol,
    "vendor": StationRow.charge_point_vendor,
    "model": StationRow.charge_point_model,
    "firmware": StationRow.firmware_version,
    "lastSeen": StationRow.last_seen_at,
}


def _last_call(column: Any) -> Any:
    """The last command's ``column`` toward the station's current address (a correlated scalar subquery)."""
    return (
        select(column)
        .where(CommandLogRow.charge_box_id == StationRow.charge_box_id,
               CommandLogRow.address == StationRow.endpoint_address, CommandLogRow.outcome != "no-address")
        .order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc())
        .limit(1)
        .correlate(StationRow)
        .scalar_subquery()
    )


def failing_calls() -> ColumnElement[bool]:
    """True for a station whose current address refused (or never answered) the last call made to it since it
    last booted."""
    at = _last_call(CommandLogRow.requested_at)
    return and_(
        func.coalesce(_last_call(CommandLogRow.outcome), "").in_(UNREACHABLE_OUTCOMES),
        or_(StationRow.last_boot_at.is_(None), StationRow.last_boot_at < at),
    )


def online_condition(since: datetime) -> ColumnElement[bool]:
    return and_(StationRow.last_seen_at >= since, ~failing_calls())


def _columns() -> tuple[Any, ...]:
    failing = case((failing_calls(), _last_call(CommandLogRow.requested_at)), else_=literal(None))
    return (*StationRow.__table__.columns, failing.label("failed_call_at"))


def list_stations(engine: Engine, page: Page, where: StationFilter, online_since: datetime) -> Listing[StationItem]:
    sort = SORTS.get(where.sort, StationRow.charge_box_id)
    order = sort.desc().nulls_last() if where.descending else sort.asc().nulls_last()
    query = select(*_columns()).order_by(order, StationRow.charge_box_id)
    if where.search:
        query = query.where(func.lower(StationRow.charge_box_id).contains(where.search.lower(), autoescape=True))
    if where.status is not None:
        query = query.where(StationRow.registration_status == where.status)
    if where.protocol is not None:
        query = query.where(StationRow.protocol == where.protocol)
    if where.online is True:
        query = query.where(online_condition(online_since))
    elif where.online is False:
        query = query.where(~online_condition(online_since) | StationRow.last_seen_at.is_(None))

    def convert(rows: Sequence[Any]) -> list[StationItem]:
        states = _connector_states(engine, [row.charge_box_id for row in rows])
        return [StationItem(**_item_fields(row, online_since, states.get(row.charge_box_id, []))) for row in rows]

    return paged(engine, query, page, convert)


def _connector_states(engine: Engine, ids: list[str]) -> dict[str, list[Connector]]:
    if not ids:
        return {}
    found: dict[str, list[Connector]] = {}
    with engine.connect() as connection:
        rows = connection.execute(
            select(ConnectorRow.__table__).where(ConnectorRow.charge_box_id.in_(ids))
            .order_by(ConnectorRow.charge_box_id, ConnectorRow.connector_id)
        ).all()
    for row in rows:
        found.setdefault(row.charge_box_id, []).append(_connector(row))
    return found


def _connector(c: Any) -> Connector:
    return Connector(
        connector_id=c.connector_id, status=c.status, error_code=c.error_code, info=c.info, vendor_id=c.vendor_id,
        vendor_error_code=c.vendor_error_code, timestamp=aware(c.status_timestamp), updated_at=aware(c.updated_at),
    )


def presence_of(last_seen: datetime | None, failed_call_at: datetime | None, online_since: datetime) -> Presence:
    if last_seen is None or last_seen < online_since:
        return Presence.OFFLINE
    return Presence.UNREACHABLE if failed_call_at is not None else Presence.ONLINE


def _item_fields(row: Any, online_since: datetime, connectors: list[Connector]) -> dict[str, Any]:
    last_seen = aware(row.last_seen_at)
    presence = presence_of(last_seen, aware(row.failed_call_at), online_since)
    return {
        "charge_box_id": row.charge_box_id,
        "registration_status": row.registration_status,
        "protocol": row.protocol,
        "protocol_label": protocol_label(row.protocol) if row.protocol else "not bound yet",
        "endpoint_address": row.endpoint_address,
        "address_problem": None if row.endpoint_address else row.address_problem,
        "last_seen_at": last_seen,
        "online": presence is Presence.ONLINE,
        "presence": presence,
        "vendor": row.charge_point_vendor,
        "model": row.charge_point_model,
        "firmware_version": row.firmware_version,
        "connectors": connectors,
    }


BOOT_FIELDS = tuple(BootDetails.model_fields)


def station(engine: Engine, charge_box_id: str, online_since: datetime, relay_url: str | None) -> StationDetail | None:
    """One station; ``relay_url`` is the default back office's (``OCPP_SOAP_RELAY_URL``), for its ``relay``."""
    with engine.connect() as connection:
        row = connection.execute(select(*_columns()).where(StationRow.charge_box_id == charge_box_id)).first()
        if row is None:
            return None
        connectors = connection.execute(
            select(ConnectorRow.__table__).where(ConnectorRow.charge_box_id == charge_box_id)
            .order_by(ConnectorRow.connector_id)
        ).all()
    states = [_connector(c) for c in connectors]
    mapping = row._mapping
    booted = row.charge_point_vendor is not None or row.charge_point_model is not None
    return StationDetail(
        **_item_fields(row, online_since, states),
        boot_details=BootDetails(**{name: mapping[name] for name in BOOT_FIELDS}) if booted else None,
        boot_count=row.boot_count,
        first_seen_at=aware(row.first_seen_at),
        last_boot_at=aware(row.last_boot_at),
        firmware_status=row.firmware_status,
        firmware_status_at=aware(row.firmware_status_at),
        diagnostics_status=row.diagnostics_status,
        diagnostics_status_at=aware(row.diagnostics_status_at),
        last_failed_call_at=aware(row.failed_call_at),
        relay=station_relay(engine, relay_url, charge_box_id),
        charging_profiles=charging.profile_items(engine, charge_box_id),
    )


def station_exists(engine: Engine, charge_box_id: str) -> bool:
    with engine.connect() as connection:
        return connection.execute(
            select(StationRow.charge_box_id).where(StationRow.charge_box_id == charge_box_id)).first() is not None


def count_online(engine: Engine, online_since: datetime) -> int:
    with engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(StationRow).where(online_condition(online_since))
        ).scalar_one())


class StatusChange(Value):
    received_at: Time = Field(description="When the gateway received the StatusNotification")
    connector_id: int = Field(description="The connector")
    status: str = Field(description="The status reported")
    error_code: str = Field(description="The errorCode reported")
    info: str | None = Field(description="Free text the station added")
    status_timestamp: Time | None = Field(description="The station's own time of the change")


def status_history(engine: Engine, charge_box_id: str, limit: int = 50) -> list[StatusChange]:
    """The station's last StatusNotifications, newest first, every connector together."""
    query = (
        select(ConnectorStatusRow.__table__)
        .where(ConnectorStatusRow.charge_box_id == charge_box_id)
        .order_by(ConnectorStatusRow.received_at.desc(), ConnectorStatusRow.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [StatusChange(
            received_at=aware(row.received_at), connector_id=row.connector_id, status=row.status,
            error_code=row.error_code, info=row.info, status_timestamp=aware(row.status_timestamp),
        ) for row in connection.execute(query)]


class ConfigurationItem(Value):
    key: str = Field(description="The configuration key")
    value: str | None = Field(description="Its value as last read or changed")
    readonly: bool | None = Field(description="Whether the station said the key is read-only (null: not known)")
    updated_at: Time = Field(description="When the gateway last read or changed it")


def configuration(engine: Engine, charge_box_id: str) -> list[ConfigurationItem]:
    """The gateway's copy of the station's configuration, from GetConfiguration and accepted ChangeConfiguration."""
    query = (select(StationConfigurationRow.__table__).where(StationConfigurationRow.charge_box_id == charge_box_id)
             .order_by(StationConfigurationRow.key))
    with engine.connect() as connection:
        return [ConfigurationItem(key=row.key, value=row.value, readonly=row.readonly, updated_at=aware(row.updated_at))
                for row in connection.execute(query)]


# The connector overview


class ConnectorItem(Value):
    charge_box_id: str = Field(description="The station")
    connector_id: int = Field(description="The connector (1 and up)")
    status: str = Field(description="Its last reported status")
    error_code: str = Field(description="Its last reported errorCode")
    info: str | None = Field(description="Free text the station added")
    updated_at: Time = Field(description="When the status came")
    station_presence: Presence = Field(description="Whether the station is online now (an offline station's status is its last known one)")


class ConnectorCounts(Value):
    total: int = Field(description="Connectors (1 and up) of every station")
    by_status: dict[str, int] = Field(description="How many have each last reported status")
    on_stations_not_online: int = Field(description="Of these, how many belong to stations that are not online now (their status may be stale)")


@dataclass(frozen=True)
class ConnectorFilter:
    status: str | None = None
    search: str | None = None


def connector_counts(engine: Engine, online_since: datetime) -> ConnectorCounts:
    with engine.connect() as connection:
        by_status = dict(connection.execute(
            select(ConnectorRow.status, func.count()).where(ConnectorRow.connector_id > 0).group_by(ConnectorRow.status)
        ).all())
        stale = connection.execute(
            select(func.count()).select_from(ConnectorRow)
            .join(StationRow, StationRow.charge_box_id == ConnectorRow.charge_box_id)
            .where(ConnectorRow.connector_id > 0, ~online_condition(online_since) | StationRow.last_seen_at.is_(None))
        ).scalar_one()
    counts = {str(status): int(count) for status, count in by_status.items()}
    return ConnectorCounts(total=sum(counts.values()), by_status=counts, on_stations_not_online=int(stale))


def list_connectors(engine: Engine, page: Page, where: ConnectorFilter, online_since: datetime) -> Listing[ConnectorItem]:
    failing = case((failing_calls(), literal(1)), else_=literal(0)).label("failing")
    query = (
        select(ConnectorRow.__table__, StationRow.last_seen_at, failing)
        .join(StationRow, StationRow.charge_box_id == ConnectorRow.charge_box_id)
        .where(ConnectorRow.connector_id > 0)
        .order_by(ConnectorRow.charge_box_id, ConnectorRow.connector_id)
    )
    if where.status:
        query = query.where(ConnectorRow.status == where.status)
    if where.search:
        query = query.where(func.lower(ConnectorRow.charge_box_id).contains(where.search.lower(), autoescape=True))

    def convert(row: Any) -> ConnectorItem:
        seen = aware(row.last_seen_at)
        return ConnectorItem(
            charge_box_id=row.charge_box_id, connector_id=row.connector_id, status=row.status,
            error_code=row.error_code, info=row.info, updated_at=aware(row.updated_at),
            station_presence=presence_of(seen, seen if row.failing else None, online_since),
        )

    return paged(engine, query, page, lambda rows: [convert(row) for row in rows])
