"""Hostile input at volume: generated and mutated envelopes fed in-process to the SOAP endpoints (issue 7).

Starting from valid requests of every OCPP 1.2, 1.5 and 1.6 central-system operation (the golden 1.5 and 1.6
requests plus ones built here), hypothesis mutates them structurally (elements dropped, duplicated, reordered, renamed, moved
to another namespace; text replaced by random text, huge numbers or odd timestamps; random attributes; the
bytes truncated, corrupted or re-encoded) and also generates random XML and random bytes. Every answer must be:

* HTTP 200, 400, 411, 413 or 500, within a second, never an exception out of the WSGI app;
* a well-formed SOAP envelope in the request's SOAP version (or the version guessed from the Content-Type when
  the request is unreadable), whose Body holds the operation's response (200 only) or one Fault;
* never a Receiver/Server fault and never an ERROR record in the gateway's logs ("unexpected error", a
  traceback): the database here is healthy, so anything on our side failing is a bug the station triggered;
* and the database stays consistent (no meter value, transaction or status row without its station; no meter
  value pointing to a missing transaction).

The default run is the ``ci`` profile: derandomised (the same examples on every run) and a fixed number of
examples per test, well under a minute. ``OCPP_SOAP_FUZZ_EXAMPLES=20000`` runs longer, and
``OCPP_SOAP_FUZZ_RANDOM=1`` draws fresh examples each run (hypothesis prints a reproducing seed on failure).
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import text

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.soap.xml_parsing import XmlRejected, parse_document
from ocpp_soap.wsgi import create_app
from tests.helpers import CS12, CS15, CS16, SOAP11, SOAP12, WSA

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
DEADLINE_S = 2.0
MAX_BODY = 64 * 1024
EXAMPLES = int(os.environ.get("OCPP_SOAP_FUZZ_EXAMPLES", "0") or 0)

settings.register_profile(
    "ci",
    max_examples=EXAMPLES or 400,
    deadline=None,  # our own per-request timer is the check; hypothesis' deadline would count the DB writes too
    derandomize=not os.environ.get("OCPP_SOAP_FUZZ_RANDOM"),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,
)
settings.load_profile(os.environ.get("OCPP_SOAP_FUZZ_PROFILE", "ci"))

PATH16 = "/services/centralSystemServiceOcpp16"
PATH15 = "/services/centralSystemServiceOcpp15"
PATH12 = "/services/centralSystemServiceOcpp12"
SHARED = "/services/CentralSystemService"
STATION16 = "FUZZ16"
STATION15 = "FUZZ15"
STATION12 = "FUZZ12"
SOAP12_TYPE = "application/soap+xml; charset=utf-8"
SOAP11_TYPE = "text/xml; charset=utf-8"
ENVELOPE_NS = {SOAP11: "1.1", SOAP12: "1.2"}

# -- the corpus: one valid request per operation and version ------------------------------------------------------

TS = "2026-11-24T08:00:00Z"
BODIES15 = {
    "authorize": "<cs:authorizeRequest><cs:idTag>TAG1</cs:idTag></cs:authorizeRequest>",
    "bootNotification": (
        "<cs:bootNotificationRequest><cs:chargePointVendor>Vendor</cs:chargePointVendor>"
        "<cs:chargePointModel>Model</cs:chargePointModel><cs:chargePointSerialNumber>SN1</cs:chargePointSerialNumber>"
        "<cs:chargeBoxSerialNumber>CB1</cs:chargeBoxSerialNumber><cs:firmwareVersion>1.0</cs:firmwareVersion>"
        "<cs:iccid>ICC</cs:iccid><cs:imsi>IMSI</cs:imsi><cs:meterType>MT</cs:meterType>"
        "<cs:meterSerialNumber>MSN</cs:meterSerialNumber></cs:bootNotificationRequest>"
    ),
    "dataTransfer": (
        "<cs:dataTransferRequest><cs:vendorId>com.example</cs:vendorId><cs:messageId>m1</cs:messageId>"
        "<cs:data>payload</cs:data></cs:dataTransferRequest>"
    ),
    "diagnosticsStatusNotification": (
        "<cs:diagnosticsStatusNotificationRequest><cs:status>Uploaded</cs:status></cs:diagnosticsStatusNotificationRequest>"
    ),
    "firmwareStatusNotification": (
        "<cs:firmwareStatusNotificationRequest><cs:status>Installed</cs:status></cs:firmwareStatusNotificationRequest>"
    ),
    "heartbeat": "<cs:heartbeatRequest/>",
    "meterValues": (
        "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:transactionId>1</cs:transactionId>"
        f"<cs:values><cs:timestamp>{TS}</cs:timestamp>"
        '<cs:value context="Sample.Periodic" format="Raw" measurand="Energy.Active.Import.Register" '
        'location="Outlet" unit="Wh">18342</cs:value><cs:value unit="W" measurand="Power.Active.Import">10950</cs:value>'
        "</cs:values></cs:meterValuesRequest>"
    ),
    "startTransaction": (
        "<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:idTag>TAG1</cs:idTag>"
        f"<cs:timestamp>{TS}</cs:timestamp><cs:meterStart>0</cs:meterStart><cs:reservationId>7</cs:reservationId>"
        "</cs:startTransactionRequest>"
    ),
    "statusNotification": (
        "<cs:statusNotificationRequest><cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status>"
        "<cs:errorCode>NoError</cs:errorCode><cs:info>ok</cs:info><cs:timestamp>2026-11-24T08:00:00.123+01:00"
        "</cs:timestamp><cs:vendorId>v</cs:vendorId><cs:vendorErrorCode>E1</cs:vendorErrorCode>"
        "</cs:statusNotificationRequest>"
    ),
    "stopTransaction": (
        "<cs:stopTransactionRequest><cs:transactionId>1</cs:transactionId><cs:idTag>TAG1</cs:idTag>"
        f"<cs:timestamp>2026-11-24T09:00:00Z</cs:timestamp><cs:meterStop>20000</cs:meterStop>"
        f"<cs:transactionData><cs:values><cs:timestamp>{TS}</cs:timestamp>"
        '<cs:value unit="Wh">20000</cs:value></cs:values></cs:transactionData></cs:stopTransactionRequest>'
    ),
}
BODIES12 = {
    "authorize": BODIES15["authorize"],
    "bootNotification": BODIES15["bootNotification"],
    "diagnosticsStatusNotification": BODIES15["diagnosticsStatusNotification"],
    "firmwareStatusNotification": BODIES15["firmwareStatusNotification"],
    "heartbeat": BODIES15["heartbeat"],
    "meterValues": (
        "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId>"
        f"<cs:values><cs:timestamp>{TS}</cs:timestamp><cs:value>18342</cs:value></cs:values></cs:meterValuesRequest>"
    ),
    "startTransaction": (
        "<cs:startTransactionRequest><cs:connectorId>2</cs:connectorId><cs:idTag>TAG1</cs:idTag>"
        f"<cs:timestamp>{TS}</cs:timestamp><cs:meterStart>0</cs:meterStart></cs:startTransactionRequest>"
    ),
    "statusNotification": (
        "<cs:statusNotificationRequest><cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status>"
        "<cs:errorCode>NoError</cs:errorCode></cs:statusNotificationRequest>"
    ),
    "stopTransaction": (
        "<cs:stopTransactionRequest><cs:transactionId>2</cs:transactionId><cs:idTag>TAG1</cs:idTag>"
        "<cs:timestamp>2026-11-24T09:00:00Z</cs:timestamp><cs:meterStop>20000</cs:meterStop></cs:stopTransactionRequest>"
    ),
}

BODIES16 = {
    **{op: BODIES15[op] for op in ("authorize", "bootNotification", "dataTransfer", "heartbeat", "startTransaction")},
    "diagnosticsStatusNotification": (
        "<cs:diagnosticsStatusNotificationRequest><cs:status>Uploading</cs:status></cs:diagnosticsStatusNotificationRequest>"
    ),
    "firmwareStatusNotification": (
        "<cs:firmwareStatusNotificationRequest><cs:status>Idle</cs:status></cs:firmwareStatusNotificationRequest>"
    ),
    "meterValues": (
        "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:transactionId>3</cs:transactionId>"
        f"<cs:meterValue><cs:timestamp>{TS}</cs:timestamp>"
        "<cs:sampledValue><cs:value>18342</cs:value><cs:context>Sample.Periodic</cs:context><cs:format>Raw</cs:format>"
        "<cs:measurand>Energy.Active.Import.Register</cs:measurand><cs:location>Outlet</cs:location>"
        "<cs:unit>Wh</cs:unit></cs:sampledValue>"
        "<cs:sampledValue><cs:value>15.9</cs:value><cs:measurand>Current.Import</cs:measurand><cs:phase>L1</cs:phase>"
        "<cs:unit>A</cs:unit></cs:sampledValue>"
        "<cs:sampledValue><cs:value>64</cs:value><cs:measurand>SoC</cs:measurand><cs:location>EV</cs:location>"
        "<cs:unit>Percent</cs:unit></cs:sampledValue></cs:meterValue></cs:meterValuesRequest>"
    ),
    "statusNotification": (
        "<cs:statusNotificationRequest><cs:connectorId>1</cs:connectorId><cs:status>SuspendedEV</cs:status>"
        "<cs:errorCode>EVCommunicationError</cs:errorCode><cs:info>ok</cs:info><cs:timestamp>"
        "2026-11-24T08:00:00.123+01:00</cs:timestamp><cs:vendorId>v</cs:vendorId>"
        "<cs:vendorErrorCode>E1</cs:vendorErrorCode></cs:statusNotificationRequest>"
    ),
    "stopTransaction": (
        "<cs:stopTransactionRequest><cs:transactionId>3</cs:transactionId><cs:idTag>TAG1</cs:idTag>"
        "<cs:timestamp>2026-11-24T09:00:00Z</cs:timestamp><cs:meterStop>20000</cs:meterStop>"
        f"<cs:reason>EVDisconnected</cs:reason><cs:transactionData><cs:timestamp>{TS}</cs:timestamp>"
        "<cs:sampledValue><cs:value>20000</cs:value><cs:unit>Wh</cs:unit></cs:sampledValue></cs:transactionData>"
        "</cs:stopTransactionRequest>"
    ),
}


def build(body: str, *, station: str, ns: str, soap: str = SOAP12, action: str = "", mid: str = "urn:uuid:1") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{soap}" xmlns:wsa="{WSA}" xmlns:cs="{ns}"><soap:Header>'
        f"<cs:chargeBoxIdentity>{station}</cs:chargeBoxIdentity>"
        f'<wsa:Action soap:mustUnderstand="true">/{action}</wsa:Action><wsa:MessageID>{mid}</wsa:MessageID>'
        f"<wsa:From><wsa:Address>http://192.0.2.10:8080/ChargePointService</wsa:Address></wsa:From>"
        f"<wsa:ReplyTo><wsa:Address>http://192.0.2.10:8080/</wsa:Address></wsa:ReplyTo>"
        f"</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


@dataclass(frozen=True)
class Seed:
    name: str
    path: str
    data: bytes
    soap: str


def _corpus() -> list[Seed]:
    seeds = []
    for soap in (SOAP12, SOAP11):
        for op, body in BODIES15.items():
            data = build(body, station=STATION15, ns=CS15, soap=soap, action=op[0].upper() + op[1:])
            seeds.append(Seed(f"1.5/{op}", PATH15, data, soap))
        for op, body in BODIES12.items():
            data = build(body, station=STATION12, ns=CS12, soap=soap, action=op[0].upper() + op[1:])
            seeds.append(Seed(f"1.2/{op}", PATH12, data, soap))
        for op, body in BODIES16.items():
            data = build(body, station=STATION16, ns=CS16, soap=soap, action=op[0].upper() + op[1:])
            seeds.append(Seed(f"1.6/{op}", PATH16, data, soap))
    for folder, path_, station, recorded in (("ocpp15", PATH15, STATION15, b"CP0042"), ("ocpp16", PATH16, STATION16, b"CP0016")):
        for path in sorted((GOLDEN / folder).glob("*.request.xml")):
            data = path.read_bytes().replace(recorded, station.encode())
            soap = SOAP11 if SOAP11.encode() in data else SOAP12
            seeds.append(Seed(f"golden/{folder}/{path.stem}", path_, data, soap))
    return seeds


CORPUS = _corpus()

# -- the gateway, in process -------------------------------------------------------------------------------------


class Capture(logging.Handler):
    """ERROR records from the gateway's loggers; a database error is the only acceptable reason for one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


WATCHED = ("ocpp_soap", "ocpp_soap.soap.inbound.pipeline", "ocpp_soap.exchange", "spyne")


@dataclass
class Fuzzed:
    app: Any
    gateway: Gateway
    capture: Capture
    calls: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def call(self, path: str, data: bytes, content_type: str | None, *, chunked: bool = False) -> tuple[int, dict[str, str], bytes]:
        started = time.perf_counter()
        answer = self._call(path, data, content_type, chunked)
        if time.perf_counter() - started >= DEADLINE_S:
            # A hang repeats; a one-off pause (a busy CI machine, a GC cycle) does not: time the same request again.
            started = time.perf_counter()
            answer = self._call(path, data, content_type, chunked)
            elapsed = time.perf_counter() - started
            assert elapsed < DEADLINE_S, f"answered after {elapsed:.3f}s, twice"
        return answer

    def _call(self, path: str, data: bytes, content_type: str | None, chunked: bool) -> tuple[int, dict[str, str], bytes]:
        environ = {
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.10",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
        if chunked:
            environ["wsgi.input_terminated"] = True
        else:
            environ["CONTENT_LENGTH"] = str(len(data))
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            seen["status"] = int(status.split()[0])
            seen["headers"] = {k.lower(): v for k, v in headers}

        result = self.app(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        self.calls += 1
        return seen["status"], seen["headers"], body


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'gateway.sqlite3'}"
    config = Settings(database_url=url, auto_accept=True, max_body=MAX_BODY)
    gateway = bootstrap(config)
    app = create_app(config, gateway=gateway)
    capture = Capture()
    loggers = [logging.getLogger(name) for name in WATCHED]
    for logger in loggers:
        logger.addHandler(capture)
    f = Fuzzed(app, gateway, capture)
    # Both stations booted and accepted, a transaction open on each, so mutations of valid requests reach the domain.
    for seed in CORPUS:
        if seed.name in (
            "1.5/bootNotification", "1.2/bootNotification", "1.6/bootNotification", "1.5/startTransaction",
            "1.2/startTransaction", "1.6/startTransaction",
        ):
            status, _, body = f.call(seed.path, seed.data, SOAP12_TYPE if seed.soap == SOAP12 else SOAP11_TYPE)
            assert status == 200, body
    yield f
    for logger in loggers:
        logger.removeHandler(capture)
    print(f"\nfuzz: {f.calls} requests; outcomes {dict(sorted(f.outcomes.items()))}")
    gateway.engine.dispose()


# -- the properties ------------------------------------------------------------------------------------------------


def expected_version(data: bytes, content_type: str | None) -> str:
    """The SOAP version the answer must be in: the request's when it is a readable envelope, else the guess."""
    guess = "1.1" if content_type and content_type.split(";")[0].strip().lower() == "text/xml" else "1.2"
    if len(data) > MAX_BODY:
        return guess  # refused unread
    try:
        root = parse_document(data)
    except XmlRejected:
        return guess
    return ENVELOPE_NS.get(etree.QName(root).namespace or "", guess) if etree.QName(root).localname == "Envelope" else guess


INCONSISTENCIES = {
    "meter value without its station": (
        "SELECT count(*) FROM meter_values m LEFT JOIN stations s ON s.charge_box_id = m.charge_box_id "
        "WHERE s.charge_box_id IS NULL"
    ),
    "meter value of a missing transaction": (
        "SELECT count(*) FROM meter_values m LEFT JOIN transactions t ON t.transaction_id = m.transaction_id "
        "WHERE m.transaction_id IS NOT NULL AND t.transaction_id IS NULL"
    ),
    "transaction without its station": (
        "SELECT count(*) FROM transactions t LEFT JOIN stations s ON s.charge_box_id = t.charge_box_id "
        "WHERE s.charge_box_id IS NULL"
    ),
    "status history without its station": (
        "SELECT count(*) FROM connector_status_history h LEFT JOIN stations s ON s.charge_box_id = h.charge_box_id "
        "WHERE s.charge_box_id IS NULL"
    ),
    "connector without its station": (
        "SELECT count(*) FROM connectors c LEFT JOIN stations s ON s.charge_box_id = c.charge_box_id "
        "WHERE s.charge_box_id IS NULL"
    ),
}


def assert_consistent(gateway: Gateway) -> None:
    with gateway.engine.connect() as connection:
        for problem, query in INCONSISTENCIES.items():
            assert connection.execute(text(query)).scalar() == 0, problem


def check(f: Fuzzed, path: str, data: bytes, content_type: str | None, *, chunked: bool = False) -> None:
    try:
        status, headers, answer = f.call(path, data, content_type, chunked=chunked)
    finally:
        errors = f.capture.take()
    assert not errors, "ERROR logged for a station's request:\n" + "\n".join(
        logging.Formatter().format(record) for record in errors
    )
    assert status in (200, 400, 411, 413, 500), (status, answer[:500])
    assert int(headers["content-length"]) == len(answer)
    root = etree.fromstring(answer)  # well-formed, or this raises
    version = expected_version(data, content_type)
    soap = SOAP12 if version == "1.2" else SOAP11
    assert root.tag == f"{{{soap}}}Envelope", (version, answer[:300])
    assert headers["content-type"].startswith("application/soap+xml" if version == "1.2" else "text/xml")
    body = root.find(f"{{{soap}}}Body")
    assert body is not None and len(body) == 1, answer[:500]
    payload = body[0]
    assert "Traceback" not in answer.decode("utf-8", "replace")
    if payload.tag == f"{{{soap}}}Fault":
        if version == "1.2":
            code = payload.findtext(f"{{{soap}}}Code/{{{soap}}}Value")
            assert code == "soap:Sender", f"Receiver fault for a station's request: {answer[:800]!r}"
            assert status in (400, 411, 413)
        else:
            assert payload.findtext("faultcode") == "soap:Client", f"Server fault: {answer[:800]!r}"
            assert status in (500, 411, 413)
        outcome = f"fault-{status}"
    else:
        assert status == 200, answer[:500]
        assert etree.QName(payload).localname.endswith("Response"), payload.tag
        assert etree.QName(payload).namespace in (CS16, CS15, CS12), payload.tag
        outcome = "ok"
    f.outcomes[outcome] = f.outcomes.get(outcome, 0) + 1
    assert_consistent(f.gateway)


# -- mutations of a valid envelope ----------------------------------------------------------------------------------

NAMESPACES = [CS16, CS15, CS12, SOAP11, SOAP12, WSA, "", "urn:evil", "http://schemas.xmlsoap.org/ws/2004/08/addressing"]
HUGE = ["9" * 40, "-" + "9" * 40, "2147483648", "-2147483649", "1e400", "NaN", "inf", "0x10", "1.5", "+1", " 1 ", "١٢"]
TIMESTAMPS = [
    "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "0000-00-00T00:00:00Z", "2026-02-30T00:00:00Z",
    "2026-11-24T24:00:00Z", "2026-11-24T08:00:00+99:99", "2026-11-24 08:00", "2026-11-24T08:00:00." + "9" * 500,
    "20261124T080000Z", "2026-11-24T08:00:00\u00a0Z", "-2026-11-24T08:00:00Z", "2026-11-24T08:00:60Z",
]
xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60).map(
    lambda s: "".join(c for c in s if c in "\t\n\r" or ord(c) >= 0x20 and c not in "\ufffe\uffff")
)
field_text = st.one_of(xml_text, st.sampled_from(HUGE), st.sampled_from(TIMESTAMPS), st.integers().map(str),
                       st.just(""), st.text(min_size=300, max_size=2000, alphabet="abc9"))
local_names = st.one_of(
    st.sampled_from(["value", "values", "timestamp", "connectorId", "transactionId", "idTag", "status",
                     "chargeBoxIdentity", "Body", "Header", "Envelope", "Action", "MessageID", "Fault", "Address",
                     "heartbeatRequest", "meterValuesRequest", "transactionData", "unit", "xsi:nil", "meterValue",
                     "sampledValue", "phase", "reason"]),
    st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,20}\Z"),
).filter(lambda n: ":" not in n)
attr_values = st.one_of(xml_text, st.sampled_from(["true", "1", "Wh", "parsec", "Sample.Periodic", "Raw", "SignedData"]))
ATTR_NAMES = ["unit", "context", "format", "measurand", "location", "{http://www.w3.org/2001/XMLSchema-instance}nil",
              "{http://www.w3.org/2001/XMLSchema-instance}type", f"{{{SOAP12}}}mustUnderstand", "id", "{urn:x}y"]


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str)]


@st.composite
def tree_mutation(draw: st.DrawFn, root: etree._Element) -> str:
    elements = _elements(root)
    target = elements[draw(st.integers(0, len(elements) - 1))]
    parent = target.getparent()
    kind = draw(st.sampled_from(
        ["drop", "duplicate", "reorder", "rename", "namespace", "text", "attribute", "child", "nil", "move", "clear"]
    ))
    if kind == "drop" and parent is not None:
        parent.remove(target)
    elif kind == "duplicate" and parent is not None:
        for _ in range(draw(st.integers(1, 3))):
            parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
    elif kind == "reorder" and len(target) > 1:
        children = list(target)
        order = draw(st.permutations(range(len(children))))
        for child in children:
            target.remove(child)
        for i in order:
            target.append(children[i])
    elif kind == "rename":
        target.tag = etree.QName(etree.QName(target).namespace, draw(local_names)).text
    elif kind == "namespace":
        target.tag = etree.QName(draw(st.sampled_from(NAMESPACES)) or None, etree.QName(target).localname).text
    elif kind == "text":
        target.text = draw(field_text)
    elif kind == "attribute":
        name = draw(st.one_of(st.sampled_from(ATTR_NAMES), local_names))
        target.set(name, draw(attr_values))
    elif kind == "child":
        namespace = draw(st.sampled_from(NAMESPACES)) or None
        etree.SubElement(target, etree.QName(namespace, draw(local_names)).text).text = draw(field_text)
    elif kind == "nil":
        target.set("{http://www.w3.org/2001/XMLSchema-instance}nil", draw(st.sampled_from(["true", "1", "false"])))
    elif kind == "move" and parent is not None and len(elements) > 2:
        destination = elements[draw(st.integers(0, len(elements) - 1))]
        if target not in destination.iterancestors() and destination is not target:
            parent.remove(target)
            destination.append(target)
    elif kind == "clear":
        target.clear()
    return kind


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "encode", "bom", "splice", "none"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "flip" and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    if kind == "insert":
        i = draw(st.integers(0, len(data)))
        return data[:i] + draw(st.binary(max_size=20)) + data[i:]
    if kind == "delete" and data:
        i = draw(st.integers(0, len(data) - 1))
        return data[:i] + data[i + draw(st.integers(1, 40)):]
    if kind == "encode":
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "ascii"]))
        declared = draw(st.sampled_from(["UTF-8", "UTF-16", "ISO-8859-1", "utf-32", "EBCDIC", "x-bogus", encoding]))
        textual = data.decode("utf-8", "replace").replace('encoding="UTF-8"', f'encoding="{declared}"')
        return textual.encode(encoding, "replace")
    if kind == "bom":
        return draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"])) + data
    if kind == "splice":
        other = draw(st.sampled_from(CORPUS)).data
        i, j = draw(st.integers(0, len(data))), draw(st.integers(0, len(other)))
        return data[:i] + other[j:]
    return data


content_types = st.one_of(
    st.sampled_from([SOAP12_TYPE, SOAP11_TYPE, "application/soap+xml", "text/xml", "application/xml",
                     "text/plain", "", 'application/soap+xml; charset=utf-16; action="/Heartbeat"', None]),
    st.text(max_size=30).map(lambda s: s.encode("latin-1", "ignore").decode("latin-1")),
)
paths = st.sampled_from([PATH16, PATH15, PATH12, SHARED])


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes, str | None, bool]:
    seed = draw(st.sampled_from(CORPUS))
    root = etree.fromstring(seed.data)
    for _ in range(draw(st.integers(0, 4))):
        draw(tree_mutation(root))
    data = etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="UTF-8")
    if draw(st.integers(0, 3)) == 0:
        data = draw(byte_mutation(data))
    natural = SOAP12_TYPE if seed.soap == SOAP12 else SOAP11_TYPE
    content_type = draw(st.one_of(st.just(natural), content_types)) if draw(st.integers(0, 4)) == 0 else natural
    path = draw(paths) if draw(st.integers(0, 5)) == 0 else seed.path
    return path, data, content_type, draw(st.integers(0, 9)) == 0


# -- random XML ----------------------------------------------------------------------------------------------------

qualified = st.builds(lambda ns, name: etree.QName(ns or None, name).text, st.sampled_from(NAMESPACES), local_names)


def _element(children: list[etree._Element], tag: str, content: str, attributes: dict[str, str]) -> etree._Element:
    element = etree.Element(tag)
    element.text = content
    for name, value in attributes.items():
        element.set(name, value)
    element.extend(children)
    return element


random_elements = st.recursive(
    st.builds(_element, st.just([]), qualified, field_text, st.dictionaries(local_names, attr_values, max_size=3)),
    lambda inner: st.builds(_element, st.lists(inner, max_size=4), qualified, xml_text,
                            st.dictionaries(local_names, attr_values, max_size=2)),
    max_leaves=20,
)


@st.composite
def random_envelope(draw: st.DrawFn) -> bytes:
    soap = draw(st.sampled_from([SOAP12, SOAP11]))
    envelope = etree.Element(f"{{{soap}}}Envelope", nsmap={"soap": soap})
    if draw(st.booleans()):
        header = etree.SubElement(envelope, f"{{{soap}}}Header")
        if draw(st.booleans()):
            station = draw(st.sampled_from([STATION16, STATION15, STATION12, "NEW", ""]) | xml_text)
            etree.SubElement(header, f"{{{CS15}}}chargeBoxIdentity").text = station
        header.extend(draw(st.lists(random_elements, max_size=3)))
    body = etree.SubElement(envelope, f"{{{soap}}}Body")
    operation = draw(st.sampled_from([*BODIES15, "reset", "setChargingProfile", "Fault"]))
    ns = draw(st.sampled_from(NAMESPACES))
    body.append(_element(draw(st.lists(random_elements, max_size=5)), etree.QName(ns or None, f"{operation}Request").text,
                         draw(xml_text), {}))
    if draw(st.integers(0, 9)) == 0:
        body.extend(draw(st.lists(random_elements, max_size=2)))
    return etree.tostring(envelope, encoding="UTF-8", xml_declaration=True)


# -- the fuzz tests ------------------------------------------------------------------------------------------------


@given(case=mutated())
def test_mutated_valid_envelopes(fuzzed: Fuzzed, case: tuple[str, bytes, str | None, bool]) -> None:
    path, data, content_type, chunked = case
    check(fuzzed, path, data, content_type, chunked=chunked)


@given(data=random_envelope(), path=paths, content_type=st.sampled_from([SOAP12_TYPE, SOAP11_TYPE]))
def test_random_xml_envelopes(fuzzed: Fuzzed, data: bytes, path: str, content_type: str) -> None:
    check(fuzzed, path, data, content_type)


@given(data=st.one_of(st.binary(max_size=3000), random_elements.map(etree.tostring)), path=paths,
       content_type=content_types)
@settings(max_examples=(EXAMPLES or 400) // 2)
def test_random_bytes_and_documents(fuzzed: Fuzzed, data: bytes, path: str, content_type: str | None) -> None:
    check(fuzzed, path, data, content_type)


def test_oversize_and_unbounded_bodies(fuzzed: Fuzzed) -> None:
    """The size limit, chunked or not, and a body with neither a length nor chunking: answered, not awaited."""
    big = CORPUS[0].data.replace(b"</soap:Header>", b"<x>" + b"a" * MAX_BODY + b"</x></soap:Header>")
    check(fuzzed, PATH15, big, SOAP12_TYPE)
    check(fuzzed, PATH15, big, SOAP11_TYPE, chunked=True)
    status, _, answer = fuzzed.call(PATH15, b"", SOAP12_TYPE)
    assert status == 400 and b"Fault" in answer


# -- regressions: what the fuzzer found ------------------------------------------------------------------------------

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _meter_values(attributes: str = "", connector_attributes: str = "") -> str:
    return (
        f'<cs:meterValuesRequest xmlns:xsi="{XSI}"{attributes}><cs:connectorId{connector_attributes}>1</cs:connectorId>'
        f"<cs:values><cs:timestamp>{TS}</cs:timestamp><cs:value{connector_attributes}>5</cs:value></cs:values>"
        "</cs:meterValuesRequest>"
    )


@pytest.mark.parametrize(
    "body",
    [
        # Spyne read a child's attributes as members of the parent: AttributeError, a Receiver fault.
        pytest.param(_meter_values(connector_attributes=' values=""'), id="child-attribute-named-like-a-member"),
        pytest.param(_meter_values(connector_attributes=' connectorId="7"'), id="child-attribute-named-like-itself"),
        pytest.param(BODIES15["authorize"].replace("<cs:idTag>", '<cs:idTag idTag="x">'), id="attribute-on-idTag"),
        pytest.param(_meter_values(connector_attributes=' value="3"').replace("<cs:timestamp>", '<cs:timestamp value="">'),
                     id="value-attribute-in-meter-value"),
        # Spyne took any non-empty xsi:nil for true: the request became None and the service method crashed.
        pytest.param(_meter_values(' xsi:nil="false"'), id="xsi-nil-false-on-request"),
        pytest.param(_meter_values(' xsi:nil="0"'), id="xsi-nil-0-on-request"),
        pytest.param(_meter_values(connector_attributes=' xsi:nil="false"'), id="xsi-nil-false-on-field"),
        pytest.param(_meter_values(' xsi:nil=""'), id="xsi-nil-empty"),
    ],
)
@pytest.mark.parametrize("soap", [SOAP12, SOAP11])
def test_found_by_fuzzing_answered_not_crashed(fuzzed: Fuzzed, body: str, soap: str) -> None:
    data = build(body, station=STATION15, ns=CS15, soap=soap)
    check(fuzzed, PATH15, data, SOAP12_TYPE if soap == SOAP12 else SOAP11_TYPE)
    status, _, answer = fuzzed.call(PATH15, data, SOAP12_TYPE if soap == SOAP12 else SOAP11_TYPE)
    assert status == 200, answer  # the stray attribute is ignored, xsi:nil="false" means a value follows


@pytest.mark.parametrize("nil", ["maybe", " true", "TRUE"])
def test_xsi_nil_other_than_a_boolean_is_a_sender_fault(fuzzed: Fuzzed, nil: str) -> None:
    data = build(_meter_values(f' xsi:nil="{nil}"'), station=STATION15, ns=CS15)
    check(fuzzed, PATH15, data, SOAP12_TYPE)
    status, _, answer = fuzzed.call(PATH15, data, SOAP12_TYPE)
    assert status == 400 and b"xsi:nil" in answer, answer
