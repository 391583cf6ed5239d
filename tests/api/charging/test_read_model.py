"""The smart-charging read model (``webapp.readmodel.charging``), for the API and the web app's pages: stored
profiles typed, the planned and the reported composite schedules, and which messages a TriggerMessage made a
station send, as ``/api/messages`` (``triggeredBy``) and ``/api/commands`` (``triggeredMessages``) show it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.message_log import Direction
from ocpp_soap.domain.model import ChargingProfilePurpose, ChargingRateUnit
from tests.api.conftest import AUTH, add_message, add_station, add_transaction
from tests.unit.fake_station_client import FakeStationClient
from webapp.readmodel import charging as read

T = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
PROFILE: dict[str, Any] = {
    "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Absolute",
    "chargingSchedule": {"startSchedule": T.isoformat(), "chargingRateUnit": "A", "duration": 7200,
                         "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}, {"startPeriod": 3600, "limit": 10}]},
}
TX: dict[str, Any] = {
    "chargingProfileId": 2, "stackLevel": 0, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
    "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6},
                                                                              {"startPeriod": 600, "limit": 12}]},
}


def command(client: FlaskClient, station: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/stations/{station}/commands/{operation}", headers=AUTH, json=body)
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def test_installed_profiles_are_the_domains_values(client: FlaskClient, smart: str) -> None:
    command(client, smart, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": PROFILE})
    (installed,) = read.installed_profiles(client.application.extensions["ocpp_gateway"].database, smart)
    assert (installed.connector_id, installed.profile.purpose) == (1, ChargingProfilePurpose.TX_DEFAULT_PROFILE)
    assert installed.profile.schedule.periods[1].limit == Decimal(10)


def test_the_planned_schedule_of_the_stored_profiles(client: FlaskClient, gateway: Gateway, smart: str) -> None:
    command(client, smart, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": PROFILE})
    planned = read.planned_schedule(gateway.database, smart, 1, T, 3 * 3600)
    assert [(p.start_period, p.limit) for p in planned.periods] == [(0, Decimal(16)), (3600, Decimal(10)), (7200, None)]
    # With a transaction open on the connector, its TxProfile (relative to the start) takes over.
    add_transaction(gateway, smart, "TAG", T + timedelta(minutes=30))
    command(client, smart, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": TX})
    planned = read.planned_schedule(gateway.database, smart, 1, T, 3 * 3600, ChargingRateUnit.W)
    assert [(p.start_period, p.limit) for p in planned.periods] == [
        (0, Decimal("11040.0")), (1800, Decimal("4140.0")), (2400, Decimal("8280.0"))]
    assert planned.charging_rate_unit is ChargingRateUnit.W


def test_the_reported_schedules_typed_newest_first(
    client: FlaskClient, gateway: Gateway, smart: str, station_client: FakeStationClient
) -> None:
    for limit in ("10", "20"):
        station_client.answer("GetCompositeSchedule", {
            "status": "Accepted", "connectorId": 1, "scheduleStart": T.isoformat(),
            "chargingSchedule": {"duration": 600, "chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]}})
        command(client, smart, "GetCompositeSchedule", {"connectorId": 1, "duration": 600})
    station_client.fail("GetCompositeSchedule", sr.CallOutcome.TIMEOUT)
    client.post(f"/api/stations/{smart}/commands/GetCompositeSchedule", headers=AUTH,
                json={"connectorId": 1, "duration": 600})
    reported = read.reported_schedules(gateway.database, smart)
    assert len(reported) == 2  # the one that timed out reported nothing
    newest = reported[0].answer
    assert isinstance(newest, sr.GetCompositeScheduleAnswer) and newest.schedule_start == T
    assert newest.charging_schedule is not None and newest.charging_schedule.periods[0].limit == Decimal(20)


# TriggerMessage and what it made the station send


def trigger(gateway: Gateway, station: str, message: sr.MessageTrigger, at: datetime, *,
            connector_id: int | None = None, status: str | None = "Accepted") -> int:
    """A TriggerMessage in the command log, sent at ``at`` and answered ``status`` (None: it timed out)."""
    answer = sr.TriggerMessageAnswer(sr.TriggerMessageStatus(status)) if status else None
    with gateway.uow_factory() as uow:
        entry_id = uow.command_log.add(sr.CommandLogEntry(
            station, sr.RequestTriggerMessage(station, message, connector_id), at,
            sr.CallOutcome.ANSWERED if answer else sr.CallOutcome.TIMEOUT, answer, None, 5.0, None, None))
        uow.commit()
    return entry_id


def received(gateway: Gateway, station: str, operation: str, after: float, direction: Direction = Direction.FROM_STATION) -> int:
    return add_message(gateway, station, operation, at=T + timedelta(seconds=after), direction=direction)


def claimed(gateway: Gateway, command_id: int) -> list[int]:
    return read.triggered_message_ids(gateway.database, [command_id]).get(command_id, [])


def test_a_trigger_claims_the_next_message_it_asked_for(gateway: Gateway, smart: str) -> None:
    received(gateway, smart, "Heartbeat", -5)  # before the trigger
    heartbeat = trigger(gateway, smart, sr.MessageTrigger.HEARTBEAT, T)
    received(gateway, smart, "StatusNotification", 0.5)  # not what was asked for
    first = received(gateway, smart, "Heartbeat", 1)
    received(gateway, smart, "Heartbeat", 2)  # a later one of its own
    add_station(gateway, "ELSE")
    received(gateway, "ELSE", "Heartbeat", 0.8)  # another station's
    assert claimed(gateway, heartbeat) == [first]


def test_a_per_connector_trigger_without_connector_claims_one_message_per_connector(gateway: Gateway, smart: str) -> None:
    every = trigger(gateway, smart, sr.MessageTrigger.STATUS_NOTIFICATION, T)
    statuses = [received(gateway, smart, "StatusNotification", s) for s in (0.5, 0.6, 0.7)]
    one = trigger(gateway, smart, sr.MessageTrigger.STATUS_NOTIFICATION, T + timedelta(seconds=10), connector_id=2)
    later = [received(gateway, smart, "StatusNotification", s) for s in (11, 12)]
    assert claimed(gateway, every) == statuses  # until the next trigger of the same message
    assert claimed(gateway, one) == later[:1]


def test_only_an_accepted_trigger_within_the_window_claims(gateway: Gateway, smart: str) -> None:
    rejected = trigger(gateway, smart, sr.MessageTrigger.METER_VALUES, T, connector_id=1, status="Rejected")
    lost = trigger(gateway, smart, sr.MessageTrigger.METER_VALUES, T + timedelta(seconds=1), status=None)
    received(gateway, smart, "MeterValues", 2)
    late = trigger(gateway, smart, sr.MessageTrigger.FIRMWARE_STATUS_NOTIFICATION, T + timedelta(seconds=100))
    received(gateway, smart, "FirmwareStatusNotification", 100 + read.TRIGGER_WINDOW.total_seconds() + 1)
    received(gateway, smart, "FirmwareStatusNotification", 100, direction=Direction.TO_STATION)
    assert claimed(gateway, rejected) == claimed(gateway, lost) == claimed(gateway, late) == []
    assert claimed(gateway, 424242) == []


def test_messages_and_commands_show_the_link(client: FlaskClient, gateway: Gateway, smart: str) -> None:
    boot = trigger(gateway, smart, sr.MessageTrigger.BOOT_NOTIFICATION, T)
    answered = received(gateway, smart, "BootNotification", 3)
    other = received(gateway, smart, "Heartbeat", 4)
    items = client.get(f"/api/messages?station={smart}", headers=AUTH).json["items"]
    assert {m["id"]: m["triggeredBy"] for m in items} == {answered: boot, other: None}
    assert client.get(f"/api/messages/{answered}", headers=AUTH).json["triggeredBy"] == boot
    assert client.get(f"/api/messages/{other}", headers=AUTH).json["triggeredBy"] is None
    (logged,) = client.get(f"/api/commands?station={smart}", headers=AUTH).json["items"]
    assert logged["operation"] == "TriggerMessage" and logged["triggeredMessages"] == [answered]
    keys = [read.MessageKey(m["id"], datetime.fromisoformat(m["at"]), m["direction"], m["chargeBoxId"], m["operation"])
            for m in items]
    assert read.triggers_of(gateway.database, keys) == {answered: boot}
