"""Bulk load for the growth benchmark: stations, id tags, closed transactions and millions of meter values.

PostgreSQL gets COPY (psycopg 3); SQLite gets executemany in one transaction. Rows are what the gateway itself
would have written (the same columns, enum strings and UTC timestamps), straight into the migrated schema.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy.engine import make_url

STATION_COLUMNS = (
    "charge_box_id", "registration_status", "protocol", "endpoint_address", "charge_point_vendor",
    "charge_point_model", "boot_count", "first_seen_at", "last_boot_at", "last_seen_at",
)
TRANSACTION_COLUMNS = (
    "transaction_id", "charge_box_id", "connector_id", "id_tag", "start_status", "started_at", "meter_start",
    "stopped_at", "meter_stop", "stop_id_tag", "stop_reason", "created_at",
)
METER_COLUMNS = (
    "charge_box_id", "connector_id", "transaction_id", "reported_transaction_id", "timestamp", "value", "context",
    "measurand", "unit", "source", "received_at",
)
READINGS_PER_TRANSACTION = 25  # two sampled values each: 50 meter value rows per transaction
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def station_name(n: int) -> str:
    return f"G-{n:05d}"


def _stations(count: int) -> Iterator[tuple[object, ...]]:
    for n in range(1, count + 1):
        cb = station_name(n)
        yield (cb, "Accepted", "ocpp1.5-soap", f"http://10.30.0.1:8081/ChargePointService/{cb}", "BenchCharging",
               "Wallbox22", 1, EPOCH, EPOCH, EPOCH)


def _id_tags(count: int) -> Iterator[tuple[object, ...]]:
    for n in range(1, count + 1):
        yield (f"T-{station_name(n)}"[:20], "Accepted")


def _sessions(stations: int, per_station: int) -> Iterator[tuple[int, str, datetime]]:
    """(transaction id, station, start) of every stored session: ``per_station`` rounds over all stations."""
    tid = 0
    for _ in range(per_station):
        for n in range(1, stations + 1):
            tid += 1
            yield tid, station_name(n), EPOCH + timedelta(minutes=tid)


def _transactions(stations: int, per_station: int) -> Iterator[tuple[object, ...]]:
    for tid, cb, started in _sessions(stations, per_station):
        tag = f"T-{cb}"[:20]
        yield (tid, cb, 1, tag, "Accepted", started, 0, started + timedelta(hours=1), 8750, tag, "Local", started)


def _meter_values(stations: int, per_station: int) -> Iterator[tuple[object, ...]]:
    for tid, cb, started in _sessions(stations, per_station):
        for r in range(READINGS_PER_TRANSACTION):
            at = started + timedelta(minutes=2 * r)
            yield (cb, 1, tid, tid, at, str(350 * r), "Sample.Periodic", "Energy.Active.Import.Register", "Wh",
                   "MeterValues", at)
            yield (cb, 1, tid, tid, at, "11000", "Sample.Periodic", "Power.Active.Import", "W", "MeterValues", at)


def fill(url: str, *, stations: int, meter_values: int) -> dict[str, float]:
    """Load the rows; seconds taken per table."""
    per_station = max(1, meter_values // (stations * READINGS_PER_TRANSACTION * 2))
    tables = (
        ("stations", STATION_COLUMNS, _stations(stations)),
        ("id_tags", ("id_tag", "status"), _id_tags(stations)),
        ("transactions", TRANSACTION_COLUMNS, _transactions(stations, per_station)),
        ("meter_values", METER_COLUMNS, _meter_values(stations, per_station)),
    )
    parsed = make_url(url)
    timings: dict[str, float] = {}
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(parsed.database or "")
        connection.execute("PRAGMA journal_mode=WAL")
        for table, columns, rows in tables:
            started = time.perf_counter()
            marks = ", ".join("?" for _ in columns)
            with connection:
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", (_sqlite_row(r) for r in rows)
                )
            timings[table] = time.perf_counter() - started
        connection.execute("ANALYZE")
        connection.close()
        return timings
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as connection:
        for table, columns, rows in tables:
            started = time.perf_counter()
            with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            connection.commit()
            timings[table] = time.perf_counter() - started
        connection.execute("SELECT setval(pg_get_serial_sequence('transactions', 'transaction_id'), "
                           "(SELECT max(transaction_id) FROM transactions))")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    return timings


def _sqlite_row(row: tuple[object, ...]) -> tuple[object, ...]:
    # As SQLAlchemy stores a DateTime on SQLite: naive UTC text with microseconds.
    return tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)
