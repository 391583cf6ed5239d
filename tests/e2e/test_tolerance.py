"""What real stations send that a strict reader would refuse, and we serve, over loopback HTTP: SOAP 1.1, odd or
missing WS-Addressing, ``mustUnderstand`` flags, body children out of order or unqualified, other namespace
prefixes, one-byte encodings, and timestamps without a zone, with fractions, ``+hhmm`` offsets or a space. Every
case runs against the 1.5 and the 1.6 endpoint, each in its own namespace (``ns``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ocpp_soap.persistence import orm
from tests import stations
from tests.helpers import CS15, CS16, SOAP11, SOAP12, WSA, Answer, envelope, post
from tests.stations import rows

ENDPOINTS = {"1.5": ("/services/centralSystemServiceOcpp15", CS15), "1.6": ("/services/centralSystemServiceOcpp16", CS16)}
WSA_2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
STATION = "TOL1"
STATION_URL = "http://192.0.2.77:8080/ChargePointService"


def station_row(gateway: Any) -> Any:
    return stations.station_row(gateway, STATION)


@pytest.fixture(params=sorted(ENDPOINTS), ids=lambda number: f"ocpp{number}")
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def ns(version: str) -> str:
    """The namespace of the version's central-system messages."""
    return ENDPOINTS[version][1]


@pytest.fixture
def url(live_server: Any, gateway: Any, version: str, ns: str) -> str:
    """The version's endpoint, with station TOL1 booted and accepted."""
    endpoint = f"{live_server.url}{ENDPOINTS[version][0]}"
    boot = (
        "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor>"
        "<cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>"
    )
    assert post(endpoint, envelope(boot, charge_box=STATION, ns=ns)).status == 200
    stations.accept(gateway, STATION)
    return endpoint


def assert_answer(answer: Answer, element: str, *, ns: str, soap: str = SOAP12, wsa: str = WSA) -> None:
    """A 200 answer in the given SOAP version carrying ``element`` (of namespace ``ns``) and a WS-Addressing
    response action."""
    assert answer.status == 200, answer.text
    assert answer.xml is not None and answer.xml.tag == f"{{{soap}}}Envelope"
    media = "application/soap+xml" if soap == SOAP12 else "text/xml"
    assert answer.content_type.split(";")[0] == media
    body = answer.xml.find(f"{{{soap}}}Body")
    assert body is not None and body[0].tag == f"{{{ns}}}{element}", answer.text
    action = answer.xml.findtext(f"{{{soap}}}Header/{{{wsa}}}Action")
    assert action == "/" + element[0].upper() + element[1:]


def relates_to(answer: Answer, soap: str = SOAP12, wsa: str = WSA) -> str | None:
    assert answer.xml is not None
    return answer.xml.findtext(f"{{{soap}}}Header/{{{wsa}}}RelatesTo")


# -- SOAP 1.1 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/xml; charset=utf-8", "text/xml", 'text/xml; charset="UTF-8"'], ids=["charset", "bare", "quoted"]
)
def test_soap11_station_is_answered_in_soap11(url, ns, gateway, content_type):
    data = envelope("<cs:heartbeatRequest/>", charge_box=STATION, ns=ns, soap=SOAP11, message_id="uuid:soap11-1")
    answer = post(url, data, content_type=content_type)
    assert_answer(answer, "heartbeatResponse", ns=ns, soap=SOAP11)
    assert answer.content_type == "text/xml; charset=utf-8"
    assert relates_to(answer, SOAP11) == "uuid:soap11-1"
    assert SOAP12.encode() not in answer.text.encode()


def test_soap11_boot_with_soap_action_header(url, ns, gateway):
    body = (
        "<cs:bootNotificationRequest><cs:chargePointVendor>Old</cs:chargePointVendor>"
        "<cs:chargePointModel>Box</cs:chargePointModel></cs:bootNotificationRequest>"
    )
    import requests

    response = requests.post(
        url, data=envelope(body, charge_box=STATION, ns=ns, soap=SOAP11),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"/BootNotification"'}, timeout=10,
    )
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    assert b"bootNotificationResponse" in response.content and SOAP11.encode() in response.content
    assert station_row(gateway).charge_point_vendor == "Old"


def test_soap12_envelope_sent_as_text_xml_is_answered_in_soap12(url, ns):
    answer = post(url, envelope("<cs:heartbeatRequest/>", charge_box=STATION, ns=ns), content_type="text/xml")
    assert_answer(answer, "heartbeatResponse", ns=ns, soap=SOAP12)


@pytest.mark.parametrize(
    "content_type",
    ["application/soap+xml", 'application/soap+xml;charset=UTF-8;action="/Heartbeat"', "application/xml", ""],
    ids=["no-charset", "with-action", "application-xml", "none"],
)
def test_content_type_variants(url, ns, content_type):
    import requests

    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(url, data=envelope("<cs:heartbeatRequest/>", charge_box=STATION, ns=ns), headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert b"heartbeatResponse" in response.content


# -- WS-Addressing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message_id",
    ["12345", "0", "uuid:0f8fad5b-d9cb-469f-a165-70867728950e", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
     "Msg #7 from station", "http://station.example/messages/42"],
    ids=["numeric", "zero", "uuid-scheme", "urn-uuid", "free-text", "uri"],
)
def test_any_message_id_is_echoed_in_relates_to(url, ns, message_id):
    answer = post(url, envelope("<cs:heartbeatRequest/>", charge_box=STATION, ns=ns, message_id=message_id))
    assert_answer(answer, "heartbeatResponse", ns=ns)
    assert relates_to(answer) == message_id


def test_message_id_is_echoed_in_a_fault_too(url, ns):
    answer = post(url, envelope("<cs:heartbeatRequest/>", charge_box="NEVER-BOOTED", ns=ns, message_id="99"))
    assert answer.status == 400 and relates_to(answer) == "99"


@pytest.mark.parametrize("flag", ['soap:mustUnderstand="1"', 'soap:mustUnderstand="true"'], ids=["one", "true"])
@pytest.mark.parametrize("soap", [SOAP12, SOAP11], ids=["soap12", "soap11"])
def test_must_understand_flags_and_fault_to_are_accepted(url, ns, gateway, flag, soap):
    headers = (
        f'<cs:chargeBoxIdentity {flag}>{STATION}</cs:chargeBoxIdentity>'
        f'<wsa:Action {flag}>/Heartbeat</wsa:Action>'
        f'<wsa:MessageID {flag}>mu-1</wsa:MessageID>'
        f'<wsa:To {flag}>{url}</wsa:To>'
        f'<wsa:From><wsa:Address>{STATION_URL}</wsa:Address></wsa:From>'
        f'<wsa:ReplyTo {flag}><wsa:Address>{WSA}/anonymous</wsa:Address></wsa:ReplyTo>'
        f'<wsa:FaultTo {flag}><wsa:Address>http://192.0.2.77:8080/faults</wsa:Address></wsa:FaultTo>'
        f'<x:Vendor xmlns:x="urn:vendor:extension">ignored</x:Vendor>'
    )
    data = (
        f'<soap:Envelope xmlns:soap="{soap}" xmlns:wsa="{WSA}" xmlns:cs="{ns}"><soap:Header>{headers}</soap:Header>'
        "<soap:Body><cs:heartbeatRequest/></soap:Body></soap:Envelope>"
    ).encode()
    content_type = "text/xml; charset=utf-8" if soap == SOAP11 else "application/soap+xml; charset=utf-8"
    answer = post(url, data, content_type=content_type)
    assert_answer(answer, "heartbeatResponse", ns=ns, soap=soap)
    assert relates_to(answer, soap) == "mu-1"
    assert station_row(gateway).endpoint_address == STATION_URL


def test_wsa_2004_namespace_is_answered_in_kind(url, ns, gateway):
    data = (
        f'<s:Envelope xmlns:s="{SOAP12}" xmlns:a="{WSA_2004}" xmlns:o="{ns}"><s:Header>'
        f"<o:chargeBoxIdentity>{STATION}</o:chargeBoxIdentity><a:Action>/Heartbeat</a:Action>"
        f"<a:MessageID>uuid:2004-1</a:MessageID><a:From><a:Address>{STATION_URL}</a:Address></a:From>"
        f"<a:ReplyTo><a:Address>{WSA_2004}/role/anonymous</a:Address></a:ReplyTo>"
        "</s:Header><s:Body><o:heartbeatRequest/></s:Body></s:Envelope>"
    ).encode()
    answer = post(url, data)
    assert_answer(answer, "heartbeatResponse", ns=ns, wsa=WSA_2004)
    assert relates_to(answer, wsa=WSA_2004) == "uuid:2004-1"
    assert answer.xml is not None and answer.xml.find(f".//{{{WSA}}}Action") is None  # not mixed with 2005/08
    assert station_row(gateway).endpoint_address == STATION_URL


def test_no_ws_addressing_at_all(url, ns, gateway):
    data = (
        f'<soap:Envelope xmlns:soap="{SOAP12}"><soap:Header><chargeBoxIdentity xmlns="{ns}">{STATION}'
        f'</chargeBoxIdentity></soap:Header><soap:Body><heartbeatRequest xmlns="{ns}"/></soap:Body></soap:Envelope>'
    ).encode()
    answer = post(url, data)
    assert_answer(answer, "heartbeatResponse", ns=ns)
    assert relates_to(answer) is None
    assert answer.findtext("s12:Header/wsa:To") == f"{WSA}/anonymous"


def test_no_header_element_other_than_identity_in_soap11(url, ns):
    data = (
        f'<Envelope xmlns="{SOAP11}"><Header><chargeBoxIdentity xmlns="{ns}">{STATION}</chargeBoxIdentity></Header>'
        f'<Body><heartbeatRequest xmlns="{ns}"/></Body></Envelope>'
    ).encode()
    assert_answer(post(url, data, content_type="text/xml"), "heartbeatResponse", ns=ns, soap=SOAP11)


# -- element order, qualification and prefixes --------------------------------------------------------------------


def test_body_children_in_another_order(url, ns, gateway):
    body = (
        "<cs:bootNotificationRequest><cs:meterSerialNumber>M-1</cs:meterSerialNumber>"
        "<cs:chargePointModel>Model-X</cs:chargePointModel><cs:firmwareVersion>2.0</cs:firmwareVersion>"
        "<cs:chargePointVendor>Vendor-X</cs:chargePointVendor><cs:iccid>8931</cs:iccid>"
        "</cs:bootNotificationRequest>"
    )
    answer = post(url, envelope(body, charge_box=STATION, ns=ns))
    assert_answer(answer, "bootNotificationResponse", ns=ns)
    row = station_row(gateway)
    assert (row.charge_point_vendor, row.charge_point_model, row.firmware_version, row.iccid, row.meter_serial_number) == (
        "Vendor-X", "Model-X", "2.0", "8931", "M-1"
    )


def test_start_transaction_fields_in_reverse_order(url, ns, gateway):
    body = (
        "<cs:startTransactionRequest><cs:reservationId>3</cs:reservationId><cs:meterStart>1200</cs:meterStart>"
        "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:idTag>REV</cs:idTag><cs:connectorId>2</cs:connectorId>"
        "</cs:startTransactionRequest>"
    )
    answer = post(url, envelope(body, charge_box=STATION, ns=ns))
    assert_answer(answer, "startTransactionResponse", ns=ns)
    (tx,) = rows(gateway, orm.TransactionRow, charge_box_id=STATION)
    assert (tx.connector_id, tx.id_tag, tx.meter_start, tx.reservation_id) == (2, "REV", 1200, 3)
    assert tx.started_at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        # children unqualified, request element qualified
        "<cs:statusNotificationRequest><connectorId>1</connectorId><status>Faulted</status>"
        "<errorCode>GroundFailure</errorCode><info>unqualified</info></cs:statusNotificationRequest>",
        # everything unqualified (the versioned endpoint knows its namespace)
        "<statusNotificationRequest><connectorId>1</connectorId><status>Faulted</status>"
        "<errorCode>GroundFailure</errorCode><info>unqualified</info></statusNotificationRequest>",
        # a mix
        "<cs:statusNotificationRequest><connectorId>1</connectorId><cs:status>Faulted</cs:status>"
        "<errorCode>GroundFailure</errorCode><cs:info>unqualified</cs:info></cs:statusNotificationRequest>",
    ],
    ids=["children", "all", "mixed"],
)
def test_unqualified_body_children(url, ns, gateway, body):
    answer = post(url, envelope(body, charge_box=STATION, ns=ns))
    assert_answer(answer, "statusNotificationResponse", ns=ns)
    (history,) = rows(gateway, orm.ConnectorStatusRow, charge_box_id=STATION)
    assert (history.connector_id, history.status, history.error_code, history.info) == (
        1, "Faulted", "GroundFailure", "unqualified"
    )


@pytest.mark.parametrize(
    "document",
    [
        # other prefixes everywhere
        f'<env:Envelope xmlns:env="{SOAP12}" xmlns:ns0="{CS15}" xmlns:addr="{WSA}"><env:Header>'
        f"<ns0:chargeBoxIdentity>{STATION}</ns0:chargeBoxIdentity><addr:MessageID>p-1</addr:MessageID></env:Header>"
        "<env:Body><ns0:authorizeRequest><ns0:idTag>PFX</ns0:idTag></ns0:authorizeRequest></env:Body></env:Envelope>",
        # a default namespace on the request element, declared where it is used
        f'<soap:Envelope xmlns:soap="{SOAP12}"><soap:Header><wsa:MessageID xmlns:wsa="{WSA}">p-1</wsa:MessageID>'
        f'<h:chargeBoxIdentity xmlns:h="{CS15}">{STATION}</h:chargeBoxIdentity></soap:Header><soap:Body>'
        f'<authorizeRequest xmlns="{CS15}"><idTag>PFX</idTag></authorizeRequest></soap:Body></soap:Envelope>',
        # the SOAP namespace as the default, OCPP with a prefix
        f'<Envelope xmlns="{SOAP12}" xmlns:o="{CS15}"><Header><o:chargeBoxIdentity>{STATION}</o:chargeBoxIdentity>'
        f'<MessageID xmlns="{WSA}">p-1</MessageID></Header>'
        "<Body><o:authorizeRequest><o:idTag>PFX</o:idTag></o:authorizeRequest></Body></Envelope>",
        # one prefix rebound deeper down, pretty-printed with comments
        f'<?xml version="1.0"?>\n<!-- from a station -->\n<x:Envelope xmlns:x="{SOAP12}">\n  <x:Header>\n'
        f'    <x:chargeBoxIdentity xmlns:x="{CS15}">{STATION}</x:chargeBoxIdentity>\n'
        f'    <x:MessageID xmlns:x="{WSA}">p-1</x:MessageID>\n  </x:Header>\n  <x:Body>\n'
        f'    <x:authorizeRequest xmlns:x="{CS15}">\n      <!-- the tag -->\n      <x:idTag>PFX</x:idTag>\n'
        "    </x:authorizeRequest>\n  </x:Body>\n</x:Envelope>\n",
    ],
    ids=["other-prefixes", "default-on-request", "soap-as-default", "rebound-pretty"],
)
def test_namespace_prefixes_do_not_matter(url, ns, document):
    answer = post(url, document.replace(CS15, ns).encode())
    assert_answer(answer, "authorizeResponse", ns=ns)
    assert answer.xml.findtext(f".//{{{ns}}}idTagInfo/{{{ns}}}status") == "Invalid"
    assert relates_to(answer) == "p-1"


def test_charge_box_identity_in_another_namespace_or_none(url, ns):
    for identity in (
        f"<chargeBoxIdentity>{STATION}</chargeBoxIdentity>",
        f'<chargeBoxIdentity xmlns="urn://Ocpp/Cp/2012/06/">{STATION}</chargeBoxIdentity>',
        f"<cs:chargeBoxIdentity>  {STATION}\n</cs:chargeBoxIdentity>",
    ):
        data = envelope("<cs:heartbeatRequest/>", charge_box=None, ns=ns, extra_headers=identity)
        assert_answer(post(url, data), "heartbeatResponse", ns=ns)


def test_one_byte_encoding_declared_is_read(url, ns, gateway):
    body = (
        "<cs:bootNotificationRequest><cs:chargePointVendor>Énergie Süd</cs:chargePointVendor>"
        "<cs:chargePointModel>Borne</cs:chargePointModel></cs:bootNotificationRequest>"
    )
    data = envelope(body, charge_box=STATION, ns=ns).decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    answer = post(url, data.encode("latin-1"))
    assert_answer(answer, "bootNotificationResponse", ns=ns)
    assert station_row(gateway).charge_point_vendor == "Énergie Süd"


def test_utf16_document_is_read(url, ns, gateway):
    body = (
        "<cs:bootNotificationRequest><cs:chargePointVendor>Vändor</cs:chargePointVendor>"
        "<cs:chargePointModel>M16</cs:chargePointModel></cs:bootNotificationRequest>"
    )
    data = envelope(body, charge_box=STATION, ns=ns).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    answer = post(url, data.encode("utf-16"))
    assert_answer(answer, "bootNotificationResponse", ns=ns)
    assert station_row(gateway).charge_point_model == "M16"


def test_nil_on_an_optional_element_means_absent(url, ns, gateway):
    body = (
        '<cs:statusNotificationRequest xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status><cs:errorCode>NoError</cs:errorCode>"
        '<cs:info xsi:nil="true"/><cs:vendorId xsi:nil="1"/></cs:statusNotificationRequest>'
    )
    assert_answer(post(url, envelope(body, charge_box=STATION, ns=ns)), "statusNotificationResponse", ns=ns)
    (history,) = rows(gateway, orm.ConnectorStatusRow, charge_box_id=STATION)
    assert history.info is None and history.vendor_id is None


# -- timestamps -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24T08:00:00Z", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("2026-11-24T08:00:00", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),  # no zone: UTC
        ("2026-11-24T08:00:00.123Z", datetime(2026, 11, 24, 8, 0, 0, 123000, tzinfo=UTC)),
        ("2026-11-24T08:00:00.123456789Z", datetime(2026, 11, 24, 8, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-24T08:00:00.5", datetime(2026, 11, 24, 8, 0, 0, 500000, tzinfo=UTC)),
        ("2026-11-24T09:00:00+0100", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("2026-11-24T09:00:00+01:00", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("2026-11-24T03:30:00-0430", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        ("2026-11-24 08:00:00", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),  # space separator
        ("2026-11-24 09:00:00.25+0100", datetime(2026, 11, 24, 8, 0, 0, 250000, tzinfo=UTC)),
        ("2026-11-25T00:30:00+16:30", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
        (" 2026-11-24T08:00:00Z\n", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),  # whitespace around
    ],
    ids=["utc", "no-zone", "millis", "nanos", "fraction-no-zone", "plus-hhmm", "plus-hh-mm", "minus-hhmm", "space",
         "space-fraction-offset", "next-day-offset", "padded"],
)
def test_timestamps_are_stored_as_the_right_utc_instant(url, ns, gateway, text, expected):
    body = (
        "<cs:statusNotificationRequest><cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status>"
        f"<cs:errorCode>NoError</cs:errorCode><cs:timestamp>{text}</cs:timestamp></cs:statusNotificationRequest>"
    )
    assert_answer(post(url, envelope(body, charge_box=STATION, ns=ns)), "statusNotificationResponse", ns=ns)
    (history,) = rows(gateway, orm.ConnectorStatusRow, charge_box_id=STATION)
    assert history.status_timestamp == expected
    assert history.status_timestamp.utcoffset().total_seconds() == 0


def test_transaction_timestamps_with_offsets(url, ns, gateway):
    start = (
        "<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:idTag>TZ</cs:idTag>"
        "<cs:timestamp>2026-11-24 10:00:00.750+0200</cs:timestamp><cs:meterStart>0</cs:meterStart>"
        "</cs:startTransactionRequest>"
    )
    answer = post(url, envelope(start, charge_box=STATION, ns=ns))
    assert_answer(answer, "startTransactionResponse", ns=ns)
    transaction_id = answer.xml.findtext(f".//{{{ns}}}transactionId")
    stop = (
        f"<cs:stopTransactionRequest><cs:transactionId>{transaction_id}</cs:transactionId>"
        "<cs:timestamp>2026-11-24T09:00:00</cs:timestamp><cs:meterStop>500</cs:meterStop></cs:stopTransactionRequest>"
    )
    assert_answer(post(url, envelope(stop, charge_box=STATION, ns=ns)), "stopTransactionResponse", ns=ns)
    (tx,) = rows(gateway, orm.TransactionRow, charge_box_id=STATION)
    assert tx.started_at == datetime(2026, 11, 24, 8, 0, 0, 750000, tzinfo=UTC)
    assert tx.stopped_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
