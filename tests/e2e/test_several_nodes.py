"""Two gateway nodes (two `ocpp-soap serve` processes on two ports) on one PostgreSQL behave as one: a station may
reach either, transaction ids stay unique, and a command issued anywhere reaches the station.

Skipped unless OCPP_SOAP_TEST_DATABASE_URL names a PostgreSQL server (.ci/run sets it)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ocpp_soap.bootstrap import Gateway, bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.model import AuthorizationStatus, IdTag, Protocol
from ocpp_soap.persistence import orm
from tests.conftest import GatewayProcess
from tests.e2e.fake_station import FakeStation
from tests.helpers import envelope, post

CP15 = "urn://Ocpp/Cp/2012/06/"
PATH = "/services/centralSystemServiceOcpp15"
STATION = "NODE-CB"


@pytest.fixture
def nodes(postgres_url: str, tmp_path: Path) -> Iterator[tuple[GatewayProcess, GatewayProcess]]:
    a = GatewayProcess(postgres_url, tmp_path, workers=2)
    b = GatewayProcess(postgres_url, tmp_path, workers=2)
    try:
        yield a.wait_ready(), b.wait_ready()
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def gateway(postgres_url: str) -> Iterator[Gateway]:
    """The database as a third party sees it (and a bus to issue commands in-process)."""
    gw = bootstrap(Settings(database_url=postgres_url, command_timeout=5))
    with gw.uow_factory() as uow:
        for n in range(1, 11):
            uow.id_tags.add(IdTag(f"NODE-TAG{n}", AuthorizationStatus.ACCEPTED))
        uow.commit()
    yield gw
    gw.engine.dispose()


@pytest.fixture
def fake() -> Iterator[FakeStation]:
    station = FakeStation(CP15, None)
    yield station
    station.stop()


def send(node: GatewayProcess, body: str, address: str) -> object:
    answer = post(f"{node.url}{PATH}", envelope(body, charge_box=STATION, from_address=address), timeout=30)
    assert answer.status == 200 and answer.xml is not None, answer.text
    assert answer.find(".//{http://www.w3.org/2003/05/soap-envelope}Fault") is None, answer.text
    return answer


def boot(node: GatewayProcess, address: str) -> None:
    answer = send(node, "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor>"
                  "<cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>", address)
    assert answer.findtext(".//cs:status") == "Accepted", answer.text  # type: ignore[attr-defined]


def start(node: GatewayProcess, connector: int, address: str) -> int:
    answer = send(
        node, f"<cs:startTransactionRequest><cs:connectorId>{connector}</cs:connectorId><cs:idTag>NODE-TAG{connector}"
        f"</cs:idTag><cs:timestamp>{datetime.now(UTC).isoformat()}</cs:timestamp><cs:meterStart>0</cs:meterStart>"
        "</cs:startTransactionRequest>", address,
    )
    assert answer.findtext(".//cs:idTagInfo/cs:status") == "Accepted", answer.text  # type: ignore[attr-defined]
    return int(answer.findtext(".//cs:transactionId"))  # type: ignore[attr-defined]


def station_row(gateway: Gateway) -> orm.StationRow:
    with Session(gateway.engine) as session:
        row = session.get(orm.StationRow, STATION)
        assert row is not None
        return row


def test_a_station_booted_on_one_node_is_served_by_the_other(nodes, gateway, fake) -> None:
    a, b = nodes
    boot(a, fake.url)
    send(b, "<cs:heartbeatRequest/>", fake.url)
    send(b, "<cs:statusNotificationRequest><cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status>"
         "<cs:errorCode>NoError</cs:errorCode></cs:statusNotificationRequest>", fake.url)
    row = station_row(gateway)
    assert row.protocol == Protocol.OCPP15_SOAP.value
    assert row.endpoint_address == fake.url and row.boot_count == 1
    boot(b, fake.url)  # booting again on the other node: same station, same binding
    assert station_row(gateway).boot_count == 2


def test_transactions_started_alternately_on_both_nodes_get_unique_ids(nodes, gateway, fake) -> None:
    a, b = nodes
    boot(a, fake.url)
    ids = [start(a if n % 2 else b, n, fake.url) for n in range(1, 11)]
    assert len(set(ids)) == 10
    with Session(gateway.engine) as session:
        assert sorted(session.scalars(select(orm.TransactionRow.transaction_id))) == sorted(ids)


def test_a_command_issued_elsewhere_reaches_a_station_booted_on_a(nodes, gateway, fake, postgres_url, tmp_path) -> None:
    a, b = nodes
    boot(a, fake.url)
    env = {**os.environ, "OCPP_SOAP_DATABASE_URL": postgres_url}
    result = subprocess.run(
        [str(GatewayProcess.BIN), "command", STATION, "Reset", "type=Soft"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert report["outcome"] == "answered" and report["answer"]["status"] == "Accepted", report
    assert [r.operation for r in fake.received] == ["Reset"]
    assert fake.received[0].headers["chargeBoxIdentity"] == STATION

    # The station moves (new address) and says so to node B; a command through the bus follows it there.
    moved = FakeStation(CP15, None)
    try:
        send(b, "<cs:heartbeatRequest/>", moved.url)
        answer = gateway.bus.handle(sr.RequestChangeAvailability(STATION, connector_id=0, type=sr.AvailabilityType.OPERATIVE))
        assert answer.answered, answer
        assert [r.operation for r in moved.received] == ["ChangeAvailability"]
    finally:
        moved.stop()
    with Session(gateway.engine) as session:
        logged = list(session.scalars(select(orm.CommandLogRow.operation)))
    assert logged == ["Reset", "ChangeAvailability"]
