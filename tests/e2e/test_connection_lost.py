"""Pooled PostgreSQL connections the server ended (a restart, ``pg_terminate_backend``) while the gateway was busy.

Connections are not pinged before every use: the first statement on a dead one fails, the unit of work reports
``ConnectionLost`` (nothing of the transaction was kept by the server) and the request runs again on a new
connection. The station sees an ordinary answer and nothing is stored twice. Skipped without PostgreSQL."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.domain.operator_commands import CreateIdTag
from ocpp_soap.persistence import orm
from ocpp_soap.persistence.database import PING_IDLE_AFTER_S
from ocpp_soap.wsgi import create_app
from tests.conftest import LiveServer, end_sessions
from tests.helpers import envelope, post
from tests.stations import count

PATH = "/services/centralSystemServiceOcpp15"
BOOT = (
    "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor>"
    "<cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>"
)
START = (
    "<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:idTag>TAG1</cs:idTag>"
    "<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:meterStart>0</cs:meterStart></cs:startTransactionRequest>"
)


def meter_values(transaction_id: int) -> str:
    return (
        f"<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:transactionId>{transaction_id}</cs:transactionId>"
        "<cs:values><cs:timestamp>2026-11-24T08:01:00Z</cs:timestamp><cs:value>120</cs:value></cs:values>"
        "</cs:meterValuesRequest>"
    )


@pytest.fixture
def served(postgres_url: str) -> Iterator[tuple[Gateway, str]]:
    settings = Settings(database_url=postgres_url, auto_accept=True)
    gateway = bootstrap(settings)
    server = LiveServer(create_app(settings, gateway=gateway)).start()
    yield gateway, server.url + PATH
    server.stop()
    gateway.engine.dispose()


def end_gateway_sessions(database_url: str) -> int:
    ended = end_sessions(database_url)
    time.sleep(0.2)  # the backends are gone once their sockets are closed
    return ended


def pooled_connections(gateway: Gateway) -> int:
    return int(gateway.engine.pool.checkedin())


def test_requests_on_dropped_connections_are_run_again_unnoticed(
    served: tuple[Gateway, str], postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    gateway, url = served
    gateway.bus.handle(CreateIdTag(IdTag("TAG1", AuthorizationStatus.ACCEPTED)))
    assert post(url, envelope(BOOT)).status == 200
    assert pooled_connections(gateway) >= 1

    assert end_gateway_sessions(postgres_url) >= 1
    caplog.set_level(logging.INFO, logger="ocpp_soap")
    started = post(url, envelope(START))
    assert started.status == 200, started.text
    transaction_id = int(started.findtext(".//cs:transactionId") or 0)
    assert transaction_id > 0
    assert "on a new database connection" in caplog.text

    assert end_gateway_sessions(postgres_url) >= 1
    # No MessageID: nothing could recognise a copy, so running it again is only safe because nothing was kept.
    answer = post(url, envelope(meter_values(transaction_id), message_id=None))
    assert answer.status == 200, answer.text
    assert count(gateway, orm.TransactionRow) == 1
    assert count(gateway, orm.MeterValueRow) == 1


def test_operator_commands_are_run_again_too(served: tuple[Gateway, str], postgres_url: str) -> None:
    gateway, _url = served
    gateway.bus.handle(CreateIdTag(IdTag("TAG1", AuthorizationStatus.ACCEPTED)))
    assert end_gateway_sessions(postgres_url) >= 1
    gateway.bus.handle(CreateIdTag(IdTag("TAG2", AuthorizationStatus.ACCEPTED)))
    assert count(gateway, orm.IdTagRow) == 2


def test_a_connection_idle_in_the_pool_is_checked_before_use(
    served: tuple[Gateway, str], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read paths (the API, the web app) are not run again: an idle connection is pinged when taken instead."""
    gateway, _url = served
    with gateway.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    end_gateway_sessions(postgres_url)
    real_monotonic = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + PING_IDLE_AFTER_S + 1)
    with gateway.engine.connect() as connection:
        assert connection.execute(text("SELECT 2")).scalar() == 2
