"""Repositories for what operator commands leave behind: the command log, reservations, local lists and the
stored copy of each station's configuration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.model import (
    AuthorizationStatus,
    ConfigurationValue,
    LocalList,
    LocalListEntry,
    Reservation,
    ReservationState,
)
from ...domain.station_requests import CommandLogEntry
from ...json_values import to_jsonable
from ...operations import to_wire
from ..orm import CommandLogRow, LocalListRow, ReservationRow, StationConfigurationRow


class SqlCommandLogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: CommandLogEntry) -> int:
        """The request and the answer are kept as JSON under their OCPP names, as the API shows them."""
        row = CommandLogRow(
            charge_box_id=entry.charge_box_id,
            operation=entry.operation,
            parameters=to_jsonable(to_wire(entry.request)),
            requested_at=entry.requested_at,
            outcome=entry.outcome.value,
            answer=to_jsonable(to_wire(entry.answer)) if entry.answer is not None else {},
            error=entry.error,
            duration_ms=entry.duration_ms,
            protocol=entry.protocol,
            address=entry.address,
            requested_by=entry.requested_by,
        )
        self._session.add(row)
        self._session.flush()
        return row.id


class SqlReservationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: dict[int, ReservationRow] = {}

    def add(self, reservation: Reservation) -> int:
        row = ReservationRow()
        _reservation_to_row(reservation, row)
        self._session.add(row)
        self._session.flush()  # the database assigns the reservationId sent to the station
        reservation.reservation_id = row.reservation_id
        self._rows[row.reservation_id] = row
        return row.reservation_id

    def get(self, reservation_id: int) -> Reservation | None:
        row = self._session.get(ReservationRow, reservation_id)
        if row is None:
            return None
        self._rows[reservation_id] = row
        return Reservation(
            charge_box_id=row.charge_box_id,
            connector_id=row.connector_id,
            id_tag=row.id_tag,
            expiry_date=row.expiry_date,
            created_at=row.created_at,
            parent_id_tag=row.parent_id_tag,
            state=ReservationState(row.state),
            reservation_id=row.reservation_id,
        )

    def save(self, reservation: Reservation) -> None:
        key = reservation.reservation_id
        row = None if key is None else self._rows.get(key) or self._session.get(ReservationRow, key)
        if row is None:
            raise ValueError("save() is for reservations added or loaded through this repository")
        _reservation_to_row(reservation, row)


def _reservation_to_row(reservation: Reservation, row: ReservationRow) -> None:
    row.charge_box_id = reservation.charge_box_id
    row.connector_id = reservation.connector_id
    row.id_tag = reservation.id_tag
    row.parent_id_tag = reservation.parent_id_tag
    row.expiry_date = reservation.expiry_date
    row.state = reservation.state.value
    row.created_at = reservation.created_at


class SqlLocalListRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, charge_box_id: str) -> LocalList | None:
        row = self._session.get(LocalListRow, charge_box_id)
        if row is None:
            return None
        entries = {e["idTag"]: _entry_from_json(e) for e in row.entries}
        return LocalList(charge_box_id, row.version, entries, row.updated_at)

    def save(self, local_list: LocalList) -> None:
        row = self._session.get(LocalListRow, local_list.charge_box_id)
        if row is None:
            row = LocalListRow(charge_box_id=local_list.charge_box_id)
            self._session.add(row)
        row.version = local_list.version
        row.entries = [_entry_to_json(e) for e in local_list.entries.values()]
        row.updated_at = local_list.updated_at


def _entry_to_json(entry: LocalListEntry) -> dict[str, str | None]:
    return {
        "idTag": entry.id_tag,
        "status": None if entry.status is None else entry.status.value,
        "expiryDate": None if entry.expiry_date is None else entry.expiry_date.isoformat(),
        "parentIdTag": entry.parent_id_tag,
    }


def _entry_from_json(data: dict[str, str | None]) -> LocalListEntry:
    expiry = data.get("expiryDate")
    status = data.get("status")
    return LocalListEntry(
        id_tag=str(data["idTag"]),
        status=AuthorizationStatus(status) if status else None,
        expiry_date=datetime.fromisoformat(expiry) if expiry else None,
        parent_id_tag=data.get("parentIdTag"),
    )


class SqlConfigurationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_all(self, charge_box_id: str) -> list[ConfigurationValue]:
        rows = self._session.scalars(
            select(StationConfigurationRow)
            .where(StationConfigurationRow.charge_box_id == charge_box_id)
            .order_by(StationConfigurationRow.key)
        )
        return [ConfigurationValue(r.key, r.value, r.readonly, r.updated_at) for r in rows]

    def put(self, charge_box_id: str, value: ConfigurationValue) -> None:
        row = self._session.get(StationConfigurationRow, (charge_box_id, value.key))
        if row is None:
            row = StationConfigurationRow(charge_box_id=charge_box_id, key=value.key)
            self._session.add(row)
        row.value = value.value
        if value.readonly is not None:
            row.readonly = value.readonly
        row.updated_at = value.updated_at
