"""The message log and resend detection, over real HTTP: every exchange is logged (faults too), and a request a
station resends with the same wsa:MessageID gets the same answer with nothing stored twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.persistence import orm
from ocpp_soap.soap.inbound.message_log import MessageLog
from ocpp_soap.wsgi import create_app
from tests.conftest import LiveServer
from tests.helpers import envelope, post
from tests.stations import count

URL_PATH = "/services/centralSystemServiceOcpp15"
BOOT = (
    "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor>"
    "<cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>"
)


class Clock:
    """A clock the test moves; the gateway reads it for every timestamp it stores."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, auto_accept=True, resend_window=600, message_log_days=2)


@pytest.fixture
def gateway(settings: Settings, clock: Clock) -> Iterator[Gateway]:
    gw = bootstrap(settings, clock=clock)
    yield gw
    gw.engine.dispose()


@pytest.fixture
def url(settings: Settings, gateway: Gateway) -> Iterator[str]:
    server = LiveServer(create_app(settings, gateway=gateway)).start()
    yield server.url + URL_PATH
    server.stop()


def log_rows(gateway: Gateway, **where: Any) -> list[orm.MessageLogRow]:
    with gateway.engine.connect() as connection:
        query = select(orm.MessageLogRow).filter_by(**where).order_by(orm.MessageLogRow.id)
        return list(connection.execute(query).all())


def start_request(meter: int = 0, connector: int = 1, tag: str = "TAG1") -> str:
    return (
        f"<cs:startTransactionRequest><cs:connectorId>{connector}</cs:connectorId><cs:idTag>{tag}</cs:idTag>"
        f"<cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:meterStart>{meter}</cs:meterStart>"
        "</cs:startTransactionRequest>"
    )


def meter_values(transaction_id: str, value: int) -> str:
    return (
        f"<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:transactionId>{transaction_id}</cs:transactionId>"
        f"<cs:values><cs:timestamp>2026-11-24T08:01:00Z</cs:timestamp><cs:value>{value}</cs:value></cs:values>"
        "</cs:meterValuesRequest>"
    )


def boot(url: str, station: str = "LOG1") -> None:
    answer = post(url, envelope(BOOT, charge_box=station, action="/BootNotification"))
    assert answer.findtext(".//cs:bootNotificationResponse/cs:status") == "Accepted", answer.text


def test_an_exchange_is_logged_with_request_answer_outcome_and_duration(url: str, gateway: Gateway) -> None:
    request = envelope(BOOT, charge_box="LOG1", action="/BootNotification", message_id="urn:uuid:boot-1")
    answer = post(url, request)
    assert answer.status == 200

    [row] = log_rows(gateway)
    assert (row.direction, row.charge_box_id, row.operation, row.outcome, row.http_status) == (
        "in", "LOG1", "BootNotification", "ok", 200,
    )
    assert row.message_id == "urn:uuid:boot-1"
    assert row.request == request.decode()
    assert row.response == answer.text
    assert row.at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert 0 < row.duration_ms < 5000
    assert row.dedupe_key is not None and len(row.dedupe_key) == 64


def test_faults_are_logged_with_their_reason(url: str, gateway: Gateway) -> None:
    boot(url)
    bad = envelope(start_request().replace("<cs:connectorId>1<", "<cs:connectorId>one<"), charge_box="LOG1", message_id="m-bad")
    assert post(url, bad).status == 400
    assert post(url, b"<not xml").status == 400

    rows = log_rows(gateway)
    assert [r.outcome for r in rows] == ["ok", "sender-fault", "sender-fault"]
    invalid, malformed = rows[1], rows[2]
    assert (invalid.charge_box_id, invalid.operation, invalid.message_id) == ("LOG1", "StartTransaction", "m-bad")
    assert invalid.error and invalid.dedupe_key is None
    assert "Fault" in (invalid.response or "")
    assert (malformed.charge_box_id, malformed.request) == (None, "<not xml")
    assert malformed.error


def test_a_resent_start_transaction_gets_the_same_answer_and_opens_one_transaction(url: str, gateway: Gateway) -> None:
    boot(url)
    request = envelope(start_request(), charge_box="LOG1", message_id="urn:uuid:start-1")
    first = post(url, request)
    again = post(url, request)

    assert first.status == again.status == 200
    assert again.text == first.text  # byte for byte: same transaction id, same RelatesTo, same MessageID
    assert count(gateway, orm.TransactionRow) == 1
    assert [r.outcome for r in log_rows(gateway, operation="StartTransaction")] == ["ok", "resent"]


def test_resent_meter_values_are_stored_once(url: str, gateway: Gateway) -> None:
    boot(url)
    started = post(url, envelope(start_request(), charge_box="LOG1"))
    transaction_id = started.findtext(".//cs:startTransactionResponse/cs:transactionId")
    assert transaction_id
    request = envelope(meter_values(transaction_id, 1234), charge_box="LOG1", message_id="mv-7")
    for _ in range(3):
        assert post(url, request).status == 200
    assert count(gateway, orm.MeterValueRow) == 1


def test_concurrent_copies_of_one_request_store_it_once(url: str, gateway: Gateway) -> None:
    """A station that gives up waiting and resends while the first copy is still being processed."""
    boot(url)
    started = post(url, envelope(start_request(), charge_box="LOG1"))
    transaction_id = started.findtext(".//cs:startTransactionResponse/cs:transactionId")
    assert transaction_id
    request = envelope(meter_values(transaction_id, 99), charge_box="LOG1", message_id="mv-concurrent")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post(url, request), range(16)))
    assert {a.status for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert count(gateway, orm.MeterValueRow) == 1
    outcomes = [r.outcome for r in log_rows(gateway, operation="MeterValues")]
    assert outcomes.count("ok") == 1 and outcomes.count("resent") == 15


def test_a_reused_message_id_with_another_body_is_a_new_request(url: str, gateway: Gateway) -> None:
    """Stations whose MessageID counter restarts at boot reuse ids: only the same request is a resend."""
    boot(url)
    started = post(url, envelope(start_request(), charge_box="LOG1"))
    transaction_id = started.findtext(".//cs:startTransactionResponse/cs:transactionId")
    assert transaction_id
    for value in (10, 20):
        assert post(url, envelope(meter_values(transaction_id, value), charge_box="LOG1", message_id="1")).status == 200
    assert count(gateway, orm.MeterValueRow) == 2


def test_the_same_request_after_the_resend_window_is_processed_again(
    url: str, gateway: Gateway, clock: Clock
) -> None:
    boot(url)
    heartbeat = envelope("<cs:heartbeatRequest/>", charge_box="LOG1", message_id="hb-1")
    first = post(url, heartbeat)
    clock.advance(601)
    later = post(url, heartbeat)
    assert later.status == 200
    assert later.text != first.text  # a new currentTime: processed, not replayed
    assert [r.outcome for r in log_rows(gateway, operation="Heartbeat")] == ["ok", "ok"]


def test_requests_without_a_message_id_are_never_replayed(url: str, gateway: Gateway, clock: Clock) -> None:
    boot(url)
    heartbeat = envelope("<cs:heartbeatRequest/>", charge_box="LOG1", message_id=None)
    post(url, heartbeat)
    clock.advance(1)
    assert post(url, heartbeat).status == 200
    assert [r.outcome for r in log_rows(gateway, operation="Heartbeat")] == ["ok", "ok"]
    assert all(r.dedupe_key is None for r in log_rows(gateway, operation="Heartbeat"))


def test_a_request_that_failed_is_processed_when_resent(url: str, gateway: Gateway) -> None:
    """Only answers given with stored effects are replayed; a fault stored nothing, so the resend is new."""
    request = envelope("<cs:heartbeatRequest/>", charge_box="NEW1", message_id="hb-early")
    settings_off = post(url, request)  # unknown station: auto-accept registers it at boot, not at heartbeat
    assert settings_off.status == 400
    boot(url, "NEW1")
    assert post(url, request).status == 200


def test_pruning_keeps_the_retention_and_nothing_older(url: str, gateway: Gateway, clock: Clock) -> None:
    boot(url)
    clock.advance(3 * 86400)
    post(url, envelope("<cs:heartbeatRequest/>", charge_box="LOG1"))
    message_log = MessageLog(gateway.uow_factory, clock, resend_window_s=600, retention_days=2)
    assert message_log.prune() == 1
    assert [r.operation for r in log_rows(gateway)] == ["Heartbeat"]
    assert message_log.prune() == 0


def test_the_log_is_written_in_the_request_transaction(url: str, gateway: Gateway) -> None:
    """One commit per request: the log entry exists exactly when the effects do."""
    boot(url)
    with gateway.engine.connect() as connection:
        logged = connection.execute(select(func.count()).select_from(orm.MessageLogRow)).scalar_one()
        stations = connection.execute(select(func.count()).select_from(orm.StationRow)).scalar_one()
    assert (logged, stations) == (1, 1)
    assert requests.get(url + "?wsdl", timeout=5).status_code == 200
    assert len(log_rows(gateway)) == 1  # fetching the WSDL is not an exchange


def test_a_utf16_request_is_logged_as_readable_text(url: str, gateway: Gateway) -> None:
    boot(url)
    body = envelope("<cs:heartbeatRequest/>", charge_box="LOG1").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert post(url, body.encode("utf-16")).status == 200
    [row] = log_rows(gateway, operation="Heartbeat")
    assert "<cs:heartbeatRequest/>" in row.request and "\x00" not in row.request


def test_logging_a_successful_exchange_starts_this_process_pruner(settings: Settings, gateway: Gateway) -> None:
    """Not only faults: a gateway whose stations never fail must prune its log too."""
    app = create_app(settings, gateway=gateway)
    journal = app.message_log
    assert journal is not None and journal._pruner is None
    server = LiveServer(app).start()
    try:
        boot(server.url + URL_PATH)
    finally:
        server.stop()
    assert journal._pruner is not None and journal._pruner.is_alive()
