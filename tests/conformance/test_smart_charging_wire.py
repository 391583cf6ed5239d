"""The specs of the 1.6 operations against the official 1.6 charge-point WSDL, without our own 1.6 version: the
fields a request goes out with (its spec's shape) are the official message's (zeep builds the message from the
official WSDL and the official schema validates it), and the official answers read back through the specs into
the typed answers. What the 1.6 client will send and read once the 1.6 version is merged."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
import zeep
from lxml import etree
from zeep.helpers import serialize_object

from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    RecurrencyKind,
)
from ocpp_soap.operations import to_wire
from ocpp_soap.operations.shapes import read
from tests.conftest import official_wsdl
from tests.e2e.fake_station import official_schema

pytestmark = pytest.mark.shared

CP16 = "urn://Ocpp/Cp/2015/10/"
T = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PROFILE = ChargingProfile(
    12, 2, ChargingProfilePurpose.TX_PROFILE, ChargingProfileKind.RECURRING,
    ChargingSchedule(ChargingRateUnit.A, (ChargingSchedulePeriod(0, Decimal("16.5")),
                                          ChargingSchedulePeriod(600, Decimal("0"), 1)),
                     duration=3600, start_schedule=T, min_charging_rate=Decimal("6.0")),
    transaction_id=42, recurrency_kind=RecurrencyKind.DAILY, valid_from=T, valid_to=T.replace(year=2027),
)


@cache
def client() -> zeep.Client:
    return zeep.Client(str(official_wsdl("ocpp16_chargepoint.wsdl")))


@cache
def schema() -> etree.XMLSchema:
    return official_schema(official_wsdl("ocpp16_chargepoint.wsdl"))


def body_of(request: sr.StationRequest[Any]) -> etree._Element:
    service = client().bind("ChargePointService", "ChargePointServiceSoap12")
    envelope = client().create_message(service, request.operation, **to_wire(request))
    return envelope.find("{http://www.w3.org/2003/05/soap-envelope}Body")[0]


@pytest.mark.parametrize(
    "request_",
    [
        sr.RequestSetChargingProfile("CB", connector_id=1, profile=PROFILE),
        sr.RequestSetChargingProfile("CB", connector_id=0, profile=ChargingProfile(
            1, 0, ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE, ChargingProfileKind.RELATIVE,
            ChargingSchedule(ChargingRateUnit.W, (ChargingSchedulePeriod(0, Decimal("11040")),)))),
        sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=1, charging_profile=PROFILE),
        sr.RequestClearChargingProfile("CB"),
        sr.RequestClearChargingProfile("CB", id=3),
        sr.RequestClearChargingProfile("CB", connector_id=0, purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
                                       stack_level=1),
        sr.RequestGetCompositeSchedule("CB", connector_id=0, duration=86400, charging_rate_unit=ChargingRateUnit.W),
        sr.RequestGetCompositeSchedule("CB", connector_id=1, duration=60),
        *[sr.RequestTriggerMessage("CB", message) for message in sr.MessageTrigger],
        sr.RequestTriggerMessage("CB", sr.MessageTrigger.STATUS_NOTIFICATION, connector_id=0),
    ],
    ids=lambda r: r.operation,
)
def test_requests_are_the_official_messages(request_: sr.StationRequest[Any]) -> None:
    body = body_of(request_)
    assert schema().validate(body), schema().error_log


def test_a_profile_goes_out_whole_and_in_the_official_order() -> None:
    body = body_of(sr.RequestSetChargingProfile("CB", connector_id=1, profile=PROFILE))
    profile = body.find(f"{{{CP16}}}csChargingProfiles")
    assert profile is not None
    assert [etree.QName(e).localname for e in profile] == [
        "chargingProfileId", "transactionId", "stackLevel", "chargingProfilePurpose", "chargingProfileKind",
        "recurrencyKind", "validFrom", "validTo", "chargingSchedule"]
    limits = [e.text for e in profile.iterfind(f".//{{{CP16}}}limit")]
    assert limits == ["16.5", "0"]


ANSWERS = {
    "SetChargingProfile": ("<cp:status>NotSupported</cp:status>",
                           sr.SetChargingProfileAnswer(sr.ChargingProfileStatus.NOT_SUPPORTED)),
    "ClearChargingProfile": ("<cp:status>Unknown</cp:status>",
                             sr.ClearChargingProfileAnswer(sr.ClearChargingProfileStatus.UNKNOWN)),
    "TriggerMessage": ("<cp:status>NotImplemented</cp:status>",
                       sr.TriggerMessageAnswer(sr.TriggerMessageStatus.NOT_IMPLEMENTED)),
    "GetCompositeSchedule": (
        "<cp:status>Accepted</cp:status><cp:connectorId>1</cp:connectorId>"
        "<cp:scheduleStart>2026-11-24T12:00:00Z</cp:scheduleStart><cp:chargingSchedule>"
        "<cp:duration>900</cp:duration><cp:chargingRateUnit>A</cp:chargingRateUnit>"
        "<cp:chargingSchedulePeriod><cp:startPeriod>0</cp:startPeriod><cp:limit>16.5</cp:limit>"
        "</cp:chargingSchedulePeriod><cp:chargingSchedulePeriod><cp:startPeriod>600</cp:startPeriod>"
        "<cp:limit>10.0</cp:limit><cp:numberPhases>1</cp:numberPhases></cp:chargingSchedulePeriod>"
        "</cp:chargingSchedule>",
        sr.GetCompositeScheduleAnswer(
            sr.GetCompositeScheduleStatus.ACCEPTED, 1, T,
            ChargingSchedule(ChargingRateUnit.A, (ChargingSchedulePeriod(0, Decimal("16.5")),
                                                  ChargingSchedulePeriod(600, Decimal("10.0"), 1)), duration=900)),
    ),
}


@pytest.mark.parametrize("operation", sorted(ANSWERS))
def test_official_answers_read_into_the_typed_answers(operation: str) -> None:
    inner, expected = ANSWERS[operation]
    name = operation[0].lower() + operation[1:] + "Response"
    element = etree.fromstring(f'<cp:{name} xmlns:cp="{CP16}">{inner}</cp:{name}>')
    assert schema().validate(element), schema().error_log
    parsed = client().get_element(f"{{{CP16}}}{name}").parse(element, client().wsdl.types)
    data = {k: v for k, v in serialize_object(parsed, dict).items() if v is not None}
    request_type = next(r for r in sr.STATION_REQUESTS if r.operation == operation)
    assert read(request_type.answer_type, data, strict=False) == expected
