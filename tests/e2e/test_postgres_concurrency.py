"""Concurrency on PostgreSQL: `ocpp-soap serve --workers 4` and many stations at once over loopback HTTP.

Skipped unless OCPP_SOAP_TEST_DATABASE_URL names a PostgreSQL server (.ci/run sets it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.persistence import orm
from tests.conftest import GatewayProcess
from tests.helpers import envelope, post

STATIONS = 40
METER_MESSAGES = 5  # MeterValues requests per station
SAMPLES = 3  # sampled values in each of them, plus SAMPLES in the StopTransaction's transactionData
PATH = "/services/centralSystemServiceOcpp15"
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture
def served(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    gateway = bootstrap(Settings(database_url=postgres_url))
    with gateway.uow_factory() as uow:
        for n in range(STATIONS):
            uow.id_tags.add(IdTag(f"TAG{n:02d}", AuthorizationStatus.ACCEPTED))
        uow.commit()
    gateway.engine.dispose()
    process = GatewayProcess(postgres_url, tmp_path, workers=4).wait_ready()
    yield process.url, postgres_url
    process.stop()


def count(db_url: str, model: type, **where: object) -> int:
    gateway = bootstrap(Settings(database_url=db_url), create_tables=False)
    try:
        with Session(gateway.engine) as session:
            return int(session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0)
    finally:
        gateway.engine.dispose()


def ok(url: str, body: str, station: str, expect: str) -> object:
    answer = post(f"{url}{PATH}", envelope(body, charge_box=station), timeout=60)
    assert answer.status == 200, answer.text
    assert answer.find(f".//cs:{expect}") is not None, answer.text
    return answer


def samples(at: datetime, wh: int) -> str:
    return "".join(
        f"<cs:value context='Sample.Periodic' measurand='Energy.Active.Import.Register' unit='Wh'>{wh + k}</cs:value>"
        for k in range(SAMPLES)
    ).join([f"<cs:values><cs:timestamp>{at.isoformat()}</cs:timestamp>", "</cs:values>"])


def charge(url: str, n: int) -> int:
    """One station's whole session: boot, start, meter values, stop. Returns its transaction id."""
    station, tag = f"PG{n:02d}", f"TAG{n:02d}"
    ok(url, "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor>"
       "<cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>", station, "bootNotificationResponse")
    start = ok(
        url, f"<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:idTag>{tag}</cs:idTag>"
        f"<cs:timestamp>{T0.isoformat()}</cs:timestamp><cs:meterStart>0</cs:meterStart></cs:startTransactionRequest>",
        station, "startTransactionResponse",
    )
    assert start.findtext(".//cs:idTagInfo/cs:status") == "Accepted", start.text  # type: ignore[attr-defined]
    transaction_id = int(start.findtext(".//cs:transactionId"))  # type: ignore[attr-defined]
    for m in range(METER_MESSAGES):
        ok(url, f"<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId><cs:transactionId>{transaction_id}"
           f"</cs:transactionId>{samples(T0 + timedelta(minutes=m + 1), 100 * m)}</cs:meterValuesRequest>",
           station, "meterValuesResponse")
    ok(url, f"<cs:stopTransactionRequest><cs:transactionId>{transaction_id}</cs:transactionId><cs:idTag>{tag}</cs:idTag>"
       f"<cs:timestamp>{(T0 + timedelta(hours=1)).isoformat()}</cs:timestamp><cs:meterStop>1000</cs:meterStop>"
       f"<cs:transactionData>{samples(T0 + timedelta(hours=1), 1000)}</cs:transactionData></cs:stopTransactionRequest>",
       station, "stopTransactionResponse")
    return transaction_id


def test_many_stations_charging_at_once_across_four_workers(served: tuple[str, str]) -> None:
    url, db_url = served
    with ThreadPoolExecutor(STATIONS) as pool:
        ids = list(pool.map(lambda n: charge(url, n), range(STATIONS), timeout=240))
    assert len(set(ids)) == len(ids) == STATIONS
    assert count(db_url, orm.TransactionRow) == STATIONS
    assert count(db_url, orm.StationRow) == STATIONS
    assert count(db_url, orm.MeterValueRow) == STATIONS * (METER_MESSAGES + 1) * SAMPLES
    assert count(db_url, orm.MeterValueRow, transaction_id=None) == 0
    gateway = bootstrap(Settings(database_url=db_url), create_tables=False)
    with Session(gateway.engine) as session:
        open_transactions = session.scalar(
            select(func.count()).select_from(orm.TransactionRow).where(orm.TransactionRow.stopped_at.is_(None))
        )
        stops = set(session.scalars(select(orm.TransactionRow.meter_stop)))
    gateway.engine.dispose()
    assert open_transactions == 0 and stops == {1000}


def test_first_boots_of_one_new_station_raced_from_several_threads(served: tuple[str, str]) -> None:
    url, db_url = served
    threads, stations = 8, 5
    boot = (
        "<cs:bootNotificationRequest><cs:chargePointVendor>V</cs:chargePointVendor>"
        "<cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>"
    )
    for s in range(stations):
        station = f"RACE{s}"
        barrier = threading.Barrier(threads)

        def first_boot(_: int, station: str = station, barrier: threading.Barrier = barrier) -> tuple[int, str]:
            barrier.wait(10)
            answer = post(f"{url}{PATH}", envelope(boot, charge_box=station), timeout=60)
            return answer.status, answer.text

        with ThreadPoolExecutor(threads) as pool:
            answers = list(pool.map(first_boot, range(threads)))
        assert all(status == 200 for status, _ in answers), [text for status, text in answers if status != 200]
        assert not any("Receiver" in text for _, text in answers)
        assert all("<tns:status>Accepted" in text or ">Accepted<" in text for _, text in answers), answers[0][1]
        assert count(db_url, orm.StationRow, charge_box_id=station) == 1
    gateway = bootstrap(Settings(database_url=db_url), create_tables=False)
    with Session(gateway.engine) as session:
        boot_counts = list(session.scalars(select(orm.StationRow.boot_count).where(orm.StationRow.charge_box_id.like("RACE%"))))
    gateway.engine.dispose()
    assert boot_counts == [threads] * stations
