"""Requests to a station under the ids the station knows.

A station whose StartTransaction the back office answered in time uses the back office's transaction id for the
rest of the session, while ocpp-soap's tables keep their own. Every request that names a session, whoever sends it
(an operator through the API, or the back office through the relay), is built with ocpp-soap's id; this wrapper of
the station client puts the station's id on the wire. The command log keeps ocpp-soap's id; the message log shows
the wire.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar, cast

from ..domain import station_requests as sr
from ..domain.ports import StationClient, UnitOfWork
from ..domain.versions import Protocol
from .model import IdKind

A = TypeVar("A")


class StationIdClient:
    def __init__(self, inner: StationClient, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._inner = inner
        self._uow_factory = uow_factory

    def unsupported_field(self, protocol: Protocol, request: sr.StationRequest[A]) -> str | None:
        return self._inner.unsupported_field(protocol, request)

    def call(self, protocol: Protocol, address: str, request: sr.StationRequest[A]) -> sr.StationCallResult[A]:
        if isinstance(request, sr.RequestRemoteStop):
            station_id = self._station_id(request.transaction_id)
            if station_id is not None and station_id != request.transaction_id:
                wire = dataclasses.replace(request, transaction_id=station_id)
                result = self._inner.call(protocol, address, cast(sr.StationRequest[A], wire))
                return dataclasses.replace(result, sent=cast(sr.StationRequest[A], request))
        return self._inner.call(protocol, address, request)

    def _station_id(self, local_id: int) -> int | None:
        try:
            with self._uow_factory() as uow:
                relay = getattr(uow, "relay", None)
                mapping = relay.mapping(IdKind.TRANSACTION, local_id) if relay is not None else None
        except Exception:  # noqa: BLE001 - without the mapping the station gets ocpp-soap's id, as without a relay
            return None
        return mapping.station_id if mapping is not None else None


