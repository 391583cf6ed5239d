"""How fast the web app's pages answer on a large database: 10,000 stations and a million meter values.

    python tests/bench/web_pages.py [--stations 10000] [--meter-values 1000000] [--long 100000] [--url URL]

Fills a fresh database with ``tests/bench/fill.py`` (SQLite file by default; ``--url`` for an empty migrated
PostgreSQL database), adds one long open transaction with ``--long`` energy readings (its chart is thinned to 500
points in the database), logs in with the Flask test client and prints each main page's time: the first request
and the best of three. Not a test: figures, not assertions.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ocpp_soap.bootstrap import bootstrap  # noqa: E402
from ocpp_soap.config import Settings  # noqa: E402
from ocpp_soap.persistence.orm import MeterValueRow, TransactionRow  # noqa: E402
from tests.bench.fill import fill, station_name  # noqa: E402
from webapp import create_webapp  # noqa: E402

PASSWORD = "bench password 123"


def add_long_transaction(engine: object, readings: int) -> int:
    """One open session on the first station with ``readings`` energy register readings, a second apart."""
    started = datetime.now(UTC) - timedelta(seconds=readings)
    with engine.begin() as connection:  # type: ignore[attr-defined]
        transaction_id = connection.execute(
            insert(TransactionRow).values(
                charge_box_id=station_name(1), connector_id=2, id_tag="LONG", start_status="Accepted",
                started_at=started, meter_start=0, created_at=started,
            ).returning(TransactionRow.transaction_id)
        ).scalar_one()
        batch = []
        for n in range(readings):
            at = started + timedelta(seconds=n)
            batch.append(dict(
                charge_box_id=station_name(1), connector_id=2, transaction_id=transaction_id,
                reported_transaction_id=transaction_id, timestamp=at, value=str(3 * n), context="Sample.Periodic",
                format=None, measurand="Energy.Active.Import.Register", location=None, unit="Wh",
                source="MeterValues", received_at=at,
            ))
            if len(batch) == 10_000:
                connection.execute(insert(MeterValueRow), batch)
                batch = []
        if batch:
            connection.execute(insert(MeterValueRow), batch)
    return int(transaction_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--meter-values", type=int, default=1_000_000)
    parser.add_argument("--long", type=int, default=100_000, help="readings of the one long transaction")
    parser.add_argument("--url", help="an empty database URL (default: a temporary SQLite file)")
    options = parser.parse_args()

    url = options.url or f"sqlite:///{tempfile.mkdtemp(prefix='web-bench-')}/bench.sqlite3"
    gateway = bootstrap(Settings(database_url=url, admin_password=PASSWORD))
    started = time.perf_counter()
    fill(url, stations=options.stations, meter_values=options.meter_values)
    long_tx = add_long_transaction(gateway.engine, options.long)
    print(f"filled {options.stations:,} stations, {options.meter_values:,} + {options.long:,} meter values "
          f"on {gateway.engine.dialect.name} in {time.perf_counter() - started:.0f} s")

    client = create_webapp(gateway).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)})
    middle = station_name(options.stations // 2)
    pages = [
        "/", "/stations", "/stations?page=150", "/stations?q=0123", "/stations?online=false&page=100",
        f"/stations/{station_name(1)}", "/idtags?page=100", "/transactions", "/transactions?page=300",
        f"/transactions?station={middle}", "/transactions?open=true", "/transactions/1",
        f"/transactions/{long_tx}", f"/transactions/{long_tx}?page=1000", "/reservations", "/messages",
        f"/messages?station={middle}", "/api-docs",
    ]
    print(f"{'page':44} {'first ms':>9} {'best of 3 ms':>13} {'KiB':>6}")
    for path in pages:
        times = []
        for _ in range(4):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{path:44} {times[0]:9.1f} {min(times[1:]):13.1f} {len(response.data) / 1024:6.0f}")
    gateway.engine.dispose()


if __name__ == "__main__":
    main()
