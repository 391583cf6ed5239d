"""``/api/messages`` (the SOAP message log) and ``/api/reservations``."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.message_log import Direction
from ocpp_soap.domain.model import ReservationState
from tests.api.conftest import AUTH, NOW, add_message, add_reservation, add_station


def test_the_message_log_lists_newest_first_without_bodies(client: FlaskClient, gateway: Gateway) -> None:
    add_message(gateway, "CB1", "BootNotification", at=NOW - timedelta(minutes=2))
    add_message(gateway, "CB1", "Heartbeat", at=NOW - timedelta(minutes=1))
    add_message(gateway, "CB2", "Heartbeat", at=NOW)

    answer = client.get("/api/messages?station=CB1", headers=AUTH)
    assert answer.status_code == 200
    assert answer.json["total"] == 2
    assert [m["operation"] for m in answer.json["items"]] == ["Heartbeat", "BootNotification"]
    first = answer.json["items"][0]
    assert first["direction"] == "in" and first["outcome"] == "ok" and first["durationMs"] == 1.5
    assert "request" not in first and "response" not in first


def test_the_message_log_filters_by_direction_outcome_operation_and_faults(client: FlaskClient, gateway: Gateway) -> None:
    add_message(gateway, "CB1", "Heartbeat")
    add_message(gateway, "CB1", "StartTransaction", outcome="sender-fault")
    add_message(gateway, "CB1", "Reset", outcome="timeout", direction=Direction.TO_STATION)
    add_message(gateway, "CB1", "Reset", outcome="answered", direction=Direction.TO_STATION)

    def operations(query: str) -> list[tuple[str, str]]:
        answer = client.get(f"/api/messages?{query}", headers=AUTH)
        assert answer.status_code == 200, answer.json
        return sorted((m["operation"], m["outcome"]) for m in answer.json["items"])

    assert operations("direction=out") == [("Reset", "answered"), ("Reset", "timeout")]
    assert operations("faults=true") == [("Reset", "timeout"), ("StartTransaction", "sender-fault")]
    assert operations("operation=Heartbeat") == [("Heartbeat", "ok")]
    assert operations("outcome=sender-fault") == [("StartTransaction", "sender-fault")]


def test_one_message_has_its_request_and_response(client: FlaskClient, gateway: Gateway) -> None:
    message_id = add_message(gateway, "CB1", "Heartbeat")
    answer = client.get(f"/api/messages/{message_id}", headers=AUTH)
    assert answer.status_code == 200
    assert answer.json["request"] == "<HeartbeatRequest/>"
    assert answer.json["response"] == "<HeartbeatResponse/>"
    assert client.get(f"/api/messages/{message_id + 1}", headers=AUTH).status_code == 404


def test_bad_message_filters_name_the_field(client: FlaskClient) -> None:
    answer = client.get("/api/messages?direction=sideways", headers=AUTH)
    assert answer.status_code == 422 and answer.json["error"]["field"] == "direction"
    answer = client.get("/api/messages?faults=maybe", headers=AUTH)
    assert answer.status_code == 422 and answer.json["error"]["field"] == "faults"


def test_messages_and_reservations_need_the_token(client: FlaskClient) -> None:
    for path in ("/api/messages", "/api/messages/1", "/api/reservations"):
        assert client.get(path).status_code == 401


def test_reservations_by_station_and_state(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    add_station(gateway, "CB2")
    accepted = add_reservation(gateway, "CB1")
    add_reservation(gateway, "CB1", state=ReservationState.CANCELLED)
    add_reservation(gateway, "CB2")

    answer = client.get("/api/reservations?station=CB1&state=Accepted", headers=AUTH)
    assert answer.status_code == 200
    [item] = answer.json["items"]
    assert item["reservationId"] == accepted
    assert (item["chargeBoxId"], item["connectorId"], item["idTag"], item["state"]) == ("CB1", 1, "TAG1", "Accepted")
    assert client.get("/api/reservations", headers=AUTH).json["total"] == 3
    bad = client.get("/api/reservations?state=Maybe", headers=AUTH)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "state"
