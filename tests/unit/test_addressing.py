"""SOAP headers: chargeBoxIdentity and WS-Addressing read tolerantly, the callback address chosen with care."""

from __future__ import annotations

import pytest
from lxml import etree

from ocpp_soap.soap.addressing import (
    WSA_2004_NS,
    WSA_NS,
    RequestHeaders,
    add_response_headers,
    address_problem,
    callback_address,
    read_headers,
)

CS15 = "urn://Ocpp/Cs/2012/06/"
CS12 = "urn://Ocpp/Cs/2010/08/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
STATION = "http://192.0.2.10:8080/ChargePointService"


def header_blocks(xml: str, wsa: str = WSA_NS) -> list[etree._Element]:
    """The children of a soap:Header written with the given WS-Addressing namespace bound to ``wsa:``."""
    header = etree.fromstring(
        f'<soap:Header xmlns:soap="{SOAP12}" xmlns:wsa="{wsa}" xmlns:cs="{CS15}">{xml}</soap:Header>'
    )
    return [child for child in header if isinstance(child.tag, str)]


FULL = """
    <cs:chargeBoxIdentity> CB-0001 </cs:chargeBoxIdentity>
    <wsa:Action soap:mustUnderstand="true">/BootNotification</wsa:Action>
    <wsa:MessageID>urn:uuid:6f0bd4f7-1a3b-4c5e-9a8e-0e1d2c3b4a59</wsa:MessageID>
    <wsa:To>http://cs.example.com/Ocpp/CentralSystemService/</wsa:To>
    <wsa:From><wsa:Address>http://192.0.2.10:8080/ChargePointService</wsa:Address></wsa:From>
    <wsa:ReplyTo><wsa:Address>http://192.0.2.10:8080/Reply</wsa:Address></wsa:ReplyTo>
"""


@pytest.mark.parametrize("wsa", [WSA_NS, WSA_2004_NS])
def test_read_headers_in_either_ws_addressing_namespace(wsa: str) -> None:
    headers = read_headers(header_blocks(FULL, wsa))
    assert headers == RequestHeaders(
        charge_box_identity="CB-0001",
        wsa_namespace=wsa,
        action="/BootNotification",
        message_id="urn:uuid:6f0bd4f7-1a3b-4c5e-9a8e-0e1d2c3b4a59",
        to="http://cs.example.com/Ocpp/CentralSystemService/",
        from_address=STATION,
        reply_to="http://192.0.2.10:8080/Reply",
    )


def test_read_headers_without_any_header() -> None:
    assert read_headers([]) == RequestHeaders()


def test_charge_box_identity_in_any_namespace() -> None:
    for xml in (
        "<cs:chargeBoxIdentity>CB1</cs:chargeBoxIdentity>",
        f'<x:chargeBoxIdentity xmlns:x="{CS12}">CB1</x:chargeBoxIdentity>',
        "<chargeBoxIdentity>CB1</chargeBoxIdentity>",
        '<x:chargeBoxIdentity xmlns:x="urn:wrong">CB1</x:chargeBoxIdentity>',
    ):
        headers = read_headers(header_blocks(xml))
        assert headers.charge_box_identity == "CB1", xml
        assert headers.wsa_namespace is None


def test_numeric_message_id_and_blank_values() -> None:
    headers = read_headers(
        header_blocks("<wsa:MessageID>42</wsa:MessageID><cs:chargeBoxIdentity>  </cs:chargeBoxIdentity>")
    )
    assert headers.message_id == "42"
    assert headers.charge_box_identity is None


def test_headers_of_other_namespaces_are_not_ws_addressing() -> None:
    xml = """
        <x:Action xmlns:x="urn:not-wsa">/Fake</x:Action>
        <x:MessageID xmlns:x="urn:not-wsa">fake</x:MessageID>
        <x:From xmlns:x="urn:not-wsa"><x:Address>http://evil.example/</x:Address></x:From>
        <cs:somethingElse>ignored</cs:somethingElse>
    """
    assert read_headers(header_blocks(xml)) == RequestHeaders()


def test_the_first_of_repeated_headers_counts() -> None:
    xml = """
        <cs:chargeBoxIdentity>FIRST</cs:chargeBoxIdentity>
        <cs:chargeBoxIdentity>SECOND</cs:chargeBoxIdentity>
        <wsa:MessageID>m1</wsa:MessageID>
        <wsa:MessageID>m2</wsa:MessageID>
    """
    headers = read_headers(header_blocks(xml))
    assert (headers.charge_box_identity, headers.message_id) == ("FIRST", "m1")


def test_from_address_is_found_among_other_children() -> None:
    xml = """
        <wsa:From>
          <!-- the station's service -->
          <wsa:ReferenceParameters><x:id xmlns:x="urn:x">7</x:id></wsa:ReferenceParameters>
          <wsa:Address> http://192.0.2.10:8080/ChargePointService </wsa:Address>
        </wsa:From>
    """
    assert read_headers(header_blocks(xml)).from_address == STATION


def test_from_without_address_is_no_address() -> None:
    assert read_headers(header_blocks("<wsa:From/>")).from_address is None


# --- callback_address() ---------------------------------------------------------------------------------------------


def test_callback_is_the_from_address() -> None:
    assert callback_address(RequestHeaders(from_address=STATION, reply_to="http://other/")) == (STATION, None)


def test_https_from_address() -> None:
    url = "https://cp.example.com/ocpp"
    assert callback_address(RequestHeaders(from_address=url)) == (url, None)


@pytest.mark.parametrize(
    "anonymous",
    [
        f"{WSA_NS}/anonymous",
        f"{WSA_NS}/none",
        f"{WSA_2004_NS}/role/anonymous",
        "http://www.w3.org/2005/03/addressing/role/anonymous",
        "http://vendor.example/addressing/anonymous",
    ],
)
def test_an_anonymous_from_falls_back_to_reply_to(anonymous: str) -> None:
    assert callback_address(RequestHeaders(from_address=anonymous, reply_to=STATION)) == (STATION, None)
    address, problem = callback_address(RequestHeaders(from_address=anonymous))
    assert address is None
    assert "wsa:From is the anonymous address" in problem
    assert "no wsa:ReplyTo address" in problem


def test_a_missing_from_falls_back_to_reply_to() -> None:
    assert callback_address(RequestHeaders(reply_to=STATION)) == (STATION, None)


def test_no_address_at_all_names_both_headers() -> None:
    assert callback_address(RequestHeaders()) == (None, "no wsa:From address; no wsa:ReplyTo address")


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("http:///ChargePointService", "has no host"),
        ("http://:8080/ChargePointService", "has no host"),
        ("urn:uuid:6f0bd4f7-1a3b-4c5e-9a8e-0e1d2c3b4a59", "is not an http(s) URL"),
        ("ftp://192.0.2.10/ChargePointService", "is not an http(s) URL"),
        ("mailto:ops@example.com", "is not an http(s) URL"),
        ("192.0.2.10:8080/ChargePointService", "is not an http(s) URL"),
        ("/ChargePointService", "is not an http(s) URL"),
        ("http://[::1/ChargePointService", "is not a URL"),
    ],
)
def test_unusable_addresses_are_refused_with_the_reason(address: str, problem: str) -> None:
    assert problem in (address_problem(address) or "")
    found, reason = callback_address(RequestHeaders(from_address=address))
    assert found is None
    assert reason.startswith(f"wsa:From {address_problem(address)}")
    # ... and ReplyTo gets its chance
    assert callback_address(RequestHeaders(from_address=address, reply_to=STATION)) == (STATION, None)


def test_both_unusable_reports_both() -> None:
    address, problem = callback_address(RequestHeaders(from_address="http:///x", reply_to=f"{WSA_NS}/anonymous"))
    assert address is None
    assert problem == "wsa:From 'http:///x' has no host; wsa:ReplyTo is the anonymous address"


@pytest.mark.parametrize("address", [STATION, "http://[2001:db8::1]:8080/cp", "https://cp.example.com", "HTTP://CP/x"])
def test_usable_addresses(address: str) -> None:
    assert address_problem(address) is None


# --- Response headers -----------------------------------------------------------------------------------------------


def response_header(request: RequestHeaders) -> dict[str, str]:
    header = etree.Element(f"{{{SOAP12}}}Header")
    add_response_headers(header, request, "/BootNotificationResponse")
    return {etree.QName(child).text: child.text for child in header}


def test_response_headers_use_the_requests_namespace_and_relate_to_its_message() -> None:
    request = RequestHeaders(wsa_namespace=WSA_2004_NS, message_id="m-1")
    values = response_header(request)
    assert values[f"{{{WSA_2004_NS}}}Action"] == "/BootNotificationResponse"
    assert values[f"{{{WSA_2004_NS}}}RelatesTo"] == "m-1"
    assert values[f"{{{WSA_2004_NS}}}MessageID"].startswith("urn:uuid:")
    assert values[f"{{{WSA_2004_NS}}}To"] == f"{WSA_2004_NS}/role/anonymous"


def test_response_headers_default_to_2005_and_answer_a_usable_reply_to() -> None:
    values = response_header(RequestHeaders(reply_to=STATION))
    assert values[f"{{{WSA_NS}}}To"] == STATION
    assert f"{{{WSA_NS}}}RelatesTo" not in values


def test_response_to_an_unusable_reply_to_is_anonymous() -> None:
    values = response_header(RequestHeaders(wsa_namespace=WSA_NS, reply_to="urn:nowhere"))
    assert values[f"{{{WSA_NS}}}To"] == f"{WSA_NS}/anonymous"
