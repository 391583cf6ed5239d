"""The HTTP side of a SOAP endpoint: GET answers the WSDL (or what the endpoint is), POST hands the request to a
handler and writes its reply. Everything about SOAP happens in the handler: the central system's
:class:`~.pipeline.InboundPipeline`, or a simulated station's host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..envelope import SoapVersion, guess_version
from ..faults import SoapFault
from ..reply import Reply

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class EndpointInfo:
    """What GET on the endpoint answers: its WSDL (versioned) or where each version's WSDL is (shared)."""

    title: str
    wsdl: Callable[[str], bytes]
    content_type: str = "text/xml; charset=utf-8"


class HttpRequest:
    """A POSTed request as the handler sees it: its headers, and a body read within limits."""

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self._environ = environ
        self.content_type: str | None = environ.get("CONTENT_TYPE")
        self.remote: str = environ.get("REMOTE_ADDR", "-")

    @property
    def guessed_version(self) -> SoapVersion:
        """The SOAP version to answer in before the envelope could be read: ``text/xml`` means 1.1."""
        return guess_version(self.content_type)

    def read_body(self, max_body: int) -> bytes:
        """At most ``max_body`` bytes of the body; never a read that could wait for bytes the client will not send.
        A Sender fault (413, 411, 400) when the body is too large or its length cannot be known."""
        version = self.guessed_version
        too_large = SoapFault.sender(
            f"the request body is larger than the limit of {max_body} bytes", version=version, http_status=413
        )
        length_text = (self._environ.get("CONTENT_LENGTH") or "").strip()
        stream = self._environ["wsgi.input"]
        if length_text:
            try:
                length = int(length_text)
            except ValueError:
                raise SoapFault.sender(f"invalid Content-Length {length_text!r}", version=version) from None
            if length > max_body:
                raise too_large
            return _read_up_to(stream, length) if length > 0 else b""
        if not self._environ.get("wsgi.input_terminated"):
            # PEP 3333: without a Content-Length the stream may only be read if the server marks its end (it
            # does for chunked bodies); reading the raw socket would block until the client gives up.
            raise SoapFault.sender(
                "the request has neither a Content-Length nor a chunked body", version=version, http_status=411
            )
        data = _read_up_to(stream, max_body + 1)  # chunked: read no more than the limit allows
        if len(data) > max_body:
            raise too_large
        return data


class RequestHandler(Protocol):
    def __call__(self, request: HttpRequest, /) -> Reply: ...


class SoapEndpoint:
    def __init__(self, handler: RequestHandler, *, info: EndpointInfo, public_url: str | None) -> None:
        self._handler = handler
        self._info = info
        self._public_url = public_url

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "POST":
            reply = self._handler(HttpRequest(environ))
            start_response(
                reply.status_line, [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body)))]
            )
            return [reply.body]
        if method in ("GET", "HEAD"):
            return self._get(environ, start_response, head=method == "HEAD")
        start_response("405 Method Not Allowed", [("Allow", "GET, HEAD, POST"), ("Content-Type", "text/plain")])
        return [b"SOAP endpoints accept POST (and GET ?wsdl)\n"]

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
