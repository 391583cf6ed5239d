"""The WSGI endpoint stations talk to: HTTP in, SOAP envelope checked, the right add-on chosen, answer out.

One class serves both kinds of URL: a versioned endpoint (one add-on) and the shared one, which picks the
add-on by the namespace of the body element. A request is answered in the SOAP version it was written in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from .. import metrics
from .addressing import FAULT_ACTION, RequestHeaders, read_headers
from .envelope import Envelope, SoapVersion, guess_version, header_blocks, split_envelope
from .faults import SoapFault, internal_fault
from .message_journal import MessageJournal
from .processor import AddOnProcessor, Arrival, SoapResult, fault_envelope, log_exchange
from .xml_parsing import XmlRejected, parse_document

logger = logging.getLogger("ocpp_soap.exchange")

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class EndpointInfo:
    """What GET on the endpoint answers: its WSDL (versioned) or where each version's WSDL is (shared)."""

    title: str
    wsdl: Callable[[str], bytes]
    content_type: str = "text/xml; charset=utf-8"


class SoapEndpoint:
    def __init__(
        self,
        processors: Mapping[str, AddOnProcessor],
        *,
        info: EndpointInfo,
        max_body: int,
        public_url: str | None,
        routing: bool,
        journal: MessageJournal | None = None,
    ) -> None:
        """``processors`` maps body namespace to add-on; with ``routing`` False there is exactly one. With a
        ``journal``, every exchange goes into the message log."""
        self._processors = dict(processors)
        self._only = next(iter(self._processors.values())) if not routing else None
        self._info = info
        self._max_body = max_body
        self._public_url = public_url
        self._journal = journal

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "POST":
            return self._post(environ, start_response)
        if method in ("GET", "HEAD"):
            return self._get(environ, start_response, head=method == "HEAD")
        start_response("405 Method Not Allowed", [("Allow", "GET, HEAD, POST"), ("Content-Type", "text/plain")])
        return [b"SOAP endpoints accept POST (and GET ?wsdl)\n"]

    # -- GET: the WSDL -------------------------------------------------------------------------------------

    def _get(self, environ: dict[str, Any], start_response: StartResponse, head: bool) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        if query.split("=")[0].split("&")[0].lower() not in ("wsdl", "singlewsdl"):
            text = f"{self._info.title}\nPOST SOAP 1.2 (or 1.1) requests here; the WSDL is at ?wsdl\n".encode()
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(text)))])
            return [] if head else [text]
        document = self._info.wsdl(self.address(environ))
        start_response("200 OK", [("Content-Type", self._info.content_type), ("Content-Length", str(len(document)))])
        return [] if head else [document]

    def address(self, environ: Mapping[str, Any]) -> str:
        """This endpoint's public URL: from configuration, else from the request (as forwarded by a trusted proxy)."""
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if self._public_url:
            return self._public_url + path
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST")
        if not host:
            host = environ.get("SERVER_NAME", "localhost")
            port = environ.get("SERVER_PORT", "")
            if port and port != ("443" if scheme == "https" else "80"):
                host = f"{host}:{port}"
        return f"{scheme}://{host}{path}"

    # -- POST: a station's request ---------------------------------------------------------------------------

    def _post(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        at = self._journal.clock() if self._journal is not None else datetime.now(UTC)
        fallback = guess_version(environ.get("CONTENT_TYPE"))
        arrival = Arrival(b"", at, started)
        try:
            data = self._read_body(environ, fallback)
            arrival = Arrival(data, at, started)
            result = self._handle(data, arrival, fallback)
        except SoapFault as fault:
            result = _fault_result(fault.version or fallback, fault, RequestHeaders())
        except Exception:
            logger.exception("unexpected error in SOAP endpoint")
            result = _fault_result(fallback, internal_fault(), RequestHeaders())
        if self._journal is not None:
            log_exchange(self._journal, arrival, result)
        self._log(environ, result, time.perf_counter() - started)
        start_response(
            _status_line(result.status),
            [("Content-Type", result.content_type), ("Content-Length", str(len(result.body)))],
        )
        return [result.body]

    def _handle(self, data: bytes, arrival: Arrival, fallback: SoapVersion) -> SoapResult:
        try:
            root = parse_document(data)
        except XmlRejected as exc:
            raise SoapFault.sender(str(exc), subcode="MalformedRequest", version=fallback) from None
        try:
            envelope = split_envelope(root)
            processor = self._processor_for(envelope)
        except SoapFault as fault:
            # The document was read: the fault can answer its wsa:MessageID in its WS-Addressing namespace.
            return _fault_result(fault.version or fallback, fault, read_headers(header_blocks(root)))
        return processor.process(envelope, arrival)

    def _processor_for(self, envelope: Envelope) -> AddOnProcessor:
        """The add-on for the body's namespace; a versioned endpoint also takes a body its station left unqualified."""
        namespace = etree.QName(envelope.body).namespace or ""
        if self._only is not None and namespace in ("", self._only.addon.namespace):
            return self._only
        processor = self._processors.get(namespace)
        if processor is None:
            served = ", ".join(f"{p.addon.namespace} (OCPP {p.addon.version})" for p in self._processors.values())
            shown = namespace or "no namespace"
            where = "this endpoint" if self._only is not None else "this central system"
            raise SoapFault.sender(
                f"the request body {etree.QName(envelope.body).localname} is in {shown}, which {where} does not "
                f"serve; it serves {served}",
                subcode="UnknownNamespace",
                version=envelope.version,
            )
        return processor

    def _read_body(self, environ: dict[str, Any], version: SoapVersion) -> bytes:
        """At most ``max_body`` bytes of the body; never a read that could wait for bytes the client will not send."""
        too_large = SoapFault.sender(
            f"the request body is larger than the limit of {self._max_body} bytes", version=version, http_status=413
        )
        length_text = (environ.get("CONTENT_LENGTH") or "").strip()
        stream = environ["wsgi.input"]
        if length_text:
            try:
                length = int(length_text)
            except ValueError:
                raise SoapFault.sender(f"invalid Content-Length {length_text!r}", version=version) from None
            if length > self._max_body:
                raise too_large
            return _read_up_to(stream, length) if length > 0 else b""
        if not environ.get("wsgi.input_terminated"):
            # PEP 3333: without a Content-Length the stream may only be read if the server marks its end (it
            # does for chunked bodies); reading the raw socket would block until the client gives up.
            raise SoapFault.sender(
                "the request has neither a Content-Length nor a chunked body", version=version, http_status=411
            )
        data = _read_up_to(stream, self._max_body + 1)  # chunked: read no more than the limit allows
        if len(data) > self._max_body:
            raise too_large
        return data

    def _log(self, environ: Mapping[str, Any], result: SoapResult, seconds: float) -> None:
        outcome = result.outcome
        metrics.record_exchange(result.operation, outcome, seconds)
        # Every exchange is in the message log and the access log already; a line per answered message would be
        # most of a fleet's log volume (and 5 % of its CPU), so those are DEBUG and what went wrong is INFO.
        level = logging.DEBUG if outcome == "ok" else logging.INFO
        if not logger.isEnabledFor(level):
            return
        logger.log(
            level,
            "soap exchange station=%s operation=%s message_id=%s outcome=%s status=%d duration_ms=%.1f remote=%s%s",
            result.charge_box_id or "-",
            result.operation or "-",
            result.message_id or "-",
            outcome,
            result.status,
            seconds * 1000,
            environ.get("REMOTE_ADDR", "-"),
            f" reason={result.fault.reason!r}" if result.fault is not None else "",
        )


_REASONS = {
    200: "OK", 400: "Bad Request", 411: "Length Required", 413: "Payload Too Large", 500: "Internal Server Error",
}


def _read_up_to(stream: Any, size: int) -> bytes:
    """``size`` bytes or all there is: a WSGI input stream, like a file, may return less than asked per read."""
    parts = []
    while size > 0:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _fault_result(version: SoapVersion, fault: SoapFault, headers: RequestHeaders) -> SoapResult:
    status = fault.status_for(version)
    body = fault_envelope(version, fault, headers)
    return SoapResult(
        status, body, version.content_type(FAULT_ACTION), None, headers.charge_box_identity, headers.message_id, fault
    )


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Error')}"

