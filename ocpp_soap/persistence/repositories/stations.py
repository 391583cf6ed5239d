"""Stations in SQL: read and written with Core statements on the path of every station message."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ...domain.model import (
    BootDetails,
    DiagnosticsStatus,
    FirmwareStatus,
    Protocol,
    RegistrationStatus,
    Station,
    StationBindingChange,
)
from ..core_execution import execute
from ..orm import (
    StationBindingChangeRow,
    StationRow,
    table_of,
)
from .values import enum_value

_BOOT_FIELDS = tuple(BootDetails.__dataclass_fields__)


class SqlStationRepository:
    """Stations on the path of every station message: read and written with Core statements, not ORM objects.

    ``get`` keeps the column values it read; ``save`` writes only the columns that changed since (a Heartbeat
    updates one: ``last_seen_at``), and nothing when none did.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._added: dict[str, StationRow] = {}  # ORM rows added in this unit of work, flushed with it
        self._loaded: dict[str, dict[str, Any]] = {}  # column values as read or last written

    def get(self, charge_box_id: str) -> Station | None:
        # Locked until the unit of work ends, so that two messages of one station handled at once on two workers
        # (or nodes) never both read, change and write the row: one waits, the other's update is not lost.
        # FOR NO KEY UPDATE on PostgreSQL still lets other stations' rows reference this one; SQLite ignores it and
        # serialises writers with BEGIN IMMEDIATE anyway.
        if charge_box_id in self._added:
            return _station_from_values(_station_from_orm(self._added[charge_box_id]))
        row = execute(self._session, _SELECT_STATION, {"b_key": charge_box_id}).first()
        if row is None:
            return None
        values = dict(row._mapping)
        self._loaded[charge_box_id] = values
        return _station_from_values(values)

    def note_seen(self, charge_box_id: str, now: datetime) -> Station | None:
        """Set an accepted station's last-seen time and return it, in one UPDATE ... RETURNING (which locks the row
        as ``get`` does); None, with nothing written, for an unknown or not accepted station."""
        if charge_box_id in self._added:
            return None
        row = execute(self._session, _NOTE_SEEN, {"b_key": charge_box_id, "b_now": now}).first()
        if row is None:
            return None
        values = dict(row._mapping)
        self._loaded[charge_box_id] = values
        return _station_from_values(values)

    def add(self, station: Station) -> None:
        row = StationRow(charge_box_id=station.charge_box_id, **_station_values(station))
        self._session.add(row)
        self._added[station.charge_box_id] = row

    def save(self, station: Station) -> None:
        added = self._added.get(station.charge_box_id)
        if added is not None:
            for name, value in _station_values(station).items():
                setattr(added, name, value)
            return
        before = self._loaded.get(station.charge_box_id)
        if before is None:
            if self.get(station.charge_box_id) is None:
                self.add(station)
                return
            before = self._loaded[station.charge_box_id]
        changes = {name: value for name, value in _station_values(station).items() if before[name] != value}
        if changes:
            execute(self._session, _UPDATE_STATION, {"b_key": station.charge_box_id, **changes})
            before.update(changes)

    def delete(self, charge_box_id: str) -> None:
        # The database cascades to everything that references the station (transactions, meter values, ...).
        self._added.pop(charge_box_id, None)
        self._loaded.pop(charge_box_id, None)
        self._session.execute(delete(StationRow).where(StationRow.charge_box_id == charge_box_id))

    def add_binding_change(self, change: StationBindingChange) -> None:
        self._session.add(
            StationBindingChangeRow(
                charge_box_id=change.charge_box_id,
                old_protocol=change.old_protocol.value,
                new_protocol=change.new_protocol.value,
                changed_at=change.changed_at,
                message_id=change.message_id,
            )
        )


_STATIONS = table_of(StationRow)
# Built once: statements are reused with parameters (an UPDATE sets the columns named in them).
_SELECT_STATION = (
    select(_STATIONS).where(_STATIONS.c.charge_box_id == bindparam("b_key")).with_for_update(key_share=True)
)
_UPDATE_STATION = update(_STATIONS).where(_STATIONS.c.charge_box_id == bindparam("b_key"))
_NOTE_SEEN = (
    update(_STATIONS)
    .where(
        _STATIONS.c.charge_box_id == bindparam("b_key"),
        _STATIONS.c.registration_status == RegistrationStatus.ACCEPTED.value,
    )
    .values(last_seen_at=bindparam("b_now"))
    .returning(*_STATIONS.c)
)


def _station_from_orm(row: StationRow) -> dict[str, Any]:
    return {column.name: getattr(row, column.name) for column in _STATIONS.c}


def _station_from_values(values: Mapping[str, Any]) -> Station:
    details = None
    if values["charge_point_vendor"] is not None or values["charge_point_model"] is not None:
        details = BootDetails(**{name: values[name] for name in _BOOT_FIELDS})
    return Station(
        charge_box_id=values["charge_box_id"],
        registration_status=RegistrationStatus(values["registration_status"]),
        protocol=Protocol.from_value(values["protocol"]) if values["protocol"] else None,
        endpoint_address=values["endpoint_address"],
        address_problem=values["address_problem"],
        details=details,
        boot_count=values["boot_count"] or 0,
        first_seen_at=values["first_seen_at"],
        last_boot_at=values["last_boot_at"],
        last_seen_at=values["last_seen_at"],
        firmware_status=FirmwareStatus(values["firmware_status"]) if values["firmware_status"] else None,
        firmware_status_at=values["firmware_status_at"],
        diagnostics_status=DiagnosticsStatus(values["diagnostics_status"]) if values["diagnostics_status"] else None,
        diagnostics_status_at=values["diagnostics_status_at"],
    )


def _station_values(station: Station) -> dict[str, Any]:
    """Every column but the key, as the station says it should be."""
    values: dict[str, Any] = {
        "registration_status": station.registration_status.value,
        "protocol": enum_value(station.protocol),
        "endpoint_address": station.endpoint_address,
        "address_problem": station.address_problem,
    }
    for name in _BOOT_FIELDS:
        values[name] = getattr(station.details, name) if station.details else None
    values.update(
        boot_count=station.boot_count,
        first_seen_at=station.first_seen_at,
        last_boot_at=station.last_boot_at,
        last_seen_at=station.last_seen_at,
        firmware_status=enum_value(station.firmware_status),
        firmware_status_at=station.firmware_status_at,
        diagnostics_status=enum_value(station.diagnostics_status),
        diagnostics_status_at=station.diagnostics_status_at,
    )
    return values
