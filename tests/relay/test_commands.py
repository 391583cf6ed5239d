"""Every back-office command, for each station version: sent to the station through the bus (so in the command log
and the SOAP message log), its answer mapped to 1.6; what the version lacks refused at once with NotSupported;
TriggerMessage emulated from stored state; a station that fails to answer gets a CALLERROR saying why."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lxml import etree
from ocpp.exceptions import OCPPError
from ocpp.v16 import call

from ocpp_soap.persistence.orm import CommandLogRow, MessageLogRow
from tests.conftest import SHARED
from tests.e2e.fake_station import FakeStation, official_schema

from .harness import Relayed, charge_point_namespace, eventually

LATER = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def fake(version: str) -> Iterator[FakeStation]:
    wsdl = SHARED / f"ocpp{version.replace('.', '')}_chargepoint.wsdl"
    station = FakeStation(charge_point_namespace(version), official_schema(wsdl) if wsdl.is_file() else None)
    yield station
    station.stop()


@pytest.fixture
def booted(relayed: Relayed, version: str, fake: FakeStation) -> Relayed:
    relayed.start_relay()
    station = relayed.stations.link(version, "CB1", fake.url)
    assert station.boot().accepted
    relayed.wait_connected("CB1")
    station.status(0, "Available")
    station.status(1, "Available")
    eventually(lambda: relayed.queued("CB1") == [] and len(relayed.office.messages("CB1")) >= 3, "the boot sent")
    return relayed


def result(relayed: Relayed, payload: Any) -> dict[str, Any]:
    from ocpp.charge_point import remove_nones, serialize_as_dict, snake_to_camel_case

    answer = relayed.office.call("CB1", payload)
    return snake_to_camel_case(remove_nones(serialize_as_dict(answer)))  # type: ignore[no-any-return]


def refused(relayed: Relayed, payload: Any) -> OCPPError:
    with pytest.raises(OCPPError) as caught:
        relayed.office.call("CB1", payload)
    return caught.value


def sent(fake: FakeStation, operation: str) -> etree._Element:
    found = [r for r in fake.received if r.operation == operation]
    assert found, f"{operation} never reached the station"
    assert found[-1].schema_errors == [], found[-1].schema_errors
    return found[-1].body


def field(fake: FakeStation, version: str, operation: str, name: str) -> str | None:
    return sent(fake, operation).findtext(f".//{{{charge_point_namespace(version)}}}{name}")


def test_every_command_both_versions_have(booted: Relayed, version: str, fake: FakeStation) -> None:
    r = booted
    assert result(r, call.RemoteStartTransaction(id_tag="TAG1", connector_id=1)) == {"status": "Accepted"}
    profile = {"chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
               "chargingProfileKind": "Relative",
               "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]}}
    assert result(r, call.RemoteStartTransaction(id_tag="TAG1", charging_profile=profile))["status"] == "Accepted"
    assert result(r, call.Reset(type="Soft")) == {"status": "Accepted"}
    assert result(r, call.UnlockConnector(connector_id=1)) == {"status": "Unlocked"}  # 1.2/1.5 said Accepted
    fake.answer = lambda op, body: "<cp:status>Rejected</cp:status>" if op == "UnlockConnector" else None
    assert result(r, call.UnlockConnector(connector_id=1)) == {"status": "UnlockFailed"}
    fake.answer = None
    assert result(r, call.ChangeAvailability(connector_id=0, type="Inoperative")) == {"status": "Accepted"}
    assert result(r, call.ChangeConfiguration(key="HeartbeatInterval", value="300")) == {"status": "Accepted"}
    assert field(fake, version, "ChangeConfiguration", "key") == "HeartBeatInterval"  # 1.2/1.5's spelling
    assert result(r, call.ClearCache()) == {"status": "Accepted"}
    assert result(r, call.GetDiagnostics(location="ftp://diag.example.net/up")) == {"fileName": "diag-2026.zip"}
    assert result(r, call.UpdateFirmware(location="http://fw.example.net/fw.bin", retrieve_date=LATER)) == {}
    assert result(r, call.RemoteStopTransaction(transaction_id=424242)) == {"status": "Rejected"}  # never known
    commands = r.rows(CommandLogRow, charge_box_id="CB1")
    assert len(commands) == 10 and {c.outcome for c in commands} == {"answered"}  # not the unknown RemoteStop
    logged = {(row.direction, row.operation) for row in r.rows(MessageLogRow, charge_box_id="CB1")}
    assert {("bo-in", "Reset"), ("out", "Reset")} <= logged  # both legs of the command


def test_what_only_15_has(booted: Relayed, version: str, fake: FakeStation) -> None:
    r = booted
    only_15 = [
        call.GetConfiguration(key=["HeartbeatInterval"]),
        call.SendLocalList(list_version=3, update_type="Full",
                           local_authorization_list=[{"idTag": "TAG1", "idTagInfo": {"status": "Accepted"}}]),
        call.GetLocalListVersion(),
        call.ReserveNow(connector_id=1, expiry_date=LATER, id_tag="TAG1", reservation_id=77),
        call.CancelReservation(reservation_id=77),
        call.DataTransfer(vendor_id="acme", message_id="ping", data="x"),
    ]
    if version == "1.2":
        for payload in only_15:
            error = refused(r, payload)
            assert error.code == "NotSupported", (payload, error)
        assert r.rows(CommandLogRow, charge_box_id="CB1") == []  # nothing was sent
        return
    configuration = result(r, only_15[0])
    assert configuration["configurationKey"] == [{"key": "HeartbeatInterval", "readonly": False, "value": "900"}]
    asked = sent(fake, "GetConfiguration").findall(f"{{{charge_point_namespace(version)}}}key")
    assert sorted(k.text for k in asked) == ["HeartBeatInterval", "HeartbeatInterval"]  # either spelling
    everything = result(r, call.GetConfiguration())
    assert {"key": "SupportedFeatureProfiles", "readonly": True,
            "value": "Core,FirmwareManagement,LocalAuthListManagement,Reservation,RemoteTrigger"} \
        in everything["configurationKey"]
    assert result(r, only_15[1]) == {"status": "Accepted"}
    assert field(fake, version, "SendLocalList", "listVersion") == "3"
    fake.answer = lambda op, body: "<cp:status>HashError</cp:status>" if op == "SendLocalList" else None
    assert result(r, only_15[1]) == {"status": "Failed"}  # 1.6 has no HashError
    fake.answer = None
    assert result(r, only_15[2]) == {"listVersion": 0}
    assert result(r, only_15[3]) == {"status": "Accepted"}
    local_reservation = field(fake, version, "ReserveNow", "reservationId")
    assert local_reservation is not None and local_reservation != "77"  # ocpp-soap's own reservation id
    assert result(r, only_15[4]) == {"status": "Accepted"}
    assert field(fake, version, "CancelReservation", "reservationId") == local_reservation
    assert result(r, call.CancelReservation(reservation_id=78)) == {"status": "Rejected"}  # not the back office's
    assert result(r, only_15[5]) == {"status": "Accepted", "data": "pong"}


def test_what_no_soap_version_has(booted: Relayed, version: str, fake: FakeStation) -> None:
    r = booted
    for payload in (
        call.SetChargingProfile(connector_id=1, cs_charging_profiles={
            "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Absolute", "chargingSchedule": {
                "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 1000}]}}),
        call.ClearChargingProfile(),
        call.GetCompositeSchedule(connector_id=1, duration=60),
        call.GetLog(log_type="DiagnosticsLog", request_id=1, log={"remoteLocation": "ftp://x/y"}),
        call.ExtendedTriggerMessage(requested_message="Heartbeat"),
    ):
        started = time.monotonic()
        error = refused(r, payload)
        assert error.code == "NotSupported" and time.monotonic() - started < 2, (payload, error)
    # A station-to-central-system action sent the wrong way, and an action 1.6 does not have.
    error = refused(r, call.Heartbeat())
    assert error.code == "NotSupported"
    unknown = json.loads(r.office.raw_call("CB1", '[2,"u-1","FooBar",{}]'))
    assert unknown[:3] == [4, "u-1", "NotImplemented"]
    assert fake.received == []  # nothing of it reached the station


def test_trigger_message_is_answered_from_stored_state(booted: Relayed, version: str, fake: FakeStation) -> None:
    r = booted
    office = r.office
    station = r.stations.link(version, "CB1", fake.url)
    station.meter(1, None, 4321)
    eventually(lambda: r.queued("CB1") == [], "the readings sent")
    before = len(office.messages("CB1"))
    assert result(r, call.TriggerMessage(requested_message="StatusNotification", connector_id=1)) == {"status": "Accepted"}
    triggered = eventually(lambda: office.messages("CB1")[before:], "the triggered StatusNotification")
    assert triggered[0].action == "StatusNotification" and triggered[0].payload["status"] == "Available"
    assert result(r, call.TriggerMessage(requested_message="MeterValues", connector_id=1)) == {"status": "Accepted"}
    values = eventually(lambda: [m for m in office.messages("CB1", "MeterValues") if
                                 m.payload["meterValue"][0]["sampledValue"][0].get("context") == "Trigger"],
                        "the triggered MeterValues")
    assert values[0].payload["meterValue"][0]["sampledValue"][0]["value"] == "4321"
    assert result(r, call.TriggerMessage(requested_message="Heartbeat")) == {"status": "Accepted"}
    assert result(r, call.TriggerMessage(requested_message="BootNotification")) == {"status": "Accepted"}
    eventually(lambda: len(office.messages("CB1", "BootNotification")) == 2, "the triggered boot")
    assert result(r, call.TriggerMessage(requested_message="MeterValues", connector_id=2)) == {"status": "Rejected"}
    assert result(r, call.TriggerMessage(requested_message="FirmwareStatusNotification")) == \
        {"status": "NotImplemented"}
    assert fake.received == []  # answered by the relay: the station has no TriggerMessage


def test_a_station_that_does_not_answer(booted: Relayed, version: str, fake: FakeStation) -> None:
    r = booted
    fake.stop()  # unreachable from now on
    started = time.monotonic()
    error = refused(r, call.Reset(type="Hard"))
    assert error.code == "InternalError" and "could not be reached" in error.description
    if version == "1.5":  # stored configuration is never passed off as the station's answer
        error = refused(r, call.GetConfiguration(key=["HeartbeatInterval"]))
        assert error.code == "InternalError"
    assert time.monotonic() - started < 30
    (command,) = r.rows(CommandLogRow, charge_box_id="CB1", operation="Reset")
    assert command.outcome == "unreachable"
