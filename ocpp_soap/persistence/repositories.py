"""SQLAlchemy repositories: translate between domain values and ORM rows, inside one session."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
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
    def __init__(self, session: Session) -> None:
        self._session = session
        # The session's identity map holds rows weakly: keep the loaded ones so save() needs no second SELECT.
        self._rows: dict[str, StationRow] = {}

    def get(self, charge_box_id: str) -> Station | None:
        # Locked until the unit of work ends, so that two messages of one station handled at once on two workers
        # (or nodes) never both read, change and write the row: one waits, the other's update is not lost.
        # FOR NO KEY UPDATE on PostgreSQL still lets other stations' rows reference this one; SQLite ignores it and
        # serialises writers with BEGIN IMMEDIATE anyway.
        row = self._session.get(StationRow, charge_box_id, with_for_update={"key_share": True})
        if row is None:
            return None
        self._rows[charge_box_id] = row
        return _station_from_row(row)

    def add(self, station: Station) -> None:
        row = StationRow(charge_box_id=station.charge_box_id)
        _station_to_row(station, row)
        self._session.add(row)
        self._rows[station.charge_box_id] = row

    def save(self, station: Station) -> None:
        row = self._rows.get(station.charge_box_id) or self._session.get(StationRow, station.charge_box_id)
        if row is None:
            self.add(station)
        else:
            _station_to_row(station, row)

    def delete(self, charge_box_id: str) -> None:
        # The database cascades to everything that references the station (transactions, meter values, ...).
        self._rows.pop(charge_box_id, None)
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


def _station_from_row(row: StationRow) -> Station:
    details = None
    if row.charge_point_vendor is not None or row.charge_point_model is not None:
        details = BootDetails(**{name: getattr(row, name) for name in _BOOT_FIELDS})
    return Station(
        charge_box_id=row.charge_box_id,
        registration_status=RegistrationStatus(row.registration_status),
        protocol=Protocol(row.protocol) if row.protocol else None,
        endpoint_address=row.endpoint_address,
        address_problem=row.address_problem,
        details=details,
        boot_count=row.boot_count or 0,
        first_seen_at=row.first_seen_at,
        last_boot_at=row.last_boot_at,
        last_seen_at=row.last_seen_at,
        firmware_status=FirmwareStatus(row.firmware_status) if row.firmware_status else None,
        firmware_status_at=row.firmware_status_at,
        diagnostics_status=DiagnosticsStatus(row.diagnostics_status) if row.diagnostics_status else None,
        diagnostics_status_at=row.diagnostics_status_at,
    )


def _station_to_row(station: Station, row: StationRow) -> None:
    row.registration_status = station.registration_status.value
    row.protocol = _enum_value(station.protocol)
    row.endpoint_address = station.endpoint_address
    row.address_problem = station.address_problem
    for name in _BOOT_FIELDS:
        setattr(row, name, getattr(station.details, name) if station.details else None)
    row.boot_count = station.boot_count
    row.first_seen_at = station.first_seen_at
    row.last_boot_at = station.last_boot_at
    row.last_seen_at = station.last_seen_at
    row.firmware_status = _enum_value(station.firmware_status)
    row.firmware_status_at = station.firmware_status_at
    row.diagnostics_status = _enum_value(station.diagnostics_status)
    row.diagnostics_status_at = station.diagnostics_status_at


class SqlIdTagRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, id_tag: str) -> IdTag | None:
        row = self._session.get(IdTagRow, id_tag)
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


class SqlTransactionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: dict[int, TransactionRow] = {}

    def add(self, transaction: Transaction) -> int:
        row = TransactionRow(created_at=_now())
        _transaction_to_row(transaction, row)
        self._session.add(row)
        self._session.flush()  # the database assigns the id the station is told
        transaction.transaction_id = row.transaction_id
        return row.transaction_id

    def get(self, transaction_id: int) -> Transaction | None:
        row = self._session.get(TransactionRow, transaction_id)
        return None if row is None else self._from_row(row)

    def open_on_connector(self, charge_box_id: str, connector_id: int) -> list[Transaction]:
        query = select(TransactionRow).where(
            TransactionRow.charge_box_id == charge_box_id,
            TransactionRow.connector_id == connector_id,
            TransactionRow.stopped_at.is_(None),
        )
        return [self._from_row(row) for row in self._session.scalars(query)]

    def _from_row(self, row: TransactionRow) -> Transaction:
        self._rows[row.transaction_id] = row
        return Transaction(
            charge_box_id=row.charge_box_id,
            connector_id=row.connector_id,
            id_tag=row.id_tag,
            started_at=row.started_at,
            meter_start=row.meter_start,
            start_status=AuthorizationStatus(row.start_status),
            reservation_id=row.reservation_id,
            transaction_id=row.transaction_id,
            stopped_at=row.stopped_at,
            meter_stop=row.meter_stop,
            stop_id_tag=row.stop_id_tag,
            stop_reason=row.stop_reason,
        )

    def save(self, transaction: Transaction) -> None:
        assert transaction.transaction_id is not None
        row = self._rows.get(transaction.transaction_id) or self._session.get(TransactionRow, transaction.transaction_id)
        assert row is not None, "save() is for transactions loaded through this repository"
        _transaction_to_row(transaction, row)

    def has_open_for_tag(self, id_tag: str) -> bool:
        query = select(
            exists().where(
                TransactionRow.id_tag == id_tag,
                TransactionRow.stopped_at.is_(None),
                TransactionRow.start_status == AuthorizationStatus.ACCEPTED.value,
            )
        )
        return bool(self._session.scalar(query))

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


def _transaction_to_row(transaction: Transaction, row: TransactionRow) -> None:
    row.charge_box_id = transaction.charge_box_id
    row.connector_id = transaction.connector_id
    row.id_tag = transaction.id_tag
    row.start_status = transaction.start_status.value
    row.started_at = transaction.started_at
    row.meter_start = transaction.meter_start
    row.reservation_id = transaction.reservation_id
    row.stopped_at = transaction.stopped_at
    row.meter_stop = transaction.meter_stop
    row.stop_id_tag = transaction.stop_id_tag
    row.stop_reason = transaction.stop_reason


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
            # One executemany instead of an ORM object per value: a message may carry thousands of values.
            self._session.execute(insert(MeterValueRow), rows)
        return len(rows)


class SqlConnectorRepository:
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
        self._session.add(
            ConnectorStatusRow(
                charge_box_id=change.charge_box_id,
                connector_id=change.connector_id,
                received_at=change.received_at,
                **fields,
            )
        )
        key = (change.charge_box_id, change.connector_id)
        current = self._session.get(ConnectorRow, key)
        if current is None:
            try:
                # A concurrent first notification for the same connector may insert it first: then update it.
                with self._session.begin_nested():
                    self._session.add(
                        ConnectorRow(
                            charge_box_id=change.charge_box_id,
                            connector_id=change.connector_id,
                            updated_at=change.received_at,
                            **fields,
                        )
                    )
                return
            except IntegrityError:
                current = self._session.get(ConnectorRow, key, populate_existing=True)
                assert current is not None
        for name, value in fields.items():
            setattr(current, name, value)
        current.updated_at = change.received_at


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
