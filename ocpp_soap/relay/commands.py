"""The back office's CALLs, run like an operator's commands: through the bus, so that each one is in the command
log and its SOAP exchange in the message log, with ocpp-soap's own checks (an unknown transaction, a reservation
that is not active) and stored state following the answer (reservations, local lists, configuration).

Runs in a worker thread of the relay process (the bus and the SOAP client are synchronous).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..bus import MessageBus
from ..domain.errors import (
    DomainError,
    FieldNotSupported,
    InvalidCommand,
    OperationNotSupported,
    TransactionNotOpen,
    UnknownReservation,
)
from ..domain.versions import Protocol
from ..persistence.relay_store import RelayProcessUnitOfWork
from . import downstream
from .downstream import Answered, CallRefused
from .model import IdKind, IdMapping

logger = logging.getLogger(__name__)


class Lookups:
    """The ids and keys a CALL's adapter needs, for one station, each read in a short transaction."""

    def __init__(self, uow_factory: Callable[[], RelayProcessUnitOfWork], charge_box_id: str) -> None:
        self._uow = uow_factory
        self.charge_box_id = charge_box_id

    def local_transaction(self, csms_id: int) -> int | None:
        with self._uow() as uow:
            return uow.relay.local_for_csms_id(IdKind.TRANSACTION, self.charge_box_id, csms_id)

    def local_reservation(self, csms_id: int) -> int | None:
        with self._uow() as uow:
            return uow.relay.local_for_csms_id(IdKind.RESERVATION, self.charge_box_id, csms_id)

    def keep_reservation(self, local_id: int, csms_id: int) -> None:
        with self._uow() as uow:
            uow.relay.map_ids(IdMapping(IdKind.RESERVATION, self.charge_box_id, local_id, local_id, csms_id),
                              datetime.now(UTC))
            uow.commit()

    def known_keys(self) -> frozenset[str]:
        with self._uow() as uow:
            return frozenset(value.key for value in uow.configuration.get_all(self.charge_box_id))


class CommandRunner:
    def __init__(self, bus: MessageBus, uow_factory: Callable[[], RelayProcessUnitOfWork]) -> None:
        self._bus = bus
        self._uow = uow_factory

    def protocol(self, charge_box_id: str) -> Protocol | None:
        with self._uow() as uow:
            station = uow.stations.get(charge_box_id)
            return station.protocol if station is not None else None

    def run(self, charge_box_id: str, protocol: Protocol, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The 1.6-J result of a CALL the station's version has; :class:`CallRefused` for a CALLERROR."""
        lookups = Lookups(self._uow, charge_box_id)
        try:
            request = downstream.station_request(charge_box_id, protocol, action, payload, lookups)
        except Answered as answered:
            return answered.answer
        try:
            result = self._bus.handle(request)
        except (TransactionNotOpen, UnknownReservation):
            return {"status": "Rejected"}  # not open (not active) at this station: what a charge point answers
        except (OperationNotSupported, FieldNotSupported) as exc:
            raise CallRefused("NotSupported", str(exc)[:255]) from None
        except InvalidCommand as exc:
            raise CallRefused("PropertyConstraintViolation", str(exc)[:255]) from None
        except DomainError as exc:
            raise CallRefused("GenericError", str(exc)[:255]) from None
        return downstream.call_result(action, protocol, payload, result, lookups)
