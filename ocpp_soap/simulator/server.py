"""The HTTP side of the simulator: one WSGI app serving the ChargePointService of many simulated stations.

Each station has its own URL, ``/ChargePointService/<chargeBoxIdentity>`` (the identity percent-encoded), which is
what it sends as ``wsa:From``; a request there must carry the same ``chargeBoxIdentity`` header. A request to
``/ChargePointService`` itself is routed by that header, for central systems that call one URL for all. An unknown
station, or a header naming another station than the URL, gets a SOAP Sender fault. ``GET ...?wsdl`` answers the
charge-point WSDL with the URL asked for as the address.

The HTTP endpoint and the SOAP pieces are the gateway's own (hardened parsing, SOAP 1.1/1.2 envelopes,
WS-Addressing, the version's charge-point service and its body codec); the stages are the station's: find the
station, read the request, answer it (:mod:`.answers`). While a station answers, its strand is held, and released
once the answer is written, so its reactions (StartTransaction after a RemoteStart, ...) reach the central system
after the answer, as from a real charger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wsgi import ClosingIterator

from ..soap.addressing import RequestHeaders, read_headers
from ..soap.bodies import BodyCodec, qualify
from ..soap.edge import edge_for_number
from ..soap.envelope import header_blocks, split_envelope
from ..soap.faults import SoapFault, internal_fault
from ..soap.inbound.endpoint import EndpointInfo, HttpRequest, SoapEndpoint
from ..soap.reply import Reply, answer_reply, fault_reply
from ..soap.wsdl import WsdlDocument
from ..soap.xml_parsing import XmlRejected, parse_document
from .answers import answer
from .station import SimulatedStation

logger = logging.getLogger(__name__)

STATION_PATH = "/ChargePointService"
DEFAULT_MAX_BODY = 1024 * 1024
StartResponse = Callable[..., Any]


@dataclass
class _Request:
    """What one request is about: the station its URL names (if any), and the stations held while it is answered."""

    addressed: str | None
    held: list[SimulatedStation] = field(default_factory=list)

    def release(self) -> None:
        for station in self.held:
            station.release()
        self.held.clear()


_CURRENT: ContextVar[_Request | None] = ContextVar("simulator_request", default=None)


def station_path(charge_box_id: str) -> str:
    """The URL path of a station's ChargePointService."""
    return f"{STATION_PATH}/{quote(charge_box_id, safe='')}"


class StationServer:
    """WSGI app for the stations of one OCPP version, found by ``lookup`` (a station's chargeBoxIdentity)."""

    def __init__(
        self, version: str, lookup: Callable[[str], SimulatedStation | None], *, max_body: int = DEFAULT_MAX_BODY
    ) -> None:
        edge = edge_for_number(version)
        self.version = version
        self._lookup = lookup
        self._max_body = max_body
        self._service = edge.charge_point
        self._codec = BodyCodec(self._service)
        self._endpoint = SoapEndpoint(
            self._handle,
            info=EndpointInfo(
                f"OCPP {version} charge point simulator: POST to {STATION_PATH}/<chargeBoxIdentity>",
                WsdlDocument(edge, self._codec).render,
            ),
            public_url=None,
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        found, addressed = _station_in(environ.get("PATH_INFO", ""))
        if not found or (
            addressed is not None and environ.get("REQUEST_METHOD") != "POST" and self._lookup(addressed) is None
        ):
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"no simulated station here; stations are at {STATION_PATH}/<chargeBoxIdentity>\n".encode()]
        request = _Request(addressed)
        token = _CURRENT.set(request)
        try:
            body = self._endpoint(environ, start_response)
        except BaseException:
            request.release()
            raise
        finally:
            _CURRENT.reset(token)
        return ClosingIterator(body, request.release)

    def _handle(self, http: HttpRequest) -> Reply:
        """Read the request, find the station it is for, have it answer."""
        fallback = http.guessed_version
        try:
            document = parse_document(http.read_body(self._max_body))
        except XmlRejected as exc:
            return fault_reply(fallback, SoapFault.sender(str(exc), subcode="MalformedRequest"))
        except SoapFault as fault:
            return fault_reply(fault.version or fallback, fault)
        try:
            envelope = split_envelope(document)
        except SoapFault as fault:
            return fault_reply(fault.version or fallback, fault, read_headers(header_blocks(document)))
        headers = read_headers(envelope.headers)
        operation_name: str | None = None
        try:
            body = qualify(envelope.body, self._service.namespace)
            operation = self._codec.operation_of(body)
            operation_name = operation.name
            station = self._station(headers)
            request = self._codec.read(operation, body)
            try:
                response = answer(station, self._service.types, operation.name, request)
            except Exception:
                logger.exception("station=%s operation=%s: the simulated station failed", station.charge_box_id,
                                 operation.name)
                raise internal_fault() from None
            return answer_reply(envelope.version, headers, self._codec, operation, response)
        except SoapFault as fault:
            return fault_reply(envelope.version, fault, headers, operation_name)

    def _station(self, headers: RequestHeaders) -> SimulatedStation:
        """The station the request is for: the one its URL names and its chargeBoxIdentity header agrees with."""
        name = headers.charge_box_identity
        if not name:
            raise SoapFault.sender(
                f"the chargeBoxIdentity SOAP header is missing or empty ({{{self._service.namespace}}}chargeBoxIdentity)",
                subcode="MissingChargeBoxIdentity",
            )
        request = _CURRENT.get()
        if request is not None and request.addressed is not None and request.addressed != name:
            raise SoapFault.sender(
                f"this is the ChargePointService of station {request.addressed!r}, but the chargeBoxIdentity "
                f"header names {name!r}",
                subcode="WrongStation",
            )
        station = self._lookup(name)
        if station is None or station.version != self.version:
            raise SoapFault.sender(f"no simulated OCPP {self.version} station {name!r} here", subcode="UnknownStation")
        if request is not None:
            station.hold()
            request.held.append(station)
        return station


def _station_in(path: str) -> tuple[bool, str | None]:
    """(is this a ChargePointService path, the station it names or None for the shared one)."""
    if path.rstrip("/") == STATION_PATH:
        return True, None
    prefix = STATION_PATH + "/"
    if not path.startswith(prefix) or len(path) == len(prefix):
        return False, None
    raw = path[len(prefix):].rstrip("/")
    try:  # PEP 3333: PATH_INFO holds the decoded bytes as latin-1; identities are UTF-8
        return True, raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return True, raw


class _QuietHandler(WSGIRequestHandler):
    """Our endpoint logs every exchange with station and operation; werkzeug's access line would repeat it."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class BackgroundServer:
    """A threaded werkzeug HTTP server for a WSGI app, in a thread of its own; port 0 picks a free port."""

    def __init__(self, app: Callable[..., Iterable[bytes]], host: str, port: int) -> None:
        self._server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self.host = host
        self.port = int(self._server.server_port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="simulator-http", daemon=True
        )

    def start(self) -> BackgroundServer:
        self._thread.start()
        logger.info("simulator listening on %s:%d", self.host, self.port)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout)
        self._server.server_close()
