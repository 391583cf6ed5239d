"""zeep's transport toward stations, as stations really answer: SOAP 1.1 read as well as 1.2, and the bytes of
every exchange kept for the message log (a plugin would only see answers that parse as XML, and the answers worth
looking at in the log are often the ones that do not)."""

from __future__ import annotations

import threading
from typing import Any

import requests
from lxml import etree
from zeep.plugins import Plugin
from zeep.transports import Transport

from ...domain.message_log import WireRecord, wire_text
from ..addressing import WSA_NS
from ..envelope import SOAP11, SOAP12


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
    """zeep's transport, keeping the bytes of the last exchange of each thread for the message log."""

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

    def record(self) -> WireRecord:
        request, response = getattr(self._last, "request", None), getattr(self._last, "response", None)
        return WireRecord(
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
