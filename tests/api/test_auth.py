"""Without the right bearer token nothing answers but 401, and nothing tells whether a resource exists."""

from __future__ import annotations

import hashlib
import logging
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.persistence.orm import ApiTokenRow
from tests.api.conftest import AUTH, TOKEN, add_station
from webapp import create_webapp


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": f"Basic {TOKEN}"},
     {"Authorization": "Bearer"}, {"Authorization": f"Bearer {TOKEN}x"}],
    ids=["none", "wrong", "basic", "empty", "longer"],
)
def test_requests_without_the_token_are_refused(client: FlaskClient, gateway: Gateway, headers: dict[str, str]) -> None:
    add_station(gateway, "CB1")
    for method, path in [
        ("GET", "/api/stations"),
        ("GET", "/api/stations/CB1"),  # exists
        ("GET", "/api/stations/NOPE"),  # does not: the same answer
        ("DELETE", "/api/stations/CB1"),
        ("POST", "/api/stations/CB1/commands/Reset"),
        ("GET", "/api/no-such-route"),
        ("PATCH", "/api/stations"),
        ("GET", "/api/openapi.json"),
    ]:
        response = client.open(path, method=method, headers=headers, json={"type": "Soft"})
        assert response.status_code == 401, (method, path)
        assert response.json == {"error": {"code": "unauthorized", "message": "a valid bearer token is required"}}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/stations/CB1", headers=AUTH).status_code == 200  # nothing was deleted


def test_unknown_routes_and_methods_answer_json_with_the_token(client: FlaskClient) -> None:
    assert client.get("/api/no-such-route", headers=AUTH).json["error"]["code"] == "not-found"
    response = client.patch("/api/stations", headers=AUTH)
    assert response.status_code == 405 and response.json["error"]["code"] == "method-not-allowed"


def test_other_pages_need_no_token(client: FlaskClient) -> None:
    assert client.get("/healthz").status_code == 200


def test_a_token_is_generated_stored_hashed_and_logged_once(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    gateway = bootstrap(Settings(database_url=database_url))
    try:
        with caplog.at_level(logging.WARNING, logger="webapp.settle"):
            first = create_webapp(gateway).test_client()
        messages = [r.getMessage() for r in caplog.records if r.name == "webapp.settle" and "API token" in r.getMessage()]
        assert len(messages) == 1
        match = re.search(r": (\S+)$", messages[0])
        assert match is not None
        token = match.group(1)
        with gateway.engine.connect() as connection:
            stored = connection.execute(select(ApiTokenRow.token_hash)).scalars().all()
        assert stored == [hashlib.sha256(token.encode()).hexdigest()]  # the hash, never the token
        assert first.get("/api/stations", headers={"Authorization": f"Bearer {token}"}).status_code == 200

        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="webapp.settle"):
            second = create_webapp(gateway).test_client()  # a restart, or another worker
        assert not [r for r in caplog.records if r.name == "webapp.settle" and "API token" in r.getMessage()]
        assert second.get("/api/stations", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert second.get("/api/stations", headers=AUTH).status_code == 401
    finally:
        gateway.engine.dispose()


def test_a_configured_token_wins_and_nothing_is_generated(client: FlaskClient, gateway: Gateway) -> None:
    with gateway.engine.connect() as connection:
        assert connection.execute(select(ApiTokenRow)).all() == []
