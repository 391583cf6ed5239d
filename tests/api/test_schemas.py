"""The generated OpenAPI document describes what the API really answers: every answer of every documented route
validates against the schema documented for its status (schemas forbid undocumented fields), and every field and
parameter is described."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import Role
from ocpp_soap.domain.operator_commands import IssueApiToken
from tests.api.conftest import AUTH, add_message
from tests.web_data import add_account, fleet, smart_charging
from webapp.api.openapi import document


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    doc = document()
    registry = Registry().with_resource("urn:api", Resource.from_contents({"components": doc["components"]}, default_specification=DRAFT202012))
    rewritten = _rewrite(schema)
    return Draft202012Validator(rewritten, registry=registry)


def _rewrite(schema: Any) -> Any:
    """``#/components/...`` references, made absolute so that they resolve against the document."""
    if isinstance(schema, dict):
        return {k: ("urn:api" + v if k == "$ref" and v.startswith("#/") else _rewrite(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rewrite(item) for item in schema]
    return schema


@pytest.fixture
def seeded(client: FlaskClient, gateway: Gateway) -> dict[str, str]:
    ids = fleet(gateway)
    smart_charging(gateway, "CB-ALPHA")  # stored profiles, a reported schedule, a trigger and its message
    add_account(gateway, "op1", Role.OPERATOR)
    message_id = add_message(gateway, "CB-ALPHA", "Heartbeat")
    command = client.post("/api/stations/CB-ALPHA/commands/Reset", headers=AUTH, json={"type": "Soft"}).json
    token_id = gateway.bus.handle(IssueApiToken("op1", "test", "1" * 64)).token_id
    return {"chargeBoxId": "CB-ALPHA", "idTag": "TAG-OK", "transactionId": str(ids["open"]), "operation": "Reset",
            "messageId": str(message_id), "username": "op1", "commandId": str(command["commandLogId"]),
            "tokenId": str(token_id)}


BODIES = {
    ("post", "/api/stations"): {"chargeBoxId": "CB-NEW-2"},
    ("post", "/api/idtags"): {"idTag": "TAG-NEW", "status": "Accepted", "expiryDate": "2031-01-01T00:00:00Z"},
    ("put", "/api/idtags/{idTag}"): {"status": "Blocked"},
    ("post", "/api/accounts"): {"username": "new1", "role": "read-only", "password": "new1 password 123"},
    ("patch", "/api/accounts/{username}"): {"timeZone": "Europe/Berlin"},
    ("post", "/api/tokens"): {"label": "ci"},
    ("post", "/api/stations/{chargeBoxId}/commands/{operation}"): {"type": "Soft"},
}
EXTRA_QUERIES = {  # filters that reach every branch of an answer
    "/api/transactions": ["", "?open=true", "?refused=true", "?format=csv"],
    "/api/transactions/{transactionId}": ["", "?format=csv"],
    "/api/stations": ["", "?online=true", "?version=1.2&per_page=1"],
}


def test_every_answer_matches_its_documented_schema(client: FlaskClient, seeded: dict[str, str]) -> None:
    doc = document()
    calls = [(path, method) for path, item in doc["paths"].items() for method in item]
    calls.sort(key=lambda call: call[1] == "delete")
    checked = 0
    for path, method in calls:
        url = re.sub(r"\{([^}]+)\}", lambda m: seeded[m.group(1)], path)
        for query in EXTRA_QUERIES.get(path, [""]):
            response = client.open(url + query, method=method.upper(), headers=AUTH,
                                   json=BODIES.get((method, path), {}))
            response.get_data()  # a streamed CSV answer ends its request context once read
            documented = doc["paths"][path][method]["responses"]
            assert str(response.status_code) in documented, (method, path, response.status_code, response.data[:300])
            content = documented[str(response.status_code)].get("content", {})
            if response.status_code == 204:
                assert not response.data
                continue
            media = response.mimetype
            assert media in content, (method, path, media)
            if media == "application/json":
                errors = sorted(_validator(content[media]["schema"]).iter_errors(response.json), key=str)
                assert not errors, (method, path, [e.message for e in errors[:3]])
            checked += 1
    assert checked >= 30


def test_an_undocumented_field_would_be_caught() -> None:
    schema = document()["components"]["schemas"]["TransactionItem"]
    assert schema["additionalProperties"] is False
    for field in ("startStatus", "reservationId", "stopIdTag", "status", "durationS", "powerW"):
        assert field in schema["properties"], field


def test_every_field_and_parameter_is_described() -> None:
    doc = document()
    for name, schema in doc["components"]["schemas"].items():
        for prop, spec in schema.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{prop} has no description"
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert operation["summary"] and operation["description"], (method, path)
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (method, path, parameter["name"])
            for status, answer in operation["responses"].items():
                assert answer["description"], (method, path, status)
    command_body = doc["paths"]["/api/stations/{chargeBoxId}/commands/{operation}"]["post"]["requestBody"]
    alternatives = command_body["content"]["application/json"]["schema"]["oneOf"]
    assert {alt["title"] for alt in alternatives} >= {"RemoteStartTransaction fields", "ReserveNow fields"}
    for alternative in alternatives:
        for prop, spec in alternative["properties"].items():
            assert spec["description"], (alternative["title"], prop)
