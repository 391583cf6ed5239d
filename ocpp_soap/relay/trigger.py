"""TriggerMessage for a station whose version has none (1.2, 1.5): answered from what ocpp-soap holds.

A 1.6 charge point answers a TriggerMessage and then sends the message asked for. For StatusNotification,
Heartbeat, MeterValues and BootNotification the relay does the same with stored state: the statuses the back
office was last told (or the station last reported), a heartbeat only when the station was heard from lately,
the connector's newest stored reading (with context ``Trigger``), the boot details the station last sent. What it
does not hold it refuses (``Rejected``); Firmware/DiagnosticsStatusNotification are ``NotImplemented`` (a 1.2/1.5
station reports no "Idle", so there is nothing true to send). Stored data is sent as a triggered message, never
as a station's answer to a command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..domain.model import ChargePointErrorCode, ConnectorStatus, StationOrigin
from ..domain.station_messages import BootChargingStation, UpdateConnectorStatus
from ..persistence.relay_store import RelayProcessUnitOfWork, latest_readings, stored_connectors
from . import upstream
from .model import Origin, OutboxEntry

ONLINE_HEARTBEATS = 2


def trigger(
    uow_factory: Callable[[], RelayProcessUnitOfWork], charge_box_id: str, requested: str, connector_id: int | None,
    heartbeat_interval: int,
) -> tuple[str, list[OutboxEntry]]:
    """The status to answer, and the messages to queue once the answer has gone."""
    now = datetime.now(UTC)
    with uow_factory() as uow:
        if requested == "StatusNotification":
            entries = _statuses(uow, charge_box_id, connector_id, now)
        elif requested == "MeterValues":
            entries = _meter_values(uow, charge_box_id, connector_id, now)
        elif requested == "Heartbeat":
            entries = _heartbeat(uow, charge_box_id, now, heartbeat_interval)
        elif requested == "BootNotification":
            entries = _boot(uow, charge_box_id, now)
        else:
            return "NotImplemented", []
    return ("Accepted", entries) if entries else ("Rejected", [])


def _entry(charge_box_id: str, action: str, payload: dict[str, Any], now: datetime) -> OutboxEntry:
    return OutboxEntry(charge_box_id, action, payload, now, Origin.TRIGGER)


def _statuses(uow: RelayProcessUnitOfWork, charge_box_id: str, connector_id: int | None, now: datetime) -> list[OutboxEntry]:
    told = uow.relay.connector_statuses(charge_box_id)
    entries = []
    for number, status, error_code, at in stored_connectors(uow.session, charge_box_id):
        if connector_id is not None and number != connector_id:
            continue
        if number in told:
            status16, error16 = told[number]
        else:
            message = UpdateConnectorStatus(
                StationOrigin(charge_box_id, _protocol(uow, charge_box_id)), number, ConnectorStatus(status),
                ChargePointErrorCode(error_code),
            )
            running = bool(number and uow.transactions.open_on_connector(charge_box_id, number))
            status16 = upstream.upstream_status(message, running, None)
            error16 = upstream.ERROR_CODES.get(message.error_code, message.error_code).value
        payload = {"connectorId": number, "errorCode": error16, "status": status16,
                   "timestamp": upstream.json_time(at or now)}
        entries.append(_entry(charge_box_id, "StatusNotification", payload, now))
    return entries


def _meter_values(uow: RelayProcessUnitOfWork, charge_box_id: str, connector_id: int | None, now: datetime) -> list[OutboxEntry]:
    numbers = [connector_id] if connector_id is not None else [
        number for number, *_ in stored_connectors(uow.session, charge_box_id) if number > 0
    ]
    entries = []
    for number in numbers:
        rows = latest_readings(uow.session, charge_box_id, number)
        if not rows:
            continue
        values = []
        for row in rows:
            item: dict[str, Any] = {"value": row.value, "context": "Trigger"}
            for name in ("format", "measurand", "location"):
                if getattr(row, name):
                    item[name] = getattr(row, name)
            if row.unit:
                item["unit"] = {"Amp": "A", "Volt": "V"}.get(row.unit, row.unit)
            values.append(item)
        payload: dict[str, Any] = {"connectorId": number}
        running = uow.transactions.open_on_connector(charge_box_id, number)
        if len(running) == 1:
            payload["transactionId"] = running[0].transaction_id  # ocpp-soap's id: translated when sent
        payload["meterValue"] = [{"timestamp": upstream.json_time(rows[0].timestamp), "sampledValue": values}]
        entries.append(_entry(charge_box_id, "MeterValues", payload, now))
    return entries


def _heartbeat(uow: RelayProcessUnitOfWork, charge_box_id: str, now: datetime, interval: int) -> list[OutboxEntry]:
    station = uow.stations.get(charge_box_id)
    seen = station.last_seen_at if station is not None else None
    if seen is None or now - seen > timedelta(seconds=ONLINE_HEARTBEATS * interval):
        return []  # a heartbeat says the station is alive: not sent for one not heard from lately
    return [_entry(charge_box_id, "Heartbeat", {}, now)]


def _boot(uow: RelayProcessUnitOfWork, charge_box_id: str, now: datetime) -> list[OutboxEntry]:
    station = uow.stations.get(charge_box_id)
    if station is None or station.details is None or station.protocol is None:
        return []
    message = BootChargingStation(StationOrigin(charge_box_id, station.protocol), station.details)
    return [_entry(charge_box_id, "BootNotification", upstream.boot_notification(message), now)]


def _protocol(uow: RelayProcessUnitOfWork, charge_box_id: str) -> Any:
    station = uow.stations.get(charge_box_id)
    if station is None or station.protocol is None:
        raise LookupError(charge_box_id)
    return station.protocol
