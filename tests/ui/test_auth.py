"""Login, logout, the session cookie, the admin password store and CSRF."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ocpp_soap.bootstrap import Gateway
from ocpp_soap.persistence.orm import OperatorAccountRow
from webapp import settle as accounts
from webapp.ui import auth

from .conftest import PASSWORD, csrf_token, login, post

PAGES = ["/", "/stations", "/idtags", "/idtags/new", "/transactions", "/reservations", "/messages", "/api-docs"]


@pytest.fixture(autouse=True)
def _forget_failures() -> None:
    auth.failed_logins._failures.clear()


def test_pages_redirect_to_login_with_next(client: FlaskClient) -> None:
    for path in PAGES:
        response = client.get(path + "?page=1")
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=" + path), response.headers["Location"]


def test_wrong_password_is_refused(client: FlaskClient) -> None:
    response = login(client, "not the password")
    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_wrong_user_is_refused(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post("/login", data={"username": "root", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401


def test_right_password_logs_in_and_follows_next(client: FlaskClient) -> None:
    response = login(client, next_path="/stations?status=Pending")
    assert response.status_code == 302
    assert response.headers["Location"] == "/stations?status=Pending"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    for path in PAGES:
        assert client.get(path).status_code == 200, path


def test_next_never_leaves_the_site(client: FlaskClient) -> None:
    for target in ("//evil.example", "https://evil.example/", "evil"):
        response = login(client, next_path=target)
        assert response.headers["Location"] == "/", target


def test_session_cookie_is_secure_over_https(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_logout_ends_the_session(admin: FlaskClient) -> None:
    assert post(admin, "/logout").status_code == 302
    assert admin.get("/").status_code == 302


def test_logout_is_post_only(admin: FlaskClient) -> None:
    assert admin.get("/logout").status_code == 405


def test_post_without_or_with_a_wrong_csrf_token_is_refused(admin: FlaskClient) -> None:
    assert admin.post("/stations", data={"chargeBoxId": "CB9"}).status_code == 400
    assert admin.post("/stations", data={"chargeBoxId": "CB9", "csrf_token": "forged"}).status_code == 400
    assert admin.post("/logout").status_code == 400
    assert admin.get("/stations/CB9").status_code == 404  # nothing was written


def test_login_without_csrf_token_is_refused(client: FlaskClient) -> None:
    client.get("/login")
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 400


def test_too_many_failures_lock_the_address_out(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0)
    for _ in range(auth.MAX_FAILURES):
        assert login(client, "wrong password").status_code == 401
    assert login(client).status_code == 429  # even the right password, for a while


def test_the_ui_leaves_the_api_health_and_metrics_alone(admin: FlaskClient) -> None:
    assert admin.get("/api/stations").status_code == 401  # the bearer token, not the session
    assert admin.get("/api/stations", headers={"Authorization": "Bearer ui-test-api-token-0123456789"}).status_code == 200
    health = admin.get("/healthz")
    assert health.status_code == 200 and "Set-Cookie" not in health.headers


def test_only_a_salted_hash_is_stored(gateway: Gateway, web: Flask) -> None:
    with gateway.engine.connect() as connection:
        (stored,) = connection.execute(select(OperatorAccountRow.password_hash)).scalars().all()
    assert PASSWORD not in stored and stored.startswith("$argon2id$")


def test_a_new_configured_password_replaces_the_stored_hash(gateway: Gateway, web: Flask) -> None:
    first = accounts.settle_admin(gateway, PASSWORD)
    second = accounts.settle_admin(gateway, "another password 42")
    assert second.password_hash != first.password_hash and second.verify("another password 42")
    assert not second.verify(PASSWORD)
    assert second.session_secret() != first.session_secret()  # changing the password ends every session
    assert accounts.settle_admin(gateway, "another password 42") == second  # stable while unchanged


def test_without_a_setting_a_password_is_generated_and_logged_once(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    with gateway.engine.begin() as connection:
        connection.execute(OperatorAccountRow.__table__.delete())
    with caplog.at_level(logging.WARNING, logger="webapp.settle"):
        made = accounts.settle_admin(gateway, None)
        again = accounts.settle_admin(gateway, None)
    (record,) = [r for r in caplog.records if "generated a password" in r.getMessage()]
    password = record.getMessage().rsplit(": ", 1)[1]
    assert made == again and made.verify(password)
    assert made.session_secret() == again.session_secret()  # every worker derives the same secret
