"""Our charge-point WSDLs (generated from the Spyne ChargePointService of 1.2, 1.5 and 1.6) are wire-equivalent to
the official ones, the copies in wsdl/ are what the code renders, and messages built from them are valid official
messages: every request zeep builds from our WSDL, and every answer our service writes, validates against the
official charge-point XML Schema; what the official schema refuses, the service refuses too."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import zeep
from lxml import etree

from ocpp_soap.soap.bodies import BodyCodec
from ocpp_soap.soap.edge import CHARGE_POINT, edge_for_number
from ocpp_soap.soap.faults import SoapFault
from ocpp_soap.soap.v12 import charge_point_types as cp12
from ocpp_soap.soap.v15 import charge_point_types as cp15
from ocpp_soap.soap.v16 import charge_point_types as cp16
from ocpp_soap.soap.wsdl import render_wsdl, wsdl_path
from tests.conformance.wsdl_compare import WsdlModel
from tests.conftest import official_wsdl
from tests.e2e.fake_station import official_schema as schema_of

SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
STATION = "CB-0001"


def when(day: int, hour: int) -> datetime:
    return datetime(2024, 3, day, hour, 30, tzinfo=UTC)


# Realistic requests, every optional field filled in (a test below checks that none is left out).
REQUESTS: dict[str, dict[str, Any]] = {
    "CancelReservation": {"reservationId": 17},
    "ChangeAvailability": {"connectorId": 2, "type": "Inoperative"},
    "ChangeConfiguration": {"key": "HeartbeatInterval", "value": "900"},
    "ClearCache": {},
    "DataTransfer": {"vendorId": "com.example.chargers", "messageId": "SetTariff", "data": '{"tariff":"T2"}'},
    "GetConfiguration": {"key": ["HeartbeatInterval", "MeterValueSampleInterval"]},
    "GetDiagnostics": {
        "location": "ftp://diag.example.net/uploads/CB-0001/",
        "startTime": when(1, 0),
        "stopTime": when(2, 0),
        "retries": 3,
        "retryInterval": 120,
    },
    "GetLocalListVersion": {},
    "RemoteStartTransaction": {"idTag": "04E8A2B2C13F80", "connectorId": 1},
    "RemoteStopTransaction": {"transactionId": 4711},
    "ReserveNow": {
        "connectorId": 1,
        "expiryDate": when(5, 18),
        "idTag": "04E8A2B2C13F80",
        "parentIdTag": "FLEET-0042",
        "reservationId": 17,
    },
    "Reset": {"type": "Soft"},
    "SendLocalList": {
        "updateType": "Differential",
        "listVersion": 8,
        "localAuthorisationList": [
            {"idTag": "04E8A2B2C13F80", "idTagInfo": {"status": "Accepted", "expiryDate": when(31, 23), "parentIdTag": "FLEET-0042"}},
            {"idTag": "0455AA12B3C4D5"},  # no idTagInfo: removed from the list
        ],
        "hash": "5d41402abc4b2a76b9719d911017c592",
    },
    "UnlockConnector": {"connectorId": 2},
    "UpdateFirmware": {
        "retrieveDate": when(6, 2),
        "location": "https://firmware.example.net/cb/2.4.1.bin",
        "retries": 5,
        "retryInterval": 300,
    },
}

# Realistic answers a station gives, as the service's response objects, every optional field filled in.
RESPONSES: dict[str, Callable[[ModuleType], Any]] = {
    "CancelReservation": lambda t: t.CancelReservationResponse(status="Accepted"),
    "ChangeAvailability": lambda t: t.ChangeAvailabilityResponse(status="Scheduled"),
    "ChangeConfiguration": lambda t: t.ChangeConfigurationResponse(status="NotSupported"),
    "ClearCache": lambda t: t.ClearCacheResponse(status="Accepted"),
    "DataTransfer": lambda t: t.DataTransferResponse(status="Accepted", data='{"applied":true}'),
    "GetConfiguration": lambda t: t.GetConfigurationResponse(
        configurationKey=[
            t.KeyValue(key="HeartbeatInterval", readonly=False, value="900"),
            t.KeyValue(key="ChargePointId", readonly=True, value=STATION),
        ],
        unknownKey=["MeterValueSampleInterval"],
    ),
    "GetDiagnostics": lambda t: t.GetDiagnosticsResponse(fileName="diag-CB-0001-20240302.zip"),
    "GetLocalListVersion": lambda t: t.GetLocalListVersionResponse(listVersion=7),
    "RemoteStartTransaction": lambda t: t.RemoteStartTransactionResponse(status="Accepted"),
    "RemoteStopTransaction": lambda t: t.RemoteStopTransactionResponse(status="Rejected"),
    "ReserveNow": lambda t: t.ReserveNowResponse(status="Occupied"),
    "Reset": lambda t: t.ResetResponse(status="Accepted"),
    "SendLocalList": lambda t: t.SendLocalListResponse(status="VersionMismatch", hash="5d41402abc4b2a76b9719d911017c592"),
    "UnlockConnector": lambda t: t.UnlockConnectorResponse(status="Accepted"),
    "UpdateFirmware": lambda t: t.UpdateFirmwareResponse(),
}

# OCPP 1.6: RemoteStart and SendLocalList in their 1.6 order and names, the four new operations, every answer with
# 1.6's values. Charging profiles as a back office sends them: a station-wide default that lowers the current
# during the day, and a profile for one session started remotely.
DAILY_DEFAULT = {
    "chargingProfileId": 12,
    "stackLevel": 0,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Recurring",
    "recurrencyKind": "Daily",
    "validFrom": when(1, 0),
    "validTo": when(31, 0),
    "chargingSchedule": {
        "duration": 86400,
        "startSchedule": datetime(2024, 3, 1, 0, 0, tzinfo=UTC),
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": Decimal("32.0"), "numberPhases": 3},
            {"startPeriod": 28800, "limit": Decimal("16.0"), "numberPhases": 3},
            {"startPeriod": 64800, "limit": Decimal("32.0"), "numberPhases": 3},
        ],
        "minChargingRate": Decimal("6.0"),
    },
}
SESSION_PROFILE = {
    "chargingProfileId": 4711,
    "stackLevel": 1,
    "chargingProfilePurpose": "TxProfile",
    "chargingProfileKind": "Relative",
    "chargingSchedule": {
        "duration": 7200,
        "chargingRateUnit": "W",
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": Decimal("11000.0"), "numberPhases": 3},
            {"startPeriod": 3600, "limit": Decimal("7400.5"), "numberPhases": 1},
        ],
        "minChargingRate": Decimal("1380.0"),
    },
}
REQUESTS_16: dict[str, dict[str, Any]] = {
    **REQUESTS,
    "RemoteStartTransaction": {"connectorId": 1, "idTag": "04E8A2B2C13F80", "chargingProfile": SESSION_PROFILE},
    "SendLocalList": {
        "listVersion": 8,
        "localAuthorizationList": REQUESTS["SendLocalList"]["localAuthorisationList"],
        "updateType": "Differential",
    },
    "ClearChargingProfile": {"id": 12, "connectorId": 0, "chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 0},
    "GetCompositeSchedule": {"connectorId": 1, "duration": 3600, "chargingRateUnit": "A"},
    "SetChargingProfile": {"connectorId": 0, "csChargingProfiles": DAILY_DEFAULT},
    "TriggerMessage": {"requestedMessage": "StatusNotification", "connectorId": 1},
}
RESPONSES_16: dict[str, Callable[[ModuleType], Any]] = {
    **RESPONSES,
    "ChangeConfiguration": lambda t: t.ChangeConfigurationResponse(status="RebootRequired"),
    "SendLocalList": lambda t: t.SendLocalListResponse(status="VersionMismatch"),
    "UnlockConnector": lambda t: t.UnlockConnectorResponse(status="Unlocked"),
    "ClearChargingProfile": lambda t: t.ClearChargingProfileResponse(status="Accepted"),
    "GetCompositeSchedule": lambda t: t.GetCompositeScheduleResponse(
        status="Accepted",
        connectorId=1,
        scheduleStart=when(4, 12),
        chargingSchedule=t.ChargingSchedule(
            duration=3600,
            chargingRateUnit="A",
            chargingSchedulePeriod=[
                t.ChargingSchedulePeriod(startPeriod=0, limit=Decimal("10.0"), numberPhases=3),
                t.ChargingSchedulePeriod(startPeriod=600, limit=Decimal("6.0"), numberPhases=3),
                t.ChargingSchedulePeriod(startPeriod=1800, limit=Decimal("10.0"), numberPhases=3),
            ],
            minChargingRate=Decimal("6.0"),
        ),
    ),
    "SetChargingProfile": lambda t: t.SetChargingProfileResponse(status="Accepted"),
    "TriggerMessage": lambda t: t.TriggerMessageResponse(status="Accepted"),
}
LEFT_OUT_16 = {
    # A profile sent with RemoteStart names no transaction (there is none yet, Errata §3.41), is not recurring and
    # starts with the session, so it has neither validity nor a start of its own.
    "remoteStartTransactionRequest": {
        ("chargingProfile", name) for name in ("transactionId", "recurrencyKind", "validFrom", "validTo")
    } | {("chargingProfile", "chargingSchedule", "startSchedule")},
    # Only a TxProfile names a transaction; this is a station-wide default.
    "setChargingProfileRequest": {("csChargingProfiles", "transactionId")},
    # A composite schedule is relative to scheduleStart and carries no startSchedule (Errata §3.57).
    "getCompositeScheduleResponse": {("chargingSchedule", "startSchedule")},
}


@dataclass(frozen=True)
class Version:
    version: str
    official_file: str
    tns: str
    types: ModuleType
    operations: frozenset[str]
    response_actions: bool
    requests: dict[str, dict[str, Any]] = field(default_factory=lambda: REQUESTS)
    responses: dict[str, Callable[[ModuleType], Any]] = field(default_factory=lambda: RESPONSES)
    left_out: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    """Per body element, the optional fields a realistic message of this version never carries."""


OCPP12_OPERATIONS = frozenset(
    {
        "ChangeAvailability", "ChangeConfiguration", "ClearCache", "GetDiagnostics", "RemoteStartTransaction",
        "RemoteStopTransaction", "Reset", "UnlockConnector", "UpdateFirmware",
    }
)
VERSIONS = [
    Version("1.6", "ocpp16_chargepoint.wsdl", "urn://Ocpp/Cp/2015/10/", cp16, frozenset(REQUESTS_16), True,
            REQUESTS_16, RESPONSES_16, LEFT_OUT_16),
    Version("1.5", "ocpp15_chargepoint.wsdl", "urn://Ocpp/Cp/2012/06/", cp15, frozenset(REQUESTS), True),
    Version("1.2", "ocpp12_chargepoint.wsdl", "urn://Ocpp/Cp/2010/08/", cp12, OCPP12_OPERATIONS, False),
]


@pytest.fixture(params=VERSIONS, ids=lambda v: f"ocpp{v.version}")
def version(request: pytest.FixtureRequest) -> Version:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def official(version: Version) -> WsdlModel:
    return WsdlModel(official_wsdl(version.official_file))


@pytest.fixture
def ours(version: Version) -> WsdlModel:
    return WsdlModel(charge_point_wsdl_path(version.version))


@pytest.fixture
def official_schema(version: Version) -> etree.XMLSchema:
    """The XML Schema embedded in the official WSDL, compiled on its own.

    Its QName values (``type="tns:IdToken"``) use prefixes declared on the WSDL's root, so the stand-alone schema
    element gets every namespace declaration in scope there."""
    wsdl = etree.parse(str(official_wsdl(version.official_file)))
    embedded = wsdl.getroot().find(f"{{{WSDL}}}types/{{{XS}}}schema")
    assert embedded is not None
    schema = etree.Element(embedded.tag, dict(embedded.attrib), nsmap=embedded.nsmap)
    schema.extend(copy.deepcopy(child) for child in embedded)
    return etree.XMLSchema(schema)


def quiet_zeep_client(source: str) -> tuple[zeep.Client, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = zeep.Client(source)
    return client, list(caught)


def body_child(envelope: etree._Element) -> etree._Element:
    body = envelope.find(f"{{{SOAP12_ENV}}}Body")
    assert body is not None and len(body) == 1
    return body[0]


def declared_paths(structure: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every element path a WsdlModel structure declares (``localAuthorisationList/idTagInfo/status`` ...)."""
    if structure[0] != "complex":
        return
    for name, _min, _max, _nillable, child in structure[1]:
        yield (*prefix, name)
        yield from declared_paths(child, (*prefix, name))


def present_paths(element: etree._Element, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for child in element:
        if isinstance(child.tag, str):
            path = (*prefix, etree.QName(child).localname)
            yield path
            yield from present_paths(child, path)


# -- the WSDL itself ---------------------------------------------------------------------------------------------


def test_same_operations_actions_elements_and_header(ours: WsdlModel, official: WsdlModel, version: Version) -> None:
    assert ours.tns == official.tns == version.tns
    assert ours.operations() == official.operations()
    assert set(ours.operations()) == version.operations
    for name, op in ours.operations().items():
        assert op["soap_action"] == op["input_action"] == f"/{name}"
        assert op["output_action"] == (f"/{name}Response" if version.response_actions else None)
        assert op["header"] == ("ChargeBoxIdentity", (version.tns, "chargeBoxIdentity"), "literal")
        assert op["output_headers"] == 0


def test_same_binding_shape(ours: WsdlModel, official: WsdlModel) -> None:
    assert ours.binding_info() == official.binding_info()
    assert ours.binding_info()["port_type"] == "ChargePointService"


def test_same_element_structures(ours: WsdlModel, official: WsdlModel) -> None:
    for name in official.elements:
        assert name in ours.elements, f"missing element {name}"
        assert ours.element_structure(name) == official.element_structure(name), name
    assert set(ours.elements) == set(official.elements)


def test_same_named_simple_types(ours: WsdlModel, official: WsdlModel) -> None:
    assert official.named_simple_types() <= ours.named_simple_types()


def charge_point_wsdl_path(number: str) -> Path:
    return wsdl_path(edge_for_number(number), CHARGE_POINT)


def test_shipped_file_is_what_the_code_renders(version: Version) -> None:
    """Regenerate with ``ocpp-soap wsdl 1.5 --service chargepoint > wsdl/ocpp15_chargepoint.wsdl``."""
    assert charge_point_wsdl_path(version.version).read_bytes() == render_wsdl(edge_for_number(version.version), CHARGE_POINT)


def test_rendered_address_is_the_one_asked_for(version: Version) -> None:
    wsdl = render_wsdl(edge_for_number(version.version), CHARGE_POINT, "http://192.0.2.10:8080/ChargePointService?a=1&b=2")
    assert b'location="http://192.0.2.10:8080/ChargePointService?a=1&amp;b=2"' in wsdl


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="9.9"):
        edge_for_number("9.9")


def test_the_edge_describes_the_charge_point_service(version: Version) -> None:
    edge = edge_for_number(version.version)
    service = edge.charge_point
    assert (service.number, service.namespace, service.name, service.path) == (
        version.version, version.tns, "ChargePointService", "/ChargePointService",
    )
    assert edge.declares_response_actions is version.response_actions


def test_zeep_loads_our_wsdl_without_warnings(version: Version, official: WsdlModel) -> None:
    client, caught = quiet_zeep_client(str(charge_point_wsdl_path(version.version)))
    assert not caught, [str(w.message) for w in caught]
    ours_ops = client.service._binding._operations
    official_client, _ = quiet_zeep_client(str(official_wsdl(version.official_file)))
    assert sorted(ours_ops) == sorted(official_client.service._binding._operations) == sorted(version.operations)


# -- messages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def zeep_clients(version: Version) -> tuple[zeep.Client, zeep.Client]:
    ours, _ = quiet_zeep_client(str(charge_point_wsdl_path(version.version)))
    official, _ = quiet_zeep_client(str(official_wsdl(version.official_file)))
    return ours, official


def test_requests_zeep_builds_from_our_wsdl_are_valid_official_requests(
    version: Version, official: WsdlModel, official_schema: etree.XMLSchema, zeep_clients: tuple[zeep.Client, zeep.Client]
) -> None:
    ours, official_client = zeep_clients
    for name in sorted(version.operations):
        request = version.requests[name]
        envelope = ours.create_message(ours.service, name, **request, _soapheaders={"ChargeBoxIdentity": STATION})
        body = body_child(envelope)
        assert etree.QName(body) == etree.QName(*official.operations()[name]["input_element"])
        assert official_schema.validate(etree.ElementTree(copy.deepcopy(body))), (name, official_schema.error_log)
        # every declared field, also nested ones, made it onto the wire
        element = etree.QName(body).localname
        expected = set(declared_paths(official.element_structure(element))) - version.left_out.get(element, set())
        assert set(present_paths(body)) == expected, name

        header = envelope.find(f"{{{SOAP12_ENV}}}Header/{{{version.tns}}}chargeBoxIdentity")
        assert header is not None and header.text == STATION
        assert official_schema.validate(etree.ElementTree(copy.deepcopy(header))), official_schema.error_log

        same = official_client.create_message(
            official_client.service, name, **request, _soapheaders={"ChargeBoxIdentity": STATION}
        )
        assert etree.tostring(body, method="c14n") == etree.tostring(body_child(same), method="c14n"), name




def test_service_reads_the_requests_and_writes_valid_official_answers(
    version: Version, official: WsdlModel, official_schema: etree.XMLSchema, zeep_clients: tuple[zeep.Client, zeep.Client]
) -> None:
    """The round trip a station simulator makes: zeep's request is read by Spyne with our types (the service's
    codec), a response object is written, and the answer is valid and read back by zeep with the official WSDL."""
    ours, official_client = zeep_clients
    codec = BodyCodec(edge_for_number(version.version).charge_point)
    assert {op.name for op in codec.operations} == version.operations
    official_ops = official_client.service._binding._operations

    for name in sorted(version.operations):
        request = version.requests[name]
        envelope = ours.create_message(ours.service, name, **request, _soapheaders={"ChargeBoxIdentity": STATION})
        body = body_child(envelope)
        operation = codec.operation_of(body)
        assert operation.name == name
        received = codec.read(operation, body)
        response = version.responses[name](version.types)

        if request:
            assert isinstance(received, getattr(version.types, f"{name}Request"))
            _assert_same(received, request, name)
        else:
            assert received is None

        answer_envelope = etree.Element(f"{{{SOAP12_ENV}}}Envelope", nsmap={"s": SOAP12_ENV})
        answer_body = etree.SubElement(answer_envelope, f"{{{SOAP12_ENV}}}Body")
        codec.write(operation, response, answer_body)
        answer = body_child(answer_envelope)
        assert etree.QName(answer) == etree.QName(*official.operations()[name]["output_element"])
        assert official_schema.validate(etree.ElementTree(copy.deepcopy(answer))), (name, official_schema.error_log)
        element = etree.QName(answer).localname
        expected = set(declared_paths(official.element_structure(element))) - version.left_out.get(element, set())
        assert set(present_paths(answer)) == expected, f"{name}: the answer should carry every declared field"

        parsed = official_ops[name].process_reply(etree.fromstring(etree.tostring(answer_envelope)))
        if name == "GetConfiguration":
            assert [k.key for k in parsed.configurationKey] == ["HeartbeatInterval", "ChargePointId"]
            assert parsed.configurationKey[1].readonly is True
        elif name == "GetLocalListVersion":
            assert parsed == 7
        elif name == "DataTransfer":
            assert parsed.status == "Accepted"
        elif name == "GetDiagnostics":
            assert parsed == "diag-CB-0001-20240302.zip"
        elif name == "GetCompositeSchedule":
            assert parsed.status == "Accepted" and parsed.scheduleStart == when(4, 12)
            assert [(p.startPeriod, p.limit) for p in parsed.chargingSchedule.chargingSchedulePeriod] == [
                (0, Decimal("10.0")), (600, Decimal("6.0")), (1800, Decimal("10.0")),
            ]
        elif name != "UpdateFirmware":
            status = parsed if isinstance(parsed, str) else parsed.status
            assert status == response.status


def _assert_same(received: Any, sent: Any, path: str) -> None:
    """What Spyne read is what zeep sent, nested objects and lists included (dates as aware datetimes, decimals as
    decimals); a declared field that was not sent reads as absent."""
    if isinstance(sent, dict):
        members = type(received).get_flat_type_info(type(received))
        for name in members:
            got = getattr(received, name)
            if name in sent:
                _assert_same(got, sent[name], f"{path}.{name}")
            else:
                assert got is None, f"{path}.{name}: {got!r} was not sent"
    elif isinstance(sent, list):
        assert len(received) == len(sent), path
        for index, (got, item) in enumerate(zip(received, sent, strict=True)):
            _assert_same(got, item, f"{path}[{index}]")
    else:
        assert received == sent, (path, received, sent)


def _set_profile(limit: str = "16.0", *, purpose: str = "TxDefaultProfile", min_rate: str = "") -> str:
    """A SetChargingProfile body of 1.6 with one period of ``limit`` (text as a station's back office wrote it)."""
    minimum = f"<minChargingRate>{min_rate}</minChargingRate>" if min_rate else ""
    return (
        "<setChargingProfileRequest xmlns='{ns}'><connectorId>1</connectorId><csChargingProfiles>"
        "<chargingProfileId>1</chargingProfileId><stackLevel>0</stackLevel>"
        f"<chargingProfilePurpose>{purpose}</chargingProfilePurpose><chargingProfileKind>Absolute"
        "</chargingProfileKind><chargingSchedule><chargingRateUnit>A</chargingRateUnit><chargingSchedulePeriod>"
        f"<startPeriod>0</startPeriod><limit>{limit}</limit></chargingSchedulePeriod>{minimum}</chargingSchedule>"
        "</csChargingProfiles></setChargingProfileRequest>"
    )


LIMIT = "setChargingProfileRequest/csChargingProfiles/chargingSchedule/chargingSchedulePeriod/limit"


@pytest.mark.parametrize(
    ("tns", "xml", "problem"),
    [
        (cp15.TNS, "<resetRequest xmlns='{ns}'><type>Medium</type></resetRequest>", "type"),
        (cp12.TNS, "<resetRequest xmlns='{ns}'><type>Medium</type></resetRequest>", "type"),
        (cp15.TNS, "<remoteStartTransactionRequest xmlns='{ns}'><idTag>{long}</idTag></remoteStartTransactionRequest>", "idTag"),
        (cp15.TNS, "<reserveNowRequest xmlns='{ns}'><connectorId>1</connectorId></reserveNowRequest>", "expiryDate"),
        (cp16.TNS, _set_profile("16.15"), f"{LIMIT}: '16.15' has more than 1 fraction digit"),
        (cp16.TNS, _set_profile("0.05"), "more than 1 fraction digit"),
        (cp16.TNS, _set_profile("NaN"), f"{LIMIT}: 'NaN' is not a decimal number"),
        (cp16.TNS, _set_profile("sNaN"), "'sNaN' is not a decimal number"),
        (cp16.TNS, _set_profile("Infinity"), "'Infinity' is not a decimal number"),
        (cp16.TNS, _set_profile("-INF"), "'-INF' is not a decimal number"),
        (cp16.TNS, _set_profile("1E1"), "'1E1' is not a decimal number"),
        (cp16.TNS, _set_profile("1.6e+1"), "no exponent"),
        (cp16.TNS, _set_profile("16 A"), "'16 A' is not a decimal number"),
        (cp16.TNS, _set_profile(""), "empty"),
        (cp16.TNS, _set_profile(min_rate="6.25"), "chargingSchedule/minChargingRate: '6.25' has more than 1"),
        (cp16.TNS, _set_profile(purpose="TxDefault"), "chargingProfilePurpose: 'TxDefault' is not one of"),
        (cp16.TNS, "<changeConfigurationRequest xmlns='{ns}'><key>{k51}</key><value>1</value></changeConfigurationRequest>",
         "key: '"),
        (cp16.TNS, "<triggerMessageRequest xmlns='{ns}'><requestedMessage>StartTransaction</requestedMessage>"
                   "</triggerMessageRequest>", "requestedMessage: 'StartTransaction' is not one of"),
    ],
    ids=["1.5-enum", "1.2-enum", "1.5-max-length", "1.5-missing", "1.6-two-fraction-digits",
         "1.6-hundredths", "1.6-nan", "1.6-snan", "1.6-infinity", "1.6-inf", "1.6-exponent", "1.6-exponent-fraction",
         "1.6-unit-in-limit", "1.6-empty-limit", "1.6-min-charging-rate", "1.6-purpose", "1.6-key-over-50",
         "1.6-trigger-not-triggerable"],
)
def test_the_service_refuses_what_the_official_schema_refuses(tns: str, xml: str, problem: str) -> None:
    """A simulator serving these types validates like the official schema: values, lengths, occurrences, and
    1.6's DecimalOne (one fraction digit, no exponent, NaN or infinity), each fault naming the element."""
    number = {cp16.TNS: "1.6", cp15.TNS: "1.5", cp12.TNS: "1.2"}[tns]
    codec = BodyCodec(edge_for_number(number).charge_point)
    body = etree.fromstring(xml.format(ns=tns, long="0" * 21, k51="K" * 51))
    schema = schema_of(official_wsdl(f"ocpp{number.replace('.', '')}_chargepoint.wsdl"))
    assert not schema.validate(body), "the official schema takes it"
    with pytest.raises(SoapFault) as raised:
        codec.read(codec.operation_of(body), body)
    assert problem in raised.value.reason
    assert raised.value.is_sender


@pytest.mark.parametrize("limit", ["16", "16.0", "16.10", "+16.1", ".5", "16.", " 16.1 ", "0"])
def test_decimal_one_reads_what_the_official_schema_takes(limit: str) -> None:
    codec = BodyCodec(edge_for_number("1.6").charge_point)
    body = etree.fromstring(_set_profile(limit).format(ns=cp16.TNS))
    assert schema_of(official_wsdl("ocpp16_chargepoint.wsdl")).validate(body)
    request = codec.read(codec.operation_of(body), body)
    assert request.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit == Decimal(limit.strip())


@pytest.mark.parametrize(
    ("value", "written"),
    [(Decimal("16.25"), "16.2"), (16.25, "16.2"), (16, "16.0"), (Decimal("1E+1"), "10.0"), (Decimal("7.99"), "7.9")],
)
def test_decimal_one_is_written_with_one_fraction_digit(value: Any, written: str) -> None:
    """Never an exponent, never more than one fraction digit: cut toward zero, so a limit never grows."""
    codec = BodyCodec(edge_for_number("1.6").charge_point)
    (operation,) = [op for op in codec.operations if op.name == "GetCompositeSchedule"]
    parent = etree.Element("answer")
    schedule = cp16.ChargingSchedule(
        chargingRateUnit="A", chargingSchedulePeriod=[cp16.ChargingSchedulePeriod(startPeriod=0, limit=value)]
    )
    codec.write(operation, cp16.GetCompositeScheduleResponse(status="Accepted", chargingSchedule=schedule), parent)
    assert parent.findtext(f".//{{{cp16.TNS}}}limit") == written
    assert schema_of(official_wsdl("ocpp16_chargepoint.wsdl")).validate(parent[0])


def test_decimal_one_refuses_to_write_what_is_not_a_number() -> None:
    codec = BodyCodec(edge_for_number("1.6").charge_point)
    (operation,) = [op for op in codec.operations if op.name == "GetCompositeSchedule"]
    schedule = cp16.ChargingSchedule(
        chargingRateUnit="A", chargingSchedulePeriod=[cp16.ChargingSchedulePeriod(startPeriod=0, limit=Decimal("NaN"))]
    )
    with pytest.raises(ValueError, match="NaN cannot be written"):
        codec.write(operation, cp16.GetCompositeScheduleResponse(status="Accepted", chargingSchedule=schedule),
                    etree.Element("answer"))
