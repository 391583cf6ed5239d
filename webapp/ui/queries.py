"""What the web app's pages show beyond the API's read model (``webapp.api.queries``, reused wherever it fits):
dashboard figures, a station search, status history and a downsampled meter series. Read-only; every list is one page along an index, every figure one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from ocpp_soap.domain.station_requests import CallOutcome
from ocpp_soap.persistence.orm import (
    CommandLogRow,
    ConnectorStatusRow,
    MeterValueRow,
    StationRow,
    TransactionRow,
)
from webapp.api import queries as api
from webapp.api.queries import Listing, Page

ENERGY_MEASURANDS = (None, "Energy.Active.Import.Register")  # 1.2's readings carry no measurand: energy in Wh
MAX_CHART_POINTS = 500


# Dashboard


@dataclass(frozen=True)
class Overview:
    stations: int
    online: int
    pending: int
    open_transactions: int
    energy_today_wh: int


def overview(engine: Engine, online_since: datetime, day_start: datetime) -> Overview:
    """The dashboard's figures. Energy today: ``meter_stop - meter_start`` of every session that stopped since
    ``day_start`` (UTC midnight), the whole session counted on the day it ends."""
    with engine.connect() as connection:
        stations = connection.execute(select(func.count()).select_from(StationRow)).scalar_one()
        online = connection.execute(
            select(func.count()).select_from(StationRow).where(StationRow.last_seen_at >= online_since)
        ).scalar_one()
        pending = connection.execute(
            select(func.count()).select_from(StationRow).where(StationRow.registration_status == "Pending")
        ).scalar_one()
        open_transactions = connection.execute(
            select(func.count()).select_from(TransactionRow).where(TransactionRow.stopped_at.is_(None))
        ).scalar_one()
        energy = connection.execute(
            select(func.coalesce(func.sum(TransactionRow.meter_stop - TransactionRow.meter_start), 0)).where(
                TransactionRow.stopped_at >= day_start, TransactionRow.meter_stop.is_not(None)
            )
        ).scalar_one()
    return Overview(stations, online, pending, open_transactions, int(energy))


def recent_failed_commands(engine: Engine, limit: int = 10) -> list[dict[str, Any]]:
    failures = [outcome.value for outcome in CallOutcome if outcome is not CallOutcome.ANSWERED]
    query = (
        select(CommandLogRow.__table__)
        .where(CommandLogRow.outcome.in_(failures))
        .order_by(CommandLogRow.requested_at.desc(), CommandLogRow.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [api.command_item(row) for row in connection.execute(query)]


# Stations


def status_history(engine: Engine, charge_box_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The station's last StatusNotifications, newest first, every connector together."""
    query = (
        select(ConnectorStatusRow.__table__)
        .where(ConnectorStatusRow.charge_box_id == charge_box_id)
        .order_by(ConnectorStatusRow.received_at.desc(), ConnectorStatusRow.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


# Transactions


@dataclass(frozen=True)
class MeterPoint:
    at: datetime
    wh: float


def energy_series(engine: Engine, transaction_id: int, max_points: int = MAX_CHART_POINTS) -> tuple[list[MeterPoint], int]:
    """The transaction's energy register readings in Wh, in time order, thinned in the database to at most
    ``max_points`` (every n-th reading, first and last kept: the register only rises, so the shape stays);
    and how many readings there are in all."""
    energy = and_(
        MeterValueRow.transaction_id == transaction_id,
        or_(MeterValueRow.measurand.is_(None), MeterValueRow.measurand == ENERGY_MEASURANDS[1]),
        MeterValueRow.phase.is_(None),  # a 1.6 register per phase beside the total is not the total
    )
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(MeterValueRow).where(energy)).scalar_one()
        if not total:
            return [], 0
        step = -(-total // max_points)
        numbered = (
            select(
                MeterValueRow.timestamp, MeterValueRow.value, MeterValueRow.unit,
                func.row_number().over(order_by=(MeterValueRow.timestamp, MeterValueRow.id)).label("n"),
            )
            .where(energy)
            .subquery()
        )
        rows = connection.execute(
            select(numbered.c.timestamp, numbered.c.value, numbered.c.unit)
            .where(or_((numbered.c.n - 1) % step == 0, numbered.c.n == total))
            .order_by(numbered.c.n)
        ).all()
    points = []
    for row in rows:
        try:
            value = float(row.value)
        except ValueError:
            continue
        points.append(MeterPoint(api.aware(row.timestamp), value * 1000 if row.unit == "kWh" else value))  # type: ignore[arg-type]
    return points, int(total)


def meter_values_page(engine: Engine, transaction_id: int, page: Page) -> Listing:
    query = (
        select(MeterValueRow.__table__)
        .where(MeterValueRow.transaction_id == transaction_id)
        .order_by(MeterValueRow.timestamp, MeterValueRow.id)
    )
    return api.paged(engine, query, page, lambda row: dict(row._mapping))


def transaction_row(engine: Engine, transaction_id: int) -> dict[str, Any] | None:
    """One transaction without its meter values (``api.transaction`` loads them all)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(TransactionRow.__table__).where(TransactionRow.transaction_id == transaction_id)
        ).first()
    return None if row is None else api.transaction_item(row)
