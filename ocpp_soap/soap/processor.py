"""Runs one station request through an add-on: headers read, body validated and deserialised by Spyne, the
service method called (which dispatches a domain command), and the answer serialised with WS-Addressing.

Spyne's own WSGI server is not used: it would parse the envelope again, cannot answer SOAP 1.1 and 1.2 from
one application, and logs a traceback per bad request. This keeps Spyne for what it is good at (types,
validation, (de)serialisation, the WSDL) and the HTTP and envelope handling in our hands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree
from spyne import Application, MethodContext
from spyne.model import Fault
from spyne.server import ServerBase

from ..bus import MessageBus
from ..domain.errors import DomainError
from ..domain.model import StationOrigin
from .addon import AddOn
from .addressing import FAULT_ACTION, WSA_NS, RequestHeaders, add_response_headers, callback_address, read_headers
from .envelope import Envelope, SoapVersion, new_envelope, to_bytes
from .exchange import Exchange
from .faults import SoapFault, fault_from_domain_error, internal_fault
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

    The central system passes a bus (its service methods dispatch domain commands through an :class:`Exchange`);
    a simulated station passes its own ``context`` factory instead, since the same machinery serves the
    charge-point service there.
    """

    def __init__(self, addon: AddOn, bus: MessageBus | None = None, *, context: ContextFactory | None = None) -> None:
        if context is None:
            if bus is None:
                raise ValueError("AddOnProcessor needs a bus or a context factory")
            central_bus = bus

            def context(origin: StationOrigin, operation: str) -> Exchange:
                return Exchange(origin=origin, bus=central_bus, operation=operation)

        self.addon = addon
        self._context = context
        self.app = build_application(addon)
        self._host = _SpyneHost(self.app)
        self._protocol: OcppBodyProtocol = self.app.in_protocol
        self._methods = {tag: handles[0] for tag, handles in self.app.interface.service_method_map.items()}

    @property
    def operations(self) -> list[str]:
        return sorted(d.operation_name for d in self._methods.values())

    def process(self, envelope: Envelope) -> SoapResult:
        headers = read_headers(envelope.headers)
        operation: str | None = None
        try:
            body = _qualify(envelope.body, self.addon.namespace)
            descriptor = self._methods.get(body.tag)
            if descriptor is None:
                raise SoapFault.sender(
                    f"unknown operation: {body.tag} is not an OCPP {self.addon.version} {self.addon.service_name} request",
                    subcode="UnknownOperation",
                )
            operation = descriptor.operation_name
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
            response = self._call(descriptor, body, headers, operation)
        except SoapFault as fault:
            return self._fault_result(envelope.version, fault, headers, operation)
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

    def _call(self, descriptor: Any, body: etree._Element, headers: RequestHeaders, operation: str) -> Any:
        ctx = MethodContext(self._host, MethodContext.SERVER)
        ctx.descriptor = descriptor
        try:
            request = self._protocol.from_element(ctx, descriptor.in_message, body)
        except Fault as fault:
            raise SoapFault.sender(f"invalid {operation} request: {_text(fault.faultstring)}", subcode="ValidationError") from None
        address, problem = callback_address(headers)
        assert headers.charge_box_identity is not None
        origin = StationOrigin(
            charge_box_id=headers.charge_box_identity,
            protocol=self.addon.protocol,
            endpoint_address=address,
            address_problem=problem,
            message_id=headers.message_id,
        )
        ctx.udc = self._context(origin, operation)
        # An operation without parameters (Heartbeat) has an empty request type and takes no argument.
        ctx.in_object = [request] if descriptor.in_message._type_info else []
        try:
            return descriptor.service_class.call_wrapper(ctx)
        except DomainError as error:
            raise fault_from_domain_error(error) from None
        except SoapFault:
            raise
        except Fault as fault:
            raise SoapFault.sender(_text(fault.faultstring)) from None
        except Exception:
            logger.exception(
                "station %s operation %s message %s failed", origin.charge_box_id, operation, origin.message_id
            )
            raise internal_fault() from None

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
