"""Station lifecycle: boot and registration, heartbeats, connector status, firmware and diagnostics reports."""

from __future__ import annotations

from ..domain import events
from ..domain import station_messages as messages
from ..domain.model import ConnectorStatusChange, Station, StationBindingChange
from ..domain.ports import Clock, UnitOfWork
from .access import admitted_station


def boot_charging_station(
    cmd: messages.BootChargingStation, uow: UnitOfWork, clock: Clock, auto_accept: bool, heartbeat_interval: int
) -> messages.BootResult:
    """Bind the station to the protocol it booted with; an unknown station is recorded as pending (or accepted,
    with ``auto_accept``)."""
    now = clock()
    origin = cmd.origin
    station = uow.stations.get(origin.charge_box_id)
    is_new = station is None
    if station is None:
        station = Station.first_boot(origin.charge_box_id, auto_accept=auto_accept, now=now)
    old_protocol, old_address = station.protocol, station.endpoint_address
    protocol_changed = station.record_boot(origin, cmd.details, now)
    if is_new:
        uow.stations.add(station)
    else:
        uow.stations.save(station)

    protocol = origin.protocol
    if protocol_changed and old_protocol is not None:
        uow.stations.add_binding_change(
            StationBindingChange(station.charge_box_id, old_protocol, protocol, now, origin.message_id)
        )
        uow.events.append(events.StationBindingChanged(station.charge_box_id, old_protocol, protocol))
    if station.endpoint_address != old_address or is_new:
        uow.events.append(
            events.StationAddressChanged(station.charge_box_id, station.endpoint_address, station.address_problem)
        )
    uow.events.append(
        events.StationBooted(station.charge_box_id, protocol, station.registration_status, station.boot_count)
    )
    return messages.BootResult(
        status=station.registration_status, current_time=now, heartbeat_interval=heartbeat_interval
    )


def record_heartbeat(cmd: messages.RecordHeartbeat, uow: UnitOfWork, clock: Clock) -> messages.HeartbeatResult:
    now = clock()
    admitted_station(uow, cmd, now)
    return messages.HeartbeatResult(current_time=now)


def update_connector_status(cmd: messages.UpdateConnectorStatus, uow: UnitOfWork, clock: Clock) -> None:
    now = clock()
    station = admitted_station(uow, cmd, now)
    uow.connectors.record_status(
        ConnectorStatusChange(
            charge_box_id=station.charge_box_id,
            connector_id=cmd.connector_id,
            status=cmd.status,
            error_code=cmd.error_code,
            received_at=now,
            info=cmd.info,
            timestamp=cmd.timestamp,
            vendor_id=cmd.vendor_id,
            vendor_error_code=cmd.vendor_error_code,
        )
    )
    uow.events.append(
        events.ConnectorStatusChanged(station.charge_box_id, cmd.connector_id, cmd.status, cmd.error_code.value)
    )


def update_firmware_status(cmd: messages.UpdateFirmwareStatus, uow: UnitOfWork, clock: Clock) -> None:
    now = clock()
    station = admitted_station(uow, cmd, now)
    station.firmware_status, station.firmware_status_at = cmd.status, now
    uow.stations.save(station)
    uow.events.append(events.FirmwareStatusChanged(station.charge_box_id, cmd.status))


def update_diagnostics_status(cmd: messages.UpdateDiagnosticsStatus, uow: UnitOfWork, clock: Clock) -> None:
    now = clock()
    station = admitted_station(uow, cmd, now)
    station.diagnostics_status, station.diagnostics_status_at = cmd.status, now
    uow.stations.save(station)
    uow.events.append(events.DiagnosticsStatusChanged(station.charge_box_id, cmd.status))
