"""Relay mode on the station's side: what a worker does with each station message of a relayed station.

The inbound pipeline runs one unit of work per station request; the tap joins it in two steps:

1. :meth:`RelayTap.begin`, before the transaction: for a message whose answer matters (Boot, Authorize, Start,
   Stop, DataTransfer) the owning relay process is asked to send it now, and the worker waits for the back
   office's answer at most ``answer_timeout`` seconds. No transaction is open meanwhile (SQLite would hold its
   write lock for every worker).
2. :meth:`Exchange.run`, inside the request's transaction: the station's ids are replaced by ocpp-soap's own before
   the handler runs (the handlers never learn about the relay), the handler runs, and then, in the same
   transaction, the back office's answer replaces ocpp-soap's, the session's ids are mapped, and every message
   still to be forwarded is appended to the queue. A message is queued exactly when the station's request commits.

When the back office's answer came too late the station gets ocpp-soap's answer and the message is queued with the
request's key; the relay process then finds the late answer it kept under that key and never sends it twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from ..domain import operator_commands as oc
from ..domain import station_messages as sm
from ..domain.model import ConnectorStatus, RegistrationStatus
from ..domain.ports import UnitOfWork
from . import answers, upstream
from .directory import RelayDirectory
from .model import ANSWERED_ACTIONS, IdKind, IdMapping, Origin, OutboxEntry
from .ports import Asker, AskReply, RelayRepository

logger = logging.getLogger(__name__)

Handle = Callable[[Any], Any]

ACTIONS: dict[type[sm.StationMessage], str] = {
    sm.BootChargingStation: "BootNotification",
    sm.RecordHeartbeat: "Heartbeat",
    sm.AuthorizeIdTag: "Authorize",
    sm.StartTransaction: "StartTransaction",
    sm.StopTransaction: "StopTransaction",
    sm.RecordMeterValues: "MeterValues",
    sm.UpdateConnectorStatus: "StatusNotification",
    sm.UpdateFirmwareStatus: "FirmwareStatusNotification",
    sm.UpdateDiagnosticsStatus: "DiagnosticsStatusNotification",
    sm.ReceiveDataTransfer: "DataTransfer",
}
"""Every station message and the 1.6-J action it is forwarded as."""

OCCUPIED_VERSIONS = frozenset({"1.2", "1.5"})
"""Versions whose stations say Occupied where 1.6 names the session's state: the relay words it for them."""


class RelayTap:
    def __init__(
        self, directory: RelayDirectory, asker: Asker, clock: Callable[[], datetime], *, answer_timeout: float
    ) -> None:
        self.directory = directory
        self.asker = asker
        self.clock = clock
        self.answer_timeout = answer_timeout

    def begin(self, message: Any, key: str | None) -> Exchange | None:
        """Step 1: whether the station is relayed (None: it is not, the handler runs as without a relay) and, for a
        message whose answer matters, the back office's answer."""
        if not isinstance(message, sm.StationMessage) or type(message) not in ACTIONS:
            return None
        station = message.origin.charge_box_id
        if not self.directory.relayed(station):
            return None
        action = ACTIONS[type(message)]
        exchange = Exchange(self, message, action, key or uuid.uuid4().hex)
        if action in ANSWERED_ACTIONS:
            try:
                payload = _payload(message, None)
            except upstream.NotForwarded as exc:
                exchange.not_forwarded = str(exc)
                return exchange
            try:
                reply = self.asker.ask(station, action, payload, exchange.key, self.answer_timeout)
            except Exception as exc:  # noqa: BLE001 - the station is answered by ocpp-soap whatever the channel does
                logger.warning("station %s %s: the relay could not be asked (%s)", station, action, exc)
                reply = AskReply(why=f"channel error: {type(exc).__name__}")
            wrong = answers.problem(action, reply.answer) if reply.answer is not None else None
            if wrong is not None:
                logger.warning("station %s %s: %s", station, action, wrong)
                reply = AskReply(why=wrong)  # queued with its key: the relay kept the answer and will not resend
            exchange.reply = reply
            if not reply.answered:
                logger.info("station %s %s answered by ocpp-soap and queued: %s", station, action, exchange.reply.why)
        return exchange


@dataclass(eq=False)
class Exchange:
    """One station message of a relayed station, between step 1 and the commit."""

    tap: RelayTap
    message: Any = None
    action: str = ""
    key: str = ""
    reply: AskReply | None = None
    not_forwarded: str | None = None
    queued: bool = field(default=False, init=False)

    def run(self, uow: UnitOfWork, handle: Handle) -> Any:
        """Step 2, inside the request's transaction (possibly more than once: the pipeline retries conflicts)."""
        self.queued = False
        relay = cast(Any, uow).relay
        now = self.tap.clock()
        local = _to_local(self.message, relay)
        result = handle(local)
        work = _Work(self, uow, relay, now, handle)
        result = work.follow(local, result)
        if work.entries:
            relay.append(work.entries)
            relay.wake(self.message.origin.charge_box_id)
            self.queued = True
        return result

    def committed(self) -> None:
        """After the commit: nudge the relay when messages were queued (on channels that need it)."""
        if self.queued:
            try:
                self.tap.asker.nudge(self.message.origin.charge_box_id)
            except Exception as exc:  # noqa: BLE001 - the relay also looks for queued messages by itself
                logger.debug("relay nudge failed: %s", exc)

    @property
    def answer(self) -> dict[str, Any] | None:
        return self.reply.answer if self.reply is not None else None


@dataclass
class _Work:
    exchange: Exchange
    uow: UnitOfWork
    relay: RelayRepository
    now: datetime
    handle: Handle
    entries: list[OutboxEntry] = field(default_factory=list)

    @property
    def station(self) -> str:
        return str(self.exchange.message.origin.charge_box_id)

    def queue(
        self, action: str, payload: dict[str, Any], origin: Origin = Origin.STATION, session_id: int | None = None
    ) -> None:
        key = self.exchange.key if origin is Origin.STATION else None
        self.entries.append(OutboxEntry(self.station, action, payload, self.now, origin, key, session_id=session_id))

    def follow(self, local: Any, result: Any) -> Any:
        exchange = self.exchange
        if exchange.not_forwarded is not None:
            self._dropped(exchange.action, exchange.not_forwarded)
            return result
        answer = exchange.answer
        if isinstance(local, sm.StartTransaction):
            return self._start(local, result, answer)
        if isinstance(local, sm.StopTransaction):
            self._stop(local, answer)
            return answers.stop_result(answer) if answer is not None else result
        if isinstance(local, sm.UpdateConnectorStatus):
            self._status(local)
            return result
        if isinstance(local, sm.RecordMeterValues):
            self._meter_values(local)
            return result
        if answer is None:
            try:
                self.queue(exchange.action, _payload(local, None))
            except upstream.NotForwarded as exc:
                self._dropped(exchange.action, str(exc))
            return result
        if isinstance(local, sm.BootChargingStation):
            return self._boot(answer)
        if isinstance(local, sm.AuthorizeIdTag):
            return answers.authorize_result(answer)
        if isinstance(local, sm.ReceiveDataTransfer):
            return answers.data_transfer_result(answer)
        return result

    def _boot(self, answer: dict[str, Any]) -> sm.BootResult:
        result = answers.boot_result(answer)
        if result.status is RegistrationStatus.ACCEPTED:
            station = self.uow.stations.get(self.station)
            if station is not None and station.registration_status is RegistrationStatus.PENDING:
                # The back office registers relayed stations: its Accepted lets the station be served here too.
                self.handle(oc.AcceptStation(self.station))
        return result

    def _start(self, local: sm.StartTransaction, result: sm.StartTransactionResult, answer: dict[str, Any] | None) -> Any:
        local_id = result.transaction_id
        known = self.relay.mapping(IdKind.TRANSACTION, local_id)
        if known is not None:
            # A start the station sent again (the domain gave it the same session): it keeps what it was told.
            station_id = known.station_id if known.station_id is not None else local_id
            if answer is not None:
                return answers.start_result(answer, station_id)
            return replace(result, transaction_id=station_id)
        if answer is None:
            self.relay.map_ids(IdMapping(IdKind.TRANSACTION, self.station, local_id, local_id, None), self.now)
            self.queue("StartTransaction", _payload(local, None), session_id=local_id)
            self._session_status(local.connector_id, local.timestamp, started=True)
            return result
        csms_id = int(answer["transactionId"])
        # The station uses the back office's id when it can hold it (xs:int) and no open session of its own goes by
        # it already; otherwise it keeps ocpp-soap's, and only the mapping knows the back office's.
        usable = upstream.fits_station(csms_id) and not self.relay.station_id_in_use(self.station, csms_id)
        station_id = csms_id if usable else local_id
        stored_csms = csms_id if abs(csms_id) < 2**63 else None
        self.relay.map_ids(IdMapping(IdKind.TRANSACTION, self.station, local_id, station_id, stored_csms), self.now)
        self._session_status(local.connector_id, local.timestamp, started=True)
        return answers.start_result(answer, station_id)

    def _stop(self, local: sm.StopTransaction, answer: dict[str, Any] | None) -> None:
        transaction = self.uow.transactions.get(local.transaction_id)
        if answer is None:
            self.queue("StopTransaction", _payload(local, None))
        if transaction is not None and transaction.charge_box_id == self.station:
            self._session_status(transaction.connector_id, local.timestamp, started=False)

    def _session_status(self, connector_id: int, at: datetime, *, started: bool) -> None:
        """What a 1.6 charge point would say as the session starts or ends while the connector stays Occupied."""
        if self.exchange.message.origin.protocol.number not in OCCUPIED_VERSIONS:
            return
        upstream_status = self.relay.connector_status(self.station, connector_id)
        if started and upstream_status == ConnectorStatus.PREPARING.value:
            status = ConnectorStatus.CHARGING.value
        elif not started and upstream_status in upstream.IN_SESSION:
            status = ConnectorStatus.FINISHING.value
        else:
            return
        payload = {"connectorId": connector_id, "errorCode": "NoError", "status": status,
                   "timestamp": upstream.json_time(at)}
        self.queue("StatusNotification", payload, Origin.DERIVED)
        self.relay.set_connector_status(self.station, connector_id, status, "NoError", self.now)

    def _status(self, local: sm.UpdateConnectorStatus) -> None:
        connector = local.connector_id
        open_transaction = bool(connector and self.uow.transactions.open_on_connector(self.station, connector))
        status = upstream.upstream_status(local, open_transaction, self.relay.connector_status(self.station, connector))
        payload = upstream.status_notification(local, status, self.now)
        self.queue("StatusNotification", payload)
        self.relay.set_connector_status(self.station, connector, status, payload["errorCode"], self.now)

    def _meter_values(self, local: sm.RecordMeterValues) -> None:
        transaction_id = local.transaction_id
        if transaction_id is not None:
            transaction = self.uow.transactions.get(transaction_id)
            if transaction is None or transaction.charge_box_id != self.station:
                transaction_id = None  # not a session of this station: sent without one
        else:  # 1.2 never names the session: the connector's one open session is the one metered
            running = self.uow.transactions.open_on_connector(self.station, local.connector_id)
            transaction_id = running[0].transaction_id if len(running) == 1 else None
        try:
            self.queue("MeterValues", upstream.meter_values(local, transaction_id))
        except upstream.NotForwarded as exc:
            self._dropped("MeterValues", str(exc))

    def _dropped(self, action: str, why: str) -> None:
        logger.info("station %s %s answered by ocpp-soap and not forwarded: %s", self.station, action, why)
        self.relay.count(action, "dropped")


def _to_local(message: Any, relay: RelayRepository) -> Any:
    """The message with the station's transaction ids replaced by ocpp-soap's (a station that got the back office's
    id in time uses it for the rest of its session)."""
    if isinstance(message, sm.StopTransaction | sm.RecordMeterValues) and message.transaction_id is not None:
        local = relay.local_for_station_id(IdKind.TRANSACTION, message.origin.charge_box_id, message.transaction_id)
        if local is not None and local != message.transaction_id:
            return replace(message, transaction_id=local)
    return message


def _payload(message: Any, _: None) -> dict[str, Any]:
    """The 1.6-J payload of a message whose ids need no context (the answered ones, and the notifications)."""
    if isinstance(message, sm.BootChargingStation):
        return upstream.boot_notification(message)
    if isinstance(message, sm.RecordHeartbeat):
        return upstream.heartbeat(message)
    if isinstance(message, sm.AuthorizeIdTag):
        return upstream.authorize(message)
    if isinstance(message, sm.StartTransaction):
        return upstream.start_transaction(message)
    if isinstance(message, sm.StopTransaction):
        return upstream.stop_transaction(message)
    if isinstance(message, sm.UpdateFirmwareStatus):
        return upstream.firmware_status_notification(message)
    if isinstance(message, sm.UpdateDiagnosticsStatus):
        return upstream.diagnostics_status_notification(message)
    if isinstance(message, sm.ReceiveDataTransfer):
        return upstream.data_transfer(message)
    raise upstream.NotForwarded(f"{type(message).__name__} needs its context to be translated")
