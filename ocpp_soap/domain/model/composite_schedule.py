"""The composite schedule: what a station's installed charging profiles allow on one connector over a time window,
as OCPP 1.6's GetCompositeSchedule reports it. A pure function of the profiles, so that a simulated station can
answer GetCompositeSchedule with it and the web app can draw what the stored profiles say.

How it is computed (Spec §3.13, §5.7, §5.16.4 and Errata §3.28-§3.30, §3.43, §3.57, §3.69; the choices the spec
leaves open follow the EVerest station implementation, as the design note's §3.3 describes):

1. Profiles that apply to connector ``c``: every ChargePointMaxProfile; TxProfiles on ``c`` while a transaction
   runs there (those naming another transaction do not); TxDefaultProfiles on ``c``, and those on connector 0
   whose stack level ``c`` does not have itself (a connector's own profile shadows connector 0's at its level).
   Connector 0 asks for the grid connection: only ChargePointMaxProfiles.
2. When each profile's periods run: Absolute from ``startSchedule``; Relative from the start of the transaction
   (without one, from the window's start: "as if charging started now"); Recurring from ``startSchedule`` plus a
   whole number of days or weeks, each occurrence ending at the next at the latest. A period ends at the next
   period's start, at the schedule's ``duration``, or at ``validTo``; nothing runs before ``validFrom``.
3. At each instant, per purpose, the running period of the highest stack level prevails.
4. The limit is the lower of ChargePointMax and (TxProfile if one runs, else TxDefault); none of them: no limit
   (``None``: the station charges as it can).
5. Limits are converted to the unit asked for, with W = A x line voltage x phases (phases absent: 3), and rounded
   down to one decimal, so that the result never exceeds a limit and fits 1.6's DecimalOne.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from .charging_profiles import (
    MAX_PHASES,
    ONE_TENTH,
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    InstalledChargingProfile,
)

NOMINAL_VOLTAGE = Decimal(230)
"""Line voltage for converting between W and A (Spec §7.12: the nominal voltage; 230 V in Europe)."""


@dataclass(frozen=True)
class RunningTransaction:
    """The transaction running on the connector, as far as the schedule is concerned."""

    transaction_id: int
    started_at: datetime


@dataclass(frozen=True)
class CompositePeriod:
    start_period: int  # seconds from the schedule's start
    limit: Decimal | None  # None: no profile limits this stretch
    number_phases: int | None = None


@dataclass(frozen=True)
class CompositeSchedule:
    connector_id: int
    schedule_start: datetime
    duration: int
    charging_rate_unit: ChargingRateUnit
    periods: tuple[CompositePeriod, ...]

    def limit_at(self, at: datetime) -> Decimal | None:
        """The limit at an instant of the window (None: unlimited, or outside the window)."""
        offset = (at - self.schedule_start).total_seconds()
        if not 0 <= offset < self.duration:
            return None
        current: Decimal | None = None
        for period in self.periods:
            if period.start_period > offset:
                break
            current = period.limit
        return current

    def as_charging_schedule(self, unlimited: Decimal) -> ChargingSchedule:
        """What GetCompositeSchedule.conf carries: no startSchedule (Errata §3.57), and ``unlimited`` (the
        station's own maximum, in this unit) where no profile limits."""
        filled = _merged(
            CompositePeriod(p.start_period, unlimited if p.limit is None else p.limit, p.number_phases)
            for p in self.periods
        )
        periods = tuple(
            ChargingSchedulePeriod(p.start_period, unlimited if p.limit is None else p.limit, p.number_phases)
            for p in filled
        )
        return ChargingSchedule(self.charging_rate_unit, periods, duration=self.duration)


@dataclass(frozen=True)
class _Piece:
    """One period of one occurrence of a profile, in absolute time."""

    begin: datetime
    end: datetime | None
    limit: Decimal
    number_phases: int | None
    unit: ChargingRateUnit
    stack_level: int

    def runs_at(self, at: datetime) -> bool:
        return self.begin <= at and (self.end is None or at < self.end)


def composite_schedule(
    profiles: Iterable[InstalledChargingProfile],
    connector_id: int,
    start: datetime,
    duration: int,
    unit: ChargingRateUnit = ChargingRateUnit.A,
    *,
    transaction: RunningTransaction | None = None,
    line_voltage: Decimal = NOMINAL_VOLTAGE,
) -> CompositeSchedule:
    """The composite schedule of ``connector_id`` from ``start`` for ``duration`` seconds, in ``unit``."""
    if duration <= 0:
        raise ValueError(f"a composite schedule covers a positive number of seconds, not {duration}")
    end = start + timedelta(seconds=duration)
    maximum, tx, tx_default = _applicable(list(profiles), connector_id, transaction)
    pieces = [
        [piece for p in group for piece in _pieces(p, start, end, transaction)] for group in (maximum, tx, tx_default)
    ]
    cuts = {start}
    for group in pieces:
        for piece in group:
            cuts.update(t for t in (piece.begin, piece.end) if t is not None and start < t < end)
    periods = []
    for at in sorted(cuts):
        station_wide = _prevailing(pieces[0], at)
        transaction_limit = _prevailing(pieces[1], at) or _prevailing(pieces[2], at)
        terms = [p for p in (station_wide, transaction_limit) if p is not None]
        limit = min((_in_unit(p, unit, line_voltage) for p in terms), default=None)
        explicit = [p.number_phases for p in terms if p.number_phases is not None]
        phases = min(p.number_phases or MAX_PHASES for p in terms) if explicit else None
        periods.append(CompositePeriod(int((at - start).total_seconds()), limit, phases))
    return CompositeSchedule(connector_id, start, duration, unit, _merged(periods))


def _applicable(
    profiles: list[InstalledChargingProfile], connector_id: int, transaction: RunningTransaction | None
) -> tuple[list[ChargingProfile], list[ChargingProfile], list[ChargingProfile]]:
    """Step 1: the ChargePointMax, Tx and TxDefault profiles that apply to the connector."""
    maximum = [p.profile for p in profiles if p.profile.purpose is ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE]
    if connector_id == 0:
        return maximum, [], []
    tx = [
        p.profile
        for p in profiles
        if p.profile.purpose is ChargingProfilePurpose.TX_PROFILE
        and p.connector_id == connector_id
        and transaction is not None
        and p.profile.transaction_id in (None, transaction.transaction_id)
    ]
    defaults = [p for p in profiles if p.profile.purpose is ChargingProfilePurpose.TX_DEFAULT_PROFILE]
    own_levels = {p.profile.stack_level for p in defaults if p.connector_id == connector_id}
    tx_default = [
        p.profile
        for p in defaults
        if p.connector_id == connector_id or (p.connector_id == 0 and p.profile.stack_level not in own_levels)
    ]
    return maximum, tx, tx_default


def _pieces(
    profile: ChargingProfile, start: datetime, end: datetime, transaction: RunningTransaction | None
) -> list[_Piece]:
    """Step 2: every period of every occurrence of ``profile`` that overlaps [start, end)."""
    schedule = profile.schedule
    recurrence = profile.recurrency_kind.period if profile.recurrency_kind is not None else None
    pieces = []
    for begins in _occurrences(profile, start, end, transaction):
        stop = begins + timedelta(seconds=schedule.duration) if schedule.duration is not None else None
        if profile.kind is ChargingProfileKind.RECURRING and recurrence is not None:
            # What runs past the next occurrence is not executed (Spec §5.16.4, Errata §3.43/§3.44).
            stop = min(stop, begins + recurrence) if stop is not None else begins + recurrence
        for index, period in enumerate(schedule.periods):
            following = schedule.periods[index + 1] if index + 1 < len(schedule.periods) else None
            first = begins + timedelta(seconds=period.start_period)
            last = begins + timedelta(seconds=following.start_period) if following is not None else None
            last = _earliest(last, stop, profile.valid_to)
            if profile.valid_from is not None:
                first = max(first, profile.valid_from)
            if (last is None or last > first) and first < end and (last is None or last > start):
                unit, level = schedule.charging_rate_unit, profile.stack_level
                pieces.append(_Piece(first, last, period.limit, period.number_phases, unit, level))
    return pieces


def _occurrences(
    profile: ChargingProfile, start: datetime, end: datetime, transaction: RunningTransaction | None
) -> list[datetime]:
    """When the schedule starts: once, or (Recurring) every day or week from its startSchedule on."""
    begins = profile.schedule.start_schedule
    if profile.kind is ChargingProfileKind.RELATIVE or begins is None:
        # Relative, or an Absolute profile without a start (which the spec reads as relative to the start of
        # charging): from the transaction's start, else from the window's.
        return [transaction.started_at if transaction is not None else start]
    if profile.kind is ChargingProfileKind.ABSOLUTE or profile.recurrency_kind is None:
        return [begins]
    every = profile.recurrency_kind.period
    first = max(0, (start - begins) // every)  # the one running at ``start`` (none before startSchedule)
    found = []
    at = begins + first * every
    while at < end:
        found.append(at)
        at += every
    return found


def _earliest(*moments: datetime | None) -> datetime | None:
    given = [m for m in moments if m is not None]
    return min(given) if given else None


def _prevailing(pieces: list[_Piece], at: datetime) -> _Piece | None:
    """Step 3: the running period of the highest stack level (two at one level, which 1.6 forbids: the lower)."""
    running = [p for p in pieces if p.runs_at(at)]
    return min(running, key=lambda p: (-p.stack_level, p.limit), default=None)


def _in_unit(piece: _Piece, unit: ChargingRateUnit, line_voltage: Decimal) -> Decimal:
    """Step 5: the piece's limit in ``unit``, rounded down to one decimal."""
    phases = Decimal(piece.number_phases or MAX_PHASES)
    value = piece.limit
    if piece.unit is not unit:
        value = value / (line_voltage * phases) if unit is ChargingRateUnit.A else value * line_voltage * phases
    return value.quantize(ONE_TENTH, rounding=ROUND_FLOOR)


def _merged(periods: Iterable[CompositePeriod]) -> tuple[CompositePeriod, ...]:
    """Neighbours with the same limit and phases as one period."""
    merged: list[CompositePeriod] = []
    for period in periods:
        if merged and (merged[-1].limit, merged[-1].number_phases) == (period.limit, period.number_phases):
            continue
        merged.append(period)
    return tuple(merged)
