"""Calling stations: one zeep client per protocol version, built once from our own charge-point WSDL.

Each call carries ``chargeBoxIdentity`` in the charge-point namespace and WS-Addressing (zeep adds Action,
MessageID and To itself, because the WSDL declares ``wsaw:Action``; we add From and ReplyTo). The request is the
operation's fields under their OCPP names (its spec's shape, with the names a version spells differently), the
answer is read back through the same shape into the request's typed answer. Stations answer sloppily, so a SOAP
1.1 answer is read as well as a 1.2 one, and missing headers are not held against them. Every way a call can go
wrong becomes a :class:`CallOutcome`, never an exception.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from typing import Any, TypeVar

import requests
import zeep
from lxml import etree
from zeep.exceptions import Fault, TransportError, XMLParseError, XMLSyntaxError
from zeep.exceptions import ValidationError as ZeepValidationError
from zeep.helpers import serialize_object

from ...domain import station_requests as sr
from ...domain.errors import InvalidInput
from ...domain.versions import Protocol
from ...operations import shape_of, to_wire
from ...operations.shapes import read
from ..addressing import WSA_NS
from ..edge import CHARGE_POINT, VersionEdge, edge
from ..wsdl import wsdl_path
from .transport import RecordingTransport, Soap11AnswerPlugin

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5.0  # an unreachable station must fail fast, whatever the answer timeout
A = TypeVar("A")


class VersionClient:
    """The zeep client toward the stations of one version."""

    def __init__(self, version: VersionEdge, wsdl: bytes, *, central_system_url: str | None, timeout: float) -> None:
        self.edge = version
        self._namespace = version.charge_point.namespace
        self._session = requests.Session()
        self._transport = RecordingTransport(
            session=self._session, operation_timeout=(CONNECT_TIMEOUT_S, timeout), timeout=timeout
        )
        settings = zeep.Settings(strict=False, xml_huge_tree=False, forbid_dtd=True, forbid_entities=True)
        self._client = zeep.Client(
            io.BytesIO(wsdl), transport=self._transport, settings=settings, plugins=[Soap11AnswerPlugin()]
        )
        self._binding = f"{{{self._namespace}}}{CHARGE_POINT}Soap"
        binding = self._client.wsdl.bindings[self._binding]
        self._request_fields = {
            name: {element for element, _ in (op.input.body.type.elements if op.input.body else [])}
            for name, op in binding._operations.items()
        }
        self._response_fields = {
            name: [element for element, _ in (op.output.body.type.elements if op.output.body else [])]
            for name, op in binding._operations.items()
        }
        self._central_system_url = central_system_url
        self._timeout = timeout

    def wire_request(self, request: sr.StationRequest[Any]) -> dict[str, Any]:
        """The request's fields under this version's OCPP names."""
        fields: dict[str, Any] = to_wire(request)
        renames = self.edge.wire_names.get(request.operation, {})
        return {renames.get(name, name): value for name, value in fields.items()}

    def unsupported_field(self, request: sr.StationRequest[Any]) -> str | None:
        carried = self._request_fields.get(request.operation, set())
        renames = self.edge.wire_names.get(request.operation, {})
        shape = shape_of(type(request))
        for f in shape.fields:
            wire = renames.get(f.wire, f.wire)
            if wire not in carried and f.wire in to_wire(request):
                return f.members()[0].attribute
        return None

    def _headers(self, charge_box_id: str) -> list[etree._Element]:
        identity = etree.Element(f"{{{self._namespace}}}chargeBoxIdentity")
        identity.text = charge_box_id
        headers = [identity]
        if self._central_system_url:
            for name in ("From", "ReplyTo"):
                block = etree.Element(f"{{{WSA_NS}}}{name}")
                etree.SubElement(block, f"{{{WSA_NS}}}Address").text = self._central_system_url
                headers.append(block)
        return headers

    def call(self, address: str, request: sr.StationRequest[A]) -> sr.StationCallResult[A]:
        started = time.perf_counter()
        operation = request.operation
        charge_box_id = request.charge_box_id

        def result(outcome: sr.CallOutcome, answer: A | None = None, error: str | None = None) -> sr.StationCallResult[A]:
            duration = (time.perf_counter() - started) * 1000
            logger.info(
                "command station=%s operation=%s outcome=%s duration_ms=%.1f%s",
                charge_box_id, operation, outcome.value, duration, f" error={error!r}" if error else "",
            )
            return sr.StationCallResult(
                outcome, answer, error=error, duration_ms=duration, wire=self._transport.record()
            )

        self._transport.start()
        service = self._client.create_service(self._binding, address)
        try:
            raw = getattr(service, operation)(**self.wire_request(request), _soapheaders=self._headers(charge_box_id))
            answer = self._read_answer(request, raw)
        except Fault as fault:
            if fault.code is None:  # zeep's word for an error answer that holds no SOAP Fault at all
                return result(sr.CallOutcome.BAD_ANSWER, error="the station answered an HTTP error without a SOAP Fault")
            return result(sr.CallOutcome.FAULT, error=f"the station answered with a SOAP Fault: {fault.message}")
        except requests.ConnectTimeout:  # nothing accepted the connection: unreachable, not slow to answer
            return result(sr.CallOutcome.UNREACHABLE, error=f"the station could not be reached at {address}: "
                          f"no connection within {CONNECT_TIMEOUT_S:g} s")
        except requests.Timeout:
            return result(sr.CallOutcome.TIMEOUT, error=f"the station did not answer within {self._timeout:g} s")
        except requests.ConnectionError as exc:
            return result(sr.CallOutcome.UNREACHABLE, error=f"the station could not be reached at {address}: {_reason(exc)}")
        except TransportError as exc:
            return result(sr.CallOutcome.BAD_ANSWER, error=f"the station answered HTTP {exc.status_code} without a SOAP answer")
        except (XMLSyntaxError, XMLParseError, ZeepValidationError, etree.XMLSyntaxError, ValueError, TypeError) as exc:
            return result(sr.CallOutcome.BAD_ANSWER, error=f"the station's answer is not a valid {operation} response: {exc}")
        except requests.RequestException as exc:
            return result(sr.CallOutcome.UNREACHABLE, error=f"the station could not be called: {exc}")
        return result(sr.CallOutcome.ANSWERED, answer)

    def _read_answer(self, request: sr.StationRequest[A], raw: Any) -> A:
        """The station's answer as the request's answer type; ValueError naming the field when it is not one."""
        data = serialize_object(raw, dict) if raw is not None else {}
        fields = self._response_fields.get(request.operation, [])
        if len(fields) == 1 and not (isinstance(data, dict) and set(data) == set(fields)):
            data = {fields[0]: data}  # zeep unwraps a response with one field into that field's value
        if not isinstance(data, dict):
            data = {}
        renames = {wire: name for name, wire in self.edge.wire_names.get(request.operation, {}).items()}
        data = {renames.get(k, k): v for k, v in data.items() if v is not None and v != []}
        try:
            answer: A = read(request.answer_type, data, strict=False)
        except InvalidInput as exc:
            raise ValueError(str(exc)) from None
        return answer


class SoapStationClient:
    """The :class:`~ocpp_soap.domain.ports.StationClient` of the gateway: each version's client built on first use
    (each parses its WSDL once) and then reused for every station bound to that version."""

    def __init__(self, *, public_url: str | None, timeout: float) -> None:
        self._public_url = public_url
        self._timeout = timeout
        self._clients: dict[Protocol, VersionClient] = {}
        self._lock = threading.Lock()

    def client(self, protocol: Protocol) -> VersionClient:
        found = self._clients.get(protocol)
        if found is not None:
            return found
        with self._lock:
            if protocol not in self._clients:
                version = edge(protocol)
                wsdl = wsdl_path(version, CHARGE_POINT).read_bytes()
                url = f"{self._public_url}{version.central_system.path}" if self._public_url else None
                self._clients[protocol] = VersionClient(version, wsdl, central_system_url=url, timeout=self._timeout)
            return self._clients[protocol]

    def unsupported_field(self, protocol: Protocol, request: sr.StationRequest[A]) -> str | None:
        return self.client(protocol).unsupported_field(request)

    def call(self, protocol: Protocol, address: str, request: sr.StationRequest[A]) -> sr.StationCallResult[A]:
        return self.client(protocol).call(address, request)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out"):
        if marker in text:
            return marker.lower()
    return text[:200]
