"""The composite schedule of installed profiles: the design note's worked example (§3.3) and each step of the
computation on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ocpp_soap.domain.model import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    CompositeSchedule,
    InstalledChargingProfile,
    RecurrencyKind,
    RunningTransaction,
    composite_schedule,
)

X = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)
MAX = ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE
DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE
TX = ChargingProfilePurpose.TX_PROFILE
A, W = ChargingRateUnit.A, ChargingRateUnit.W


def at(hour: int, minute: int = 0, day: int = 6) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


def installed(
    profile_id: int, connector_id: int, purpose: ChargingProfilePurpose, stack_level: int,
    kind: ChargingProfileKind, periods: list[tuple[int, str] | tuple[int, str, int]], *,
    start: datetime | None = None, duration: int | None = None, unit: ChargingRateUnit = A,
    recurrency: RecurrencyKind | None = None, transaction_id: int | None = None,
    valid_from: datetime | None = None, valid_to: datetime | None = None,
) -> InstalledChargingProfile:
    schedule = ChargingSchedule(
        unit, tuple(ChargingSchedulePeriod(p[0], Decimal(p[1]), p[2] if len(p) > 2 else None) for p in periods),  # type: ignore[misc]
        duration, start,
    )
    profile = ChargingProfile(profile_id, stack_level, purpose, kind, schedule, transaction_id, recurrency,
                              valid_from, valid_to)
    return InstalledChargingProfile("CB", connector_id, profile, X)


def limits(schedule: CompositeSchedule) -> list[tuple[int, str | None]]:
    return [(p.start_period, None if p.limit is None else str(p.limit)) for p in schedule.periods]


ABSOLUTE, RECURRING, RELATIVE = ChargingProfileKind.ABSOLUTE, ChargingProfileKind.RECURRING, ChargingProfileKind.RELATIVE

# The design note's worked example (§3.3).
NOTE = [
    installed(1, 0, MAX, 0, ABSOLUTE, [(0, "32"), (5400, "20")], start=at(11)),
    installed(2, 0, DEFAULT, 0, RECURRING, [(0, "16"), (43200, "10"), (64800, "16")],
              start=datetime(2024, 1, 1, tzinfo=UTC), recurrency=RecurrencyKind.DAILY),
    installed(3, 1, DEFAULT, 1, ABSOLUTE, [(0, "6")], start=at(12, 10), duration=1200),
]


def test_the_worked_example_in_ampere() -> None:
    schedule = composite_schedule(NOTE, 1, X, 3600)
    assert limits(schedule) == [(0, "10.0"), (600, "6.0"), (1800, "10.0")]
    assert (schedule.connector_id, schedule.schedule_start, schedule.duration, schedule.charging_rate_unit) == (
        1, X, 3600, A)


def test_the_worked_example_in_watt() -> None:
    assert limits(composite_schedule(NOTE, 1, X, 3600, W)) == [(0, "6900.0"), (600, "4140.0"), (1800, "6900.0")]


def test_the_worked_example_with_a_tx_profile_replacing_the_defaults() -> None:
    tx = installed(4, 1, TX, 0, RELATIVE, [(0, "8"), (1800, "12")], transaction_id=42)
    schedule = composite_schedule([*NOTE, tx], 1, X, 3600, transaction=RunningTransaction(42, at(11, 50)))
    assert limits(schedule) == [(0, "8.0"), (1200, "12.0")]  # CPMax (32, then 20) never binds


def test_the_worked_example_on_a_connector_without_its_own_profile() -> None:
    assert limits(composite_schedule(NOTE, 2, X, 3600)) == [(0, "10.0")]


def test_connector_0_is_the_grid_connection_the_charge_point_maximum() -> None:
    assert limits(composite_schedule(NOTE, 0, X, 3600)) == [(0, "32.0"), (1800, "20.0")]


def test_without_profiles_nothing_limits() -> None:
    assert limits(composite_schedule([], 1, X, 600)) == [(0, None)]


def test_after_a_duration_a_lower_stack_level_takes_over() -> None:
    # Like the conformance test TC_072: two TxDefault profiles, the higher one for the first 150 s only.
    profiles = [
        installed(1, 1, DEFAULT, 0, ABSOLUTE, [(0, "6"), (100, "8"), (200, "10")], start=X, duration=400),
        installed(2, 1, DEFAULT, 1, ABSOLUTE, [(0, "5")], start=X, duration=150),
    ]
    assert limits(composite_schedule(profiles, 1, X, 500)) == [(0, "5.0"), (150, "8.0"), (200, "10.0"), (400, None)]


def test_a_highest_stack_level_without_duration_never_falls_back() -> None:
    profiles = [
        installed(1, 1, DEFAULT, 0, ABSOLUTE, [(0, "6")], start=X),
        installed(2, 1, DEFAULT, 1, ABSOLUTE, [(0, "16"), (300, "20")], start=X),
    ]
    assert limits(composite_schedule(profiles, 1, X, 600)) == [(0, "16.0"), (300, "20.0")]


def test_valid_from_and_valid_to_bound_a_profile() -> None:
    profiles = [
        installed(1, 1, DEFAULT, 0, ABSOLUTE, [(0, "16")], start=X),
        installed(2, 1, DEFAULT, 1, ABSOLUTE, [(0, "6")], start=X - timedelta(hours=1),
                  valid_from=X + timedelta(minutes=10), valid_to=X + timedelta(minutes=20)),
    ]
    assert limits(composite_schedule(profiles, 1, X, 3600)) == [(0, "16.0"), (600, "6.0"), (1200, "16.0")]


def test_a_profile_not_yet_started_limits_nothing_before_its_start() -> None:
    profiles = [installed(1, 1, DEFAULT, 0, ABSOLUTE, [(0, "16")], start=X + timedelta(minutes=5))]
    assert limits(composite_schedule(profiles, 1, X, 600)) == [(0, None), (300, "16.0")]


def test_recurring_weekly_repeats_on_the_same_weekday() -> None:
    monday_8 = datetime(2024, 4, 29, 8, tzinfo=UTC)  # a Monday
    profiles = [installed(1, 0, MAX, 0, RECURRING, [(0, "10"), (3600, "20")], start=monday_8,
                          recurrency=RecurrencyKind.WEEKLY)]
    next_monday_7 = datetime(2024, 5, 6, 7, tzinfo=UTC)
    assert limits(composite_schedule(profiles, 1, next_monday_7, 3 * 3600)) == [(0, "20.0"), (3600, "10.0"), (7200, "20.0")]


def test_a_recurring_duration_longer_than_a_day_is_cut_at_the_next_day() -> None:
    # Spec §5.16.4: what runs past the next recurrence is not executed; the next occurrence starts afresh.
    profiles = [installed(1, 1, DEFAULT, 0, RECURRING, [(0, "6"), (82800, "8")], start=at(0, day=1),
                          duration=90000, recurrency=RecurrencyKind.DAILY)]
    assert limits(composite_schedule(profiles, 1, at(22), 4 * 3600)) == [(0, "6.0"), (3600, "8.0"), (7200, "6.0")]


def test_a_recurring_profile_does_not_reach_back_before_its_start() -> None:
    profiles = [installed(1, 1, DEFAULT, 0, RECURRING, [(0, "6")], start=X + timedelta(hours=1), duration=600,
                          recurrency=RecurrencyKind.DAILY)]
    assert limits(composite_schedule(profiles, 1, X, 2 * 3600)) == [(0, None), (3600, "6.0"), (4200, None)]


def test_relative_without_a_transaction_starts_with_the_window() -> None:
    profiles = [installed(1, 1, DEFAULT, 0, RELATIVE, [(0, "6"), (600, "16")])]
    assert limits(composite_schedule(profiles, 1, X, 1800)) == [(0, "6.0"), (600, "16.0")]
    running = RunningTransaction(7, X - timedelta(minutes=5))
    assert limits(composite_schedule(profiles, 1, X, 1800, transaction=running)) == [(0, "6.0"), (300, "16.0")]


def test_tx_profiles_apply_only_to_their_running_transaction() -> None:
    profiles = [
        installed(1, 1, DEFAULT, 0, ABSOLUTE, [(0, "16")], start=X),
        installed(2, 1, TX, 0, RELATIVE, [(0, "8")], transaction_id=42),
    ]
    assert limits(composite_schedule(profiles, 1, X, 600)) == [(0, "16.0")]  # no transaction runs
    other = RunningTransaction(43, X)
    assert limits(composite_schedule(profiles, 1, X, 600, transaction=other)) == [(0, "16.0")]
    assert limits(composite_schedule(profiles, 1, X, 600, transaction=RunningTransaction(42, X))) == [(0, "8.0")]
    assert limits(composite_schedule(profiles, 2, X, 600, transaction=RunningTransaction(42, X))) == [(0, None)]


def test_a_connectors_own_default_shadows_connector_0s_at_the_same_level() -> None:
    profiles = [
        installed(1, 0, DEFAULT, 0, ABSOLUTE, [(0, "6")], start=X),
        installed(2, 1, DEFAULT, 0, ABSOLUTE, [(0, "16")], start=X),
    ]
    assert limits(composite_schedule(profiles, 1, X, 600)) == [(0, "16.0")]
    assert limits(composite_schedule(profiles, 2, X, 600)) == [(0, "6.0")]


def test_units_convert_with_the_periods_phases_and_round_down() -> None:
    profiles = [
        installed(1, 0, MAX, 0, ABSOLUTE, [(0, "7360", 1), (600, "10000")], start=X, unit=W),
    ]
    schedule = composite_schedule(profiles, 1, X, 1200, A)
    # 7360 W on one phase at 230 V is 32 A; 10000 W on three phases is 14.49 A, rounded down to 14.4.
    assert limits(schedule) == [(0, "32.0"), (600, "14.4")]
    assert [p.number_phases for p in schedule.periods] == [1, None]
    assert limits(composite_schedule(profiles, 1, X, 1200, A, line_voltage=Decimal(110))) == [(0, "66.9"), (600, "30.3")]


def test_the_lower_of_station_maximum_and_transaction_limit_wins_with_its_phases() -> None:
    profiles = [
        installed(1, 0, MAX, 0, ABSOLUTE, [(0, "20", 3)], start=X),
        installed(2, 1, DEFAULT, 0, ABSOLUTE, [(0, "16", 1), (300, "32", 1)], start=X),
    ]
    schedule = composite_schedule(profiles, 1, X, 600)
    assert limits(schedule) == [(0, "16.0"), (300, "20.0")]
    assert [p.number_phases for p in schedule.periods] == [1, 1]  # the fewest phases of those that apply


def test_as_the_answer_of_get_composite_schedule() -> None:
    profiles = [installed(1, 1, DEFAULT, 0, ABSOLUTE, [(0, "16")], start=X + timedelta(minutes=5), duration=300)]
    schedule = composite_schedule(profiles, 1, X, 900)
    answer = schedule.as_charging_schedule(Decimal("32"))
    assert answer.start_schedule is None and answer.duration == 900 and answer.charging_rate_unit is A
    assert [(p.start_period, p.limit) for p in answer.periods] == [(0, Decimal(32)), (300, Decimal(16)), (600, Decimal(32))]
    assert schedule.limit_at(X + timedelta(minutes=6)) == Decimal("16.0")
    assert schedule.limit_at(X) is None and schedule.limit_at(X + timedelta(hours=1)) is None


def test_a_window_of_no_time_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        composite_schedule([], 1, X, 0)
