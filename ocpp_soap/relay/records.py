"""What the relay process reads and writes in the database, one short transaction each (run in worker threads
by the asyncio side): ids to send under, deliveries and their answers, the message log's JSON frames, the link's
state and the back office's registration verdict. Nothing here holds a transaction across network I/O.

Delivery is acknowledged in one transaction with everything the answer means (the row leaves the queue, the
session gets its back-office id, the frames are logged, the counter moves), so a message the back office answered
is never sent again, except when the relay dies between the answer's arrival and that commit: then it is sent again
under the same OCPP message id (derived from the queue row), which a back office can recognise.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..domain.message_log import Direction, MessageLogEntry, clipped
from ..domain.model import RegistrationStatus
from ..persistence.relay_store import RelayProcessUnitOfWork
from .model import INT64_MAX, IdKind, LinkState, OutboxEntry, OutboxState, RelayedStation
from .upstream import boot_notification

logger = logging.getLogger(__name__)

UID_NAMESPACE = uuid.UUID("6f1c6a52-3d1e-4c8f-9a4c-0c2f3b7e5a11")


class NotDeliverable(Exception):
    """The message refers to something the back office never learnt of (a session whose start it never got)."""


@dataclass(frozen=True)
class Frames:
    """One exchange with the back office as it went over the socket."""

    unique_id: str
    action: str
    request: str
    response: str | None
    duration_ms: float
    outcome: str  # ok | callerror | timeout | closed | invalid
    error: str | None = None
    direction: Direction = Direction.TO_BACK_OFFICE


def uid_for(entry: OutboxEntry) -> str:
    """The OCPP message id of a queued message: the same at every attempt, and the same as the worker's ask used."""
    if entry.key:
        return uid_for_key(entry.key)
    return str(uuid.uuid5(UID_NAMESPACE, f"{entry.charge_box_id}/{entry.id}/{entry.created_at.isoformat()}"))


def uid_for_key(key: str) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, f"key/{key}"))


class Records:
    def __init__(self, uow_factory: Callable[[], RelayProcessUnitOfWork]) -> None:
        self._uow = uow_factory

    # -- what to send --------------------------------------------------------------------------------------------

    def before_ask(self, charge_box_id: str, key: str, action: str, payload: dict[str, Any]
                   ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """In one transaction: the answer already kept for this request (a resend), and the payload to send."""
        with self._uow() as uow:
            kept = uow.store.answer(key)
            if kept is not None:
                return kept, payload
            return None, self._resolve(uow, charge_box_id, action, payload, station_ids=True)

    def resolve(self, charge_box_id: str, action: str, payload: dict[str, Any], *, station_ids: bool) -> dict[str, Any]:
        """The payload with the back office's ids. ``station_ids``: transaction ids are the station's (an ask),
        else ocpp-soap's (a queued message). Raises :class:`NotDeliverable`."""
        if not _has_ids(action, payload):
            return payload
        with self._uow() as uow:
            return self._resolve(uow, charge_box_id, action, payload, station_ids=station_ids)

    def _resolve(self, uow: RelayProcessUnitOfWork, charge_box_id: str, action: str, payload: dict[str, Any], *,
                 station_ids: bool) -> dict[str, Any]:
        if not _has_ids(action, payload):
            return payload
        relay = uow.relay
        payload = dict(payload)
        if action in ("StopTransaction", "MeterValues") and "transactionId" in payload:
            local: int | None = int(payload["transactionId"])
            if station_ids:
                local = relay.local_for_station_id(IdKind.TRANSACTION, charge_box_id, int(payload["transactionId"]))
                if local is None:  # a session from before relaying, or unmapped: the station's id is ours
                    local = int(payload["transactionId"])
            mapping = relay.mapping(IdKind.TRANSACTION, local) if local is not None else None
            csms = mapping.csms_id if mapping is not None and mapping.charge_box_id == charge_box_id else None
            if csms is None:
                if action == "StopTransaction":
                    raise NotDeliverable("the back office never got this session's StartTransaction")
                del payload["transactionId"]  # readings of a session it does not know: sent without it
            else:
                payload["transactionId"] = csms
        if action == "StartTransaction" and "reservationId" in payload:
            mapping = relay.mapping(IdKind.RESERVATION, int(payload["reservationId"]))
            if mapping is None or mapping.csms_id is None:
                del payload["reservationId"]  # a reservation of ocpp-soap's own operators: not the back office's
            else:
                payload["reservationId"] = mapping.csms_id
        return payload

    def queued(self, charge_box_id: str, limit: int) -> list[OutboxEntry]:
        with self._uow() as uow:
            return uow.store.queued(charge_box_id, limit)

    def next_batch(self, charge_box_id: str, limit: int) -> tuple[list[OutboxEntry], dict[str, dict[str, Any]]]:
        """The next queued messages, and the answers already kept for any of them (see :meth:`asked`)."""
        with self._uow() as uow:
            entries = uow.store.queued(charge_box_id, limit)
            return entries, uow.store.answers(entry.key for entry in entries if entry.key)

    def first_queued(self, charge_box_id: str, action: str) -> OutboxEntry | None:
        with self._uow() as uow:
            return uow.store.first_queued(charge_box_id, action)

    def queue_length(self, charge_box_id: str) -> int:
        with self._uow() as uow:
            return uow.relay.queue_length(charge_box_id)

    def kept_answer(self, key: str) -> dict[str, Any] | None:
        with self._uow() as uow:
            return uow.store.answer(key)

    def boot_payload(self, charge_box_id: str) -> dict[str, Any] | None:
        """A BootNotification from the stored boot details (for a link that must register before anything else)."""
        with self._uow() as uow:
            station = uow.stations.get(charge_box_id)
        if station is None or station.details is None or station.protocol is None:
            return None
        from ..domain.model import StationOrigin
        from ..domain.station_messages import BootChargingStation

        origin = StationOrigin(charge_box_id, station.protocol)
        return boot_notification(BootChargingStation(origin, station.details))

    # -- what came of it ---------------------------------------------------------------------------------------

    # -- what came of it: writes made inside a unit of work the journal gives (it commits several together) ------

    def write(self, writes: list[tuple[Callable[..., None], tuple[Any, ...]]]) -> None:
        """Several writes in one transaction."""
        with self._uow() as uow:
            for write, args in writes:
                write(uow, *args)
            uow.commit()

    def delivered(self, uow: RelayProcessUnitOfWork, entry: OutboxEntry, answer: dict[str, Any],
                  frames: Frames | None, link: LinkKey) -> None:
        """The back office answered a queued message (``frames`` None: it had answered it already, to an ask)."""
        assert entry.id is not None
        uow.store.finish(entry.id, OutboxState.ACKED, answer=answer)
        self._follow(uow, entry.charge_box_id, entry.action, entry.payload, answer, link, local_ids=True,
                     session_id=entry.session_id)
        uow.store.count(entry.action, "forwarded")
        if frames is not None:
            uow.message_log.add(_entry(entry.charge_box_id, frames))

    def failed(self, uow: RelayProcessUnitOfWork, entry: OutboxEntry, error: str, frames: Frames | None) -> None:
        assert entry.id is not None
        uow.store.finish(entry.id, OutboxState.FAILED, error=error[:2000])
        uow.store.count(entry.action, "failed")
        if frames is not None:
            uow.message_log.add(_entry(entry.charge_box_id, frames))

    def attempted(self, uow: RelayProcessUnitOfWork, entry: OutboxEntry, frames: Frames) -> None:
        """Sent, and no answer (timeout, socket closed): it stays first in the queue."""
        assert entry.id is not None
        uow.store.attempted(entry.id, frames.error or frames.outcome)
        uow.message_log.add(_entry(entry.charge_box_id, frames))

    def asked(self, uow: RelayProcessUnitOfWork, charge_box_id: str, key: str, action: str, payload: dict[str, Any],
              answer: dict[str, Any] | None, frames: Frames, link: LinkKey) -> None:
        """A worker's ask went out: keep the answer (or the CALLERROR) under the request's key, so that a resend,
        or the queued copy of a request whose answer came too late, is not delivered a second time."""
        if answer is not None:
            uow.store.keep_answer(key, charge_box_id, action, answer)
            self._follow(uow, charge_box_id, action, payload, answer, link, local_ids=False)
            uow.store.count(action, "forwarded")
        elif frames.outcome in ("callerror", "invalid"):
            uow.store.keep_answer(key, charge_box_id, action, {"_error": frames.error or frames.outcome})
            uow.store.count(action, "failed")
        uow.message_log.add(_entry(charge_box_id, frames))

    def booted(self, uow: RelayProcessUnitOfWork, charge_box_id: str, answer: dict[str, Any] | None, frames: Frames,
               link: LinkKey) -> None:
        """A BootNotification the relay sent itself (to register a link): its verdict, its frames."""
        if answer is not None:
            self._follow(uow, charge_box_id, "BootNotification", {}, answer, link, local_ids=False)
        uow.store.count("BootNotification", "forwarded" if answer is not None else "failed")
        uow.message_log.add(_entry(charge_box_id, frames))

    def logged(self, uow: RelayProcessUnitOfWork, charge_box_id: str, frames: Frames) -> None:
        uow.message_log.add(_entry(charge_box_id, frames))

    def _follow(self, uow: RelayProcessUnitOfWork, charge_box_id: str, action: str, payload: dict[str, Any],
                answer: dict[str, Any], link: LinkKey, *, local_ids: bool, session_id: int | None = None) -> None:
        if action == "StartTransaction" and local_ids:
            local = session_id
            csms_id = answer.get("transactionId")
            if local is not None and isinstance(csms_id, int) and abs(csms_id) <= INT64_MAX:
                uow.relay.set_csms_id(IdKind.TRANSACTION, local, csms_id)
        if action == "BootNotification":
            status = str(answer.get("status"))
            uow.store.update_link(charge_box_id, link.node_id, link.epoch, registration=status,
                                  registered_url=link.url[:2048], heartbeat_interval=answer.get("interval"))
            if status == RegistrationStatus.ACCEPTED.value:
                station = uow.stations.get(charge_box_id)
                if station is not None and station.registration_status is RegistrationStatus.PENDING:
                    station.registration_status = RegistrationStatus.ACCEPTED
                    uow.stations.save(station)

    # -- the link ------------------------------------------------------------------------------------------------

    def link(self, charge_box_id: str) -> LinkState | None:
        with self._uow() as uow:
            return uow.store.link(charge_box_id)

    def update_link(self, link: LinkKey, **values: Any) -> bool:
        with self._uow() as uow:
            ok = uow.store.update_link(link.charge_box_id, link.node_id, link.epoch, **values)
            uow.commit()
            return ok

    def connected(self, link: LinkKey, connected: bool, error: str | None = None) -> bool:
        now = datetime.now(UTC)
        values: dict[str, Any] = {"connected": connected, "state_since": now}
        if error is not None:
            values.update(last_error=error[:2000], last_error_at=now)
        return self.update_link(link, **values)

    def error(self, link: LinkKey, error: str) -> bool:
        return self.update_link(link, last_error=error[:2000], last_error_at=datetime.now(UTC))

    def station(self, charge_box_id: str, default_url: str | None) -> RelayedStation | None:
        with self._uow() as uow:
            return uow.store.station(charge_box_id, default_url)


def _has_ids(action: str, payload: dict[str, Any]) -> bool:
    """Whether the payload names ids the back office knows by its own numbers."""
    if action in ("StopTransaction", "MeterValues"):
        return "transactionId" in payload
    return action == "StartTransaction" and "reservationId" in payload


@dataclass(frozen=True)
class LinkKey:
    """Which link a write is for, and the ownership it is made under (fencing)."""

    charge_box_id: str
    node_id: str
    epoch: int
    url: str


def _entry(charge_box_id: str, frames: Frames) -> MessageLogEntry:
    return MessageLogEntry(
        at=datetime.now(UTC),
        direction=frames.direction,
        charge_box_id=charge_box_id,
        operation=frames.action,
        message_id=frames.unique_id,
        outcome=frames.outcome,
        http_status=None,
        duration_ms=frames.duration_ms,
        request=clipped(frames.request),
        response=clipped(frames.response),
        error=frames.error,
    )
