"""/api/stations: list with filters and pages, detail, and registration changes through the bus."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import ConnectorStatus, Protocol, RegistrationStatus
from tests.api.conftest import AUTH, NOW, add_connector, add_station, add_transaction


def test_list_is_paginated(client: FlaskClient, gateway: Gateway) -> None:
    for n in range(7):
        add_station(gateway, f"CB{n}")
    page = client.get("/api/stations?page=2&per_page=3", headers=AUTH).json
    assert page["page"] == 2 and page["per_page"] == 3 and page["total"] == 7 and page["total_exact"] is True
    assert [s["chargeBoxId"] for s in page["items"]] == ["CB3", "CB4", "CB5"]
    assert client.get("/api/stations?page=3&per_page=3", headers=AUTH).json["items"][0]["chargeBoxId"] == "CB6"
    assert client.get("/api/stations?page=9", headers=AUTH).json["items"] == []
    assert client.get("/api/stations", headers=AUTH).json["per_page"] == 50


def test_counting_stops_past_the_page_on_long_lists(client: FlaskClient, gateway: Gateway, monkeypatch) -> None:
    """A long list is not counted to its end on every page (a fleet's message log has millions of rows)."""
    from webapp.readmodel import base as queries

    monkeypatch.setattr(queries, "COUNT_LIMIT", 3)
    for n in range(12):
        add_station(gateway, f"CB{n:02d}")
    first = client.get("/api/stations?page=1&per_page=2", headers=AUTH).json
    assert first["total"] == 5 and first["total_exact"] is False  # the page's 2, then 3 more counted: at least 5
    assert [s["chargeBoxId"] for s in first["items"]] == ["CB00", "CB01"]
    deep = client.get("/api/stations?page=5&per_page=2", headers=AUTH).json
    assert deep["total"] == 12 and deep["total_exact"] is True
    assert client.get("/api/stations?per_page=50", headers=AUTH).json["total_exact"] is True


def test_bad_paging_names_the_field(client: FlaskClient) -> None:
    for query, field in [("page=0", "page"), ("page=x", "page"), ("per_page=501", "per_page"), ("per_page=0", "per_page")]:
        response = client.get(f"/api/stations?{query}", headers=AUTH)
        assert response.status_code == 422 and response.json["error"]["field"] == field, query


def test_filters(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "ON15", last_seen_at=NOW)
    add_station(gateway, "OFF12", protocol=Protocol.OCPP12_SOAP, last_seen_at=NOW - timedelta(days=1))
    add_station(gateway, "NEW", status=RegistrationStatus.PENDING, protocol=None)

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/stations?{query}", headers=AUTH)
        assert response.status_code == 200, response.json
        return [s["chargeBoxId"] for s in response.json["items"]]

    assert ids("status=Pending") == ["NEW"]
    assert ids("status=Accepted") == ["OFF12", "ON15"]
    assert ids("version=1.2") == ["OFF12"]
    assert ids("version=ocpp1.5-soap") == ["ON15"]
    assert ids("online=true") == ["ON15"]
    assert ids("online=false") == ["NEW", "OFF12"]
    assert ids("online=false&version=1.2") == ["OFF12"]
    assert ids("version=1.6") == []  # a version stations may be bound to, none is
    for query, field in [("status=Sleepy", "status"), ("version=1.9", "version"), ("online=maybe", "online")]:
        response = client.get(f"/api/stations?{query}", headers=AUTH)
        assert response.status_code == 422 and response.json["error"]["field"] == field


def test_detail(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1", address="http://10.0.0.7:8080/ocpp", last_seen_at=NOW)
    add_connector(gateway, "CB1", 2, ConnectorStatus.FAULTED)
    add_connector(gateway, "CB1", 1, ConnectorStatus.AVAILABLE)
    body = client.get("/api/stations/CB1", headers=AUTH).json
    assert body["registrationStatus"] == "Accepted"
    assert body["protocol"] == "ocpp1.5-soap"
    assert body["endpointAddress"] == "http://10.0.0.7:8080/ocpp" and body["addressProblem"] is None
    assert body["online"] is True and body["lastSeenAt"] == NOW.isoformat()
    assert body["bootDetails"]["chargePointVendor"] == "Vendor"
    assert body["bootDetails"]["firmwareVersion"] == "1.0"
    assert [(c["connectorId"], c["status"], c["errorCode"]) for c in body["connectors"]] == [
        (1, "Available", "NoError"), (2, "Faulted", "NoError"),
    ]


def test_detail_says_why_there_is_no_address(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "MUTE")
    body = client.get("/api/stations/MUTE", headers=AUTH).json
    assert body["endpointAddress"] is None
    assert body["addressProblem"] == "the BootNotification carried no usable address"


def test_unknown_station_is_404(client: FlaskClient) -> None:
    for method, path in [("GET", "/api/stations/NOPE"), ("POST", "/api/stations/NOPE/accept"),
                         ("POST", "/api/stations/NOPE/reject"), ("DELETE", "/api/stations/NOPE")]:
        response = client.open(path, method=method, headers=AUTH)
        assert response.status_code == 404, path
        assert response.json == {"error": {"code": "not-found", "message": "station not found"}}


def test_register_accept_reject_delete(client: FlaskClient, gateway: Gateway) -> None:
    response = client.post("/api/stations", headers=AUTH, json={"chargeBoxId": "CB9", "status": "Pending"})
    assert response.status_code == 201 and response.headers["Location"] == "/api/stations/CB9"
    assert response.json["registrationStatus"] == "Pending" and response.json["protocol"] is None

    assert client.post("/api/stations/CB9/accept", headers=AUTH).json["registrationStatus"] == "Accepted"
    with gateway.uow_factory() as uow:
        station = uow.stations.get("CB9")
        assert station is not None and station.is_accepted
    assert client.post("/api/stations/CB9/reject", headers=AUTH).json["registrationStatus"] == "Rejected"

    assert client.delete("/api/stations/CB9", headers=AUTH).status_code == 204
    assert client.get("/api/stations/CB9", headers=AUTH).status_code == 404


def test_register_defaults_to_accepted_and_refuses_duplicates(client: FlaskClient) -> None:
    assert client.post("/api/stations", headers=AUTH, json={"chargeBoxId": "CB1"}).json["registrationStatus"] == "Accepted"
    response = client.post("/api/stations", headers=AUTH, json={"chargeBoxId": "CB1"})
    assert response.status_code == 409 and response.json["error"]["field"] == "chargeBoxId"


def test_register_validates(client: FlaskClient) -> None:
    for body, field in [
        ({}, "chargeBoxId"),
        ({"chargeBoxId": ""}, "chargeBoxId"),
        ({"chargeBoxId": 7}, "chargeBoxId"),
        ({"chargeBoxId": "X" * 256}, "chargeBoxId"),
        ({"chargeBoxId": "CB", "status": "Maybe"}, "status"),
        ({"chargeBoxId": "CB", "colour": "red"}, "colour"),
    ]:
        response = client.post("/api/stations", headers=AUTH, json=body)
        assert response.status_code == 422 and response.json["error"]["field"] == field, body
    response = client.post("/api/stations", headers=AUTH, data="[1]", content_type="application/json")
    assert response.status_code == 422 and response.json["error"]["field"] == "body"


def test_delete_removes_what_belongs_to_the_station(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    add_connector(gateway, "CB1", 1, ConnectorStatus.AVAILABLE)
    transaction_id = add_transaction(gateway, "CB1", "TAG", NOW, meter_values=2)
    assert client.delete("/api/stations/CB1", headers=AUTH).status_code == 204
    assert client.get(f"/api/transactions/{transaction_id}", headers=AUTH).status_code == 404


def test_stations_are_found_by_part_of_their_id(client: FlaskClient, gateway: Gateway) -> None:
    for charge_box_id in ("DE-BER-0001", "DE-BER-0002", "FR-PAR-0001"):
        add_station(gateway, charge_box_id)
    answer = client.get("/api/stations?search=ber-", headers=AUTH)
    assert answer.status_code == 200
    assert [s["chargeBoxId"] for s in answer.json["items"]] == ["DE-BER-0001", "DE-BER-0002"]
    assert client.get("/api/stations?search=%25", headers=AUTH).json["total"] == 0  # a LIKE wildcard is literal
