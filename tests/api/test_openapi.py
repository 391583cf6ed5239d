"""The OpenAPI document matches the API: every route under /api is in it, and every documented path answers."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.operator_commands import IssueApiToken
from tests.api.conftest import AUTH, NOW, add_message, add_station, add_transaction
from webapp.api.openapi import document

METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"}


def shape(path: str) -> str:
    """A path with its parameters blanked: /api/stations/<charge_box_id> and /api/stations/{chargeBoxId} agree."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_route_is_documented(web: Flask) -> None:
    DOCUMENT = document()
    documented = {(shape(path), method.upper()) for path, item in DOCUMENT["paths"].items() for method in item}
    routes = {
        (shape(rule.rule), method)
        for rule in web.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) & METHODS
    }
    assert routes, "no API routes registered"
    assert routes == documented


def test_the_document_is_served(client: FlaskClient) -> None:
    body = client.get("/api/openapi.json", headers=AUTH).json
    assert body["openapi"].startswith("3.") and "/api/stations" in body["paths"]
    for item in body["paths"].values():
        for operation in item.values():
            assert "401" in operation["responses"] and operation["summary"]


def test_every_documented_path_answers(client: FlaskClient, gateway: Gateway) -> None:
    DOCUMENT = document()
    add_station(gateway, "CB1")
    transaction_id = add_transaction(gateway, "CB1", "TAG1", NOW)
    client.post("/api/idtags", headers=AUTH, json={"idTag": "TAG1", "status": "Accepted"})
    message_id = add_message(gateway, "CB1", "Heartbeat")
    # The routes added with accounts, tokens and the command log entry need one of each.
    client.post("/api/accounts", headers=AUTH, json={"username": "op1", "role": "operator", "password": "op1 password 123"})
    command_id = client.post("/api/stations/CB1/commands/Reset", headers=AUTH, json={"type": "Soft"}).json["commandLogId"]
    token_id = gateway.bus.handle(IssueApiToken("op1", "test", "0" * 64)).token_id
    values = {"chargeBoxId": "CB1", "idTag": "TAG1", "transactionId": str(transaction_id), "operation": "Reset",
              "messageId": str(message_id), "username": "op1", "commandId": str(command_id), "tokenId": str(token_id)}
    bodies = {"/api/stations": {"chargeBoxId": "CB2"}, "/api/idtags": {"idTag": "TAG2", "status": "Accepted"},
              "/api/idtags/{idTag}": {"status": "Blocked"}}
    calls = [(path, method) for path, item in DOCUMENT["paths"].items() for method in item]
    # delete last, so that the others find what they need, and a resource's parts before the resource
    calls.sort(key=lambda call: (call[1] == "delete", -call[0].count("/") if call[1] == "delete" else 0))
    for path, method in calls:
        url = re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)
        response = client.open(url, method=method.upper(), headers=AUTH, json=bodies.get(path, {"type": "Soft"}))
        assert response.status_code not in (404, 405), (method, path, response.status_code, response.json)
        assert str(response.status_code) in DOCUMENT["paths"][path][method]["responses"], (method, path)
