"""Smart charging and TriggerMessage end to end with a 1.6 station: the API sends through the real 1.6 SOAP client
to a fake station that validates every request against the official 1.6 charge-point schema, the station's
answers come back typed, the stored profiles follow them, and a triggered StatusNotification that the station
sends to our 1.6 endpoint appears in the message log linked to its TriggerMessage.

Needs the 1.6 SOAP version (``ocpp_soap.soap.v16`` and ``Protocol.OCPP16_SOAP``), which comes from another
branch: skipped until both are merged.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from lxml import etree

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import Protocol
from tests.api.conftest import AUTH, TOKEN, add_station, add_transaction
from tests.conftest import LiveServer, official_wsdl
from tests.e2e.fake_station import SOAP12, WSA, FakeStation, official_schema

pytest.importorskip("ocpp_soap.soap.v16", reason="the 1.6 SOAP version is not merged yet")
OCPP16: Protocol = getattr(Protocol, "OCPP16_SOAP", None)  # type: ignore[assignment]
pytestmark = pytest.mark.skipif(OCPP16 is None, reason="Protocol.OCPP16_SOAP is not merged yet")

CP16 = "urn://Ocpp/Cp/2015/10/"
CS16 = "urn://Ocpp/Cs/2015/10/"
CS16_PATH = "/services/centralSystemServiceOcpp16"
START = (datetime.now(UTC) + timedelta(minutes=5)).replace(microsecond=0)

MAX_PROFILE = {
    "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "ChargePointMaxProfile",
    "chargingProfileKind": "Absolute", "validTo": (START + timedelta(days=1)).isoformat(),
    "chargingSchedule": {"startSchedule": START.isoformat(), "chargingRateUnit": "A", "minChargingRate": 6,
                         "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.5},
                                                    {"startPeriod": 3600, "limit": 10, "numberPhases": 1}]},
}
TX_PROFILE = {
    "chargingProfileId": 7, "stackLevel": 1, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Relative",
    "chargingSchedule": {"chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11040}]},
}
COMPOSITE = (
    "<cp:status>Accepted</cp:status><cp:connectorId>1</cp:connectorId>"
    "<cp:scheduleStart>2026-11-24T12:00:00Z</cp:scheduleStart>"
    "<cp:chargingSchedule><cp:duration>900</cp:duration><cp:chargingRateUnit>A</cp:chargingRateUnit>"
    "<cp:chargingSchedulePeriod><cp:startPeriod>0</cp:startPeriod><cp:limit>16.5</cp:limit></cp:chargingSchedulePeriod>"
    "<cp:chargingSchedulePeriod><cp:startPeriod>600</cp:startPeriod><cp:limit>10.0</cp:limit>"
    "<cp:numberPhases>1</cp:numberPhases></cp:chargingSchedulePeriod></cp:chargingSchedule>"
)


class Station16:
    """The fake 1.6 station's behaviour: 1.6 answers, and a triggered StatusNotification sent after its answer."""

    def __init__(self, central_system: str) -> None:
        self.central_system = central_system
        self.address = ""  # the fake station's own, sent as wsa:From
        self.sent: list[requests.Response] = []

    def answer(self, operation: str, body: etree._Element) -> str | None:
        if operation == "GetCompositeSchedule":
            return COMPOSITE
        if operation == "TriggerMessage":
            # "The Charge Point SHALL first send the TriggerMessage response" (Spec §5.17): send it afterwards.
            threading.Timer(0.3, self._status_notification).start()
        return None  # <status>Accepted</status>

    def _status_notification(self) -> None:
        envelope = (
            f'<s:Envelope xmlns:s="{SOAP12}" xmlns:a="{WSA}" xmlns:cs="{CS16}"><s:Header>'
            "<cs:chargeBoxIdentity>CB16</cs:chargeBoxIdentity><a:Action>/StatusNotification</a:Action>"
            f"<a:MessageID>urn:uuid:{uuid.uuid4()}</a:MessageID>"
            f"<a:From><a:Address>{self.address}</a:Address></a:From>"
            f"<a:To>{self.central_system}</a:To></s:Header><s:Body><cs:statusNotificationRequest>"
            "<cs:connectorId>1</cs:connectorId><cs:status>Charging</cs:status><cs:errorCode>NoError</cs:errorCode>"
            "</cs:statusNotificationRequest></s:Body></s:Envelope>"
        )
        self.sent.append(requests.post(self.central_system, data=envelope.encode(), timeout=10,
                                       headers={"Content-Type": "application/soap+xml; charset=utf-8"}))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False, api_token=TOKEN, command_timeout=5)


@pytest.fixture
def station(live_server: LiveServer) -> Iterator[tuple[FakeStation, Station16]]:
    behaviour = Station16(live_server.url + CS16_PATH)
    fake = FakeStation(CP16, official_schema(official_wsdl("ocpp16_chargepoint.wsdl")), answer=behaviour.answer)
    behaviour.address = fake.url
    yield fake, behaviour
    fake.stop()


def send(client: FlaskClient, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/stations/CB16/commands/{operation}", headers=AUTH, json=body)
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def text(body: etree._Element, path: str) -> list[str]:
    return [e.text or "" for e in body.iterfind(path, {"cp": CP16})]


def test_smart_charging_and_a_trigger_with_a_1_6_station(
    client: FlaskClient, gateway: Gateway, station: tuple[FakeStation, Station16]
) -> None:
    fake, behaviour = station
    add_station(gateway, "CB16", protocol=OCPP16, address=fake.url)
    profiles = lambda: client.get("/api/stations/CB16/charging-profiles", headers=AUTH).json["items"]  # noqa: E731

    # SetChargingProfile: valid for the official schema, limits as DecimalOne, stored on Accepted.
    send(client, "SetChargingProfile", {"connectorId": 0, "csChargingProfiles": MAX_PROFILE})
    received = fake.received[-1]
    assert received.operation == "SetChargingProfile" and received.schema_errors == []
    assert text(received.body, "cp:csChargingProfiles/cp:chargingSchedule/cp:chargingSchedulePeriod/cp:limit") in (
        ["16.5", "10"], ["16.5", "10.0"])
    assert [p["chargingProfileId"] for p in profiles()] == [1]

    # RemoteStart with a TxProfile: 1.6's order (connectorId, idTag, chargingProfile), stored on Accepted.
    send(client, "RemoteStartTransaction", {"connectorId": 2, "idTag": "TAG", "chargingProfile": TX_PROFILE})
    received = fake.received[-1]
    assert received.schema_errors == []
    assert [etree.QName(e).localname for e in received.body] == ["connectorId", "idTag", "chargingProfile"]
    assert [(p["connectorId"], p["chargingProfileId"]) for p in profiles()] == [(0, 1), (2, 7)]

    # A TxProfile with SetChargingProfile names the open transaction.
    transaction_id = add_transaction(gateway, "CB16", "TAG", datetime.now(UTC))
    send(client, "SetChargingProfile", {"connectorId": 1, "csChargingProfiles": {**TX_PROFILE, "chargingProfileId": 8}})
    assert text(fake.received[-1].body, "cp:csChargingProfiles/cp:transactionId") == [str(transaction_id)]

    # ClearChargingProfile by id.
    send(client, "ClearChargingProfile", {"id": 1})
    assert fake.received[-1].schema_errors == [] and text(fake.received[-1].body, "cp:id") == ["1"]
    assert [(p["connectorId"], p["chargingProfileId"]) for p in profiles()] == [(1, 8), (2, 7)]  # by connector

    # GetCompositeSchedule: the station's schedule, typed, in the answer and the command log.
    answer = send(client, "GetCompositeSchedule", {"connectorId": 1, "duration": 900, "chargingRateUnit": "A"})["answer"]
    assert fake.received[-1].schema_errors == []
    assert answer["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16.5}, {"startPeriod": 600, "limit": 10, "numberPhases": 1}]

    # TriggerMessage: the StatusNotification the station sends next is linked to the command.
    command = send(client, "TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 1})
    assert fake.received[-1].schema_errors == []
    deadline = time.monotonic() + 10
    while not behaviour.sent and time.monotonic() < deadline:
        time.sleep(0.1)
    assert behaviour.sent and behaviour.sent[0].status_code == 200, behaviour.sent
    (message,) = client.get("/api/messages?station=CB16&direction=in&operation=StatusNotification",
                            headers=AUTH).json["items"]
    assert message["triggeredBy"] == command["commandLogId"]
    (logged,) = [c for c in client.get("/api/commands?station=CB16", headers=AUTH).json["items"]
                 if c["operation"] == "TriggerMessage"]
    assert logged["triggeredMessages"] == [message["id"]]


def test_every_new_request_is_valid_for_the_official_schema(
    client: FlaskClient, gateway: Gateway, station: tuple[FakeStation, Station16]
) -> None:
    fake, _ = station
    add_station(gateway, "CB16", protocol=OCPP16, address=fake.url)
    recurring = {**MAX_PROFILE, "chargingProfileId": 3, "chargingProfilePurpose": "TxDefaultProfile",
                 "chargingProfileKind": "Recurring", "recurrencyKind": "Weekly", "validFrom": START.isoformat()}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": recurring}),
        ("ClearChargingProfile", {}),
        ("ClearChargingProfile", {"connectorId": 0, "chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 0}),
        ("GetCompositeSchedule", {"connectorId": 0, "duration": 86400}),
        ("TriggerMessage", {"requestedMessage": "Heartbeat"}),
        ("TriggerMessage", {"requestedMessage": "MeterValues"}),
    ]
    for operation, body in calls:
        send(client, operation, body)
        assert fake.received[-1].operation == operation and fake.received[-1].schema_errors == [], operation
