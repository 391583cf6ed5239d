"""PostgreSQL goes away under load and comes back: stations get Receiver faults while it is away, nothing waits
longer than the connect timeout allows, /healthz says 503, a worker replaced meanwhile starts anyway, and the
gateway recovers by itself with every acknowledged message stored exactly once.

The database is reached through a loopback TCP proxy that the test cuts (connections reset, new ones refused) or
turns into a black hole (connections accepted, never answered). Skipped unless OCPP_SOAP_TEST_DATABASE_URL names
a PostgreSQL server (.ci/run sets it).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.persistence.database import PG_CONNECT_TIMEOUT_S, RETRY_CONNECT_AFTER_S
from tests.conftest import GatewayProcess, end_sessions
from tests.reliability.load import TAG, Fleet, check_stored_exactly_once
from tests.reliability.processes import workers_of
from tests.reliability.proxy import TcpProxy

STATIONS = 12
# A request while the database is away waits at most for one connect, never for a worker timeout.
FAULT_BOUND_S = 2 * PG_CONNECT_TIMEOUT_S + 3


@pytest.fixture
def proxied(postgres_url: str, tmp_path: Path) -> Iterator[tuple[GatewayProcess, TcpProxy, str]]:
    gateway = bootstrap(Settings(database_url=postgres_url))
    with gateway.uow_factory() as uow:
        uow.id_tags.add(IdTag(TAG, AuthorizationStatus.ACCEPTED))
        uow.commit()
    gateway.engine.dispose()
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    process = GatewayProcess(through_proxy, tmp_path, workers=2, OCPP_SOAP_ACCESS_LOG="off")
    try:
        yield process.wait_ready(), proxy, postgres_url
    finally:
        process.stop()
        proxy.close()


def health(url: str) -> int:
    return requests.get(f"{url}/healthz", timeout=FAULT_BOUND_S + 5).status_code


def healthy_again(url: str) -> None:
    """/healthz says 200 on every worker within the connect retry period (each worker retries on its own)."""
    deadline = time.monotonic() + RETRY_CONNECT_AFTER_S + 5
    while sum(health(url) == 200 for _ in range(4)) < 4:
        assert time.monotonic() < deadline, "/healthz still 503 after the database came back"
        time.sleep(0.2)


def outage(fleet: Fleet, proxy: TcpProxy, url: str, mode: str, seconds: float) -> tuple[float, float]:
    """Take the database away for ``seconds`` in ``mode``; returns (start, end) in time.monotonic()."""
    began = time.monotonic()
    proxy.set_mode(mode)
    assert health(url) == 503
    while time.monotonic() - began < seconds:
        time.sleep(0.1)
    assert fleet.outcomes(began + 0.5, time.monotonic())["ok"] == 0, "acknowledged without a database"
    ended = time.monotonic()
    proxy.set_mode("up")
    return began, ended


def test_database_cut_and_black_holed_under_load(proxied) -> None:
    process, proxy, db_url = proxied
    fleet = Fleet(process.url, STATIONS).start()
    try:
        fleet.wait_for_acknowledgements(50, 0.0, timeout=60)

        # The database host is gone: connections reset, new ones refused. Faults come at once.
        began, ended = outage(fleet, proxy, process.url, "down", 3)
        during = fleet.outcomes(began + 0.5, ended)
        assert during["receiver-fault"] >= STATIONS, during
        assert fleet.slowest(began + 0.5, ended) < 3.0
        assert fleet.wait_for_acknowledgements(STATIONS, ended, timeout=15) < 15
        healthy_again(process.url)

        # A worker dies while the database is away: its replacement must boot without it, and gunicorn go on.
        proxy.set_mode("down")
        victim = workers_of(process.process.pid)[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while victim in workers_of(process.process.pid) or len(workers_of(process.process.pid)) < 2:
            assert process.process.poll() is None, f"gunicorn stopped:\n{process.output()[-3000:]}"
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(0.1)
        time.sleep(1)
        assert process.process.poll() is None, f"gunicorn stopped:\n{process.output()[-3000:]}"
        proxy.set_mode("up")
        fleet.wait_for_acknowledgements(STATIONS, time.monotonic(), timeout=15)

        # The database host vanished from the network: connects hang until the connect timeout ends them.
        began, ended = outage(fleet, proxy, process.url, "blackhole", PG_CONNECT_TIMEOUT_S + 3)
        assert fleet.outcomes(began, ended + FAULT_BOUND_S)["receiver-fault"] >= STATIONS
        assert fleet.slowest(began, ended) < FAULT_BOUND_S
        assert fleet.wait_for_acknowledgements(STATIONS, ended, timeout=FAULT_BOUND_S + 10)
        healthy_again(process.url)
    except BaseException:
        fleet.abandon()
        raise
    fleet.finish()
    outcomes = fleet.outcomes()
    assert outcomes["unexpected"] == 0, outcomes
    counts = check_stored_exactly_once(fleet, db_url)
    assert counts["transactions"] >= STATIONS
    log = process.output()
    assert "WORKER TIMEOUT" not in log and "Worker failed to boot" not in log
    assert log.count("Traceback") <= 2, log[-4000:]  # one per killed worker at most, none per request


def test_backends_terminated_by_the_server_are_replaced_unnoticed(proxied) -> None:
    """A PostgreSQL restart (or an administrator) ends every connection: the next requests reconnect."""
    process, _proxy, db_url = proxied
    fleet = Fleet(process.url, 4).start()
    try:
        fleet.wait_for_acknowledgements(20, 0.0, timeout=60)
        for _ in range(3):
            end_sessions(db_url)
            time.sleep(0.5)
        fleet.wait_for_acknowledgements(20, time.monotonic(), timeout=15)
    except BaseException:
        fleet.abandon()
        raise
    fleet.finish()
    assert fleet.outcomes()["unexpected"] == 0
    check_stored_exactly_once(fleet, db_url)
