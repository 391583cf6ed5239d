"""Operator commands toward stations: check, call the station through its add-on, record, follow the answer.

Three steps, and the middle one holds no database transaction, because a slow or dead station must not hold
locks that station traffic needs: (1) in one transaction, find the station and its binding, refuse what cannot be
sent, and prepare what the gateway adds (a reservation id, the next local-list version); (2) call the station;
(3) in a second transaction, let stored state follow the answer and write the command log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..domain import station_requests as sr
from ..domain.errors import (
    InvalidCommand,
    OperationNotSupported,
    TransactionNotOpen,
    UnknownReservation,
    UnknownStation,
)
from ..domain.message_log import Direction, LoggedExchange, WireExchange, clipped
from ..domain.model import Protocol, Station
from ..domain.ports import ChargePointClient, Clock, UnitOfWork
from ..json_values import to_jsonable
from .reachability import Reachability


def send_station_request(
    cmd: sr.StationRequest,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    charge_point_clients: Mapping[Protocol, ChargePointClient],
    reachability: Reachability | None = None,
) -> sr.StationCallResult:
    now = clock()
    with uow_factory() as uow:
        station = uow.stations.get(cmd.charge_box_id)
        if station is None:
            raise UnknownStation(cmd.charge_box_id)
        client = charge_point_clients.get(station.protocol) if station.protocol else None
        if client is None or cmd.operation not in client.operations:
            raise OperationNotSupported(cmd.charge_box_id, cmd.operation, station.protocol and station.protocol.value)
        added = _prepare(cmd, uow, station, now)
        call = client.build(cmd, added)
        uow.commit()

    if station.endpoint_address is None:
        result = sr.StationCallResult(
            sr.CallOutcome.NO_ADDRESS,
            error=f"no address is known for station {station.charge_box_id!r}: {station.address_problem}",
        )
    else:
        # A station that just failed to answer is not called again at once (see reachability).
        result = reachability.recall(station, clock()) if reachability is not None else None
        if result is None:
            result = client.call(station.endpoint_address, station.charge_box_id, call)
            if reachability is not None:
                reachability.note(station, now, clock(), result)

    with uow_factory() as uow:
        remarks = _follow(cmd, result, added, uow, clock())
        log_id = uow.command_log.add(
            sr.CommandLogEntry(
                charge_box_id=station.charge_box_id,
                operation=cmd.operation,
                parameters=to_jsonable(call.fields),
                requested_at=now,
                outcome=result.outcome.value,
                answer=to_jsonable(result.answer),
                error=result.error,
                duration_ms=result.duration_ms,
                protocol=station.protocol.value if station.protocol else None,
                address=station.endpoint_address,
                requested_by=cmd.requested_by,
            )
        )
        if result.wire is not None:
            uow.message_log.add(_logged(station.charge_box_id, cmd.operation, now, result, result.wire))
        uow.commit()
    return dataclasses.replace(result, added=added, remarks=remarks, log_id=log_id)


def _logged(
    charge_box_id: str, operation: str, at: datetime, result: sr.StationCallResult, wire: WireExchange
) -> LoggedExchange:
    return LoggedExchange(
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


def _prepare(cmd: sr.StationRequest, uow: UnitOfWork, station: Station, now: datetime) -> dict[str, Any]:
    """Refuse what cannot be sent; return what the gateway adds to the request (OCPP field names)."""
    if isinstance(cmd, sr.RequestRemoteStop):
        transaction = uow.transactions.get(cmd.transaction_id)
        if transaction is None or transaction.charge_box_id != station.charge_box_id or not transaction.is_open:
            raise TransactionNotOpen(station.charge_box_id, cmd.transaction_id)
    elif isinstance(cmd, sr.RequestReserveNow):
        if cmd.expiry_date <= now:
            raise InvalidCommand("expiryDate", "a reservation must expire in the future")
        reservation = sr.Reservation(
            station.charge_box_id, cmd.connector_id, cmd.id_tag, cmd.expiry_date, now, cmd.parent_id_tag
        )
        return {"reservationId": uow.reservations.add(reservation)}
    elif isinstance(cmd, sr.RequestCancelReservation):
        reservation = uow.reservations.get(cmd.reservation_id)
        if (
            reservation is None
            or reservation.charge_box_id != station.charge_box_id
            or reservation.state not in (sr.ReservationState.ACCEPTED, sr.ReservationState.REQUESTED)
            or reservation.expiry_date <= now
        ):
            raise UnknownReservation(station.charge_box_id, cmd.reservation_id)
    elif isinstance(cmd, sr.RequestSendLocalList) and cmd.list_version is None:
        stored = uow.local_lists.get(station.charge_box_id)
        return {"listVersion": (stored.version if stored else 0) + 1}
    return {}


def _follow(
    cmd: sr.StationRequest, result: sr.StationCallResult, added: Mapping[str, Any], uow: UnitOfWork, now: datetime
) -> dict[str, Any]:
    """Let stored state follow the station's answer; return the gateway's remarks on it."""
    status = result.status if result.answered else None
    charge_box_id = cmd.charge_box_id
    if isinstance(cmd, sr.RequestReserveNow):
        reservation = uow.reservations.get(int(added["reservationId"]))
        assert reservation is not None
        # The station's ReservationStatus values are states of ours too; no answer at all means it failed.
        answered = status in {s.value for s in sr.ReservationStatus}
        reservation.state = sr.ReservationState(status) if answered else sr.ReservationState.FAILED
        uow.reservations.save(reservation)
    elif isinstance(cmd, sr.RequestCancelReservation) and status == sr.CancelReservationStatus.ACCEPTED:
        reservation = uow.reservations.get(cmd.reservation_id)
        if reservation is not None:
            reservation.state = sr.ReservationState.CANCELLED
            uow.reservations.save(reservation)
    elif isinstance(cmd, sr.RequestSendLocalList) and status == sr.UpdateStatus.ACCEPTED:
        version = cmd.list_version if cmd.list_version is not None else int(added["listVersion"])
        local_list = uow.local_lists.get(charge_box_id) or sr.LocalList(charge_box_id, 0, {}, now)
        local_list.apply(cmd.update_type, cmd.entries, version, now)
        uow.local_lists.save(local_list)
    elif isinstance(cmd, sr.RequestGetLocalListVersion) and result.answered:
        stored = uow.local_lists.get(charge_box_id)
        # Version 0 is OCPP's "no list": what a station has before we ever sent one.
        return {
            "storedListVersion": stored.version if stored else None,
            "listVersionMatches": (stored.version if stored else 0) == result.answer.get("listVersion"),
        }
    elif isinstance(cmd, sr.RequestChangeConfiguration) and status == sr.ConfigurationStatus.ACCEPTED:
        uow.configuration.put(charge_box_id, sr.ConfigurationValue(cmd.key, cmd.value, None, now))
    elif isinstance(cmd, sr.RequestGetConfiguration) and result.answered:
        for item in result.answer.get("configurationKey") or ():
            uow.configuration.put(
                charge_box_id, sr.ConfigurationValue(item["key"], item.get("value"), item.get("readonly"), now)
            )
        unknown = result.answer.get("unknownKey") or []
        return {"storedKeys": len(result.answer.get("configurationKey") or ()), "unknownKeys": list(unknown)}
    return {}
