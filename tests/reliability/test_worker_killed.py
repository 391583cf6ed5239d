"""A gunicorn worker killed (SIGKILL) in the middle of requests: gunicorn replaces it, the service goes on, and
every message that was acknowledged is stored, once and whole. The request the worker was handling got no
answer; its station sends it again (same MessageID) and the database ends up holding it exactly once.

Runs on SQLite, and on PostgreSQL when OCPP_SOAP_TEST_DATABASE_URL names a server.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from tests.conftest import GatewayProcess
from tests.reliability.load import TAG, Fleet, check_stored_exactly_once
from tests.reliability.processes import workers_of

WORKERS = 3
KILLS = 3


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[GatewayProcess, str]]:
    gateway = bootstrap(Settings(database_url=database_url))
    with gateway.uow_factory() as uow:
        uow.id_tags.add(IdTag(TAG, AuthorizationStatus.ACCEPTED))
        uow.commit()
    gateway.engine.dispose()
    process = GatewayProcess(database_url, tmp_path, workers=WORKERS, OCPP_SOAP_ACCESS_LOG="off")
    try:
        yield process.wait_ready(), database_url
    finally:
        process.stop()


def replaced(master: int, victim: int, timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while True:
        workers = workers_of(master)
        if victim not in workers and len(workers) == WORKERS:
            return workers
        assert time.monotonic() < deadline, f"worker {victim} was not replaced: {workers}"
        time.sleep(0.05)


def test_workers_killed_mid_request_lose_nothing_acknowledged(served) -> None:
    process, db_url = served
    master = process.process.pid
    fleet = Fleet(process.url, 8, prefix="KILL").start()
    try:
        fleet.wait_for_acknowledgements(30, 0.0, timeout=60)
        for kill in range(KILLS):
            victim = workers_of(master)[kill % WORKERS]
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            replaced(master, victim)
            # Service goes on: the stations' requests (the lost one resent) are acknowledged again.
            fleet.wait_for_acknowledgements(20, killed_at, timeout=30)
        assert process.process.poll() is None, process.output()[-3000:]
    except BaseException:
        fleet.abandon()
        raise
    fleet.finish()
    outcomes = fleet.outcomes()
    assert outcomes["unexpected"] == 0 and outcomes["receiver-fault"] == 0, outcomes
    counts = check_stored_exactly_once(fleet, db_url)
    assert counts["transactions"] >= 8
