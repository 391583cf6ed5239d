"""The 1.6 operations through ``POST /api/stations/<id>/commands/<Operation>`` with each status a command can end
in, and the stored profiles at ``GET /api/stations/<id>/charging-profiles`` and in the station's detail. Stations
are reached through a fake station client (the 1.6 SOAP edge is another branch's): the API, the bus, the handlers
and the database are the real ones."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import Protocol
from tests.api.charging.conftest import ADDRESS
from tests.api.conftest import AUTH, add_station, add_transaction
from tests.unit.fake_station_client import FakeStationClient

START = datetime.now(UTC).replace(microsecond=0).isoformat()

MAX_PROFILE: dict[str, Any] = {
    "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "ChargePointMaxProfile",
    "chargingProfileKind": "Absolute",
    "chargingSchedule": {"startSchedule": START, "chargingRateUnit": "A",
                         "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 32}, {"startPeriod": 3600, "limit": 20.5}]},
}
TX_PROFILE: dict[str, Any] = {
    "chargingProfileId": 7, "stackLevel": 1, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
    "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]},
}


def send(client: FlaskClient, station: str, operation: str, body: object) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/api/stations/{station}/commands/{operation}", headers=AUTH, json=body)
    return response.status_code, response.json


def profiles(client: FlaskClient, station: str = "CB16") -> list[dict[str, Any]]:
    response = client.get(f"/api/stations/{station}/charging-profiles", headers=AUTH)
    assert response.status_code == 200
    return response.json["items"]


def with_(profile: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(profile)
    changed.update(changes)
    return changed


def test_set_charging_profile_is_answered_and_stored(client: FlaskClient, smart: str, station_client: FakeStationClient) -> None:
    status, body = send(client, smart, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": MAX_PROFILE})
    assert status == 200, body
    assert body["answer"] == {"status": "Accepted"} and body["remarks"] == {"installedProfileIds": [1]}
    assert station_client.sent("SetChargingProfile")[0]["csChargingProfiles"]["chargingProfilePurpose"] == \
        "ChargePointMaxProfile"
    (stored,) = profiles(client)
    assert {k: stored[k] for k in ("connectorId", "chargingProfileId", "chargingProfilePurpose", "stackLevel",
                                   "transactionId")} == {
        "connectorId": 0, "chargingProfileId": 1, "chargingProfilePurpose": "ChargePointMaxProfile", "stackLevel": 0,
        "transactionId": None}
    assert stored["chargingProfile"]["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 32}, {"startPeriod": 3600, "limit": 20.5}]
    detail = client.get(f"/api/stations/{smart}", headers=AUTH).json
    assert detail["chargingProfiles"] == [stored]


def test_a_replacing_profile_and_a_clear(client: FlaskClient, smart: str) -> None:
    send(client, smart, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": MAX_PROFILE})
    default = with_(MAX_PROFILE, chargingProfileId=2, chargingProfilePurpose="TxDefaultProfile")
    send(client, smart, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": default})
    status, body = send(client, smart, "SetChargingProfile",
                        {"connectorId": 0, "csChargingProfiles": with_(MAX_PROFILE, chargingProfileId=3)})
    assert status == 200 and body["remarks"] == {"installedProfileIds": [3], "removedProfileIds": [1]}
    assert [(p["connectorId"], p["chargingProfileId"]) for p in profiles(client)] == [(0, 3), (1, 2)]
    status, body = send(client, smart, "ClearChargingProfile", {"connectorId": 1})
    assert status == 200 and body["remarks"] == {"removedProfileIds": [2]}
    assert [p["chargingProfileId"] for p in profiles(client)] == [3]


@pytest.mark.parametrize("answer", ["Rejected", "NotSupported"])
def test_a_refused_profile_is_200_and_not_stored(
    client: FlaskClient, smart: str, station_client: FakeStationClient, answer: str
) -> None:
    station_client.answer("SetChargingProfile", {"status": answer})
    status, body = send(client, smart, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": MAX_PROFILE})
    assert status == 200 and body["answer"] == {"status": answer} and body["remarks"] == {}
    assert profiles(client) == []


@pytest.mark.parametrize(
    ("outcome", "status"),
    [(sr.CallOutcome.TIMEOUT, 504), (sr.CallOutcome.UNREACHABLE, 502), (sr.CallOutcome.FAULT, 502),
     (sr.CallOutcome.BAD_ANSWER, 502)],
)
@pytest.mark.parametrize(
    ("operation", "fields"),
    [
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": MAX_PROFILE}),
        ("ClearChargingProfile", {}),
        ("GetCompositeSchedule", {"connectorId": 1, "duration": 600}),
        ("TriggerMessage", {"requestedMessage": "Heartbeat"}),
    ],
)
def test_a_call_without_an_answer_is_502_or_504(
    client: FlaskClient, smart: str, station_client: FakeStationClient, operation: str, fields: dict[str, Any],
    outcome: sr.CallOutcome, status: int,
) -> None:
    station_client.fail(operation, outcome, "went wrong")
    code, body = send(client, smart, operation, fields)
    assert code == status and body["error"]["code"] == outcome.value and body["outcome"] == outcome.value
    assert profiles(client) == []
    logged = client.get(f"/api/commands?station={smart}", headers=AUTH).json["items"]
    assert [(c["operation"], c["outcome"]) for c in logged] == [(operation, outcome.value)]


OPERATIONS = [
    ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": MAX_PROFILE}),
    ("ClearChargingProfile", {"id": 1}),
    ("GetCompositeSchedule", {"connectorId": 0, "duration": 60}),
    ("TriggerMessage", {"requestedMessage": "StatusNotification"}),
]


@pytest.mark.parametrize(("operation", "fields"), OPERATIONS)
def test_unknown_station_is_404(client: FlaskClient, smart: str, operation: str, fields: dict[str, Any]) -> None:
    status, body = send(client, "NOPE", operation, fields)
    assert status == 404 and body["error"]["code"] == "not-found"


@pytest.mark.parametrize(("operation", "fields"), OPERATIONS)
def test_a_version_without_the_operation_is_409(
    client: FlaskClient, gateway: Gateway, smart: str, station_client: FakeStationClient, operation: str,
    fields: dict[str, Any],
) -> None:
    add_station(gateway, "OLD", protocol=Protocol.OCPP12_SOAP, address=ADDRESS)
    status, body = send(client, "OLD", operation, fields)
    assert status == 409 and body["error"]["code"] == "operation-not-supported"
    assert station_client.calls == []


@pytest.mark.parametrize(("operation", "fields"), OPERATIONS)
def test_no_address_is_409(client: FlaskClient, gateway: Gateway, smart: str, operation: str, fields: dict[str, Any]) -> None:
    protocol = next(p for p in Protocol if operation in p.operator_operations)
    add_station(gateway, "MUTE", protocol=protocol)
    status, body = send(client, "MUTE", operation, fields)
    assert status == 409 and body["error"]["code"] == "no-address"


def _periods(*starts: int) -> dict[str, Any]:
    return with_(MAX_PROFILE, chargingSchedule={
        "startSchedule": START, "chargingRateUnit": "A",
        "chargingSchedulePeriod": [{"startPeriod": s, "limit": 10} for s in starts]})


@pytest.mark.parametrize(
    ("operation", "fields", "field"),
    [
        # what the domain's rules refuse, named by OCPP path
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": _periods(0, 600, 600)},
         "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[2].startPeriod"),
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": _periods(60)},
         "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].startPeriod"),
        ("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": MAX_PROFILE}, "connectorId"),
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": with_(MAX_PROFILE, stackLevel=-1)},
         "csChargingProfiles.stackLevel"),
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": with_(MAX_PROFILE, chargingProfileKind="Recurring")},
         "csChargingProfiles.recurrencyKind"),
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": with_(MAX_PROFILE, validFrom=START, validTo=START)},
         "csChargingProfiles.validTo"),
        ("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": TX_PROFILE}, "connectorId"),  # no transaction
        ("ClearChargingProfile", {"id": 1, "connectorId": 1}, "id"),
        ("GetCompositeSchedule", {"connectorId": 1, "duration": 0}, "duration"),
        ("TriggerMessage", {"requestedMessage": "MeterValues", "connectorId": 0}, "connectorId"),
        ("RemoteStartTransaction", {"idTag": "T", "chargingProfile": TX_PROFILE}, "connectorId"),
        ("RemoteStartTransaction", {"idTag": "T", "connectorId": 1,
                                    "chargingProfile": with_(TX_PROFILE, chargingProfilePurpose="TxDefaultProfile")},
         "chargingProfile.chargingProfilePurpose"),
        # what the input itself gets wrong
        ("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": with_(MAX_PROFILE, chargingProfileKind="Often")},
         "csChargingProfiles.chargingProfileKind"),
        ("SetChargingProfile", {"connectorId": 0}, "csChargingProfiles"),
        ("TriggerMessage", {"requestedMessage": "StopTransaction"}, "requestedMessage"),
    ],
)
def test_wrong_fields_are_422_naming_the_ocpp_path(
    client: FlaskClient, smart: str, station_client: FakeStationClient, operation: str, fields: dict[str, Any],
    field: str,
) -> None:
    status, body = send(client, smart, operation, fields)
    assert status == 422 and body["error"]["field"] == field, body
    assert station_client.calls == []


def test_a_limit_with_two_decimals_is_422(client: FlaskClient, smart: str) -> None:
    profile = with_(MAX_PROFILE, chargingSchedule={**MAX_PROFILE["chargingSchedule"], "chargingSchedulePeriod": [
        {"startPeriod": 0, "limit": 16.25}]})
    status, body = send(client, smart, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": profile})
    assert status == 422 and "one digit after the decimal point" in body["error"]["message"]
    assert body["error"]["field"] == "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit"


def test_a_tx_profile_on_an_open_transaction_gets_its_id(client: FlaskClient, gateway: Gateway, smart: str) -> None:
    transaction_id = add_transaction(gateway, smart, "TAG", datetime.now(UTC) - timedelta(minutes=3))
    status, body = send(client, smart, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": TX_PROFILE})
    assert status == 200 and body["added"] == {"csChargingProfiles": {"transactionId": transaction_id}}
    (stored,) = profiles(client)
    assert stored["transactionId"] == transaction_id and stored["chargingProfile"]["transactionId"] == transaction_id


def test_remote_start_with_a_profile(client: FlaskClient, gateway: Gateway, smart: str,
                                     station_client: FakeStationClient) -> None:
    status, body = send(client, smart, "RemoteStartTransaction",
                        {"idTag": "T", "connectorId": 2, "chargingProfile": TX_PROFILE})
    assert status == 200 and body["remarks"] == {"installedProfileIds": [7]}
    assert [(p["connectorId"], p["chargingProfilePurpose"]) for p in profiles(client)] == [(2, "TxProfile")]
    add_station(gateway, "OLD", protocol=Protocol.OCPP12_SOAP, address=ADDRESS)
    status, body = send(client, "OLD", "RemoteStartTransaction",
                        {"idTag": "T", "connectorId": 2, "chargingProfile": TX_PROFILE})
    assert status == 409 and body["error"]["code"] == "field-not-supported"
    assert body["error"]["field"] == "chargingProfile"
    assert len(station_client.calls) == 1


def test_the_composite_schedule_answer_in_the_command_log(
    client: FlaskClient, smart: str, station_client: FakeStationClient
) -> None:
    station_client.answer("GetCompositeSchedule", {
        "status": "Accepted", "connectorId": 1, "scheduleStart": "2026-11-24T12:00:00Z",
        "chargingSchedule": {"duration": 600, "chargingRateUnit": "W",
                             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": "11040.0", "numberPhases": 3}]}})
    status, body = send(client, smart, "GetCompositeSchedule", {"connectorId": 1, "duration": 600,
                                                                "chargingRateUnit": "W"})
    expected = {"status": "Accepted", "connectorId": 1, "scheduleStart": "2026-11-24T12:00:00+00:00",
                "chargingSchedule": {"duration": 600, "chargingRateUnit": "W", "chargingSchedulePeriod": [
                    {"startPeriod": 0, "limit": 11040, "numberPhases": 3}]}}
    assert status == 200 and body["answer"] == expected
    (logged,) = client.get(f"/api/commands?station={smart}", headers=AUTH).json["items"]
    assert logged["answer"] == expected and logged["parameters"] == {"connectorId": 1, "duration": 600,
                                                                     "chargingRateUnit": "W"}


def test_the_profiles_list(client: FlaskClient, gateway: Gateway, smart: str) -> None:
    assert client.get("/api/stations/NOPE/charging-profiles", headers=AUTH).status_code == 404
    add_station(gateway, "OLD", protocol=Protocol.OCPP12_SOAP, address=ADDRESS)
    assert profiles(client, "OLD") == [] and client.get("/api/stations/OLD", headers=AUTH).json["chargingProfiles"] == []
    for profile_id, level in ((1, 0), (2, 2), (3, 1)):
        send(client, smart, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": with_(
            MAX_PROFILE, chargingProfileId=profile_id, stackLevel=level, chargingProfilePurpose="TxDefaultProfile")})
    send(client, smart, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": with_(MAX_PROFILE, chargingProfileId=4)})
    assert [(p["connectorId"], p["chargingProfileId"]) for p in profiles(client)] == [(0, 4), (1, 2), (1, 3), (1, 1)]
    page = client.get(f"/api/stations/{smart}/charging-profiles?per_page=3&page=2", headers=AUTH).json
    assert page["total"] == 4 and [p["chargingProfileId"] for p in page["items"]] == [1]
    assert client.get(f"/api/stations/{smart}/charging-profiles?page=0", headers=AUTH).status_code == 422
    client.delete(f"/api/stations/{smart}", headers=AUTH)
    assert client.get(f"/api/stations/{smart}/charging-profiles", headers=AUTH).status_code == 404
