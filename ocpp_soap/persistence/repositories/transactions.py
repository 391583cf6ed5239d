"""Charging sessions and their meter values in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from ...domain.model import (
    AuthorizationStatus,
    MeterValueBatch,
    Transaction,
    UnknownTransactionStop,
)
from ..core_execution import execute
from ..orm import (
    MeterValueRow,
    TransactionRow,
    UnknownTransactionStopRow,
    table_of,
)
from .values import enum_value, now


class SqlTransactionRepository:
    """Transactions with Core statements: the id comes back from the INSERT itself, and ``save`` writes only the
    columns that changed since they were read."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._loaded: dict[int, dict[str, Any]] = {}

    def add(self, transaction: Transaction) -> int:
        values = {**_transaction_values(transaction), "created_at": now()}
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
        before = self._loaded.get(transaction.transaction_id) if transaction.transaction_id is not None else None
        if before is None:
            raise ValueError("save() is for transactions added or loaded through this repository")
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
                received_at=now(),
            )
        )


_TRANSACTIONS = table_of(TransactionRow)
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
                context=enum_value(sampled.context),
                format=enum_value(sampled.format),
                measurand=enum_value(sampled.measurand),
                location=enum_value(sampled.location),
                unit=enum_value(sampled.unit),
                phase=enum_value(sampled.phase),
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
_INSERT_METER_VALUES = insert(table_of(MeterValueRow))
