"""The trusted-proxy middleware on plain WSGI environs: forwarded headers count only from configured proxies."""

from __future__ import annotations

from typing import Any

import pytest

from ocpp_soap.forwarded import ENVIRON_KEY, TrustedProxyMiddleware, address_in, parse_networks
from ocpp_soap.soap.inbound.endpoint import EndpointInfo, SoapEndpoint

PROXIES = parse_networks("127.0.0.1, 10.0.0.0/8, ::1")


def environ(remote: str = "127.0.0.1", **headers: str) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/services/centralSystemServiceOcpp15", "QUERY_STRING": "wsdl",
        "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "HTTP_HOST": "127.0.0.1:8080",
        "REMOTE_ADDR": remote, "wsgi.url_scheme": "http",
    }
    env.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return env


def through(env: dict[str, Any], trusted: Any = PROXIES) -> dict[str, Any]:
    """The environ the application sees behind the middleware."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return []

    TrustedProxyMiddleware(app, trusted)(env, lambda *a: None)
    return seen


def public_address(env: dict[str, Any]) -> str:
    """What ?wsdl would name: the SOAP endpoint's address() for this environ."""
    endpoint = SoapEndpoint(lambda request: None, info=EndpointInfo("t", lambda url: b""), public_url=None)  # type: ignore[arg-type, return-value]
    return endpoint.address(env)


NGINX_TLS = {"x_forwarded_proto": "https", "x_forwarded_host": "ocpp.example.com", "x_forwarded_port": "443",
             "x_forwarded_for": "198.51.100.7"}


def test_a_trusted_proxy_makes_the_public_address_and_client() -> None:
    seen = through(environ(**NGINX_TLS))
    assert public_address(seen) == "https://ocpp.example.com/services/centralSystemServiceOcpp15"
    assert (seen["wsgi.url_scheme"], seen["HTTP_HOST"], seen["SERVER_NAME"], seen["SERVER_PORT"], seen["REMOTE_ADDR"]) == (
        "https", "ocpp.example.com", "ocpp.example.com", "443", "198.51.100.7"
    )
    assert seen[ENVIRON_KEY]["REMOTE_ADDR"] == "127.0.0.1"
    assert seen[ENVIRON_KEY]["HTTP_HOST"] == "127.0.0.1:8080"


def test_headers_from_anyone_else_are_ignored() -> None:
    seen = through(environ("203.0.113.5", **NGINX_TLS))
    assert public_address(seen) == "http://127.0.0.1:8080/services/centralSystemServiceOcpp15"
    assert seen["REMOTE_ADDR"] == "203.0.113.5"
    assert ENVIRON_KEY not in seen


def test_no_trusted_proxies_is_the_default_and_trusts_no_one() -> None:
    seen = through(environ(**NGINX_TLS), trusted=parse_networks(""))
    assert public_address(seen).startswith("http://127.0.0.1:8080/")


def test_a_non_default_port_is_kept_in_the_host() -> None:
    seen = through(environ(x_forwarded_proto="https", x_forwarded_host="ocpp.example.com", x_forwarded_port="8443"))
    assert public_address(seen) == "https://ocpp.example.com:8443/services/centralSystemServiceOcpp15"
    assert seen["SERVER_PORT"] == "8443"


def test_plain_http_through_the_proxy() -> None:
    seen = through(environ(x_forwarded_proto="http", x_forwarded_host="ocpp.example.com", x_forwarded_port="80"))
    assert public_address(seen) == "http://ocpp.example.com/services/centralSystemServiceOcpp15"


def test_proto_alone_drops_the_port_of_the_original_host_only_if_there_was_none() -> None:
    seen = through(environ(x_forwarded_proto="https") | {"HTTP_HOST": "ocpp.example.com"})
    assert public_address(seen) == "https://ocpp.example.com/services/centralSystemServiceOcpp15"
    assert seen["SERVER_PORT"] == "443"


def test_ipv6_host_and_client() -> None:
    seen = through(environ("::1", x_forwarded_host="[2001:db8::1]:8443", x_forwarded_for="2001:db8::99"))
    assert public_address(seen) == "http://[2001:db8::1]:8443/services/centralSystemServiceOcpp15"
    assert (seen["SERVER_NAME"], seen["SERVER_PORT"], seen["REMOTE_ADDR"]) == ("[2001:db8::1]", "8443", "2001:db8::99")


def test_the_rightmost_values_count_because_proxies_append() -> None:
    seen = through(environ(
        x_forwarded_proto="http, https", x_forwarded_host="evil.example, ocpp.example.com",
        x_forwarded_for="6.6.6.6, 198.51.100.7, 10.1.2.3",
    ))
    assert public_address(seen) == "https://ocpp.example.com/services/centralSystemServiceOcpp15"
    # 10.1.2.3 is a trusted proxy in the chain; the client is the first untrusted address from the right.
    assert seen["REMOTE_ADDR"] == "198.51.100.7"


def test_a_chain_of_trusted_proxies_only_gives_its_first_address() -> None:
    assert through(environ(x_forwarded_for="10.0.0.1, 10.0.0.2"))["REMOTE_ADDR"] == "10.0.0.1"


@pytest.mark.parametrize(
    "headers",
    [
        {"x_forwarded_proto": "gopher"},
        {"x_forwarded_host": "bad host/with slash"},
        {"x_forwarded_host": "a.example\r\nX: y"},
        {"x_forwarded_host": "a.example\nb.example"},
        {"x_forwarded_port": "99999"},
        {"x_forwarded_port": "eighty"},
        {"x_forwarded_for": "not-an-address"},
    ],
)
def test_malformed_values_are_ignored(headers: dict[str, str]) -> None:
    seen = through(environ(**headers))
    assert public_address(seen) == "http://127.0.0.1:8080/services/centralSystemServiceOcpp15"
    assert seen["REMOTE_ADDR"] == "127.0.0.1"


def test_port_only_on_a_request_without_host() -> None:
    env = environ(x_forwarded_port="8443")
    del env["HTTP_HOST"]
    seen = through(env)
    assert seen["SERVER_PORT"] == "8443" and "HTTP_HOST" not in seen


def test_applying_twice_changes_nothing() -> None:
    env = environ(**NGINX_TLS)
    inner: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        inner.update(environ)
        return []

    TrustedProxyMiddleware(TrustedProxyMiddleware(app, PROXIES), parse_networks("0.0.0.0/0"))(env, lambda *a: None)
    assert inner["REMOTE_ADDR"] == "198.51.100.7"
    assert inner[ENVIRON_KEY]["REMOTE_ADDR"] == "127.0.0.1"


def test_networks_are_parsed_and_bad_ones_named() -> None:
    assert [str(n) for n in parse_networks(" 127.0.0.1 , 10.0.0.0/8,,::1 ")] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    assert [str(n) for n in parse_networks(["192.168.1.7/24"])] == ["192.168.1.0/24"]
    with pytest.raises(ValueError, match="'nginx'"):
        parse_networks("127.0.0.1,nginx")
    assert TrustedProxyMiddleware(lambda e, s: [], ["10.0.0.0/8"]).trusted == parse_networks("10.0.0.0/8")


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1", True), ("10.200.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True), ("11.0.0.1", False),
     ("", False), (None, False), ("unix:/run/x.sock", False), ("::2", False)],
)
def test_address_in(address: str | None, expected: bool) -> None:
    assert address_in(address, PROXIES) is expected
