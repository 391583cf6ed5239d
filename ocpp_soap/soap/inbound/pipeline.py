"""One station request through the central system, stage by stage, top to bottom:

1. read and harden: the body within its size limit, parsed with DTDs, entities and deep nesting refused;
2. identify: the SOAP envelope and its version, the protocol version by the body's namespace, the operation, and
   the station (``chargeBoxIdentity``, and its callback address from ``wsa:From``/``ReplyTo``);
3. validate and deserialise: the body against the version's schema (Spyne, soft validation), then translated
   into a domain message;
4. handle in one transaction: the message's handler, the message-log entry and its resend key commit together
   (a resend of a request already answered gets that answer);
5. answer: the response, or a SOAP fault saying what is wrong (Sender for the station's mistakes, Receiver ours);
6. log: metrics, a log line, and the message log for what stage 4 did not log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from lxml import etree

from ... import metrics
from ...bus import MessageBus, attempts
from ...domain.errors import DomainError, StorageUnavailable
from ...domain.events import Event
from ...domain.message_log import MessageLogEntry
from ...domain.model import CHARGE_BOX_ID_MAX, StationOrigin
from ...domain.ports import UnitOfWork
from ..addressing import MessageIds, RequestHeaders, callback_address, new_message_id, read_headers
from ..bodies import BodyCodec, Operation, qualify
from ..edge import VersionEdge
from ..envelope import Envelope, SoapVersion, header_blocks, split_envelope
from ..faults import SoapFault, fault_from_domain_error, internal_fault, storage_unavailable_fault
from ..reply import Reply, answer_reply, fault_reply
from ..xml_parsing import XmlRejected, parse_document
from .endpoint import HttpRequest
from .message_log import MessageLog

logger = logging.getLogger("ocpp_soap.exchange")


@dataclass(frozen=True)
class Arrival:
    """How a request came in: its bytes as received, and when (for the message log and its duration)."""

    raw: bytes
    at: datetime
    started: float  # time.perf_counter() at arrival


@dataclass(frozen=True)
class CentralSystemVersion:
    """What the pipeline needs of a version: its edge and the codec of its central-system service, built once."""

    edge: VersionEdge
    codec: BodyCodec

    @classmethod
    def of(cls, edge: VersionEdge) -> CentralSystemVersion:
        return cls(edge, BodyCodec(edge.central_system))

    @property
    def namespace(self) -> str:
        return self.edge.central_system.namespace


@dataclass(frozen=True)
class StationRequest:
    """A request identified in stage 2: where it came from, what it asks, in which version."""

    envelope: Envelope
    version: CentralSystemVersion
    operation: Operation
    body: etree._Element
    headers: RequestHeaders
    origin: StationOrigin


class TapExchange(Protocol):
    def run(self, uow: UnitOfWork, handle: Callable[[Any], Any]) -> Any: ...
    def committed(self) -> None: ...


class MessageTap(Protocol):
    """Something that joins the handling of station messages (relay mode: ``ocpp_soap.relay.tap``): ``begin``
    before the transaction (None: not for this message), ``run`` inside it in place of the handler, ``committed``
    after the commit."""

    def begin(self, message: Any, key: str | None) -> TapExchange | None: ...


class InboundPipeline:
    """Handles the requests of one endpoint: a versioned one (one version) or the shared one (every version,
    chosen by the body's namespace)."""

    def __init__(
        self,
        versions: Sequence[CentralSystemVersion],
        bus: MessageBus,
        message_log: MessageLog | None,
        *,
        max_body: int,
        clock: Callable[[], datetime],
        routing: bool,
        message_ids: MessageIds = new_message_id,
        tap: MessageTap | None = None,
    ) -> None:
        self._versions = {version.namespace: version for version in versions}
        self._only = versions[0] if not routing else None
        self._bus = bus
        self._log = message_log
        self._max_body = max_body
        self._clock = clock
        self._message_ids = message_ids
        self._tap = tap

    def __call__(self, http: HttpRequest) -> Reply:
        started = time.perf_counter()
        arrival = Arrival(b"", self._clock(), started)
        fallback = http.guessed_version
        try:
            data = http.read_body(self._max_body)
            arrival = Arrival(data, arrival.at, started)
            reply = self._process(data, arrival, fallback)
        except SoapFault as fault:
            reply = fault_reply(fault.version or fallback, fault, message_ids=self._message_ids)
        except Exception:
            logger.exception("unexpected error in SOAP endpoint")
            reply = fault_reply(fallback, internal_fault(), message_ids=self._message_ids)
        self._record(http, arrival, reply, time.perf_counter() - started)
        return reply

    def _process(self, data: bytes, arrival: Arrival, fallback: SoapVersion) -> Reply:
        # 1. read and harden
        try:
            document = parse_document(data)
        except XmlRejected as exc:
            raise SoapFault.sender(str(exc), subcode="MalformedRequest", version=fallback) from None
        # 2. identify: the envelope and the version (a fault can still answer the request's wsa:MessageID)
        try:
            envelope = split_envelope(document)
            version = self._version_of(envelope)
        except SoapFault as fault:
            return fault_reply(fault.version or fallback, fault, read_headers(header_blocks(document)), message_ids=self._message_ids)
        headers = read_headers(envelope.headers)
        operation: Operation | None = None
        try:
            body = qualify(envelope.body, version.namespace)
            operation = version.codec.operation_of(body)
            request = StationRequest(envelope, version, operation, body, headers, self._origin(version, headers))
            # 3. validate and deserialise
            wire_request = version.codec.read(operation, body)
            translation = version.edge.translations[operation.name]
            message = translation.to_message(wire_request, request.origin)
            # 4. and 5.
            return self._handle(request, message, arrival)
        except SoapFault as fault:
            return fault_reply(envelope.version, fault, headers, operation.name if operation else None, message_ids=self._message_ids)

    def _version_of(self, envelope: Envelope) -> CentralSystemVersion:
        """The version of the body's namespace; a versioned endpoint also takes a body its station left unqualified."""
        namespace = etree.QName(envelope.body).namespace or ""
        if self._only is not None and namespace in ("", self._only.namespace):
            return self._only
        version = self._versions.get(namespace)
        if version is None:
            served = ", ".join(f"{v.namespace} (OCPP {v.edge.number})" for v in self._versions.values())
            shown = namespace or "no namespace"
            where = "this endpoint" if self._only is not None else "this central system"
            raise SoapFault.sender(
                f"the request body {etree.QName(envelope.body).localname} is in {shown}, which {where} does not "
                f"serve; it serves {served}",
                subcode="UnknownNamespace",
                version=envelope.version,
            )
        return version

    def _origin(self, version: CentralSystemVersion, headers: RequestHeaders) -> StationOrigin:
        identity = headers.charge_box_identity
        if identity and len(identity) > CHARGE_BOX_ID_MAX:
            raise SoapFault.sender(
                f"the chargeBoxIdentity is {len(identity)} characters long; at most {CHARGE_BOX_ID_MAX} are accepted",
                subcode="InvalidChargeBoxIdentity",
            )
        if not identity:
            raise SoapFault.sender(
                f"the chargeBoxIdentity SOAP header is missing or empty; it identifies the station "
                f"({{{version.namespace}}}chargeBoxIdentity)",
                subcode="MissingChargeBoxIdentity",
            )
        address, problem = callback_address(headers)
        return StationOrigin(
            charge_box_id=identity,
            protocol=version.edge.protocol,
            endpoint_address=address,
            address_problem=problem,
            message_id=headers.message_id,
        )

    # -- 4. one transaction -------------------------------------------------------------------------------------

    def _handle(self, request: StationRequest, message: Any, arrival: Arrival) -> Reply:
        """The message's effects, its log entry and its resend key commit together, or not at all.

        A storage conflict (a concurrent first boot, a deadlock, the resend key of a copy of this request that
        committed meanwhile) or a connection lost before COMMIT leave nothing behind: the transaction runs again,
        and after a conflict it first looks for the answer an earlier copy got."""
        origin = request.origin
        operation = request.operation.name
        key = (
            self._log.dedupe_key(origin.charge_box_id, origin.message_id, operation, request.envelope.version.name,
                                 request.body)
            if self._log is not None
            else None
        )
        reply: Reply
        events: list[Event] = []
        exchange = self._tap.begin(message, key) if self._tap is not None else None
        try:
            for attempt in attempts(f"{operation} of {origin.charge_box_id}"):
                with attempt, self._bus.unit_of_work() as uow:
                    reply = self._in_transaction(
                        uow, request, message, arrival, key, retried=attempt.number > 1, exchange=exchange
                    )
                    uow.commit()
                    events = list(uow.events)
        except StorageUnavailable as exc:
            logger.warning(
                "station %s operation %s not processed: the database is unavailable (%s)",
                origin.charge_box_id, operation, exc,
            )
            raise storage_unavailable_fault() from None
        except SoapFault:
            raise
        except Exception:
            logger.exception("station %s operation %s message %s failed", origin.charge_box_id, operation,
                             origin.message_id)
            raise internal_fault() from None
        if exchange is not None:
            exchange.committed()
        self._bus.publish_all(events)
        return reply

    def _in_transaction(
        self, uow: UnitOfWork, request: StationRequest, message: Any, arrival: Arrival, key: str | None,
        *, retried: bool, exchange: TapExchange | None = None,
    ) -> Reply:
        origin, operation = request.origin, request.operation
        if retried and key is not None and self._log is not None:
            stored = self._log.stored_answer(uow, key)
            if stored is not None:
                logger.info(
                    "station %s resent %s message %s: answered as before",
                    origin.charge_box_id, operation.name, origin.message_id,
                )
                return Reply(
                    stored.http_status, stored.response.encode("utf-8"),
                    request.envelope.version.content_type(f"/{operation.name}Response"),
                    operation.name, origin.charge_box_id, origin.message_id, replayed=True,
                )
        try:
            if exchange is not None:
                result = exchange.run(uow, lambda command: self._bus.handle(command, uow))
            else:
                result = self._bus.handle(message, uow)
        except DomainError as error:
            raise fault_from_domain_error(error) from None
        version = request.version
        response = version.edge.translations[operation.name].to_response(result, version.edge.central_system.types)
        reply = answer_reply(
            request.envelope.version, request.headers, version.codec, operation, response, self._message_ids
        )
        if self._log is not None:
            uow.message_log.add(_entry(self._log, arrival, reply, dedupe_key=key))
            reply.logged = True
        return reply

    # -- 6. log -------------------------------------------------------------------------------------------------

    def _record(self, http: HttpRequest, arrival: Arrival, reply: Reply, seconds: float) -> None:
        if self._log is not None and not reply.logged:
            self._log.record(_entry(self._log, arrival, reply))
        outcome = reply.outcome
        metrics.record_exchange(reply.operation, outcome, seconds)
        # Every exchange is in the message log and the access log already; a line per answered message would be
        # most of a fleet's log volume (and 5 % of its CPU), so those are DEBUG and what went wrong is INFO.
        level = logging.DEBUG if outcome == "ok" else logging.INFO
        if not logger.isEnabledFor(level):
            return
        logger.log(
            level,
            "soap exchange station=%s operation=%s message_id=%s outcome=%s status=%d duration_ms=%.1f remote=%s%s",
            reply.charge_box_id or "-",
            reply.operation or "-",
            reply.message_id or "-",
            outcome,
            reply.status,
            seconds * 1000,
            http.remote,
            f" reason={reply.fault.reason!r}" if reply.fault is not None else "",
        )


def _entry(message_log: MessageLog, arrival: Arrival, reply: Reply, dedupe_key: str | None = None) -> MessageLogEntry:
    return message_log.entry(
        started_at=arrival.at,
        duration_s=time.perf_counter() - arrival.started,
        charge_box_id=reply.charge_box_id,
        operation=reply.operation,
        message_id=reply.message_id,
        outcome=reply.outcome,
        http_status=reply.status,
        request=arrival.raw,
        response=reply.body,
        error=reply.fault.reason if reply.fault is not None else None,
        dedupe_key=dedupe_key,
    )
