"""The dashboard's figures: stations online, pending, open sessions, energy today, energy per day and per
station. Energy is ``meter_stop - meter_start`` of accepted sessions, counted whole on the day (in the viewer's
time zone) they end; sessions still open count when they stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Engine, func, select

from ocpp_soap.persistence.orm import StationRow, TransactionRow

from .base import aware
from .stations import online_condition


@dataclass(frozen=True)
class Overview:
    stations: int
    online: int
    pending: int
    open_transactions: int
    energy_today_wh: int


def overview(engine: Engine, online_since: datetime, day_start: datetime) -> Overview:
    with engine.connect() as connection:
        stations = connection.execute(select(func.count()).select_from(StationRow)).scalar_one()
        online = connection.execute(
            select(func.count()).select_from(StationRow).where(online_condition(online_since))).scalar_one()
        pending = connection.execute(
            select(func.count()).select_from(StationRow).where(StationRow.registration_status == "Pending")
        ).scalar_one()
        open_transactions = connection.execute(
            select(func.count()).select_from(TransactionRow)
            .where(TransactionRow.stopped_at.is_(None), TransactionRow.start_status == "Accepted")
        ).scalar_one()
        energy = connection.execute(
            select(func.coalesce(func.sum(TransactionRow.meter_stop - TransactionRow.meter_start), 0)).where(
                TransactionRow.stopped_at >= day_start, TransactionRow.meter_stop.is_not(None),
                TransactionRow.start_status == "Accepted",
            )
        ).scalar_one()
    return Overview(int(stations), int(online), int(pending), int(open_transactions), int(energy or 0))


def count_unstopped(engine: Engine) -> int:
    """Transactions not stopped yet, whatever their start was answered (what stations have open)."""
    with engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(TransactionRow).where(TransactionRow.stopped_at.is_(None))
        ).scalar_one())


@dataclass(frozen=True)
class Bar:
    label: str
    wh: int


def energy_by_day_and_station(engine: Engine, zone: tzinfo, days: int, today: date, stations: int = 10
                              ) -> tuple[list[Bar], list[Bar]]:
    """Energy per day for the last ``days`` days (oldest first, days without energy included), and per station
    over the same days (the ``stations`` largest)."""
    first = today - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    per_day = {first + timedelta(days=n): 0 for n in range(days)}
    per_station: dict[str, int] = {}
    query = (
        select(TransactionRow.charge_box_id, TransactionRow.stopped_at, TransactionRow.meter_start, TransactionRow.meter_stop)
        .where(TransactionRow.stopped_at >= start, TransactionRow.meter_stop.is_not(None),
               TransactionRow.start_status == "Accepted")
    )
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=5000).execute(query):
            stopped = aware(row.stopped_at)
            assert stopped is not None
            energy = max(0, int(row.meter_stop or 0) - int(row.meter_start))
            day = stopped.astimezone(zone).date()
            if day in per_day:
                per_day[day] += energy
            per_station[row.charge_box_id] = per_station.get(row.charge_box_id, 0) + energy
    by_day = [Bar(day.isoformat(), wh) for day, wh in sorted(per_day.items())]
    by_station = [Bar(name, wh) for name, wh in sorted(per_station.items(), key=lambda kv: (-kv[1], kv[0]))[:stations]]
    return by_day, by_station
