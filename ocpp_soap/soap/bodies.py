"""Reading and writing the bodies of one SOAP service with Spyne: a request element in, the operation it names
and its deserialised (soft-validated) request out; a response object in, its element written.

Spyne's own WSGI server is not used: it would parse the envelope again, cannot answer SOAP 1.1 and 1.2 from one
application, and logs a traceback per bad request. Spyne does what it is good at (types, validation,
(de)serialisation, the schema of the WSDL); envelopes and HTTP are ours. One codec per service, built once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree
from spyne import Application, MethodContext
from spyne.model import Fault
from spyne.server import ServerBase

from .edge import Service
from .faults import SoapFault
from .spyne_protocol import OcppBodyProtocol
from .spyne_types import declared_types


class _SpyneHost(ServerBase):
    """The minimal Spyne 'server' an Application needs to create method contexts."""

    transport = "http://schemas.xmlsoap.org/soap/http"


@dataclass(frozen=True)
class Operation:
    name: str
    request_element: str  # local names: authorizeRequest ...
    response_element: str
    descriptor: Any


def build_application(service: Service) -> Application:
    return Application(
        [service.spyne],
        tns=service.namespace,
        name=service.name,
        in_protocol=OcppBodyProtocol(),
        out_protocol=OcppBodyProtocol(),
        classes=declared_types(service.types, service.namespace),
    )


class BodyCodec:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.app = build_application(service)
        self._host = _SpyneHost(self.app)
        self._protocol: OcppBodyProtocol = self.app.in_protocol
        self._by_tag: dict[str, Operation] = {}
        for tag, handles in self.app.interface.service_method_map.items():
            descriptor = handles[0]
            out = descriptor.out_message
            self._by_tag[tag] = Operation(
                descriptor.operation_name, descriptor.name, out.Attributes.sub_name or out.get_type_name(), descriptor
            )

    @property
    def operations(self) -> list[Operation]:
        return sorted(self._by_tag.values(), key=lambda op: op.name)

    def operation_of(self, body: etree._Element) -> Operation:
        """The operation a (qualified) body element asks for; a Sender fault when the service has none."""
        operation = self._by_tag.get(body.tag)
        if operation is None:
            raise SoapFault.sender(
                f"unknown operation: {body.tag} is not an OCPP {self.service.number} {self.service.name} request",
                subcode="UnknownOperation",
            )
        return operation

    def read(self, operation: Operation, body: etree._Element) -> Any:
        """The request object (None for an operation without parameters); a Sender fault naming the element path
        when the body does not match the schema."""
        ctx = MethodContext(self._host, MethodContext.SERVER)
        ctx.descriptor = operation.descriptor
        message = operation.descriptor.in_message
        try:
            request = self._protocol.from_element(ctx, message, body)
        except Fault as fault:
            raise SoapFault.sender(
                f"invalid {operation.name} request: {_text(fault.faultstring)}", subcode="ValidationError"
            ) from None
        # An operation without parameters (Heartbeat) has an empty request type.
        return request if message._type_info else None

    def write(self, operation: Operation, response: Any, parent: etree._Element) -> None:
        """Append the response element of ``operation`` holding ``response`` to ``parent``."""
        self._protocol.to_parent(
            None, operation.descriptor.out_message, response, parent, self.service.namespace,
            operation.response_element,
        )


def qualify(body: etree._Element, namespace: str) -> etree._Element:
    """Put unqualified body elements into the service namespace (some stations omit it on children)."""
    for element in body.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{namespace}}}{element.tag}"
    return body


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
