"""Fixtures for the web app: the Flask app as built for production, a test client, and a logged-in client."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from ocpp_soap.config import Settings

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=False, admin_password=PASSWORD,
                    api_token="ui-test-api-token-0123456789", command_timeout=2)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The session's CSRF token, as a page's forms carry it."""
    page = client.get(path)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: FlaskClient, password: str = PASSWORD, next_path: str | None = None):  # noqa: ANN201
    data = {"username": "admin", "password": password, "csrf_token": csrf_token(client)}
    if next_path:
        data["next"] = next_path
    return client.post("/login", data=data)


def post(client: FlaskClient, path: str, data: dict[str, str] | None = None, *, token_from: str = "/",  # noqa: ANN201
         follow: bool = False):
    """POST a form as the browser would: with the CSRF token of the session (and, with ``follow``, on to the page
    the answer redirects to, as a browser goes)."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, token_from)},
                       follow_redirects=follow)


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    """The test client, logged in."""
    assert login(client).status_code == 302
    return client
