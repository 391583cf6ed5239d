"""/api/idtags: create, read, update, delete, list; every mistake names its field."""

from __future__ import annotations

from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import AuthorizationStatus
from tests.api.conftest import AUTH


def test_create_read_update_delete(client: FlaskClient, gateway: Gateway) -> None:
    assert client.post("/api/idtags", headers=AUTH, json={"idTag": "PARENT", "status": "Accepted"}).status_code == 201
    response = client.post(
        "/api/idtags", headers=AUTH,
        json={"idTag": "TAG1", "status": "Accepted", "expiryDate": "2030-01-02T03:04:05Z", "parentIdTag": "PARENT"},
    )
    assert response.status_code == 201 and response.headers["Location"] == "/api/idtags/TAG1"
    expected = {"idTag": "TAG1", "status": "Accepted", "expiryDate": "2030-01-02T03:04:05+00:00", "parentIdTag": "PARENT"}
    assert response.json == expected
    assert client.get("/api/idtags/TAG1", headers=AUTH).json == expected

    response = client.put("/api/idtags/TAG1", headers=AUTH, json={"status": "Blocked"})
    assert response.status_code == 200
    assert response.json == {"idTag": "TAG1", "status": "Blocked", "expiryDate": None, "parentIdTag": None}
    with gateway.uow_factory() as uow:  # what stations are told follows
        tag = uow.id_tags.get("TAG1")
        assert tag is not None and tag.status is AuthorizationStatus.BLOCKED

    assert client.delete("/api/idtags/TAG1", headers=AUTH).status_code == 204
    assert client.get("/api/idtags/TAG1", headers=AUTH).status_code == 404


def test_list_is_paginated(client: FlaskClient) -> None:
    for n in range(5):
        client.post("/api/idtags", headers=AUTH, json={"idTag": f"T{n}", "status": "Accepted"})
    body = client.get("/api/idtags?per_page=2&page=3", headers=AUTH).json
    assert body["total"] == 5 and [t["idTag"] for t in body["items"]] == ["T4"]


def test_errors(client: FlaskClient) -> None:
    client.post("/api/idtags", headers=AUTH, json={"idTag": "TAG1", "status": "Accepted"})
    for body, field in [
        ({"status": "Accepted"}, "idTag"),
        ({"idTag": "X" * 21, "status": "Accepted"}, "idTag"),
        ({"idTag": "T2"}, "status"),
        ({"idTag": "T2", "status": "Fine"}, "status"),
        ({"idTag": "T2", "status": "Accepted", "expiryDate": "tomorrow"}, "expiryDate"),
        ({"idTag": "T2", "status": "Accepted", "parentIdTag": "UNKNOWN"}, "parentIdTag"),
        ({"idTag": "T2", "status": "Accepted", "parentIdTag": "T2"}, "parentIdTag"),
        ({"idTag": "T2", "status": "Accepted", "colour": "red"}, "colour"),
    ]:
        response = client.post("/api/idtags", headers=AUTH, json=body)
        assert response.status_code == 422 and response.json["error"]["field"] == field, body
    response = client.post("/api/idtags", headers=AUTH, json={"idTag": "TAG1", "status": "Accepted"})
    assert response.status_code == 409 and response.json["error"]["field"] == "idTag"
    response = client.put("/api/idtags/TAG1", headers=AUTH, json={"idTag": "OTHER", "status": "Accepted"})
    assert response.status_code == 422 and response.json["error"]["field"] == "idTag"
    for method in ("GET", "PUT", "DELETE"):
        response = client.open("/api/idtags/NOPE", method=method, headers=AUTH, json={"status": "Accepted"})
        assert response.status_code == 404 and response.json["error"]["code"] == "not-found", method
