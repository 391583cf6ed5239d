"""POST /api/stations/<id>/commands/<Operation>: each way a command can end has its own status; and /api/commands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import Protocol, RegistrationStatus
from tests.api.conftest import AUTH, add_station
from tests.conftest import free_port
from tests.e2e.fake_station import FakeStation

CP15 = "urn://Ocpp/Cp/2012/06/"


@pytest.fixture
def fake() -> Iterator[FakeStation]:
    station = FakeStation(CP15, None)
    yield station
    station.stop()


def send(client: FlaskClient, station: str, operation: str, body: object) -> tuple[int, dict]:
    response = client.post(f"/api/stations/{station}/commands/{operation}", headers=AUTH, json=body)
    return response.status_code, response.json


def test_answered(client: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "CB1", address=fake.url)
    status, body = send(client, "CB1", "RemoteStartTransaction", {"connectorId": 1, "idTag": "ABC"})
    assert status == 200
    assert body["outcome"] == "answered" and body["answer"] == {"status": "Accepted"}
    assert body["added"] == {} and body["remarks"] == {} and body["durationMs"] >= 0
    assert fake.received[-1].operation == "RemoteStartTransaction"


def test_answer_with_what_the_gateway_added(client: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "CB1", address=fake.url)
    expiry = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, body = send(client, "CB1", "ReserveNow", {"connectorId": 1, "expiryDate": expiry, "idTag": "ABC"})
    assert status == 200 and isinstance(body["added"]["reservationId"], int)
    status, body = send(client, "CB1", "GetConfiguration", {"key": ["HeartbeatInterval", "Nope"]})
    assert status == 200 and body["remarks"] == {"storedKeys": 1, "unknownKeys": ["Nope"]}


def test_unknown_station_is_404(client: FlaskClient) -> None:
    status, body = send(client, "NOPE", "Reset", {"type": "Soft"})
    assert status == 404 and body["error"]["code"] == "not-found"


def test_no_address_is_409(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "MUTE")
    status, body = send(client, "MUTE", "Reset", {"type": "Soft"})
    assert status == 409 and body["error"]["code"] == "no-address" and body["outcome"] == "no-address"
    assert "no usable address" in body["error"]["message"]


def test_operation_the_version_lacks_is_409(client: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "OLD", protocol=Protocol.OCPP12_SOAP, address=fake.url)
    status, body = send(client, "OLD", "GetConfiguration", {})
    assert status == 409 and body["error"]["code"] == "operation-not-supported"
    assert not fake.received


def test_remote_start_and_stop_to_a_pending_16_station_are_409(
    client: FlaskClient, gateway: Gateway, fake: FakeStation
) -> None:
    add_station(gateway, "P16", status=RegistrationStatus.PENDING, protocol=Protocol.OCPP16_SOAP, address=fake.url)
    status, body = send(client, "P16", "RemoteStartTransaction", {"connectorId": 1, "idTag": "ABC"})
    assert status == 409 and body["error"]["code"] == "station-not-accepted"
    assert "RemoteStartTransaction cannot be sent" in body["error"]["message"] and "Pending" in body["error"]["message"]
    assert not fake.received


@pytest.mark.parametrize(
    ("operation", "fields", "field"),
    [
        ("Reset", {}, "type"),
        ("Reset", {"type": "Gentle"}, "type"),
        ("UnlockConnector", {"connectorId": "one"}, "connectorId"),
        ("RemoteStartTransaction", {"idTag": "ABC", "colour": "red"}, "colour"),
        ("ReserveNow", {"connectorId": 1, "expiryDate": "2001-01-01T00:00:00Z", "idTag": "A"}, "expiryDate"),
        ("RemoteStopTransaction", {"transactionId": 424242}, "transactionId"),
        ("Explode", {}, "operation"),
    ],
)
def test_wrong_fields_are_422_naming_the_field(
    client: FlaskClient, gateway: Gateway, fake: FakeStation, operation: str, fields: dict, field: str
) -> None:
    add_station(gateway, "CB1", address=fake.url)
    status, body = send(client, "CB1", operation, fields)
    assert status == 422 and body["error"]["field"] == field, body
    assert not fake.received
    response = client.post("/api/stations/CB1/commands/Reset", headers=AUTH, data="nope", content_type="application/json")
    assert response.status_code == 422 and response.json["error"]["field"] == "body"


def test_timeout_is_504(client: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    fake.delay = 2.5  # the gateway waits 1 s
    add_station(gateway, "SLOW", address=fake.url)
    status, body = send(client, "SLOW", "Reset", {"type": "Soft"})
    assert status == 504 and body["error"]["code"] == "timeout"


def test_unreachable_is_502(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "GONE", address=f"http://127.0.0.1:{free_port()}/ChargePointService")
    status, body = send(client, "GONE", "Reset", {"type": "Soft"})
    assert status == 502 and body["error"]["code"] == "unreachable"


@pytest.mark.parametrize(("mode", "code"), [("fault", "fault"), ("http500", "bad-answer")])
def test_fault_and_bad_answer_are_502(
    client: FlaskClient, gateway: Gateway, fake: FakeStation, mode: str, code: str
) -> None:
    fake.mode = mode
    add_station(gateway, "CB1", address=fake.url)
    status, body = send(client, "CB1", "UnlockConnector", {"connectorId": 1})
    assert status == 502 and body["error"]["code"] == code
    if mode == "fault":
        assert "connector is broken" in body["error"]["message"]


def test_command_log(client: FlaskClient, gateway: Gateway, fake: FakeStation) -> None:
    add_station(gateway, "CB1", address=fake.url)
    add_station(gateway, "MUTE")
    send(client, "CB1", "Reset", {"type": "Hard"})
    send(client, "MUTE", "ClearCache", {})
    send(client, "CB1", "ClearCache", {})
    body = client.get("/api/commands?station=CB1", headers=AUTH).json
    assert body["total"] == 2
    assert [(c["operation"], c["outcome"]) for c in body["items"]] == [("ClearCache", "answered"), ("Reset", "answered")]
    assert body["items"][1]["parameters"] == {"type": "Hard"}
    assert body["items"][1]["answer"] == {"status": "Accepted"}
    everything = client.get("/api/commands?per_page=1&page=2", headers=AUTH).json
    assert everything["total"] == 3 and len(everything["items"]) == 1
