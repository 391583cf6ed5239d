"""Metrics in one process: what the recording functions count, the command wrapper, and who may scrape."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import Client

from ocpp_soap import metrics
from ocpp_soap.config import Settings
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import UnknownStation
from ocpp_soap.wsgi import create_app


@pytest.fixture(autouse=True)
def single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)


def value(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def scrape(state: Any = None) -> str:
    body, content_type = metrics.exposition(state)
    assert content_type.startswith("text/plain")
    return body.decode()


def test_exchanges_are_counted_by_operation_and_outcome() -> None:
    before = value(scrape(), "ocpp_soap_messages_total", operation="Authorize", outcome="sender-fault") or 0
    metrics.record_exchange("Authorize", "sender-fault", 0.02)
    metrics.record_exchange(None, "sender-fault", 0.001)
    text = scrape()
    assert value(text, "ocpp_soap_messages_total", operation="Authorize", outcome="sender-fault") == before + 1
    assert value(text, "ocpp_soap_messages_total", operation="unknown", outcome="sender-fault")
    assert value(text, "ocpp_soap_message_duration_seconds_bucket", operation="Authorize", le="0.025")


def test_state_gauges_are_read_at_scrape_time_and_a_failing_database_is_reported() -> None:
    text = scrape(lambda: {"ocpp_soap_stations_online": ("help", 3.0)})
    assert value(text, "ocpp_soap_stations_online") == 3.0
    assert value(text, "ocpp_soap_database_up") == 1.0

    def broken() -> metrics.StateGauges:
        raise OSError("connection refused")

    text = scrape(broken)
    assert value(text, "ocpp_soap_database_up") == 0.0
    assert value(text, "ocpp_soap_stations_online") is None


def test_metered_command_counts_outcomes_and_keeps_the_signature() -> None:
    def handler(cmd: Any, uow_factory: Any, clock: Any) -> sr.StationCallResult:
        if cmd.charge_box_id == "NONE":
            raise UnknownStation("NONE")
        return sr.StationCallResult(sr.CallOutcome.TIMEOUT)

    wrapped = metrics.metered_command(handler)
    assert list(inspect.signature(wrapped).parameters) == ["cmd", "uow_factory", "clock"]
    before = value(scrape(), "ocpp_soap_commands_total", operation="Reset", outcome="timeout") or 0
    wrapped(sr.RequestReset("CB1", type=sr.ResetType.SOFT), None, None)
    with pytest.raises(UnknownStation):
        wrapped(sr.RequestReset("NONE", type=sr.ResetType.SOFT), None, None)
    text = scrape()
    assert value(text, "ocpp_soap_commands_total", operation="Reset", outcome="timeout") == before + 1
    assert value(text, "ocpp_soap_commands_total", operation="Reset", outcome="refused")


@dataclass(frozen=True)
class MetricsSettings(Settings):
    """Settings with the two metrics fields proposed for config.py."""

    metrics_token: str | None = None
    metrics_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")


TOKEN = "s3cret-metrics-token-0123"


@pytest.mark.parametrize(
    ("remote", "headers", "allow", "token", "status"),
    [
        ("127.0.0.1", {}, ("127.0.0.1/32",), None, 200),
        ("192.0.2.1", {}, ("127.0.0.1/32",), None, 403),
        ("192.0.2.1", {}, ("192.0.2.0/24",), None, 200),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, ("127.0.0.1/32",), None, 403),  # an untrusted proxy
        ("192.0.2.1", {"Authorization": f"Bearer {TOKEN}"}, (), TOKEN, 200),
        ("192.0.2.1", {"Authorization": "Bearer wrong-token-0123456789"}, (), TOKEN, 401),
        ("192.0.2.1", {}, (), TOKEN, 401),
        ("127.0.0.1", {"Authorization": "Bearer anything"}, ("127.0.0.1/32",), None, 401),
    ],
)
def test_who_may_scrape(tmp_path: Any, remote: str, headers: dict[str, str], allow: tuple[str, ...],
                        token: str | None, status: int) -> None:
    settings = MetricsSettings(database_url=f"sqlite:///{tmp_path / 'm.sqlite3'}", metrics_token=token, metrics_allow=allow)
    app = create_app(settings)
    try:
        answer = Client(app).get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote})
        assert answer.status_code == status, answer.text
        if status == 200:
            assert "ocpp_soap_stations_online 0.0" in answer.text
            assert "ocpp_soap_transactions_open 0.0" in answer.text
    finally:
        app.gateway.engine.dispose()


def test_a_failing_metrics_store_never_fails_the_exchange(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    def broken(*labels: str) -> Any:
        raise PermissionError("read-only metrics directory")

    monkeypatch.setattr(metrics.instruments().messages, "labels", broken)
    metrics.record_exchange("Heartbeat", "ok", 0.01)
    assert "could not record an exchange" in caplog.text
