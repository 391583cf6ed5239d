"""Forwarded headers from trusted proxies: the public scheme, host, port and client address of a request.

nginx (or any reverse proxy) terminates TLS and forwards the request to gunicorn on loopback; what the client
really asked for arrives in ``X-Forwarded-Proto``, ``-Host``, ``-Port`` and ``-For``. Anyone can send those
headers, so :class:`TrustedProxyMiddleware` applies them only when the peer (``REMOTE_ADDR``) is a configured
proxy, like werkzeug's ``ProxyFix`` but by address instead of by hop count. With them applied, the WSGI environ
describes the public request: ``?wsdl`` shows the public address and logs show the station's own address.

The values the proxy replaced are kept in ``environ["ocpp_soap.forwarded"]``; a request that carries forwarded
headers without that key came through a proxy the gateway does not trust.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

ENVIRON_KEY = "ocpp_soap.forwarded"
"""Where the middleware records the original values it replaced (also: this request was already handled)."""

_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def parse_networks(text: str | Iterable[str]) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16, ::1"`` as networks (an address is a network of one); ValueError names the bad item."""
    items = [part.strip() for part in text.split(",")] if isinstance(text, str) else [part.strip() for part in text]
    networks = []
    for item in items:
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network (such as 127.0.0.1 or 10.0.0.0/8)") from None
    return tuple(networks)


def address_in(address: str | None, networks: Sequence[Network]) -> bool:
    """Whether ``address`` (a peer address as WSGI gives it) lies in one of ``networks``; False for anything unparsable."""
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


class TrustedProxyMiddleware:
    """Apply ``X-Forwarded-*`` headers to the environ, but only for requests whose peer is a trusted proxy.

    - ``X-Forwarded-Proto`` (http or https) becomes ``wsgi.url_scheme``;
    - ``X-Forwarded-Host`` becomes ``HTTP_HOST`` and ``SERVER_NAME``;
    - ``X-Forwarded-Port`` becomes ``SERVER_PORT`` and the port in ``HTTP_HOST`` (left out when it is the
      scheme's default);
    - ``X-Forwarded-For`` gives ``REMOTE_ADDR``: the rightmost address that is not itself a trusted proxy,
      because every proxy appends the peer it saw and only the trusted ones' entries can be believed.

    Each proxy in a chain appends to a header; only the last (rightmost) value is used. Values that are not
    well formed are ignored, never passed on.
    """

    def __init__(self, app: WsgiApp, trusted: Sequence[Network | str]) -> None:
        self.app = app
        self.trusted: tuple[Network, ...] = tuple(
            item if isinstance(item, ipaddress.IPv4Network | ipaddress.IPv6Network) else parse_networks(item)[0]
            for item in trusted
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if ENVIRON_KEY not in environ and address_in(environ.get("REMOTE_ADDR"), self.trusted):
            self.apply(environ)
        return self.app(environ, start_response)

    def apply(self, environ: dict[str, Any]) -> None:
        original = {
            key: environ.get(key)
            for key in ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR")
        }
        environ[ENVIRON_KEY] = original

        proto = _last(environ.get("HTTP_X_FORWARDED_PROTO"))
        if proto is not None and proto.lower() in _DEFAULT_PORTS:
            environ["wsgi.url_scheme"] = proto.lower()
        scheme = environ.get("wsgi.url_scheme", "http")
        default_port = _DEFAULT_PORTS.get(scheme, "80")

        host = _last(environ.get("HTTP_X_FORWARDED_HOST"))
        if host is not None and _HOST.fullmatch(host):
            environ["HTTP_HOST"] = host
        port = _last(environ.get("HTTP_X_FORWARDED_PORT"))
        if port is not None and port.isdigit() and 0 < int(port) < 65536:
            port = str(int(port))
            if environ.get("HTTP_HOST"):
                name = _split_host(environ["HTTP_HOST"])[0]
                environ["HTTP_HOST"] = name if port == default_port else f"{name}:{port}"
            environ["SERVER_PORT"] = port
        if environ.get("HTTP_HOST"):
            name, port_in_host = _split_host(environ["HTTP_HOST"])
            environ["SERVER_NAME"] = name
            environ["SERVER_PORT"] = port_in_host or default_port

        client = self._client(environ.get("HTTP_X_FORWARDED_FOR"))
        if client is not None:
            environ["REMOTE_ADDR"] = client

    def _client(self, header: str | None) -> str | None:
        """Walking the chain from the right: the first address that is not a trusted proxy (the leftmost when
        all are); None when an entry that would have to be believed is not an address."""
        found = None
        for part in reversed((header or "").split(",")):
            if not part.strip():
                continue
            address = _bare_address(part)
            if address is None:
                return None
            found = address
            if not address_in(address, self.trusted):
                break
        return found


def _last(value: str | None) -> str | None:
    if value is None:
        return None
    last = value.split(",")[-1].strip()
    return last or None


def _split_host(host: str) -> tuple[str, str | None]:
    """``"example.com:8443"`` → ``("example.com", "8443")``; ``"[::1]"`` → ``("[::1]", None)``."""
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1:]
        return host[: end + 1], rest[1:] if rest.startswith(":") else None
    name, sep, port = host.partition(":")
    return name, port if sep else None


def _bare_address(text: str) -> str | None:
    """An address from an ``X-Forwarded-For`` entry (``"1.2.3.4"``, ``"[::1]:5"``, ``"1.2.3.4:5"``), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
