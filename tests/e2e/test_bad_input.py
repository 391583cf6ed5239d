"""Hostile and broken requests over loopback HTTP: each gets a SOAP Fault naming the problem within a second,
nothing reaches the database, nothing from the file system reaches the answer, and the server keeps serving.
Every case runs against the 1.5 and the 1.6 endpoint (requests are written in the 1.5 namespace; a 1.6 target
gets them in its own, see :meth:`Target.own`).

Every case checks the same things (see :func:`refused`): the HTTP status (SOAP 1.2 Sender 400, SOAP 1.1 500,
413 over the size limit), a well-formed envelope of the right SOAP version with wsa:Action = the WS-Addressing
fault action and wsa:RelatesTo when the request's MessageID was readable, the fault code (Sender/Client) and a
reason that names the problem (and the field), the response time, an unchanged database, and a valid Heartbeat
answered afterwards.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree
from sqlalchemy.orm import Session

from ocpp_soap.config import Settings
from ocpp_soap.persistence import orm
from ocpp_soap.wsgi import create_app
from tests.conftest import LiveServer
from tests.helpers import CS12, CS15, CS16, SOAP11, SOAP12, WSA, Answer, envelope, post

PATH = "/services/centralSystemServiceOcpp15"
TARGETS = {"1.5": (PATH, CS15), "1.6": ("/services/centralSystemServiceOcpp16", CS16)}
FAULT_ACTION = "http://www.w3.org/2005/08/addressing/soap/fault"
MESSAGE_ID = "urn:uuid:6f1c2b3a-0d4e-4f5a-9b8c-7d6e5f4a3b2c"
STATION = "BAD1"
SOAP12_TYPE = "application/soap+xml; charset=utf-8"
SOAP11_TYPE = "text/xml; charset=utf-8"
DEADLINE_S = 3.0
"""Hostile input is answered, not awaited or chewed on: well under the clients' 10 s timeout even on a loaded CI
machine (these inputs take milliseconds here; an unbounded parse or a wait for a body that never comes would take
the whole timeout)."""

BOOT = (
    "<cs:bootNotificationRequest><cs:chargePointVendor>{vendor}</cs:chargePointVendor>"
    "<cs:chargePointModel>Model</cs:chargePointModel></cs:bootNotificationRequest>"
)


def station_envelope(body: str, **kwargs: Any) -> bytes:
    """An envelope from the accepted test station with a known MessageID (so RelatesTo can be checked)."""
    kwargs.setdefault("charge_box", STATION)
    kwargs.setdefault("message_id", MESSAGE_ID)
    return envelope(body, **kwargs)


def status_notification(connector: str = "1", status: str = "Available", error: str = "NoError", extra: str = "") -> str:
    return (
        f"<cs:statusNotificationRequest><cs:connectorId>{connector}</cs:connectorId><cs:status>{status}</cs:status>"
        f"<cs:errorCode>{error}</cs:errorCode>{extra}</cs:statusNotificationRequest>"
    )


def start_transaction(connector: str = "1", id_tag: str = "TAG", timestamp: str = "2026-11-24T08:00:00Z",
                      meter: str = "0") -> str:
    return (
        f"<cs:startTransactionRequest><cs:connectorId>{connector}</cs:connectorId><cs:idTag>{id_tag}</cs:idTag>"
        f"<cs:timestamp>{timestamp}</cs:timestamp><cs:meterStart>{meter}</cs:meterStart></cs:startTransactionRequest>"
    )


def without_declaration(data: bytes) -> bytes:
    return data.split(b"?>", 1)[1]


# -- fixtures and the common checks -------------------------------------------------------------------------------


@dataclass
class Target:
    number: str
    path: str
    ns: str
    url: str
    gateway: Any

    def own(self, data: Any) -> Any:
        """A request written in the 1.5 namespace (``xmlns:cs``), in this endpoint's own namespace."""
        if isinstance(data, bytes) and self.ns != CS15:
            return data.replace(f'xmlns:cs="{CS15}"'.encode(), f'xmlns:cs="{self.ns}"'.encode())
        return data

    def post(self, data: Any, content_type: str = SOAP12_TYPE, headers: dict[str, str] | None = None) -> Answer:
        return timed_post(self.url, self.own(data), content_type, headers)


@pytest.fixture(params=sorted(TARGETS), ids=lambda number: f"ocpp{number}")
def target(request: pytest.FixtureRequest, live_server: Any, gateway: Any) -> Target:
    """A version's endpoint with one booted, accepted station (so a valid Heartbeat can be answered)."""
    path, ns = TARGETS[request.param]
    found = Target(request.param, path, ns, f"{live_server.url}{path}", gateway)
    booted = post(found.url, found.own(station_envelope(BOOT.format(vendor="Vendor"))))
    assert booted.status == 200, booted.text
    with Session(gateway.engine) as session, session.begin():
        session.get(orm.StationRow, STATION).registration_status = "Accepted"
    assert_serving(found)
    return found


def snapshot(gateway: Any, *, skip: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, so a refused request provably wrote (and updated) nothing.

    Except the message log, whose job is to record refused requests too."""
    with gateway.engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in orm.Base.metadata.sorted_tables
            if table.name not in (skip, "message_log")
        }


def assert_serving(target: Target) -> None:
    answer = post(target.url, envelope("<cs:heartbeatRequest/>", charge_box=STATION, ns=target.ns), timeout=5)
    assert answer.status == 200, answer.text
    assert answer.xml is not None and answer.xml.findtext(f".//{{{target.ns}}}heartbeatResponse/{{{target.ns}}}currentTime")


def timed_post(url: str, data: Any, content_type: str = SOAP12_TYPE, headers: dict[str, str] | None = None) -> Answer:
    started = time.perf_counter()
    response = requests.post(url, data=data, headers={"Content-Type": content_type, **(headers or {})}, timeout=10)
    elapsed = time.perf_counter() - started
    assert elapsed < DEADLINE_S, f"answered after {elapsed:.3f}s"
    try:
        xml = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        xml = None
    return Answer(response.status_code, response.headers.get("Content-Type", ""), xml, response.text)


def assert_fault(
    answer: Answer,
    *mentions: str,
    soap: str = SOAP12,
    sender: bool = True,
    status: int | None = None,
    relates_to: str | None = None,
    subcode: str | None = None,
) -> None:
    """A well-formed fault envelope of the right version, code, status, WS-Addressing and reason."""
    assert answer.xml is not None, f"not XML: {answer.text[:300]!r}"
    assert answer.xml.tag == f"{{{soap}}}Envelope"
    body = answer.xml.find(f"{{{soap}}}Body")
    assert body is not None and len(body) == 1 and body[0].tag == f"{{{soap}}}Fault", answer.text
    if soap == SOAP12:
        assert answer.content_type.startswith("application/soap+xml")
        expected_status = 400 if sender else 500
        assert answer.fault_code == ("soap:Sender" if sender else "soap:Receiver")
        if subcode is not None:
            assert answer.findtext(".//s12:Subcode/s12:Value") == subcode
    else:
        assert answer.content_type.startswith("text/xml")
        expected_status = 500
        assert answer.fault_code == ("soap:Client" if sender else "soap:Server")
    assert answer.status == (status or expected_status), answer.text
    header = answer.xml.find(f"{{{soap}}}Header")
    assert header is not None and header.findtext(f"{{{WSA}}}Action") == FAULT_ACTION
    assert header.findtext(f"{{{WSA}}}MessageID", "").startswith("urn:uuid:")
    assert header.findtext(f"{{{WSA}}}RelatesTo") == relates_to
    reason = answer.fault_reason
    for mention in mentions:
        assert mention.lower() in reason.lower(), f"{mention!r} not in reason {reason!r}"
    assert len(reason) < 600, f"reason too long: {reason!r}"
    assert "Traceback" not in answer.text and "root:" not in answer.text


def refused(
    target: Target,
    data: Any,
    *mentions: str,
    content_type: str = SOAP12_TYPE,
    headers: dict[str, str] | None = None,
    own: bool = True,
    **expect: Any,
) -> Answer:
    """Post ``data`` (in the target's namespace unless ``own`` is false); check the fault, that the database is
    unchanged and that the server still serves."""
    before = snapshot(target.gateway)
    answer = timed_post(target.url, target.own(data) if own else data, content_type, headers)
    assert_fault(answer, *mentions, **expect)
    assert snapshot(target.gateway) == before, "a refused request changed the database"
    assert_serving(target)
    return answer


# -- malformed XML --------------------------------------------------------------------------------------------------

_VALID = station_envelope(BOOT.format(vendor="Vendor"))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_VALID[: _VALID.index(b"<cs:chargePointModel>") + 14], id="truncated-mid-element"),
        pytest.param(_VALID[: _VALID.index(b"<soap:Body>") + 7], id="truncated-mid-tag"),
        pytest.param(_VALID[:-30], id="truncated-before-end"),
        pytest.param(bytes(random.Random(7).randrange(256) for _ in range(2000)), id="garbage-bytes"),
        pytest.param(b"\x00\x01\x02\xff\xfe" * 100, id="binary"),
        pytest.param(b"hello, central system", id="plain-text"),
        pytest.param(b'{"action": "Heartbeat"}', id="json"),
        pytest.param(_VALID.replace(b"</soap:Header>", b"</soap:Head>"), id="mismatched-tag"),
        pytest.param(_VALID + b"<extra/>", id="two-roots"),
        pytest.param(_VALID.replace(b"<cs:chargePointModel>", b"<cs:chargePointModel a='1' a='2'>"), id="duplicate-attribute"),
        pytest.param(_VALID.replace(b"Model<", b"Mo\x00del<"), id="nul-byte"),
        pytest.param(_VALID.replace(b"Model<", b"Mo&nbsp;del<"), id="html-entity"),
    ],
)
def test_malformed_or_truncated_xml(target, data):
    answer = refused(target, data, subcode="MalformedRequest")
    assert any(word in answer.fault_reason for word in ("not well-formed XML", "not valid UTF-8", "entities")), (
        answer.fault_reason
    )


@pytest.mark.parametrize(
    ("data", "mention"),
    [
        pytest.param(_VALID.replace(b'encoding="UTF-8"', b'encoding="x-klingon"'), "not supported", id="unknown"),
        pytest.param(_VALID.replace(b'encoding="UTF-8"', b'encoding="UTF-16"'), "UTF-16", id="utf16-declared-utf8-sent"),
        pytest.param(
            station_envelope(BOOT.format(vendor="Vend\xf6r")).decode().encode("latin-1"), "not valid UTF-8",
            id="latin1-bytes-utf8-declared",
        ),
        pytest.param(
            station_envelope(BOOT.format(vendor="Vendor")).replace(b'encoding="UTF-8"', b'encoding="EBCDIC-US"'),
            "not supported", id="ebcdic",
        ),
    ],
)
def test_unreadable_character_encoding(target, data, mention):
    refused(target, data, mention, subcode="MalformedRequest")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t  "], ids=["empty", "whitespace"])
@pytest.mark.parametrize(("content_type", "soap"), [(SOAP12_TYPE, SOAP12), (SOAP11_TYPE, SOAP11)], ids=["soap12", "soap11"])
def test_empty_body(target, data, content_type, soap):
    refused(target, data, "empty", content_type=content_type, soap=soap)


@pytest.mark.parametrize(
    ("data", "mention"),
    [
        (b"<foo/>", "not a SOAP envelope"),
        (b"<html><body>Hello</body></html>", "not a SOAP envelope"),
        (b'<Envelope xmlns="urn:not-soap"><Body/></Envelope>', "not a SOAP envelope"),
        (b'<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"/>', "no Body"),
        (
            f'<soap:Envelope xmlns:soap="{SOAP12}" xmlns:wsa="{WSA}"><soap:Header><wsa:MessageID>{MESSAGE_ID}'
            "</wsa:MessageID></soap:Header></soap:Envelope>".encode(),
            "no Body",
        ),
    ],
    ids=["other-root", "html", "envelope-in-other-namespace", "envelope-without-body", "header-without-body"],
)
def test_document_that_is_not_a_soap_envelope(target, data, mention):
    relates_to = MESSAGE_ID if b"MessageID" in data else None
    refused(target, data, mention, relates_to=relates_to)


@pytest.mark.parametrize(
    "body",
    ["", "   ", "<!-- nothing here -->", "just text"],
    ids=["empty", "whitespace", "comment", "text"],
)
def test_soap_envelope_with_empty_body(target, body):
    refused(target, station_envelope(body), "Body is empty", relates_to=MESSAGE_ID)


@pytest.mark.parametrize(
    "body",
    [
        BOOT.format(vendor="Vendor") + "<cs:heartbeatRequest/>",
        "<cs:heartbeatRequest/><cs:heartbeatRequest/>",
        "<cs:heartbeatRequest/><x:other xmlns:x='urn:x'/>",
    ],
    ids=["boot-and-heartbeat", "two-heartbeats", "heartbeat-and-foreign"],
)
def test_two_body_elements(target, body):
    refused(target, station_envelope(body), "holds 2 elements", relates_to=MESSAGE_ID)


@pytest.mark.parametrize(
    "body",
    [
        "<cs:fooRequest/>",
        "<cs:heartbeatResponse><cs:currentTime>2026-11-24T08:00:00Z</cs:currentTime></cs:heartbeatResponse>",
        "<cs:remoteStartTransactionRequest><cs:idTag>T</cs:idTag></cs:remoteStartTransactionRequest>",
        "<cs:Heartbeat/>",
    ],
    ids=["invented", "a-response", "charge-point-operation", "operation-name-not-element"],
)
def test_unknown_operation(target, body):
    answer = refused(target, station_envelope(body), "unknown operation", relates_to=MESSAGE_ID, subcode="UnknownOperation")
    local = etree.fromstring(f"<r xmlns:cs='{CS15}'>{body}</r>")[0].tag.split("}")[1]
    assert local in answer.fault_reason


@pytest.mark.parametrize(
    "namespace",
    ["urn:other", CS12, CS15, CS16, "urn://Ocpp/Cp/2012/06/", "urn://Ocpp/Cp/2015/10/"],
    ids=["foreign", "ocpp12", "ocpp15", "ocpp16", "charge-point-service-15", "charge-point-service-16"],
)
def test_body_in_wrong_namespace(target, namespace):
    if namespace == target.ns:
        pytest.skip("the endpoint's own namespace")
    answer = refused(
        target, station_envelope("<cs:heartbeatRequest/>", ns=namespace), namespace, relates_to=MESSAGE_ID,
        subcode="UnknownNamespace", own=False,
    )
    assert target.ns in answer.fault_reason  # and says what this endpoint serves


@pytest.mark.parametrize(
    "charge_box", [None, "", "   "], ids=["missing", "empty", "blank"]
)
@pytest.mark.parametrize(
    "body", ["<cs:heartbeatRequest/>", BOOT.format(vendor="Vendor")], ids=["heartbeat", "boot"]
)
def test_missing_or_empty_charge_box_identity(target, charge_box, body):
    refused(
        target, station_envelope(body, charge_box=charge_box), "chargeBoxIdentity", relates_to=MESSAGE_ID,
        subcode="MissingChargeBoxIdentity",
    )


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (status_notification(connector="abc"), ("statusNotificationRequest/connectorId", "'abc'")),
        (status_notification(connector="1.5"), ("connectorId", "'1.5'")),
        (status_notification(connector=""), ("connectorId", "empty")),
        (status_notification(connector="99999999999"), ("connectorId", "out of range")),
        (status_notification(connector="<cs:n>1</cs:n>"), ("connectorId", "child elements")),
        (start_transaction(timestamp="yesterday"), ("startTransactionRequest/timestamp", "'yesterday'")),
        (start_transaction(timestamp="2026-13-45T25:61:00Z"), ("timestamp", "not a valid date")),
        (start_transaction(meter="12 kWh"), ("meterStart", "'12 kWh'")),
        (
            "<cs:stopTransactionRequest><cs:transactionId>x</cs:transactionId>"
            "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:meterStop>1</cs:meterStop></cs:stopTransactionRequest>",
            ("transactionId",),
        ),
    ],
    ids=[
        "connectorId-abc", "connectorId-decimal", "connectorId-empty", "connectorId-overflow", "connectorId-children",
        "timestamp-yesterday", "timestamp-impossible", "meterStart-with-unit", "transactionId-x",
    ],
)
def test_wrong_field_types(target, body, mentions):
    refused(target, station_envelope(body), "invalid", *mentions, relates_to=MESSAGE_ID, subcode="ValidationError")


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (BOOT.format(vendor="V" * 21), ("chargePointVendor", "21 characters", "at most 20")),
        (BOOT.format(vendor="V" * 100_000), ("chargePointVendor", "100000 characters", "at most 20")),
        ("<cs:authorizeRequest><cs:idTag>ABCDEFGHIJKLMNOPQRSTU</cs:idTag></cs:authorizeRequest>", ("idTag", "at most 20")),
        (start_transaction(id_tag="T" * 21), ("startTransactionRequest/idTag", "at most 20")),
    ],
    ids=["vendor-21", "vendor-100k", "authorize-idTag", "start-idTag"],
)
def test_string_over_max_length(target, body, mentions):
    answer = refused(target, station_envelope(body), *mentions, relates_to=MESSAGE_ID, subcode="ValidationError")
    assert "V" * 100 not in answer.text  # a long value is quoted by its start only


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (
            "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor></cs:bootNotificationRequest>",
            ("chargePointModel", "missing"),
        ),
        ("<cs:bootNotificationRequest/>", ("chargePointVendor", "missing")),
        (
            "<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:timestamp>2026-11-24T08:00:00Z"
            "</cs:timestamp><cs:meterStart>0</cs:meterStart></cs:startTransactionRequest>",
            ("idTag", "missing"),
        ),
        (status_notification().replace("<cs:errorCode>NoError</cs:errorCode>", ""), ("errorCode", "missing")),
        (
            "<cs:bootNotificationRequest xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>"
            "<cs:chargePointVendor>V</cs:chargePointVendor><cs:chargePointModel xsi:nil='true'/>"
            "</cs:bootNotificationRequest>",
            ("chargePointModel", "nil"),
        ),
        (
            "<cs:bootNotificationRequest xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' xsi:nil='true'/>",
            ("bootNotificationRequest", "nil"),
        ),
    ],
    ids=["boot-model", "boot-everything", "start-idTag", "status-errorCode", "nil-model", "nil-request"],
)
def test_missing_required_element(target, body, mentions):
    refused(target, station_envelope(body), *mentions, relates_to=MESSAGE_ID, subcode="ValidationError")


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (status_notification(status="Sleeping"), ("statusNotificationRequest/status", "'Sleeping'", "Available")),
        (status_notification(status="available"), ("status", "'available'")),
        (status_notification(error="Kaput"), ("errorCode", "'Kaput'", "GroundFailure")),
        (
            "<cs:firmwareStatusNotificationRequest><cs:status>Done</cs:status></cs:firmwareStatusNotificationRequest>",
            ("firmwareStatusNotificationRequest/status", "'Done'", "Downloaded"),
        ),
        (
            "<cs:diagnosticsStatusNotificationRequest><cs:status>Sent</cs:status>"
            "</cs:diagnosticsStatusNotificationRequest>",
            ("status", "'Sent'", "Uploaded"),
        ),
    ],
    ids=["status", "status-lowercase", "errorCode", "firmware", "diagnostics"],
)
def test_invalid_enum_value(target, body, mentions):
    refused(target, station_envelope(body), *mentions, relates_to=MESSAGE_ID, subcode="ValidationError")


# What only one version writes this way: 1.5 a reading's metadata in attributes, 1.6 in child elements, with 1.6's
# length limits and enumerations (1.5's Occupied and Mode3Error are gone).
READING_SHAPES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "1.5": {
        "unit-outside-the-enumeration": (
            "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:values>"
            "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:value unit='parsec'>1</cs:value>"
            "</cs:values></cs:meterValuesRequest>",
            ("meterValuesRequest/values/value", "unit", "'parsec'"),
        ),
        "reading-without-timestamp": (
            "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:values><cs:value>1</cs:value></cs:values>"
            "</cs:meterValuesRequest>",
            ("meterValuesRequest/values", "timestamp", "missing"),
        ),
    },
    "1.6": {
        "unit-outside-the-enumeration": (
            "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:meterValue>"
            "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:sampledValue><cs:value>1</cs:value>"
            "<cs:unit>parsec</cs:unit></cs:sampledValue></cs:meterValue></cs:meterValuesRequest>",
            ("meterValuesRequest/meterValue/sampledValue/unit", "'parsec'", "Percent"),
        ),
        "reading-without-timestamp": (
            "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:meterValue><cs:sampledValue>"
            "<cs:value>1</cs:value></cs:sampledValue></cs:meterValue></cs:meterValuesRequest>",
            ("meterValuesRequest/meterValue", "timestamp", "missing"),
        ),
        "reading-without-sampled-value": (
            "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:meterValue>"
            "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp></cs:meterValue></cs:meterValuesRequest>",
            ("meterValuesRequest/meterValue", "sampledValue", "missing"),
        ),
        "phase-outside-the-enumeration": (
            "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:meterValue>"
            "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:sampledValue><cs:value>1</cs:value>"
            "<cs:phase>L4</cs:phase></cs:sampledValue></cs:meterValue></cs:meterValuesRequest>",
            ("sampledValue/phase", "'L4'", "L1-N"),
        ),
        "stop-reason-outside-the-enumeration": (
            "<cs:stopTransactionRequest><cs:transactionId>1</cs:transactionId>"
            "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:meterStop>1</cs:meterStop>"
            "<cs:reason>Unplugged</cs:reason></cs:stopTransactionRequest>",
            ("stopTransactionRequest/reason", "'Unplugged'", "EVDisconnected"),
        ),
        "info-over-50": (
            status_notification(extra="<cs:info>" + "i" * 51 + "</cs:info>"),
            ("statusNotificationRequest/info", "51 characters", "at most 50"),
        ),
        "status-of-1.5": (status_notification(status="Occupied"), ("status", "'Occupied'", "SuspendedEVSE")),
        "error-code-of-1.5": (status_notification(error="Mode3Error"), ("errorCode", "'Mode3Error'")),
    },
}


@pytest.mark.parametrize("case", sorted({case for cases in READING_SHAPES.values() for case in cases}))
def test_what_each_version_refuses_in_its_own_shapes(target, case):
    if case not in READING_SHAPES[target.number]:
        pytest.skip(f"not an OCPP {target.number} case")
    body, mentions = READING_SHAPES[target.number][case]
    refused(target, station_envelope(body), "invalid", *mentions, relates_to=MESSAGE_ID, subcode="ValidationError")


# -- size limits and transfer framing -------------------------------------------------------------------------------

TWO_MB = 2 * 1024 * 1024


def padded(size: int, **kwargs: Any) -> bytes:
    """A well-formed, valid boot envelope padded with a comment to ``size`` bytes."""
    data = station_envelope(BOOT.format(vendor="Vendor"), **kwargs)
    return data.replace(b"<soap:Body>", b"<soap:Body><!--" + b"x" * (size - len(data) - 7) + b"-->", 1)


def chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("content_type", "soap"), [(SOAP12_TYPE, SOAP12), (SOAP11_TYPE, SOAP11)], ids=["soap12", "soap11"])
def test_oversize_body_is_413(target, chunked, content_type, soap):
    data = padded(TWO_MB, soap=soap)
    answer = refused(
        target, chunks(data) if chunked else data, "larger than the limit", "1048576",
        content_type=content_type, soap=soap, status=413,
    )
    assert answer.status == 413


def test_max_body_setting_is_the_limit(tmp_path):
    """OCPP_SOAP_MAX_BODY (Settings.max_body): just under is served, just over is a 413 fault."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'limit.sqlite3'}", auto_accept=True, max_body=4096))
    server = LiveServer(app).start()
    try:
        url = f"{server.url}{PATH}"
        under = timed_post(url, padded(4096))
        assert under.status == 200, under.text
        over = timed_post(url, padded(4097))
        assert_fault(over, "larger than the limit of 4096 bytes", status=413)
        chunked_over = timed_post(url, chunks(padded(5000), 1000))
        assert_fault(chunked_over, "larger than the limit of 4096 bytes", status=413)
        assert timed_post(url, envelope("<cs:heartbeatRequest/>", charge_box=STATION)).status == 200
    finally:
        server.stop()
        app.gateway.engine.dispose()


def test_chunked_body_without_content_length_is_served(target):
    answer = timed_post(target.url, chunks(target.own(station_envelope("<cs:heartbeatRequest/>")), 50))
    assert answer.status == 200, answer.text
    assert answer.findtext("s12:Header/wsa:RelatesTo") == MESSAGE_ID


def test_body_with_neither_length_nor_chunking_is_answered_not_awaited(target, live_server):
    """Without Content-Length or chunked framing the body's end is unknown: answer 411 at once, never wait."""
    before = snapshot(target.gateway)
    request = (
        f"POST {target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {SOAP12_TYPE}\r\n\r\n".encode()
        + target.own(station_envelope("<cs:heartbeatRequest/>"))
    )
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as conn:
        conn.sendall(request)
        received = b""
        while b"</soap:Envelope>" not in received:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
    assert time.perf_counter() - started < DEADLINE_S
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411"), head
    xml = etree.fromstring(body)
    assert Answer(411, SOAP12_TYPE, xml, body.decode()).fault_code == "soap:Sender"
    assert "neither a Content-Length nor a chunked body" in Answer(411, "", xml, "").fault_reason
    assert snapshot(target.gateway) == before
    assert_serving(target)


# -- nesting and DTD tricks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        station_envelope(BOOT.format(vendor="<a>" * 10_000 + "V" + "</a>" * 10_000)),
        station_envelope("<cs:heartbeatRequest>" + "<cs:x>" * 10_000 + "</cs:x>" * 10_000 + "</cs:heartbeatRequest>"),
        station_envelope("<x>" * 300 + "</x>" * 300),
        station_envelope("<x>" * 10_000),  # deep and never closed
    ],
    ids=["10000-deep-in-field", "10000-deep-in-request", "300-deep-body", "10000-unclosed"],
)
def test_deep_nesting(target, data):
    refused(target, data, "nests elements more than 256 levels deep", subcode="MalformedRequest")


@pytest.mark.parametrize(
    "body",
    [
        "<cs:heartbeatRequest " + " ".join(f'a{n}="1"' for n in range(80_000)) + "/>",
        BOOT.format(vendor="V").replace("<cs:chargePointModel>", "<cs:chargePointModel " + " ".join(
            f'x{n}="1"' for n in range(50_000)) + ">"),
        "<cs:heartbeatRequest " + " ".join(f'a{n}="1"' for n in range(65)) + "/>",
    ],
    ids=["80000-on-request", "50000-on-field", "65"],
)
def test_attribute_flood(target, body):
    """Reading attributes through lxml is quadratic in their number: a flood is refused before anything reads it."""
    refused(target, station_envelope(body), "attributes", "at most 64", subcode="MalformedRequest")


def test_repeated_element_flood(target):
    body = BOOT.format(vendor="V").replace("</cs:bootNotificationRequest>", "<cs:iccid>1</cs:iccid>" * 40_000 + "</cs:bootNotificationRequest>")
    refused(target, station_envelope(body), "iccid", "occurs 40000 times", relates_to=MESSAGE_ID)


def test_nesting_under_the_parser_limit_is_still_a_field_error(target):
    """200 levels pass the parser; the field that should hold text says so."""
    body = BOOT.format(vendor="<a>" * 200 + "V" + "</a>" * 200)
    refused(target, station_envelope(body), "chargePointVendor", "child elements", relates_to=MESSAGE_ID)


class Listener:
    """A loopback TCP listener that records whether anything connected (an external entity fetch would)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def dtd_envelope(doctype: str, vendor: str = "&x;", *, encoding: str = "utf-8") -> bytes:
    body = without_declaration(station_envelope(BOOT.format(vendor=vendor))).decode()
    return (f'<?xml version="1.0" encoding="{encoding}"?>' + doctype + body).encode(encoding)


DTD_REFUSED = "DTDs"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(dtd_envelope('<!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>'), id="file"),
        pytest.param(dtd_envelope('<!DOCTYPE e [<!ENTITY x SYSTEM "/etc/passwd">]>'), id="relative-path"),
        pytest.param(
            dtd_envelope('<!DOCTYPE e [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', vendor="Vendor"),
            id="parameter-entity",
        ),
        pytest.param(
            dtd_envelope('<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>', encoding="utf-16"), id="utf-16"
        ),
        pytest.param(
            b"<!-- a comment first -->\n" + without_declaration(
                dtd_envelope('<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
            ),
            id="after-comment",
        ),
        pytest.param(dtd_envelope('<!DOCTYPE e [<!ENTITY x SYSTEM "file:///dev/urandom">]>'), id="dev-urandom"),
    ],
)
def test_external_entity_xxe(target, data):
    answer = refused(target, data, DTD_REFUSED, subcode="MalformedRequest")
    assert "root:" not in answer.text and "/bin/" not in answer.text
    with Session(target.gateway.engine) as session:
        assert session.get(orm.StationRow, STATION).charge_point_vendor == "Vendor"  # unchanged, nothing stored


def test_external_entity_over_the_network_is_never_fetched(target, listener):
    url = f"http://127.0.0.1:{listener.port}/secret"
    refused(target, dtd_envelope(f'<!DOCTYPE e [<!ENTITY x SYSTEM "{url}">]>'), DTD_REFUSED)
    refused(target, dtd_envelope(f'<!DOCTYPE e SYSTEM "{url}">', vendor="Vendor"), DTD_REFUSED)
    time.sleep(0.3)
    assert listener.connections == 0


def _laughs(levels: int, fan_out: int) -> str:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * fan_out}">' for n in range(1, levels + 1)
    ]
    return f"<!DOCTYPE e [{''.join(entities)}]>"


@pytest.mark.parametrize(
    ("doctype", "vendor"),
    [
        (_laughs(9, 10), "&l9;"),  # a billion "lol"s
        (_laughs(30, 2), "&l30;"),  # deep and narrow
        (f'<!DOCTYPE e [<!ENTITY big "{"x" * 100_000}">]>', "&big;" * 5_000),  # quadratic blow-up
        ('<!DOCTYPE e [<!ENTITY a "&b;"><!ENTITY b "&a;">]>', "&a;"),  # a loop
    ],
    ids=["billion-laughs", "deep-laughs", "quadratic", "entity-loop"],
)
def test_entity_expansion(target, doctype, vendor):
    refused(target, dtd_envelope(doctype, vendor), DTD_REFUSED, subcode="MalformedRequest")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "never-written"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "kind", ["http", "public", "file", "dev-zero", "fifo", "lowercase"],
)
def test_external_dtd_reference(target, listener, fifo, kind):
    """A DTD the parser would have to load: a URL, a file, an endless device or a FIFO that would block forever."""
    doctype = {
        "http": f'<!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:{listener.port}/evil.dtd">',
        "public": f'<!DOCTYPE e PUBLIC "-//EVIL//DTD//EN" "http://127.0.0.1:{listener.port}/evil.dtd">',
        "file": '<!DOCTYPE e SYSTEM "file:///etc/passwd">',
        "dev-zero": '<!DOCTYPE e SYSTEM "file:///dev/zero">',
        "fifo": f'<!DOCTYPE e SYSTEM "file://{fifo}">',
        "lowercase": '<!doctype e SYSTEM "file:///etc/passwd">',
    }[kind]
    refused(target, dtd_envelope(doctype, vendor="Vendor"), DTD_REFUSED, subcode="MalformedRequest")
    time.sleep(0.2)
    assert listener.connections == 0


# -- SOAP 1.1 stations get SOAP 1.1 faults --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mentions", "relates_to"),
    [
        (_VALID[:200], ("not well-formed XML",), None),
        (station_envelope("<cs:heartbeatRequest/>", soap=SOAP11, charge_box=None), ("chargeBoxIdentity",), MESSAGE_ID),
        (station_envelope(status_notification(connector="abc"), soap=SOAP11), ("connectorId",), MESSAGE_ID),
        (station_envelope("", soap=SOAP11), ("Body is empty",), MESSAGE_ID),
        (dtd_envelope('<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'), (DTD_REFUSED,), None),
    ],
    ids=["malformed", "no-identity", "wrong-type", "empty-body", "xxe"],
)
def test_soap11_station_gets_soap11_client_faults(target, data, mentions, relates_to):
    refused(
        target, data, *mentions, content_type=SOAP11_TYPE, headers={"SOAPAction": '"/Heartbeat"'}, soap=SOAP11,
        relates_to=relates_to,
    )


# -- our failures are Receiver faults and roll back --------------------------------------------------------------------


@pytest.fixture
def connectors_table_gone(target: Target) -> Iterator[None]:
    """The connectors table vanishes under the running server (a broken migration, a DBA's mistake)."""
    with target.gateway.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE connectors RENAME TO connectors_hidden")
    yield
    with target.gateway.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE connectors_hidden RENAME TO connectors")


def test_storage_failure_is_a_receiver_fault_and_writes_nothing(target, connectors_table_gone):
    """A StatusNotification writes the history row, then fails on the connectors table: the whole unit rolls back."""
    before = snapshot(target.gateway, skip="connectors")
    answer = target.post(station_envelope(status_notification(extra="<cs:info>x</cs:info>")))
    assert_fault(answer, "could not process the request", sender=False, relates_to=MESSAGE_ID)
    assert "connectors" not in answer.fault_reason and "sqlite" not in answer.text.lower()  # no internals leak
    assert snapshot(target.gateway, skip="connectors") == before
    assert_serving(target)


# -- many hostile requests at once ------------------------------------------------------------------------------------


def test_hostile_requests_in_parallel_leave_the_server_serving(target):
    from concurrent.futures import ThreadPoolExecutor

    hostile = [
        _VALID[:100],
        dtd_envelope(_laughs(9, 10), "&l9;"),
        station_envelope(BOOT.format(vendor="<a>" * 10_000)),
        padded(TWO_MB),
        station_envelope(status_notification(connector="abc")),
        b"",
    ] * 5
    before = snapshot(target.gateway)
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda data: target.post(data).status, hostile))
    assert set(statuses) <= {400, 413}
    assert snapshot(target.gateway) == before
    assert_serving(target)
