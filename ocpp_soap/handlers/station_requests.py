"""Station requests: check, fill in what the gateway adds, call the station, record, follow the answer.

Three steps, and the middle one holds no database transaction, because a slow or dead station must not hold
locks that station traffic needs: (1) in one transaction, find the station and its binding, refuse what cannot be
sent, and :func:`prepare` the request (a reservation id, the next local-list version); (2) call the station;
(3) in a second transaction, let stored state :func:`follow` the answer and write the command log.

What each operation needs in steps 1 and 3 is registered per request type on :func:`prepare` and :func:`follow`;
operations that need nothing are sent as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from functools import singledispatch
from typing import Any

from ..domain import station_requests as sr
from ..domain.errors import (
    FieldNotSupported,
    InvalidCommand,
    NotWhileNotAccepted,
    OperationNotSupported,
    TransactionNotOpen,
    UnknownReservation,
    UnknownStation,
)
from ..domain.message_log import Direction, MessageLogEntry, WireRecord, clipped
from ..domain.model import (
    ConfigurationValue,
    LocalList,
    Reservation,
    ReservationState,
    Station,
)
from ..domain.ports import Clock, StationClient, UnitOfWork
from .reachability import Reachability

Request = sr.StationRequest[Any]
Result = sr.StationCallResult[Any]


def send_station_request(
    request: Request,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    station_client: StationClient,
    reachability: Reachability,
) -> Result:
    """Send ``request`` to its station, and record what came of it."""
    now = clock()
    with uow_factory() as uow:
        station = uow.stations.get(request.charge_box_id)
        if station is None:
            raise UnknownStation(request.charge_box_id)
        protocol = station.protocol
        if protocol is None or request.operation not in protocol.operator_operations:
            raise OperationNotSupported(request.charge_box_id, request.operation, protocol and protocol.value)
        if protocol.has_pending and not station.is_accepted and request.operation in sr.NOT_BEFORE_ACCEPTED:
            raise NotWhileNotAccepted(
                request.charge_box_id, request.operation, station.registration_status.value, protocol.value
            )
        unsupported = station_client.unsupported_field(protocol, request)
        if unsupported is not None:
            raise FieldNotSupported(request.charge_box_id, request.operation, unsupported, protocol.value)
        sent = prepare(request, uow, station, now)
        uow.commit()

    if station.endpoint_address is None:
        result: Result = sr.StationCallResult(
            sr.CallOutcome.NO_ADDRESS,
            error=f"no address is known for station {station.charge_box_id!r}: {station.address_problem}",
        )
    else:
        # A station that just failed to answer is not called again at once (see reachability).
        recalled = reachability.recall(station, clock())
        if recalled is not None:
            result = recalled
        else:
            result = station_client.call(protocol, station.endpoint_address, sent)
            reachability.note(station, now, clock(), result)

    with uow_factory() as uow:
        remarks = follow(sent, result, uow, clock())
        log_id = uow.command_log.add(
            sr.CommandLogEntry(
                charge_box_id=station.charge_box_id,
                request=sent,
                requested_at=now,
                outcome=result.outcome,
                answer=result.answer,
                error=result.error,
                duration_ms=result.duration_ms,
                protocol=protocol.value,
                address=station.endpoint_address,
                requested_by=request.requested_by,
            )
        )
        if result.wire is not None:
            uow.message_log.add(_logged(station.charge_box_id, request.operation, now, result, result.wire))
        uow.commit()
    return dataclasses.replace(result, sent=sent, remarks=remarks, log_id=log_id)


def _logged(charge_box_id: str, operation: str, at: datetime, result: Result, wire: WireRecord) -> MessageLogEntry:
    return MessageLogEntry(
        at=at,
        direction=Direction.TO_STATION,
        charge_box_id=charge_box_id,
        operation=operation,
        message_id=clipped(wire.message_id, 255),
        outcome=result.outcome.value,
        http_status=wire.http_status,
        duration_ms=result.duration_ms,
        request=clipped(wire.request),
        response=clipped(wire.response),
        error=result.error,
    )


# -- step 1: refuse what cannot be sent, fill in what the gateway adds --------------------------------------------


@singledispatch
def prepare(request: Request, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    """The request as it will be sent; most go as they are."""
    return request


@prepare.register
def _(request: sr.RequestRemoteStop, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    transaction = uow.transactions.get(request.transaction_id)
    if transaction is None or transaction.charge_box_id != station.charge_box_id or not transaction.is_open:
        raise TransactionNotOpen(station.charge_box_id, request.transaction_id)
    return request


@prepare.register
def _(request: sr.RequestReserveNow, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    if request.expiry_date <= now:
        raise InvalidCommand("expiry_date", "a reservation must expire in the future")
    reservation = Reservation(
        station.charge_box_id, request.connector_id, request.id_tag, request.expiry_date, now, request.parent_id_tag
    )
    return dataclasses.replace(request, reservation_id=uow.reservations.add(reservation))


@prepare.register
def _(request: sr.RequestCancelReservation, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    reservation = uow.reservations.get(request.reservation_id)
    if reservation is None or not reservation.is_cancellable(station.charge_box_id, now):
        raise UnknownReservation(station.charge_box_id, request.reservation_id)
    return request


@prepare.register
def _(request: sr.RequestSendLocalList, uow: UnitOfWork, station: Station, now: datetime) -> Request:
    if request.list_version is not None:
        return request
    stored = uow.local_lists.get(station.charge_box_id)
    return dataclasses.replace(request, list_version=(stored.version if stored else 0) + 1)


# -- step 3: let stored state follow the answer ------------------------------------------------------------------

Remarks = sr.Remarks | None


@singledispatch
def follow(sent: Request, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    """Let stored state follow the station's answer; return the gateway's remarks on it (most have none)."""
    return None


@follow.register
def _(sent: sr.RequestReserveNow, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    reservation = uow.reservations.get(sent.reservation_id) if sent.reservation_id is not None else None
    if reservation is not None:
        # The station's ReservationStatus values are states of ours too; no answer at all means it failed.
        answer = result.answer
        reservation.state = ReservationState(answer.status) if answer is not None else ReservationState.FAILED
        uow.reservations.save(reservation)
    return None


@follow.register
def _(sent: sr.RequestCancelReservation, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    if result.status == sr.CancelReservationStatus.ACCEPTED:
        reservation = uow.reservations.get(sent.reservation_id)
        if reservation is not None:
            reservation.state = ReservationState.CANCELLED
            uow.reservations.save(reservation)
    return None


@follow.register
def _(sent: sr.RequestSendLocalList, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    if result.status == sr.UpdateStatus.ACCEPTED and sent.list_version is not None:  # prepare() filled it in
        local_list = uow.local_lists.get(sent.charge_box_id) or LocalList(sent.charge_box_id, 0, {}, now)
        local_list.apply(sent.update_type, sent.entries, sent.list_version, now)
        uow.local_lists.save(local_list)
    return None


@follow.register
def _(sent: sr.RequestGetLocalListVersion, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    answer = result.answer
    if not isinstance(answer, sr.GetLocalListVersionAnswer):
        return None
    stored = uow.local_lists.get(sent.charge_box_id)
    # Version 0 is OCPP's "no list": what a station has before we ever sent one.
    return sr.LocalListVersionCheck(
        stored_list_version=stored.version if stored else None,
        list_version_matches=(stored.version if stored else 0) == answer.list_version,
    )


@follow.register
def _(sent: sr.RequestChangeConfiguration, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    if result.status == sr.ConfigurationStatus.ACCEPTED:
        uow.configuration.put(sent.charge_box_id, ConfigurationValue(sent.key, sent.value, None, now))
    return None


@follow.register
def _(sent: sr.RequestGetConfiguration, result: Result, uow: UnitOfWork, now: datetime) -> Remarks:
    answer = result.answer
    if not isinstance(answer, sr.GetConfigurationAnswer):
        return None
    for item in answer.configuration_keys:
        uow.configuration.put(sent.charge_box_id, ConfigurationValue(item.key, item.value, item.readonly, now))
    return sr.ConfigurationStored(stored_keys=len(answer.configuration_keys), unknown_keys=answer.unknown_keys)
