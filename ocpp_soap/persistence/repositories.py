"""SQLAlchemy repositories: translate between domain values and ORM rows, inside one session."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.model import (
    AuthorizationStatus,
    BootDetails,
    ConnectorStatusChange,
    DataTransferRecord,
    DiagnosticsStatus,
    FirmwareStatus,
    IdTag,
    MeterValueBatch,
    Protocol,
    RegistrationStatus,
    Station,
    StationBindingChange,
    Transaction,
    UnknownTransactionStop,
)
from .core_execution import execute
from .orm import (
    ConnectorRow,
    ConnectorStatusRow,
    DataTransferRow,
    IdTagRow,
    MeterValueRow,
    StationBindingChangeRow,
    StationRow,
    TransactionRow,
    UnknownTransactionStopRow,
)

_BOOT_FIELDS = tuple(BootDetails.__dataclass_fields__)


def _now() -> datetime:
    return datetime.now(UTC)


def _enum_value(value: object) -> str | None:
    return None if value is None else getattr(value, "value", str(value))


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


_STATIONS = StationRow.__table__
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
        protocol=Protocol(values["protocol"]) if values["protocol"] else None,
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
        "protocol": _enum_value(station.protocol),
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
        firmware_status=_enum_value(station.firmware_status),
        firmware_status_at=station.firmware_status_at,
        diagnostics_status=_enum_value(station.diagnostics_status),
        diagnostics_status_at=station.diagnostics_status_at,
    )
    return values


class SqlIdTagRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, id_tag: str) -> IdTag | None:
        row = execute(self._session, _SELECT_ID_TAG, {"b_key": id_tag}).first()
        if row is None:
            return None
        return IdTag(row.id_tag, AuthorizationStatus(row.status), row.expiry_date, row.parent_id_tag)

    def add(self, tag: IdTag) -> None:
        self._session.add(
            IdTagRow(id_tag=tag.id_tag, status=tag.status.value, expiry_date=tag.expiry_date, parent_id_tag=tag.parent_id_tag)
        )

    def save(self, tag: IdTag) -> None:
        row = self._session.get(IdTagRow, tag.id_tag)
        if row is None:
            self.add(tag)
            return
        row.status, row.expiry_date, row.parent_id_tag = tag.status.value, tag.expiry_date, tag.parent_id_tag

    def delete(self, id_tag: str) -> None:
        self._session.execute(delete(IdTagRow).where(IdTagRow.id_tag == id_tag))


_ID_TAGS = IdTagRow.__table__
_SELECT_ID_TAG = select(_ID_TAGS).where(_ID_TAGS.c.id_tag == bindparam("b_key"))


class SqlTransactionRepository:
    """Transactions with Core statements: the id comes back from the INSERT itself, and ``save`` writes only the
    columns that changed since they were read."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._loaded: dict[int, dict[str, Any]] = {}

    def add(self, transaction: Transaction) -> int:
        values = {**_transaction_values(transaction), "created_at": _now()}
        # The database assigns the id the station is told.
        transaction_id = int(
            execute(self._session, _INSERT_TRANSACTION, values).scalar_one()
        )
        transaction.transaction_id = transaction_id
        self._loaded[transaction_id] = {**values, "transaction_id": transaction_id}
        return transaction_id

    def get(self, transaction_id: int) -> Transaction | None:
        row = execute(self._session, _SELECT_TRANSACTION, {"b_key": transaction_id}).first()
        return None if row is None else self._from_values(dict(row._mapping))

    def open_on_connector(self, charge_box_id: str, connector_id: int) -> list[Transaction]:
        rows = execute(self._session, _SELECT_OPEN_ON_CONNECTOR, {"b_station": charge_box_id, "b_connector": connector_id})
        return [self._from_values(dict(row._mapping)) for row in rows]

    def _from_values(self, values: dict[str, Any]) -> Transaction:
        self._loaded[values["transaction_id"]] = values
        return Transaction(
            charge_box_id=values["charge_box_id"],
            connector_id=values["connector_id"],
            id_tag=values["id_tag"],
            started_at=values["started_at"],
            meter_start=values["meter_start"],
            start_status=AuthorizationStatus(values["start_status"]),
            reservation_id=values["reservation_id"],
            transaction_id=values["transaction_id"],
            stopped_at=values["stopped_at"],
            meter_stop=values["meter_stop"],
            stop_id_tag=values["stop_id_tag"],
            stop_reason=values["stop_reason"],
        )

    def save(self, transaction: Transaction) -> None:
        assert transaction.transaction_id is not None
        before = self._loaded.get(transaction.transaction_id)
        assert before is not None, "save() is for transactions added or loaded through this repository"
        changes = {name: value for name, value in _transaction_values(transaction).items() if before[name] != value}
        if changes:
            execute(self._session, _UPDATE_TRANSACTION, {"b_key": transaction.transaction_id, **changes})
            before.update(changes)

    def has_open_for_tag(self, id_tag: str) -> bool:
        return bool(execute(self._session, _HAS_OPEN_FOR_TAG, {"b_tag": id_tag}).scalar())

    def add_unknown_stop(self, stop: UnknownTransactionStop) -> None:
        self._session.add(
            UnknownTransactionStopRow(
                charge_box_id=stop.charge_box_id,
                reported_transaction_id=stop.reported_transaction_id,
                stopped_at=stop.stopped_at,
                meter_stop=stop.meter_stop,
                id_tag=stop.id_tag,
                reason=stop.reason,
                received_at=_now(),
            )
        )


_TRANSACTIONS = TransactionRow.__table__
_INSERT_TRANSACTION = insert(_TRANSACTIONS).returning(_TRANSACTIONS.c.transaction_id)
_SELECT_TRANSACTION = select(_TRANSACTIONS).where(_TRANSACTIONS.c.transaction_id == bindparam("b_key"))
_UPDATE_TRANSACTION = update(_TRANSACTIONS).where(_TRANSACTIONS.c.transaction_id == bindparam("b_key"))
_SELECT_OPEN_ON_CONNECTOR = select(_TRANSACTIONS).where(
    _TRANSACTIONS.c.charge_box_id == bindparam("b_station"),
    _TRANSACTIONS.c.connector_id == bindparam("b_connector"),
    _TRANSACTIONS.c.stopped_at.is_(None),
)
_HAS_OPEN_FOR_TAG = select(
    exists().where(
        _TRANSACTIONS.c.id_tag == bindparam("b_tag"),
        _TRANSACTIONS.c.stopped_at.is_(None),
        _TRANSACTIONS.c.start_status == AuthorizationStatus.ACCEPTED.value,
    )
)


def _transaction_values(transaction: Transaction) -> dict[str, Any]:
    return {
        "charge_box_id": transaction.charge_box_id,
        "connector_id": transaction.connector_id,
        "id_tag": transaction.id_tag,
        "start_status": transaction.start_status.value,
        "started_at": transaction.started_at,
        "meter_start": transaction.meter_start,
        "reservation_id": transaction.reservation_id,
        "stopped_at": transaction.stopped_at,
        "meter_stop": transaction.meter_stop,
        "stop_id_tag": transaction.stop_id_tag,
        "stop_reason": transaction.stop_reason,
    }


class SqlMeterValueRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, batch: MeterValueBatch) -> int:
        rows = [
            dict(
                charge_box_id=batch.charge_box_id,
                connector_id=batch.connector_id,
                transaction_id=batch.transaction_id,
                reported_transaction_id=batch.reported_transaction_id,
                timestamp=reading.timestamp,
                value=sampled.value,
                context=_enum_value(sampled.context),
                format=_enum_value(sampled.format),
                measurand=_enum_value(sampled.measurand),
                location=_enum_value(sampled.location),
                unit=_enum_value(sampled.unit),
                source=batch.source,
                received_at=batch.received_at,
            )
            for reading in batch.readings
            for sampled in reading.values
        ]
        if rows:
            # One statement for all values (a multi-row INSERT on PostgreSQL, executemany on SQLite) instead of an
            # ORM object per value: a message may carry thousands of values.
            execute(self._session, _INSERT_METER_VALUES, rows)
        return len(rows)


# On the table, not the mapped class: a Core executemany skips the ORM's bulk-insert machinery.
_INSERT_METER_VALUES = insert(MeterValueRow.__table__)


class SqlConnectorRepository:
    """Connector status: the history row appended with a Core INSERT, the current row written with one upsert."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record_status(self, change: ConnectorStatusChange) -> None:
        fields = dict(
            status=change.status.value,
            error_code=change.error_code.value,
            info=change.info,
            vendor_id=change.vendor_id,
            vendor_error_code=change.vendor_error_code,
            status_timestamp=change.timestamp,
        )
        key = dict(charge_box_id=change.charge_box_id, connector_id=change.connector_id)
        execute(self._session, _INSERT_STATUS_HISTORY, {**key, **fields, "received_at": change.received_at})
        # INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite): a concurrent first notification for the same
        # connector cannot fail this one, and a known connector costs no SELECT first.
        upsert = _connector_upsert(self._session.get_bind().dialect.name)
        execute(self._session, upsert, {**key, **fields, "updated_at": change.received_at})


_STATUS_HISTORY = ConnectorStatusRow.__table__
_INSERT_STATUS_HISTORY = insert(_STATUS_HISTORY)
_CONNECTORS = ConnectorRow.__table__
_UPSERT = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


@functools.cache
def _connector_upsert(dialect: str) -> Any:
    statement = _UPSERT[dialect](_CONNECTORS)
    kept = [c.name for c in _CONNECTORS.c if c.name not in ("charge_box_id", "connector_id")]
    return statement.on_conflict_do_update(
        index_elements=[_CONNECTORS.c.charge_box_id, _CONNECTORS.c.connector_id],
        set_={name: statement.excluded[name] for name in kept},
    )


class SqlDataTransferRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: DataTransferRecord) -> None:
        self._session.add(
            DataTransferRow(
                charge_box_id=record.charge_box_id,
                vendor_id=record.vendor_id,
                message_id=record.message_id,
                data=record.data,
                status=record.status.value,
                response_data=record.response_data,
                received_at=record.received_at,
            )
        )
