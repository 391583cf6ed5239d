"""Charging sessions: start, stop and the meter values recorded along the way."""

from __future__ import annotations

from ..domain import events
from ..domain import station_messages as messages
from ..domain.errors import InvalidCommand
from ..domain.model import (
    IdTagInfo,
    MeterValueBatch,
    ReservationState,
    Transaction,
    UnknownTransactionStop,
    authorize,
)
from ..domain.ports import Clock, UnitOfWork
from .access import admitted_station
from .smart_charging import end_transaction_profiles


def start_transaction(
    cmd: messages.StartTransaction, uow: UnitOfWork, clock: Clock
) -> messages.StartTransactionResult:
    """Record the session and answer with a fresh transaction id, whatever the tag's verdict.

    The station has already started charging (or will stop at once on a refusal); either way the session
    exists and its later StopTransaction must find it, so it is stored with the verdict it was given.
    """
    now = clock()
    station = admitted_station(uow, cmd, now)
    if cmd.connector_id < 1:
        raise InvalidCommand("connector_id", f"a transaction needs a connector id of 1 or more, got {cmd.connector_id}")
    tag = uow.id_tags.get(cmd.id_tag)
    for previous in uow.transactions.open_on_connector(station.charge_box_id, cmd.connector_id):
        if previous.is_same_start(cmd.connector_id, cmd.id_tag, cmd.timestamp, cmd.meter_start):
            # The station resent a start whose answer it never got: same transaction, same verdict.
            same = authorize(tag, now)
            return messages.StartTransactionResult(
                previous.stored_id, IdTagInfo(previous.start_status, same.expiry_date, same.parent_id_tag)
            )
        previous.supersede(cmd.timestamp)
        uow.transactions.save(previous)
        end_transaction_profiles(uow, station.charge_box_id, cmd.connector_id, previous.stored_id)
        uow.events.append(events.TransactionSuperseded(station.charge_box_id, previous.stored_id, cmd.connector_id))
    info = authorize(tag, now, in_open_transaction=uow.transactions.has_open_for_tag(cmd.id_tag))
    transaction = Transaction(
        charge_box_id=station.charge_box_id,
        connector_id=cmd.connector_id,
        id_tag=cmd.id_tag,
        started_at=cmd.timestamp,
        meter_start=cmd.meter_start,
        start_status=info.status,
        reservation_id=cmd.reservation_id,
    )
    transaction_id = uow.transactions.add(transaction)
    if cmd.reservation_id is not None:
        _use_reservation(uow, station.charge_box_id, cmd.reservation_id)
    uow.events.append(events.TransactionStarted(station.charge_box_id, transaction_id, cmd.connector_id, cmd.id_tag))
    return messages.StartTransactionResult(transaction_id=transaction_id, id_tag_info=info)


def _use_reservation(uow: UnitOfWork, charge_box_id: str, reservation_id: int) -> None:
    """A start that names one of our reservations consumes it; a reservation we never made is ignored."""
    reservation = uow.reservations.get(reservation_id)
    if reservation is not None and reservation.charge_box_id == charge_box_id:
        reservation.state = ReservationState.USED
        uow.reservations.save(reservation)


def stop_transaction(cmd: messages.StopTransaction, uow: UnitOfWork, clock: Clock) -> messages.StopTransactionResult:
    """Close the session; a stop for a transaction we do not know is still recorded, never dropped."""
    now = clock()
    station = admitted_station(uow, cmd, now)
    transaction = uow.transactions.get(cmd.transaction_id)
    known = transaction is not None and transaction.charge_box_id == station.charge_box_id
    if transaction is not None and known:
        transaction.stop(cmd.timestamp, cmd.meter_stop, cmd.id_tag, cmd.reason)
        uow.transactions.save(transaction)
        connector_id = transaction.connector_id
        end_transaction_profiles(uow, station.charge_box_id, connector_id, cmd.transaction_id)
    else:
        uow.transactions.add_unknown_stop(
            UnknownTransactionStop(
                charge_box_id=station.charge_box_id,
                reported_transaction_id=cmd.transaction_id,
                stopped_at=cmd.timestamp,
                meter_stop=cmd.meter_stop,
                id_tag=cmd.id_tag,
                reason=cmd.reason,
            )
        )
        connector_id = 0
    if cmd.transaction_data:
        uow.meter_values.add(
            MeterValueBatch(
                charge_box_id=station.charge_box_id,
                connector_id=connector_id,
                readings=cmd.transaction_data,
                received_at=now,
                transaction_id=cmd.transaction_id if known else None,
                reported_transaction_id=cmd.transaction_id,
                source="StopTransaction",
            )
        )
    uow.events.append(events.TransactionStopped(station.charge_box_id, cmd.transaction_id, cmd.meter_stop, known))
    if cmd.id_tag is None:
        return messages.StopTransactionResult(id_tag_info=None)
    info = authorize(uow.id_tags.get(cmd.id_tag), now)
    return messages.StopTransactionResult(id_tag_info=info)


def record_meter_values(cmd: messages.RecordMeterValues, uow: UnitOfWork, clock: Clock) -> None:
    now = clock()
    station = admitted_station(uow, cmd, now)
    linked: int | None = None
    if cmd.transaction_id is not None:
        transaction = uow.transactions.get(cmd.transaction_id)
        if transaction is not None and transaction.charge_box_id == station.charge_box_id:
            linked = cmd.transaction_id
    else:
        # OCPP 1.2 never names the transaction (1.5 may not): the connector's one open session is the one metered.
        running = uow.transactions.open_on_connector(station.charge_box_id, cmd.connector_id)
        if len(running) == 1:
            linked = running[0].transaction_id
    count = uow.meter_values.add(
        MeterValueBatch(
            charge_box_id=station.charge_box_id,
            connector_id=cmd.connector_id,
            readings=cmd.readings,
            received_at=now,
            transaction_id=linked,
            reported_transaction_id=cmd.transaction_id,
        )
    )
    uow.events.append(events.MeterValuesRecorded(station.charge_box_id, cmd.connector_id, linked, count))
