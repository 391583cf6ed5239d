"""Charging sessions (transactions): the list with what an operator looks for (status, duration, energy of the
session, live power), refused starts apart, one session with its meter values, and the series its chart draws.

A start the gateway answered with anything but Accepted (ConcurrentTx, Invalid, Blocked, Expired) is a
*refused start*: stored, because the station's StopTransaction must find it, but not a charging session.

A 1.6 station may send a measurand per phase (``phase`` L1, L2, L3, ...) beside the overall value, in the same
reading. A session's energy so far, its power and its chart take the overall values only (no phase): a phase's
register is part of the total, and neither it nor a sum of phases stands for it. The session's energy itself is
``meterStop - meterStart`` from Start/StopTransaction, which phases do not touch.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import Field
from sqlalchemy import Engine, Select, and_, func, or_, select

from ocpp_soap.persistence.orm import MeterValueRow, TransactionRow

from .base import Listing, Page, Time, Value, aware, paged

ACCEPTED = "Accepted"
ENERGY = "Energy.Active.Import.Register"  # 1.2's readings carry no measurand: energy in Wh
POWER = "Power.Active.Import"
SOC = "SoC"
SUPERSEDED = "SupersededByNewStart"
MAX_CHART_POINTS = 500
class SessionStatus(enum.StrEnum):
    CHARGING = "charging"  # accepted, not stopped
    FINISHED = "finished"  # accepted and stopped (stopReason says how)
    REFUSED = "refused"  # the start was answered with something else than Accepted (startStatus says why)


class TransactionItem(Value):
    transaction_id: int = Field(description="The transactionId the gateway gave the station")
    charge_box_id: str = Field(description="The station")
    connector_id: int = Field(description="The connector")
    id_tag: str = Field(description="The id tag that started it")
    start_status: str = Field(description="What the gateway answered to the start: Accepted, or why it refused (Invalid, Blocked, Expired, ConcurrentTx)")
    status: SessionStatus = Field(description="charging, finished, or refused (a start answered with anything but Accepted)")
    started_at: Time = Field(description="When it started (the station's timestamp)")
    meter_start: int = Field(description="Energy register at the start, Wh")
    reservation_id: int | None = Field(description="The reservation it used, if any")
    stopped_at: Time | None = Field(description="When it stopped; null while open")
    meter_stop: int | None = Field(description="Energy register at the stop, Wh (null when unknown, e.g. superseded)")
    stop_id_tag: str | None = Field(description="The id tag that stopped it, when the station sent one")
    stop_reason: str | None = Field(description="The station's reason (Local, Remote, EVDisconnected, ...) or SupersededByNewStart")
    energy_wh: int | None = Field(description="Energy of the session: meterStop - meterStart, once stopped")
    open: bool = Field(description="Not stopped yet")
    duration_s: float | None = Field(description="Seconds from start to stop, or to now while open")
    energy_so_far_wh: float | None = Field(description="While open: the last energy reading minus meterStart")
    power_w: float | None = Field(description="While open: the last active power the station reported, W")


class MeterValueItem(Value):
    timestamp: Time = Field(description="The station's time of the reading")
    connector_id: int = Field(description="The connector")
    value: str = Field(description="The value as sent")
    measurand: str | None = Field(description="What was measured (null: energy register in Wh, OCPP 1.2)")
    phase: str | None = Field(description="The phase it was measured on (OCPP 1.6: L1, L2-N ...; null: overall)")
    unit: str | None = Field(description="Unit (Wh, kWh, W, kW, ...)")
    context: str | None = Field(description="Why it was sampled (Sample.Periodic, Transaction.Begin, ...)")
    format: str | None = Field(description="Raw or SignedData")
    location: str | None = Field(description="Where it was measured (Outlet, Inlet, Body; 1.6 also Cable, EV)")
    source: str = Field(description="MeterValues, or StopTransaction for its transactionData")


class TransactionDetail(TransactionItem):
    meter_values: list[MeterValueItem] = Field(description="Every sampled value linked to the session, in time order")


@dataclass(frozen=True)
class TransactionFilter:
    station: str | None = None
    id_tag: str | None = None
    open: bool | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None
    refused: bool | None = None
    """True: only refused starts; False: only sessions (accepted starts); None: both."""


TRANSACTION_COLUMNS = (
    "transactionId", "chargeBoxId", "connectorId", "idTag", "startStatus", "startedAt", "meterStart",
    "reservationId", "stoppedAt", "meterStop", "stopIdTag", "stopReason", "energyWh",
)
METER_VALUE_COLUMNS = (
    "timestamp", "connectorId", "value", "measurand", "phase", "unit", "context", "format", "location", "source",
)


def _query(where: TransactionFilter) -> Select[Any]:
    query = select(TransactionRow.__table__).order_by(TransactionRow.transaction_id.desc())
    if where.station is not None:
        query = query.where(TransactionRow.charge_box_id == where.station)
    if where.id_tag is not None:
        query = query.where(TransactionRow.id_tag == where.id_tag)
    if where.open is True:
        query = query.where(TransactionRow.stopped_at.is_(None))
    elif where.open is False:
        query = query.where(TransactionRow.stopped_at.is_not(None))
    if where.started_from is not None:
        query = query.where(TransactionRow.started_at >= where.started_from)
    if where.started_to is not None:
        query = query.where(TransactionRow.started_at < where.started_to)
    if where.refused is True:
        query = query.where(TransactionRow.start_status != ACCEPTED)
    elif where.refused is False:
        query = query.where(TransactionRow.start_status == ACCEPTED)
    return query


def list_transactions(engine: Engine, page: Page, where: TransactionFilter) -> Listing[TransactionItem]:
    def convert(rows: Sequence[Any]) -> list[TransactionItem]:
        live = _live(engine, [row.transaction_id for row in rows if row.stopped_at is None])
        return [TransactionItem(**_fields(row, live.get(row.transaction_id))) for row in rows]

    return paged(engine, _query(where), page, convert)


def all_transactions(engine: Engine, where: TransactionFilter, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching transaction as CSV-ready dicts, streamed from the server in batches."""
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(_query(where))
        for row in result:
            yield {
                "transactionId": row.transaction_id, "chargeBoxId": row.charge_box_id,
                "connectorId": row.connector_id, "idTag": row.id_tag, "startStatus": row.start_status,
                "startedAt": _iso(row.started_at), "meterStart": row.meter_start, "reservationId": row.reservation_id,
                "stoppedAt": _iso(row.stopped_at), "meterStop": row.meter_stop, "stopIdTag": row.stop_id_tag,
                "stopReason": row.stop_reason,
                "energyWh": None if row.meter_stop is None else row.meter_stop - row.meter_start,
            }


def _iso(value: datetime | None) -> str | None:
    value = aware(value)
    return None if value is None else value.isoformat()


def status_of(start_status: str, stopped: bool) -> SessionStatus:
    if start_status != ACCEPTED:
        return SessionStatus.REFUSED
    return SessionStatus.FINISHED if stopped else SessionStatus.CHARGING


def _fields(row: Any, live: tuple[float | None, float | None] | None) -> dict[str, Any]:
    started, stopped = aware(row.started_at), aware(row.stopped_at)
    assert started is not None
    end = stopped or datetime.now(UTC)
    last_energy, power = live or (None, None)
    return {
        "transaction_id": row.transaction_id, "charge_box_id": row.charge_box_id, "connector_id": row.connector_id,
        "id_tag": row.id_tag, "start_status": row.start_status, "status": status_of(row.start_status, stopped is not None),
        "started_at": started, "meter_start": row.meter_start, "reservation_id": row.reservation_id,
        "stopped_at": stopped, "meter_stop": row.meter_stop, "stop_id_tag": row.stop_id_tag,
        "stop_reason": row.stop_reason,
        "energy_wh": None if row.meter_stop is None else row.meter_stop - row.meter_start,
        "open": stopped is None,
        "duration_s": max(0.0, (end - started).total_seconds()),
        "energy_so_far_wh": None if last_energy is None or stopped is not None else last_energy - row.meter_start,
        "power_w": power if stopped is None else None,
    }


def _overall(measurands: tuple[str | None, ...]) -> Any:
    """Readings of ``measurands`` (None: no measurand, i.e. energy in 1.2) for the whole connector: a 1.6 value
    for one phase (L1, L2-N ...) is a part of it, never added to the energy or power of the session."""
    named = [m for m in measurands if m is not None]
    kind = or_(MeterValueRow.measurand.in_(named), MeterValueRow.measurand.is_(None)) if None in measurands \
        else MeterValueRow.measurand.in_(named)
    return and_(kind, MeterValueRow.phase.is_(None))


def _latest(measurands: tuple[str | None, ...], ids: list[int]) -> Any:
    """Each transaction's newest reading of one of ``measurands`` (None: no measurand, i.e. energy in 1.2)."""
    kind = _overall(measurands)
    newest = (
        select(MeterValueRow.transaction_id, func.max(MeterValueRow.timestamp).label("at"))
        .where(MeterValueRow.transaction_id.in_(ids), kind)
        .group_by(MeterValueRow.transaction_id)
        .subquery()
    )
    return (
        select(MeterValueRow.transaction_id, MeterValueRow.value, MeterValueRow.unit)
        .join(newest, and_(newest.c.transaction_id == MeterValueRow.transaction_id, newest.c.at == MeterValueRow.timestamp))
        .where(kind)
        .order_by(MeterValueRow.id)
    )


def _live(engine: Engine, ids: list[int]) -> dict[int, tuple[float | None, float | None]]:
    """For open sessions: the last energy reading (Wh) and the last power reading (W)."""
    if not ids:
        return {}
    energy: dict[int, float] = {}
    power: dict[int, float] = {}
    with engine.connect() as connection:
        for row in connection.execute(_latest((None, ENERGY), ids)):
            wh = to_base_unit(row.value, row.unit)
            if wh is not None:
                energy[row.transaction_id] = wh
        for row in connection.execute(_latest((POWER,), ids)):
            watts = to_base_unit(row.value, row.unit)
            if watts is not None:
                power[row.transaction_id] = watts
    return {tid: (energy.get(tid), power.get(tid)) for tid in ids}


def to_base_unit(value: str, unit: str | None) -> float | None:
    """A reading in Wh or W (kWh and kW multiplied by 1000); None when it is not a number (signed data)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number * 1000 if unit in ("kWh", "kW") else number


def transaction(engine: Engine, transaction_id: int, *, with_meter_values: bool = True) -> TransactionDetail | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(TransactionRow.__table__).where(TransactionRow.transaction_id == transaction_id)
        ).first()
        if row is None:
            return None
        values = connection.execute(_meter_values_query(transaction_id)).all() if with_meter_values else []
    live = _live(engine, [transaction_id]).get(transaction_id) if row.stopped_at is None else None
    return TransactionDetail(**_fields(row, live), meter_values=[_meter_value(v) for v in values])


def _meter_values_query(transaction_id: int) -> Select[Any]:
    return (select(MeterValueRow.__table__).where(MeterValueRow.transaction_id == transaction_id)
            .order_by(MeterValueRow.timestamp, MeterValueRow.id))


def _meter_value(v: Any) -> MeterValueItem:
    return MeterValueItem(
        timestamp=aware(v.timestamp), connector_id=v.connector_id, value=v.value, measurand=v.measurand, phase=v.phase,
        unit=v.unit,
        context=v.context, format=v.format, location=v.location, source=v.source,
    )


def meter_values_page(engine: Engine, transaction_id: int, page: Page) -> Listing[MeterValueItem]:
    return paged(engine, _meter_values_query(transaction_id), page, lambda rows: [_meter_value(v) for v in rows])


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


@dataclass(frozen=True)
class Series:
    points: list[Point]
    readings: int
    """How many readings there are in all (the points are at most ``MAX_CHART_POINTS`` of them)."""


def series(engine: Engine, transaction_id: int, measurands: tuple[str | None, ...],
           max_points: int = MAX_CHART_POINTS) -> Series:
    """A session's readings of ``measurands`` in time order, in Wh/W (or as sent for SoC), thinned in the database
    to at most ``max_points`` (every n-th reading, first and last kept)."""
    kind = _overall(measurands)
    which = and_(MeterValueRow.transaction_id == transaction_id, kind)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(MeterValueRow).where(which)).scalar_one()
        if not total:
            return Series([], 0)
        step = -(-total // max_points)
        numbered = (
            select(MeterValueRow.timestamp, MeterValueRow.value, MeterValueRow.unit,
                   func.row_number().over(order_by=(MeterValueRow.timestamp, MeterValueRow.id)).label("n"))
            .where(which)
            .subquery()
        )
        rows = connection.execute(
            select(numbered.c.timestamp, numbered.c.value, numbered.c.unit)
            .where(or_((numbered.c.n - 1) % step == 0, numbered.c.n == total))
            .order_by(numbered.c.n)
        ).all()
    points = []
    for row in rows:
        value = to_base_unit(row.value, row.unit)
        at = aware(row.timestamp)
        if value is not None and at is not None:
            points.append(Point(at, value))
    return Series(points, int(total))
