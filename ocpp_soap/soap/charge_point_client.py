"""Calling stations: one zeep client per protocol version, built once from our own charge-point WSDL.

Each call carries ``chargeBoxIdentity`` in the charge-point namespace and WS-Addressing (zeep adds Action,
MessageID and To itself, because the WSDL declares ``wsaw:Action``; we add From and ReplyTo). Stations answer
sloppily, so a SOAP 1.1 answer is read as well as a 1.2 one, and missing headers are not held against them.
Every way a call can go wrong becomes a :class:`CallOutcome`, never an exception.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import requests
import zeep
from lxml import etree
from zeep.exceptions import Fault, TransportError, XMLParseError, XMLSyntaxError
from zeep.exceptions import ValidationError as ZeepValidationError
from zeep.helpers import serialize_object
from zeep.plugins import Plugin
from zeep.transports import Transport

from ..domain import station_requests as sr
from ..domain.message_log import WireExchange, wire_text
from .addon import AddOn
from .addressing import WSA_NS
from .charge_point_requests import build_call
from .envelope import SOAP11, SOAP12

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5.0  # an unreachable station must fail fast, whatever the answer timeout


class Soap11AnswerPlugin(Plugin):  # type: ignore[misc]
    """Read a SOAP 1.1 answer (many stations send one whatever they were asked in) as the 1.2 binding expects."""

    def ingress(self, envelope: etree._Element, http_headers: Any, operation: Any) -> tuple[etree._Element, Any]:
        if etree.QName(envelope).namespace != SOAP11.envelope_ns:
            return envelope, http_headers
        for element in envelope.iter():
            if isinstance(element.tag, str) and etree.QName(element).namespace == SOAP11.envelope_ns:
                element.tag = f"{{{SOAP12.envelope_ns}}}{etree.QName(element).localname}"
        fault = envelope.find(f".//{{{SOAP12.envelope_ns}}}Fault")
        if fault is not None:
            _fault_11_to_12(fault)
        return envelope, http_headers


def _fault_11_to_12(fault: etree._Element) -> None:
    ns = SOAP12.envelope_ns
    code = (fault.findtext("faultcode") or "Receiver").split(":")[-1]
    reason = fault.findtext("faultstring") or ""
    for child in list(fault):
        fault.remove(child)
    code_el = etree.SubElement(fault, f"{{{ns}}}Code")
    etree.SubElement(code_el, f"{{{ns}}}Value").text = {"Client": "Sender", "Server": "Receiver"}.get(code, code)
    text = etree.SubElement(etree.SubElement(fault, f"{{{ns}}}Reason"), f"{{{ns}}}Text")
    text.text = reason


class RecordingTransport(Transport):  # type: ignore[misc]
    """zeep's transport, keeping the bytes of the last exchange of each thread for the message log.

    Recorded here rather than in a plugin because a plugin sees only answers that parse as XML, and the answers
    worth looking at in the log are often the ones that do not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last = threading.local()

    def start(self) -> None:
        self._last.request, self._last.response, self._last.status = None, None, None

    def post(self, address: str, message: bytes | str, headers: dict[str, str]) -> requests.Response:
        self._last.request = message
        response = super().post(address, message, headers)
        self._last.response, self._last.status = response.content, response.status_code
        return response

    def exchange(self) -> WireExchange:
        request, response = getattr(self._last, "request", None), getattr(self._last, "response", None)
        return WireExchange(
            request=wire_text(request),
            response=wire_text(response),
            http_status=getattr(self._last, "status", None),
            message_id=_message_id(request),
        )


def _message_id(request: bytes | str | None) -> str | None:
    if not request:
        return None
    try:
        document = etree.fromstring(request.encode() if isinstance(request, str) else request)
    except etree.XMLSyntaxError:
        return None
    return document.findtext(f".//{{{WSA_NS}}}MessageID")


class ZeepChargePointClient:
    def __init__(self, addon: AddOn, wsdl: bytes, *, central_system_url: str | None, timeout: float) -> None:
        self.addon = addon
        self._session = requests.Session()
        transport = RecordingTransport(
            session=self._session, operation_timeout=(CONNECT_TIMEOUT_S, timeout), timeout=timeout
        )
        self._transport = transport
        settings = zeep.Settings(strict=False, xml_huge_tree=False, forbid_dtd=True, forbid_entities=True)
        self._client = zeep.Client(io.BytesIO(wsdl), transport=transport, settings=settings, plugins=[Soap11AnswerPlugin()])
        self._binding = f"{{{addon.namespace}}}{addon.service_name}Soap"
        binding = self._client.wsdl.bindings[self._binding]
        self.operations = frozenset(binding._operations)
        self._response_fields = {
            name: [element_name for element_name, _ in (op.output.body.type.elements if op.output.body else [])]
            for name, op in binding._operations.items()
        }
        self._central_system_url = central_system_url

    def build(self, command: sr.StationRequest, added: Mapping[str, Any]) -> sr.StationCall:
        return build_call(command, added)

    def _headers(self, charge_box_id: str) -> list[etree._Element]:
        identity = etree.Element(f"{{{self.addon.namespace}}}chargeBoxIdentity")
        identity.text = charge_box_id
        headers = [identity]
        if self._central_system_url:
            for name in ("From", "ReplyTo"):
                block = etree.Element(f"{{{WSA_NS}}}{name}")
                etree.SubElement(block, f"{{{WSA_NS}}}Address").text = self._central_system_url
                headers.append(block)
        return headers

    def call(self, address: str, charge_box_id: str, call: sr.StationCall) -> sr.StationCallResult:
        started = time.perf_counter()

        def result(outcome: sr.CallOutcome, answer: dict[str, Any] | None = None, error: str | None = None) -> sr.StationCallResult:
            duration = (time.perf_counter() - started) * 1000
            logger.info(
                "command station=%s operation=%s outcome=%s duration_ms=%.1f%s",
                charge_box_id, call.operation, outcome.value, duration, f" error={error!r}" if error else "",
            )
            return sr.StationCallResult(
                outcome, answer or {}, error=error, duration_ms=duration, wire=self._transport.exchange()
            )

        self._transport.start()
        service = self._client.create_service(self._binding, address)
        try:
            answer = getattr(service, call.operation)(**call.fields, _soapheaders=self._headers(charge_box_id))
        except Fault as fault:
            if fault.code is None:  # zeep's word for an error answer that holds no SOAP Fault at all
                return result(sr.CallOutcome.BAD_ANSWER, error="the station answered an HTTP error without a SOAP Fault")
            return result(sr.CallOutcome.FAULT, error=f"the station answered with a SOAP Fault: {fault.message}")
        except requests.ConnectTimeout:  # nothing accepted the connection: unreachable, not slow to answer
            return result(sr.CallOutcome.UNREACHABLE, error=f"the station could not be reached at {address}: "
                          f"no connection within {CONNECT_TIMEOUT_S:g} s")
        except requests.Timeout:
            return result(sr.CallOutcome.TIMEOUT, error=f"the station did not answer within {self._timeout_text()}")
        except requests.ConnectionError as exc:
            return result(sr.CallOutcome.UNREACHABLE, error=f"the station could not be reached at {address}: {_reason(exc)}")
        except TransportError as exc:
            return result(sr.CallOutcome.BAD_ANSWER, error=f"the station answered HTTP {exc.status_code} without a SOAP answer")
        except (XMLSyntaxError, XMLParseError, ZeepValidationError, etree.XMLSyntaxError, ValueError, TypeError) as exc:
            return result(sr.CallOutcome.BAD_ANSWER, error=f"the station's answer is not a valid {call.operation} response: {exc}")
        except requests.RequestException as exc:
            return result(sr.CallOutcome.UNREACHABLE, error=f"the station could not be called: {exc}")
        return result(sr.CallOutcome.ANSWERED, self._as_dict(call.operation, answer))

    def _as_dict(self, operation: str, answer: Any) -> dict[str, Any]:
        if answer is None:
            return {}
        data = serialize_object(answer, dict)
        fields = self._response_fields.get(operation, [])
        if len(fields) == 1 and not (isinstance(data, dict) and set(data) == set(fields)):
            data = {fields[0]: data}  # zeep unwraps a response with one field into that field's value
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if v is not None and v != []}

    def _timeout_text(self) -> str:
        timeout = self._client.transport.operation_timeout
        return f"{timeout[1]:g} s" if isinstance(timeout, tuple) else f"{timeout} s"


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host", "timed out"):
        if marker in text:
            return marker.lower()
    return text[:200]
