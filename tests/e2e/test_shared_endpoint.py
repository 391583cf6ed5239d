"""The shared URL serves every OCPP version side by side, over loopback HTTP: routing by body namespace, the index
its ``?wsdl`` answers, a station's binding moving between versions, and SOAP 1.1 stations without WS-Addressing."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocpp_soap.domain import events
from ocpp_soap.domain.model import Protocol
from ocpp_soap.soap.edge import edges
from ocpp_soap.soap.inbound.endpoints import INDEX_NS, SHARED_PATH
from tests.conftest import official_wsdl
from tests.helpers import CS12, CS15, CS16, SOAP11, envelope, post
from tests.stations import ZeepStation, accept, station_row

WSA = "http://www.w3.org/2005/08/addressing"
PATH12 = "/services/centralSystemServiceOcpp12"
PATH15 = "/services/centralSystemServiceOcpp15"
PATH16 = "/services/centralSystemServiceOcpp16"
UNSERVED = "urn://Ocpp/Cs/2099/01/"
"""A central-system namespace no version has (OCPP 2.x is not SOAP at all)."""
VERSIONS = {
    "1.2": ("ocpp12_centralsystem.wsdl", CS12, PATH12, Protocol.OCPP12_SOAP),
    "1.5": ("ocpp15_centralsystem.wsdl", CS15, PATH15, Protocol.OCPP15_SOAP),
    "1.6": ("ocpp16_centralsystem.wsdl", CS16, PATH16, Protocol.OCPP16_SOAP),
}
STATION_URL = "http://192.0.2.40:8080/ChargePointService"
INDEX = {"i": INDEX_NS}


def zeep_station(wsdl: str, namespace: str, url: str, charge_box_id: str) -> ZeepStation:
    return ZeepStation(zeep.Client(str(official_wsdl(wsdl))), namespace, url, charge_box_id, STATION_URL)


# -- GET: where each version's WSDL is -----------------------------------------------------------------------


def test_wsdl_index_lists_every_version_with_working_links(live_server):
    response = requests.get(f"{live_server.url}{SHARED_PATH}?wsdl", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    index = etree.fromstring(response.content)
    assert index.tag == f"{{{INDEX_NS}}}services"
    assert index.get("address") == f"{live_server.url}{SHARED_PATH}"
    services = index.findall("i:service", INDEX)
    assert [(s.get("version"), s.get("namespace"), s.get("protocol")) for s in services] == [
        (e.number, e.central_system.namespace, e.protocol.value) for e in edges()
    ]
    assert {s.get("version") for s in services} == {"1.2", "1.5", "1.6"}
    for service in services:
        served = next(e.central_system for e in edges() if e.number == service.get("version"))
        endpoint = service.findtext("i:endpoint", namespaces=INDEX)
        assert endpoint == f"{live_server.url}{served.path}"
        assert service.findtext("i:wsdl", namespaces=INDEX) == f"{endpoint}?wsdl"
        wsdl = etree.fromstring(requests.get(f"{endpoint}?wsdl", timeout=10).content)
        assert wsdl.get("targetNamespace") == served.namespace
        (location,) = wsdl.xpath("//*[local-name()='address']/@location")
        assert location == endpoint


def test_wsdl_index_follows_host_and_trailing_slash(live_server):
    text = requests.get(
        f"{live_server.url}{SHARED_PATH}/?wsdl", headers={"Host": "cs.example.net:8443"}, timeout=10
    ).text
    assert "<wsdl>http://cs.example.net:8443/services/centralSystemServiceOcpp12?wsdl</wsdl>" in text
    assert "<wsdl>http://cs.example.net:8443/services/centralSystemServiceOcpp15?wsdl</wsdl>" in text
    assert "<wsdl>http://cs.example.net:8443/services/centralSystemServiceOcpp16?wsdl</wsdl>" in text


def test_wsdl_index_uses_public_url_setting(tmp_path):
    from werkzeug.test import Client

    from ocpp_soap.config import Settings
    from ocpp_soap.wsgi import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", public_url="https://ocpp.example.com/gw"))
    try:
        response = Client(app).get(f"{SHARED_PATH}?wsdl", headers={"Host": "10.0.0.5:8080"})
        index = etree.fromstring(response.data)
        assert index.get("address") == f"https://ocpp.example.com/gw{SHARED_PATH}"
        wsdls = [w.text for w in index.iterfind("i:service/i:wsdl", INDEX)]
        assert wsdls == [f"https://ocpp.example.com/gw{e.central_system.path}?wsdl" for e in edges()]
    finally:
        app.gateway.engine.dispose()


def test_plain_get_names_the_versions(live_server):
    text = requests.get(f"{live_server.url}{SHARED_PATH}", timeout=10).text
    assert "1.2" in text and "1.5" in text and "1.6" in text and "?wsdl" in text


# -- POST: routing by the body's namespace ---------------------------------------------------------------------


def test_unknown_namespace_is_a_sender_fault_naming_it(live_server):
    answer = post(f"{live_server.url}{SHARED_PATH}", envelope("<cs:heartbeatRequest/>", ns=UNSERVED, action="/Heartbeat"))
    assert answer.status == 400
    assert answer.fault_code.endswith("Sender")
    assert answer.findtext(".//s12:Subcode/s12:Value") == "UnknownNamespace"
    assert UNSERVED in answer.fault_reason
    for served in (CS12, CS15, CS16):  # and what is served instead
        assert served in answer.fault_reason


def test_unknown_namespace_in_soap11_is_a_client_fault(live_server):
    answer = post(
        f"{live_server.url}{SHARED_PATH}",
        envelope("<cs:heartbeatRequest/>", ns=UNSERVED, soap=SOAP11),
        content_type="text/xml; charset=utf-8",
    )
    assert answer.status == 500  # SOAP 1.1 answers every fault with 500
    assert answer.content_type.startswith("text/xml")
    assert answer.fault_code.endswith("Client")
    assert UNSERVED in answer.fault_reason


def test_body_without_namespace_is_refused(live_server):
    answer = post(f"{live_server.url}{SHARED_PATH}", envelope("<heartbeatRequest/>"))
    assert answer.status == 400
    assert "no namespace" in answer.fault_reason


def test_15_station_through_the_shared_url(live_server, gateway):
    station = zeep_station("ocpp15_centralsystem.wsdl", CS15, f"{live_server.url}{SHARED_PATH}", "S15")
    assert station.BootNotification(chargePointVendor="V", chargePointModel="M").status == "Rejected"
    accept(gateway, "S15")
    station.DataTransfer(vendorId="com.example")
    assert station.Heartbeat() is not None
    assert station_row(gateway, "S15").protocol == "ocpp1.5-soap"


def test_16_station_through_the_shared_url(live_server, gateway):
    """Routed by its namespace, told Pending (1.6's own answer), and bound to 1.6."""
    station = zeep_station("ocpp16_centralsystem.wsdl", CS16, f"{live_server.url}{SHARED_PATH}", "S16")
    answer = station.BootNotification(chargePointVendor="V", chargePointModel="M")
    assert (answer.status, answer.interval) == ("Pending", 900)
    assert station.StatusNotification(connectorId=0, status="Available", errorCode="NoError") is None
    accept(gateway, "S16")
    station.DataTransfer(vendorId="com.example")
    assert station.Heartbeat() is not None
    row = station_row(gateway, "S16")
    assert (row.protocol, row.endpoint_address) == ("ocpp1.6-soap", STATION_URL)


@pytest.mark.parametrize(
    ("path", "namespace"),
    [(PATH15, CS12), (PATH15, CS16), (PATH16, CS15), (PATH16, CS12), (PATH12, CS16)],
    ids=["1.2-to-1.5", "1.6-to-1.5", "1.5-to-1.6", "1.2-to-1.6", "1.6-to-1.2"],
)
def test_versioned_urls_do_not_route(live_server, path, namespace):
    """A body of one version sent to another version's URL is not silently served as its own version."""
    answer = post(f"{live_server.url}{path}", envelope("<cs:heartbeatRequest/>", ns=namespace))
    assert answer.status == 400
    assert answer.findtext(".//s12:Subcode/s12:Value") == "UnknownNamespace"
    assert namespace in answer.fault_reason


# -- binding: a station is bound to the version it booted with ----------------------------------------------------


@pytest.mark.parametrize("other", ["1.2", "1.6"])
@pytest.mark.parametrize("via", ["shared", "versioned"])
def test_reboot_with_another_version_moves_the_binding(live_server, gateway, via, other):
    """1.5 → ``other`` → 1.5, as a firmware upgrade (and its rollback) does."""
    def station_of(number: str) -> ZeepStation:
        wsdl, namespace, path, _ = VERSIONS[number]
        return zeep_station(wsdl, namespace, f"{live_server.url}{SHARED_PATH if via == 'shared' else path}", "MOVER")

    old, new = VERSIONS["1.5"][3], VERSIONS[other][3]
    changes: list[events.StationBindingChanged] = []
    gateway.bus.subscribe(events.StationBindingChanged, changes.append)
    v15, moved = station_of("1.5"), station_of(other)

    v15.BootNotification(chargePointVendor="V", chargePointModel="M")
    accept(gateway, "MOVER")
    v15.BootNotification(chargePointVendor="V", chargePointModel="M")
    assert station_row(gateway, "MOVER").protocol == old.value
    assert changes == []  # booting again with the same version changes nothing

    assert moved.BootNotification(chargePointVendor="V", chargePointModel="M2").status == "Accepted"
    row = station_row(gateway, "MOVER")
    assert (row.protocol, row.boot_count, row.charge_point_model) == (new.value, 3, "M2")
    assert changes == [events.StationBindingChanged("MOVER", old, new)]
    assert moved.Heartbeat() is not None  # still accepted: the registration belongs to the station, not the version

    v15.BootNotification(chargePointVendor="V", chargePointModel="M")
    assert station_row(gateway, "MOVER").protocol == old.value
    assert changes[-1] == events.StationBindingChanged("MOVER", new, old)

    from ocpp_soap.persistence.orm import StationBindingChangeRow

    with Session(gateway.engine) as session:  # the history an operator will see
        recorded = session.scalars(
            select(StationBindingChangeRow).filter_by(charge_box_id="MOVER").order_by(StationBindingChangeRow.id)
        ).all()
    assert [(r.old_protocol, r.new_protocol) for r in recorded] == [(old.value, new.value), (new.value, old.value)]


# -- SOAP 1.1 without WS-Addressing (common with 1.2 stations) -----------------------------------------------------


def soap11(body: str, charge_box: str = "OLD12") -> bytes:
    """A SOAP 1.1 envelope as such stations write it: chargeBoxIdentity and nothing else in the header."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11}" xmlns:ocpp="{CS12}">'
        f"<soapenv:Header><ocpp:chargeBoxIdentity>{charge_box}</ocpp:chargeBoxIdentity></soapenv:Header>"
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def post11(url: str, body: str, action: str) -> Any:
    response = requests.post(
        url, data=soap11(body), headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}, timeout=10
    )
    return response, etree.fromstring(response.content)


@pytest.mark.parametrize("path", [PATH12, SHARED_PATH])
def test_soap11_without_addressing_is_answered_in_soap11(live_server, gateway, path):
    url = f"{live_server.url}{path}"
    boot = (
        "<ocpp:bootNotificationRequest><ocpp:chargePointVendor>Old</ocpp:chargePointVendor>"
        "<ocpp:chargePointModel>Box</ocpp:chargePointModel></ocpp:bootNotificationRequest>"
    )
    response, xml = post11(url, boot, "/BootNotification")
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == "text/xml"
    assert xml.tag == f"{{{SOAP11}}}Envelope"
    answer = xml.find(f"{{{SOAP11}}}Body/{{{CS12}}}bootNotificationResponse")
    assert answer is not None, response.text
    assert answer.findtext(f"{{{CS12}}}status") == "Rejected"
    assert answer.findtext(f"{{{CS12}}}heartbeatInterval") == "900"

    row = station_row(gateway, "OLD12")
    assert row.protocol == "ocpp1.2-soap"
    assert row.endpoint_address is None
    assert "no wsa:From address" in row.address_problem

    accept(gateway, "OLD12")
    response, xml = post11(url, "<ocpp:heartbeatRequest/>", "/Heartbeat")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    assert xml.find(f"{{{SOAP11}}}Body/{{{CS12}}}heartbeatResponse/{{{CS12}}}currentTime") is not None
    assert station_row(gateway, "OLD12").address_problem is not None  # still no address to call back

    # Once it sends an address it can be called back.
    answer = post(url, envelope("<cs:heartbeatRequest/>", charge_box="OLD12", ns=CS12, from_address=STATION_URL))
    assert answer.status == 200
    row = station_row(gateway, "OLD12")
    assert (row.endpoint_address, row.address_problem) == (STATION_URL, None)


@pytest.mark.parametrize("path", [PATH12, SHARED_PATH])
def test_soap11_fault_for_an_unknown_station(live_server, path):
    response, xml = post11(f"{live_server.url}{path}", "<ocpp:heartbeatRequest/>", "/Heartbeat")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/xml")
    fault = xml.find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None
    assert fault.findtext("faultcode").endswith("Client")
    assert "BootNotification first" in fault.findtext("faultstring")
