"""Runs one station request through an add-on: headers read, body validated and deserialised by Spyne, the
service method called (which dispatches a domain command), and the answer serialised with WS-Addressing.

Spyne's own WSGI server is not used: it would parse the envelope again, cannot answer SOAP 1.1 and 1.2 from
one application, and logs a traceback per bad request. This keeps Spyne for what it is good at (types,
validation, (de)serialisation, the WSDL) and the HTTP and envelope handling in our hands.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from spyne import Application, MethodContext
from spyne.model import Fault
from spyne.server import ServerBase

from ..bus import MessageBus
from ..domain.errors import DomainError, StorageUnavailable
from ..domain.message_log import LoggedExchange
from ..domain.model import StationOrigin
from ..domain.ports import UnitOfWork
from .addon import AddOn
from .addressing import FAULT_ACTION, WSA_NS, RequestHeaders, add_response_headers, callback_address, read_headers
from .envelope import Envelope, SoapVersion, new_envelope, to_bytes
from .exchange import Exchange
from .faults import SoapFault, fault_from_domain_error, internal_fault, storage_unavailable_fault
from .message_journal import MessageJournal
from .spyne_protocol import OcppBodyProtocol

logger = logging.getLogger(__name__)
MAX_CHARGE_BOX_ID = 255  # the width of the stations key column


@dataclass
class SoapResult:
    status: int
    body: bytes
    content_type: str
    operation: str | None
    charge_box_id: str | None
    message_id: str | None
    fault: SoapFault | None = None
    logged: bool = False
    """Already in the message log (written with the request's effects)."""
    replayed: bool = False
    """The stored answer to an earlier copy of this request (a resend), not a new one."""

    @property
    def outcome(self) -> str:
        if self.replayed:
            return "resent"
        if self.fault is None:
            return "ok"
        return "sender-fault" if self.fault.is_sender else "receiver-fault"


@dataclass(frozen=True)
class Arrival:
    """How a request came in: its bytes as received, and when (for the message log and its duration)."""

    raw: bytes
    at: datetime
    started: float  # time.perf_counter() at arrival


class _SpyneHost(ServerBase):
    """The minimal Spyne 'server' an Application needs to create method contexts."""

    transport = "http://schemas.xmlsoap.org/soap/http"


def body_elements(descriptor: Any) -> tuple[str, str]:
    """The local names of an operation's request and response body elements (``authorizeRequest`` ...)."""
    out = descriptor.out_message
    return descriptor.name, out.Attributes.sub_name or out.get_type_name()


def build_application(addon: AddOn) -> Application:
    return Application(
        [addon.service],
        tns=addon.namespace,
        name=addon.service_name,
        in_protocol=OcppBodyProtocol(),
        out_protocol=OcppBodyProtocol(),
    )


ContextFactory = Callable[[StationOrigin, str], Any]
"""Builds what a service method finds in ``ctx.udc`` from the sender and the operation name."""


class AddOnProcessor:
    """Runs requests through one add-on's Spyne service.

    The central system passes a bus: each request then runs in one transaction, in which its service method
    dispatches domain commands (through an :class:`Exchange`) and, with a ``journal``, its message-log entry is
    written; a request resent with the same MessageID is answered from that log. A simulated station passes its
    own ``context`` factory instead, since the same machinery serves the charge-point service there.
    """

    def __init__(
        self,
        addon: AddOn,
        bus: MessageBus | None = None,
        *,
        context: ContextFactory | None = None,
        journal: MessageJournal | None = None,
    ) -> None:
        if context is None and bus is None:
            raise ValueError("AddOnProcessor needs a bus or a context factory")
        self.addon = addon
        self._bus = bus if context is None else None
        self._context = context
        self._journal = journal
        self.app = build_application(addon)
        self._host = _SpyneHost(self.app)
        self._protocol: OcppBodyProtocol = self.app.in_protocol
        self._methods = {tag: handles[0] for tag, handles in self.app.interface.service_method_map.items()}

    @property
    def operations(self) -> list[str]:
        return sorted(d.operation_name for d in self._methods.values())

    def process(self, envelope: Envelope, arrival: Arrival | None = None) -> SoapResult:
        headers = read_headers(envelope.headers)
        operation: str | None = None
        try:
            body, descriptor = self._request_body(envelope, headers)
            operation = descriptor.operation_name
            ctx = MethodContext(self._host, MethodContext.SERVER)
            ctx.descriptor = descriptor
            try:
                request = self._protocol.from_element(ctx, descriptor.in_message, body)
            except Fault as fault:
                raise SoapFault.sender(
                    f"invalid {operation} request: {_text(fault.faultstring)}", subcode="ValidationError"
                ) from None
            # An operation without parameters (Heartbeat) has an empty request type and takes no argument.
            ctx.in_object = [request] if descriptor.in_message._type_info else []
            origin = self._origin(headers)
            try:
                if self._bus is None:
                    assert self._context is not None
                    response = self._invoke(ctx, self._context(origin, operation))
                    return self._answer(envelope, descriptor, response, headers)
                return self._in_transaction(self._bus, envelope, arrival, ctx, body, origin, headers)
            except SoapFault:
                raise
            except Exception:
                logger.exception(
                    "station %s operation %s message %s failed", origin.charge_box_id, operation, origin.message_id
                )
                raise internal_fault() from None
        except SoapFault as fault:
            return self._fault_result(envelope.version, fault, headers, operation)

    def _request_body(self, envelope: Envelope, headers: RequestHeaders) -> tuple[etree._Element, Any]:
        """The body (qualified) and the operation it asks for, once the station is identified; else a fault."""
        body = _qualify(envelope.body, self.addon.namespace)
        descriptor = self._methods.get(body.tag)
        if descriptor is None:
            raise SoapFault.sender(
                f"unknown operation: {body.tag} is not an OCPP {self.addon.version} {self.addon.service_name} request",
                subcode="UnknownOperation",
            )
        if headers.charge_box_identity and len(headers.charge_box_identity) > MAX_CHARGE_BOX_ID:
            raise SoapFault.sender(
                f"the chargeBoxIdentity is {len(headers.charge_box_identity)} characters long; "
                f"at most {MAX_CHARGE_BOX_ID} are accepted",
                subcode="InvalidChargeBoxIdentity",
            )
        if not headers.charge_box_identity:
            raise SoapFault.sender(
                f"the chargeBoxIdentity SOAP header is missing or empty; it identifies the station "
                f"({{{self.addon.namespace}}}chargeBoxIdentity)",
                subcode="MissingChargeBoxIdentity",
            )
        return body, descriptor

    def _origin(self, headers: RequestHeaders) -> StationOrigin:
        address, problem = callback_address(headers)
        assert headers.charge_box_identity is not None
        return StationOrigin(
            charge_box_id=headers.charge_box_identity,
            protocol=self.addon.protocol,
            endpoint_address=address,
            address_problem=problem,
            message_id=headers.message_id,
        )

    def _in_transaction(
        self,
        bus: MessageBus,
        envelope: Envelope,
        arrival: Arrival | None,
        ctx: MethodContext,
        body: etree._Element,
        origin: StationOrigin,
        headers: RequestHeaders,
    ) -> SoapResult:
        """One request, one transaction: the commands, the log entry and its resend key commit together.

        The bus runs it again after a storage conflict (a concurrent first boot, a deadlock) or a connection lost
        before the COMMIT, which leave nothing behind; when the conflict is this request's resend key, an earlier
        copy of it has committed meanwhile and its answer is the answer."""
        operation = ctx.descriptor.operation_name
        journal = self._journal
        key = (
            journal.dedupe_key(origin.charge_box_id, origin.message_id, operation, envelope.version.name, body)
            if journal is not None
            else None
        )

        def respond(uow: UnitOfWork) -> SoapResult:
            response = self._invoke(ctx, Exchange(origin=origin, bus=bus, operation=operation, uow=uow))
            result = self._answer(envelope, ctx.descriptor, response, headers)
            if journal is not None and arrival is not None:
                uow.message_log.add(_entry(journal, arrival, result, dedupe_key=key))
                result.logged = True
            return result

        def answered_before() -> SoapResult | None:
            """A conflict on this request's resend key: an earlier copy committed meanwhile; its answer stands."""
            stored = journal.stored_answer(key) if journal is not None and key is not None else None
            if stored is None:
                return None
            logger.info(
                "station %s resent %s message %s: answered as before", origin.charge_box_id, operation, origin.message_id
            )
            return SoapResult(
                stored.http_status, stored.response.encode("utf-8"), envelope.version.content_type(f"/{operation}Response"),
                operation, origin.charge_box_id, origin.message_id, replayed=True,
            )

        try:
            return bus.in_transaction(
                respond, what=f"{operation} of {origin.charge_box_id}", on_conflict=answered_before
            )
        except StorageUnavailable as exc:
            logger.warning(
                "station %s operation %s not processed: the database is unavailable (%s)",
                origin.charge_box_id, operation, exc,
            )
            raise storage_unavailable_fault() from None

    def _invoke(self, ctx: MethodContext, udc: Any) -> Any:
        """Call the service method; domain and validation errors become Sender faults, anything else propagates
        (a storage error must reach the unit of work, which tells a conflict from an outage)."""
        ctx.udc = udc
        try:
            return ctx.descriptor.service_class.call_wrapper(ctx)
        except DomainError as error:
            raise fault_from_domain_error(error) from None
        except Fault as fault:
            raise SoapFault.sender(_text(fault.faultstring)) from None

    def _answer(self, envelope: Envelope, descriptor: Any, response: Any, headers: RequestHeaders) -> SoapResult:
        operation = descriptor.operation_name
        out_envelope, header, out_body = new_envelope(envelope.version, self._nsmap(headers))
        self._protocol.to_parent(
            None, descriptor.out_message, response, out_body, self.addon.namespace, body_elements(descriptor)[1]
        )
        action = f"/{operation}Response"
        add_response_headers(header, headers, action)
        return SoapResult(
            200, to_bytes(out_envelope), envelope.version.content_type(action), operation,
            headers.charge_box_identity, headers.message_id,
        )

    def _nsmap(self, headers: RequestHeaders) -> dict[str | None, str]:
        return {"wsa": headers.wsa_namespace or WSA_NS, "cs": self.addon.namespace}

    def _fault_result(
        self, version: SoapVersion, fault: SoapFault, headers: RequestHeaders, operation: str | None
    ) -> SoapResult:
        return SoapResult(
            fault.status_for(version),
            fault_envelope(version, fault, headers),
            version.content_type(FAULT_ACTION),
            operation,
            headers.charge_box_identity,
            headers.message_id,
            fault,
        )


def _entry(journal: MessageJournal, arrival: Arrival, result: SoapResult, dedupe_key: str | None = None) -> LoggedExchange:
    return journal.entry(
        started_at=arrival.at,
        duration_s=time.perf_counter() - arrival.started,
        charge_box_id=result.charge_box_id,
        operation=result.operation,
        message_id=result.message_id,
        outcome=result.outcome,
        http_status=result.status,
        request=arrival.raw,
        response=result.body,
        error=result.fault.reason if result.fault is not None else None,
        dedupe_key=dedupe_key,
    )


def log_exchange(journal: MessageJournal, arrival: Arrival, result: SoapResult) -> None:
    """Log an exchange the processor did not log with its effects (a fault, a resend, an unreadable request)."""
    if not result.logged:
        journal.record(_entry(journal, arrival, result))


def fault_envelope(version: SoapVersion, fault: SoapFault, headers: RequestHeaders | None = None) -> bytes:
    headers = headers or RequestHeaders()
    envelope, header, body = new_envelope(version, {"wsa": headers.wsa_namespace or WSA_NS})
    add_response_headers(header, headers, FAULT_ACTION)
    body.append(fault.to_element(version))
    return to_bytes(envelope)


def _qualify(body: etree._Element, namespace: str) -> etree._Element:
    """Put unqualified body elements into the service namespace (some stations omit it on children)."""
    for element in body.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{namespace}}}{element.tag}"
    return body


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
