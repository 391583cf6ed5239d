"""A fake charging station for testing what the central system SENDS: every request it receives is validated
against the official charge-point XML Schema (from ../shared) and its SOAP headers are checked; it answers the way
a test tells it to (well-formed, sloppy, a fault, slowly, or not at all)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from werkzeug.serving import make_server

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
XS = "http://www.w3.org/2001/XMLSchema"


def official_schema(wsdl: Path) -> etree.XMLSchema:
    """The XML Schema embedded in an official WSDL, compiled on its own."""
    root = etree.parse(str(wsdl)).getroot()
    schema = root.find(f".//{{{XS}}}schema")
    assert schema is not None
    standalone = etree.fromstring(etree.tostring(schema))
    # QName values (type="tns:...") need the prefixes the WSDL root declares.
    nsmap = {**{k: v for k, v in root.nsmap.items() if k}, **{k: v for k, v in standalone.nsmap.items() if k}}
    rebuilt = etree.Element(standalone.tag, nsmap=nsmap, attrib=dict(standalone.attrib))
    rebuilt.extend(list(standalone))
    return etree.XMLSchema(rebuilt)


@dataclass
class Received:
    operation: str
    body: etree._Element
    headers: dict[str, str | None]
    schema_errors: list[str]


@dataclass
class FakeStation:
    namespace: str
    schema: etree.XMLSchema | None
    answer: Callable[[str, etree._Element], str | None] | None = None
    """Returns the inner XML of the response element (children in prefix ``cp:``); None: the default answer."""
    mode: str = "normal"  # normal | sloppy | soap11 | fault | slow | http500
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/ChargePointService"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        root = etree.fromstring(environ["wsgi.input"].read(length))
        header = root.find(f"{{{SOAP12}}}Header")
        body = root.find(f"{{{SOAP12}}}Body")[0]  # type: ignore[index]
        operation = etree.QName(body).localname
        operation = operation[0].upper() + operation[1:].removesuffix("Request")
        headers = {etree.QName(h).localname: _header_text(h) for h in (header if header is not None else [])}
        errors: list[str] = []
        if self.schema is not None and not self.schema.validate(body):
            errors = [str(e) for e in self.schema.error_log]
        self.received.append(Received(operation, body, headers, errors))
        if self.mode == "slow" or self.delay:
            time.sleep(self.delay or 5)
        inner = self.answer(operation, body) if self.answer else None
        if inner is None:
            inner = _default_inner(operation, self.namespace)
        name = operation[0].lower() + operation[1:] + "Response"
        response_body = f'<cp:{name} xmlns:cp="{self.namespace}">{inner}</cp:{name}>'
        message_id = headers.get("MessageID")
        if self.mode == "http500":
            start_response("500 Internal Server Error", [("Content-Type", "text/html")])
            return iter([b"<html><body>crashed</body></html>"])
        if self.mode == "fault":
            payload = (
                f'<s:Envelope xmlns:s="{SOAP12}"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code>'
                "<s:Reason><s:Text xml:lang=\"en\">connector is broken</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>"
            ).encode()
            start_response("500 Internal Server Error", [("Content-Type", "application/soap+xml")])
            return iter([payload])
        if self.mode == "soap11":
            payload = (
                f'<S:Envelope xmlns:S="{SOAP11}"><S:Body>'
                f"{response_body}</S:Body></S:Envelope>"
            ).encode()
            start_response("200 OK", [("Content-Type", "text/xml")])
            return iter([payload])
        head = ""
        if self.mode == "normal":
            head = (
                f'<s:Header><a:Action xmlns:a="{WSA}">/{operation}Response</a:Action>'
                f'<a:MessageID xmlns:a="{WSA}">urn:uuid:00000000-0000-4000-8000-000000000001</a:MessageID>'
                + (f'<a:RelatesTo xmlns:a="{WSA}">{message_id}</a:RelatesTo>' if message_id else "")
                + "</s:Header>"
            )
        payload = (
            f'<s:Envelope xmlns:s="{SOAP12}">{head}<s:Body>{response_body}</s:Body></s:Envelope>'
        ).encode()
        start_response("200 OK", [("Content-Type", "application/soap+xml; charset=utf-8")])
        return iter([payload])


def _header_text(element: etree._Element) -> str | None:
    address = element.find(f"{{{WSA}}}Address")
    return (address.text if address is not None else element.text or "").strip() or None


CP16 = "urn://Ocpp/Cp/2015/10/"


def _default_inner(operation: str, namespace: str) -> str:
    """The children of a minimal valid response element (of the version whose namespace this is)."""
    if namespace == CP16 and operation == "UnlockConnector":
        return "<cp:status>Unlocked</cp:status>"  # 1.6 unlocks with Unlocked, UnlockFailed or NotSupported
    return {
        "GetConfiguration": "<cp:configurationKey><cp:key>HeartbeatInterval</cp:key><cp:readonly>false</cp:readonly>"
        "<cp:value>900</cp:value></cp:configurationKey><cp:unknownKey>Nope</cp:unknownKey>",
        "GetLocalListVersion": "<cp:listVersion>0</cp:listVersion>",
        "GetDiagnostics": "<cp:fileName>diag-2026.zip</cp:fileName>",
        "UpdateFirmware": "",
        "DataTransfer": "<cp:status>Accepted</cp:status><cp:data>pong</cp:data>",
    }.get(operation, "<cp:status>Accepted</cp:status>")
