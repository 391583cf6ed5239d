"""Every page and every form of the web app, and every API route, for each role: read-only sees everything and
changes nothing, operator sends commands and manages id tags and reservations, admin also manages stations and
accounts. A refused form changes nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.model import Role
from ocpp_soap.domain.operator_commands import IssueApiToken
from ocpp_soap.persistence.orm import OperatorActionRow
from tests.web_data import PASSWORD, add_account, fleet
from webapp.settle import hash_token

from .conftest import csrf_token

ROLES = (Role.READ_ONLY, Role.OPERATOR, Role.ADMIN)


@pytest.fixture
def ids(gateway: Gateway) -> dict[str, int]:
    made = fleet(gateway)
    for role in ROLES:
        add_account(gateway, f"user-{role.value}", role)
    return made


def client_for(web: Flask, role: Role) -> FlaskClient:
    client = web.test_client()
    token = csrf_token(client)
    answer = client.post("/login", data={"username": f"user-{role.value}", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return client


def pages(ids: dict[str, int]) -> dict[str, Role]:
    """Every page (GET) and the least role that may see it."""
    return {
        "/": Role.READ_ONLY, "/live/dashboard": Role.READ_ONLY, "/stations": Role.READ_ONLY,
        "/stations?sort=lastSeen&dir=desc": Role.READ_ONLY, "/stations/CB-ALPHA": Role.READ_ONLY,
        "/stations/live/CB-ALPHA": Role.READ_ONLY, "/connectors": Role.READ_ONLY,
        "/connectors?status=Faulted": Role.READ_ONLY, "/live/connectors": Role.READ_ONLY,
        "/transactions": Role.READ_ONLY, "/transactions?view=refused": Role.READ_ONLY,
        f"/transactions/{ids['open']}": Role.READ_ONLY, f"/transactions/live/{ids['open']}": Role.READ_ONLY,
        f"/transactions/{ids['done']}/meter-values.csv": Role.READ_ONLY, "/transactions/export.csv": Role.READ_ONLY,
        "/idtags": Role.READ_ONLY, "/idtags?q=tag": Role.READ_ONLY, "/reservations": Role.READ_ONLY,
        "/commands": Role.READ_ONLY, "/messages": Role.READ_ONLY, "/activity": Role.READ_ONLY,
        "/api-docs": Role.READ_ONLY, "/settings": Role.READ_ONLY,
        "/idtags/new": Role.OPERATOR, "/idtags/TAG-OK/edit": Role.OPERATOR, "/idtags/TAG-OK/delete": Role.OPERATOR,
        "/commands/bulk": Role.OPERATOR, "/reservations/1/cancel": Role.OPERATOR,
        f"/transactions/{ids['open']}/stop": Role.OPERATOR,
        "/stations/CB-ALPHA/delete": Role.ADMIN, "/accounts": Role.ADMIN, "/accounts/user-operator/remove": Role.ADMIN,
    }


def test_every_page_for_every_role(web: Flask, ids: dict[str, int]) -> None:
    clients = {role: client_for(web, role) for role in ROLES}
    for path, needed in pages(ids).items():
        for role, client in clients.items():
            response = client.get(path)
            response.get_data()  # a streamed CSV ends its request context once read
            expected = 200 if role.allows(needed) else 403
            assert response.status_code == expected, (path, role.value, response.status_code)


FORMS = [  # (path, form, least role)
    ("/stations", {"chargeBoxId": "CB-LATER"}, Role.ADMIN),
    ("/stations/CB-NEW/accept", {}, Role.ADMIN),
    ("/stations/CB-NEW/reject", {}, Role.ADMIN),
    ("/stations/CB-CHARLIE/delete", {}, Role.ADMIN),
    ("/stations/CB-ALPHA/commands/ClearCache", {}, Role.OPERATOR),
    ("/commands/bulk", {"operation": "ClearCache", "station": "CB-ALPHA"}, Role.OPERATOR),
    ("/idtags/new", {"idTag": "NEW-TAG", "status": "Accepted"}, Role.OPERATOR),
    ("/idtags/TAG-OK/edit", {"status": "Blocked"}, Role.OPERATOR),
    ("/idtags/TAG-BLOCKED/delete", {}, Role.OPERATOR),
    ("/accounts", {"username": "someone", "role": "read-only", "password": "someone password 1"}, Role.ADMIN),
    ("/accounts/someone/role", {"role": "operator"}, Role.ADMIN),
    ("/accounts/someone/password", {"password": "another password 2"}, Role.ADMIN),
    ("/accounts/someone/remove", {}, Role.ADMIN),
    ("/settings/time-zone", {"timeZone": "Europe/Berlin"}, Role.READ_ONLY),
    ("/settings/tokens", {"label": "mine"}, Role.READ_ONLY),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_every_form_for_every_role(web: Flask, gateway: Gateway, ids: dict[str, int], role: Role) -> None:
    client = client_for(web, role)
    for path, form, needed in FORMS:
        before = _actions(gateway)
        response = client.post(path, data={**form, "csrf_token": csrf_token(client, "/settings")})
        if role.allows(needed):
            assert response.status_code in (302, 303), (path, role.value, response.status_code,
                                                         response.get_data(as_text=True)[:300])
        else:
            assert response.status_code == 403, (path, role.value, response.status_code)
            assert _actions(gateway) == before, path  # nothing was written


def _actions(gateway: Gateway) -> int:
    with gateway.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(OperatorActionRow)).scalar_one())


API = [  # (method, path, body, least role)
    ("GET", "/api/stations", None, Role.READ_ONLY),
    ("GET", "/api/stations/CB-ALPHA", None, Role.READ_ONLY),
    ("GET", "/api/stations/CB-ALPHA/configuration", None, Role.READ_ONLY),
    ("GET", "/api/stations/CB-ALPHA/charging-profiles", None, Role.READ_ONLY),
    ("GET", "/api/connectors", None, Role.READ_ONLY),
    ("GET", "/api/idtags", None, Role.READ_ONLY),
    ("GET", "/api/transactions", None, Role.READ_ONLY),
    ("GET", "/api/commands", None, Role.READ_ONLY),
    ("GET", "/api/reservations", None, Role.READ_ONLY),
    ("GET", "/api/messages", None, Role.READ_ONLY),
    ("GET", "/api/activity", None, Role.READ_ONLY),
    ("GET", "/api/me", None, Role.READ_ONLY),
    ("GET", "/api/tokens", None, Role.READ_ONLY),
    ("GET", "/api/openapi.json", None, Role.READ_ONLY),
    ("POST", "/api/stations/CB-ALPHA/commands/ClearCache", {}, Role.OPERATOR),
    ("POST", "/api/idtags", {"idTag": "API-TAG", "status": "Accepted"}, Role.OPERATOR),
    ("PUT", "/api/idtags/TAG-OK", {"status": "Blocked"}, Role.OPERATOR),
    ("DELETE", "/api/idtags/TAG-BLOCKED", None, Role.OPERATOR),
    ("POST", "/api/stations", {"chargeBoxId": "CB-API"}, Role.ADMIN),
    ("POST", "/api/stations/CB-NEW/accept", None, Role.ADMIN),
    ("POST", "/api/stations/CB-NEW/reject", None, Role.ADMIN),
    ("DELETE", "/api/stations/CB-CHARLIE", None, Role.ADMIN),
    ("GET", "/api/accounts", None, Role.ADMIN),
    ("POST", "/api/accounts", {"username": "api-made", "role": "read-only", "password": "api made password"}, Role.ADMIN),
    ("GET", "/api/accounts/api-made", None, Role.ADMIN),
    ("PATCH", "/api/accounts/api-made", {"role": "operator"}, Role.ADMIN),
    ("DELETE", "/api/accounts/api-made", None, Role.ADMIN),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_api_tokens_have_their_account_s_role(client: FlaskClient, gateway: Gateway, ids: dict[str, int],
                                              role: Role) -> None:
    token = f"token-of-{role.value}-0123456789"
    gateway.bus.handle(IssueApiToken(f"user-{role.value}", "test", hash_token(token)))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).json == {"name": f"user-{role.value}", "role": role.value,
                                                           "account": True}
    for method, path, body, needed in API:
        response = client.open(path, method=method, headers=headers, json=body)
        if role.allows(needed):
            assert response.status_code not in (401, 403), (method, path, role.value, response.json)
        else:
            assert response.status_code == 403 and response.json["error"]["code"] == "forbidden", (method, path)


def test_a_token_is_shown_once_and_only_its_hash_is_kept(web: Flask, gateway: Gateway, ids: dict[str, int]) -> None:
    client = client_for(web, Role.OPERATOR)
    answer = client.post("/settings/tokens", data={"label": "billing", "csrf_token": csrf_token(client, "/settings")},
                         follow_redirects=True)
    token = re.search(r"New API token \(shown only now; it has your role, operator\): ([A-Za-z0-9_-]+)",
                      answer.get_data(as_text=True))
    assert token, answer.get_data(as_text=True)[:2000]
    assert token.group(1) not in client.get("/settings").get_data(as_text=True)  # shown once
    api = web.test_client()
    me = api.get("/api/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.json == {"name": "user-operator", "role": "operator", "account": True}
    # The account's role is the token's, now: demoted, the token can no longer send commands.
    admin = client_for(web, Role.ADMIN)
    admin.post("/accounts/user-operator/role", data={"role": "read-only", "csrf_token": csrf_token(admin, "/settings")})
    refused = api.post("/api/stations/CB-ALPHA/commands/ClearCache", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert refused.status_code == 403
