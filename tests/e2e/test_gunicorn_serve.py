"""`ocpp-soap serve` under real gunicorn with several sync workers sharing the embedded SQLite database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ocpp_soap.persistence import orm
from tests.conftest import GatewayProcess
from tests.helpers import envelope, post

BIN = Path(sys.executable).parent / "ocpp-soap"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    db_url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    gateway = GatewayProcess(db_url, tmp_path, workers=3).wait_ready()
    yield gateway.url, db_url
    gateway.stop()


def _boot(url: str, station: str) -> None:
    body = "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor><cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>"
    answer = post(f"{url}/services/centralSystemServiceOcpp15", envelope(body, charge_box=station, action="/BootNotification"))
    assert answer.status == 200 and answer.findtext(".//cs:status") == "Accepted", answer.text


def _start(url: str, station: str, connector: int) -> int:
    body = (
        f"<cs:startTransactionRequest><cs:connectorId>{connector}</cs:connectorId><cs:idTag>{station}-{connector}</cs:idTag>"
        f"<cs:timestamp>{datetime.now(UTC).isoformat()}</cs:timestamp><cs:meterStart>0</cs:meterStart>"
        "</cs:startTransactionRequest>"
    )
    answer = post(f"{url}/services/centralSystemServiceOcpp15", envelope(body, charge_box=station))
    assert answer.status == 200, answer.text
    return int(answer.findtext(".//cs:transactionId") or 0)


def test_healthz_and_wsdl_under_gunicorn(served):
    url, _ = served
    health = requests.get(f"{url}/healthz", timeout=5)
    assert health.json()["status"] == "ok"
    wsdl = requests.get(f"{url}/services/centralSystemServiceOcpp15?wsdl", timeout=5)
    assert f'location="{url}/services/centralSystemServiceOcpp15"' in wsdl.text


def test_concurrent_starts_across_workers_get_unique_ids(served):
    url, db_url = served
    stations = [f"GW{n:02d}" for n in range(20)]
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda s: _boot(url, s), stations))
        jobs = [(s, c) for s in stations for c in (1, 2, 3)]
        ids = list(pool.map(lambda job: _start(url, *job), jobs))
    assert len(ids) == len(set(ids)) == 60
    engine = create_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(orm.TransactionRow)) == 60
        assert session.scalar(select(func.count()).select_from(orm.StationRow)) == 20
    engine.dispose()


def test_metrics_add_up_every_worker(served):
    """`ocpp-soap serve` sets up prometheus_client's multiprocess mode itself: a scrape counts all workers."""
    url, _ = served
    for n in range(12):  # new connections, spread over the three workers
        _boot(url, f"MX{n}")
    text = requests.get(f"{url}/metrics", timeout=5).text
    line = next(x for x in text.splitlines() if x.startswith('ocpp_soap_messages_total{operation="BootNotification",outcome="ok"}'))
    assert float(line.split()[-1]) == 12
