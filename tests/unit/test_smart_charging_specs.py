"""The specs of the 1.6 operations: operator input under OCPP names (nested for a charging profile) into requests,
every error naming the OCPP path, the domain's attribute paths turned into OCPP paths, and the same input through
the command line and the web form."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from ocpp_soap.cli import _parse_fields
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import InvalidCommand
from ocpp_soap.domain.model import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    RecurrencyKind,
)
from ocpp_soap.operations import SPECS, parse_request, to_wire, wire_name
from webapp.operations import from_form, operation_forms

PROFILE: dict[str, Any] = {
    "chargingProfileId": 12, "stackLevel": 2, "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Recurring", "recurrencyKind": "Daily", "validFrom": "2026-11-24T00:00:00Z",
    "chargingSchedule": {
        "duration": 86400, "startSchedule": "2026-11-24T06:00:00+01:00", "chargingRateUnit": "W",
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000}, {"startPeriod": 3600, "limit": 7360.5,
                                                                        "numberPhases": 1}],
        "minChargingRate": 1380,
    },
}
EXPECTED = ChargingProfile(
    12, 2, ChargingProfilePurpose.TX_DEFAULT_PROFILE, ChargingProfileKind.RECURRING,
    ChargingSchedule(
        ChargingRateUnit.W,
        (ChargingSchedulePeriod(0, Decimal(11000)), ChargingSchedulePeriod(3600, Decimal("7360.5"), 1)),
        duration=86400, start_schedule=datetime(2026, 11, 24, 5, 0, tzinfo=UTC), min_charging_rate=Decimal(1380),
    ),
    recurrency_kind=RecurrencyKind.DAILY, valid_from=datetime(2026, 11, 24, tzinfo=UTC),
)


def test_the_four_operations_have_specs() -> None:
    assert {"ClearChargingProfile", "GetCompositeSchedule", "SetChargingProfile", "TriggerMessage"} <= set(SPECS)


def test_a_profile_is_read_from_its_ocpp_fields_and_goes_back_to_them() -> None:
    request = parse_request("CB", "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": PROFILE})
    assert request == sr.RequestSetChargingProfile("CB", connector_id=0, profile=EXPECTED)
    wire = to_wire(request)
    assert list(wire["csChargingProfiles"]) == [
        "chargingProfileId", "stackLevel", "chargingProfilePurpose", "chargingProfileKind", "recurrencyKind",
        "validFrom", "chargingSchedule"]  # WSDL order, absent fields left out
    assert wire["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][1] == {
        "startPeriod": 3600, "limit": Decimal("7360.5"), "numberPhases": 1}


def test_the_other_three_and_remote_start_with_a_profile() -> None:
    assert parse_request("CB", "ClearChargingProfile", {"connectorId": 1, "chargingProfilePurpose": "TxProfile",
                                                        "stackLevel": "3"}) == sr.RequestClearChargingProfile(
        "CB", connector_id=1, purpose=ChargingProfilePurpose.TX_PROFILE, stack_level=3)
    assert parse_request("CB", "ClearChargingProfile", {"id": 4}) == sr.RequestClearChargingProfile("CB", id=4)
    assert parse_request("CB", "GetCompositeSchedule", {"connectorId": 0, "duration": 3600, "chargingRateUnit": "W"}) \
        == sr.RequestGetCompositeSchedule("CB", 0, 3600, ChargingRateUnit.W)
    assert parse_request("CB", "TriggerMessage", {"requestedMessage": "MeterValues", "connectorId": 2}) \
        == sr.RequestTriggerMessage("CB", sr.MessageTrigger.METER_VALUES, 2)
    start = parse_request("CB", "RemoteStartTransaction", {"idTag": "T", "connectorId": 1, "chargingProfile": PROFILE})
    assert start == sr.RequestRemoteStart("CB", id_tag="T", connector_id=1, charging_profile=EXPECTED)
    assert to_wire(start)["chargingProfile"]["chargingProfileId"] == 12


def _with(path: str, value: Any) -> dict[str, Any]:
    """The SetChargingProfile input with one nested field set (``None``: removed)."""
    data: dict[str, Any] = json.loads(json.dumps({"connectorId": 0, "csChargingProfiles": PROFILE}))
    *parents, last = path.split(".")
    target: Any = data
    for name in parents:
        target = target[int(name)] if name.isdigit() else target[name]
    if value is None:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("csChargingProfiles", None, "csChargingProfiles"),
        ("csChargingProfiles", "a profile", "csChargingProfiles"),
        ("csChargingProfiles.chargingSchedule", None, "csChargingProfiles.chargingSchedule"),
        ("csChargingProfiles.chargingProfilePurpose", "Sometimes", "csChargingProfiles.chargingProfilePurpose"),
        ("csChargingProfiles.colour", "red", "csChargingProfiles.colour"),
        ("csChargingProfiles.stackLevel", 2**31, "csChargingProfiles.stackLevel"),
        ("csChargingProfiles.validFrom", "soon", "csChargingProfiles.validFrom"),
        ("csChargingProfiles.chargingSchedule.chargingRateUnit", "kW",
         "csChargingProfiles.chargingSchedule.chargingRateUnit"),
        ("csChargingProfiles.chargingSchedule.chargingSchedulePeriod.1.startPeriod", "one",
         "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].startPeriod"),
        ("csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit", "lots",
         "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit"),
        ("csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit", None,
         "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit"),
        ("csChargingProfiles.chargingSchedule.minChargingRate", "Infinity",
         "csChargingProfiles.chargingSchedule.minChargingRate"),
    ],
)
def test_input_errors_name_the_ocpp_path(path: str, value: Any, field: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        parse_request("CB", "SetChargingProfile", _with(path, value))
    assert info.value.field == field


@pytest.mark.parametrize(
    ("operation", "fields", "field"),
    [
        ("TriggerMessage", {"requestedMessage": "StartTransaction"}, "requestedMessage"),
        ("TriggerMessage", {}, "requestedMessage"),
        ("GetCompositeSchedule", {"connectorId": 1}, "duration"),
        ("ClearChargingProfile", {"chargingProfilePurpose": "Max"}, "chargingProfilePurpose"),
        ("RemoteStartTransaction", {"idTag": "T", "chargingProfile": [PROFILE]}, "chargingProfile"),
    ],
)
def test_errors_of_the_other_operations_name_the_field(operation: str, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        parse_request("CB", operation, fields)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("request_type", "attribute", "ocpp"),
    [
        (sr.RequestSetChargingProfile, "profile.schedule.periods[2].number_phases",
         "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[2].numberPhases"),
        (sr.RequestSetChargingProfile, "profile.transaction_id", "csChargingProfiles.transactionId"),
        (sr.RequestSetChargingProfile, "profile.schedule.start_schedule", "csChargingProfiles.chargingSchedule.startSchedule"),
        (sr.RequestSetChargingProfile, "connector_id", "connectorId"),
        (sr.RequestRemoteStart, "charging_profile.purpose", "chargingProfile.chargingProfilePurpose"),
        (sr.RequestClearChargingProfile, "purpose", "chargingProfilePurpose"),
        (sr.RequestSetChargingProfile, "profile.nothing", None),
    ],
)
def test_the_domains_attribute_paths_as_ocpp_paths(request_type: type[Any], attribute: str, ocpp: str | None) -> None:
    assert wire_name(request_type, attribute) == ocpp


def test_the_command_line_takes_a_profile_as_json() -> None:
    fields = _parse_fields(["connectorId=0", f"csChargingProfiles={json.dumps(PROFILE)}"])
    assert parse_request("CB", "SetChargingProfile", fields) == sr.RequestSetChargingProfile("CB", 0, EXPECTED)


def test_the_web_form_takes_a_profile_as_json() -> None:
    form = operation_forms()["SetChargingProfile"]
    assert [(f.name, f.kind, f.required) for f in form.fields] == [
        ("connectorId", "number", True), ("csChargingProfiles", "json", True)]
    request = from_form("CB", "SetChargingProfile", {"connectorId": "0", "csChargingProfiles": json.dumps(PROFILE)}, UTC)
    assert request == sr.RequestSetChargingProfile("CB", 0, EXPECTED)
    with pytest.raises(InvalidCommand) as info:
        from_form("CB", "SetChargingProfile", {"connectorId": "0", "csChargingProfiles": "{nope"}, UTC)
    assert info.value.field == "csChargingProfiles"
    kinds = {f.name: (f.kind, f.choices) for f in operation_forms()["TriggerMessage"].fields}
    assert kinds["requestedMessage"] == ("choice", tuple(m.value for m in sr.MessageTrigger))
