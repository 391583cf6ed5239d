"""Smart charging (OCPP 1.6): charging profiles as values, the rules a profile must follow before it is sent, and
how installed profiles replace and clear one another on a station.

The values carry what 1.6's ``ChargingProfile``, ``ChargingSchedule`` and ``ChargingSchedulePeriod`` carry, under
snake_case names (the operation specs give their OCPP names); limits are Decimals with at most one fraction digit
(1.6's ``DecimalOne``). Each rule says where it comes from: "Spec §x" is OCPP 1.6 edition 2, "Errata §x" its
errata sheet; rules marked *ours* are checks of the central system where the spec leaves room. A broken rule raises
:class:`~ocpp_soap.domain.errors.InvalidCommand` naming the attribute path (``profile.schedule.periods[1].limit``),
which each edge turns into its own names (the API says ``csChargingProfiles.chargingSchedule...``).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ..errors import InvalidCommand


class ChargingProfilePurpose(enum.StrEnum):
    CHARGE_POINT_MAX_PROFILE = "ChargePointMaxProfile"  # the whole station's limit; connector 0 only
    TX_DEFAULT_PROFILE = "TxDefaultProfile"  # the default for new transactions (connector 0: on every connector)
    TX_PROFILE = "TxProfile"  # the limits of one running transaction; ends with it


class ChargingProfileKind(enum.StrEnum):
    ABSOLUTE = "Absolute"  # periods from startSchedule
    RECURRING = "Recurring"  # periods from startSchedule, again every day or week
    RELATIVE = "Relative"  # periods from a start the station chooses (the start of charging)


class RecurrencyKind(enum.StrEnum):
    DAILY = "Daily"
    WEEKLY = "Weekly"

    @property
    def period(self) -> timedelta:
        return timedelta(days=1) if self is RecurrencyKind.DAILY else timedelta(days=7)


class ChargingRateUnit(enum.StrEnum):
    """W: total power over all phases; A: current per phase (Spec §7.12). WSDL order."""

    W = "W"
    A = "A"


ONE_TENTH = Decimal("0.1")
MAX_PHASES = 3


@dataclass(frozen=True)
class ChargingSchedulePeriod:
    """From ``start_period`` seconds after the schedule's start until the next period's: at most ``limit``."""

    start_period: int
    limit: Decimal
    number_phases: int | None = None  # absent: 3 (Spec §7.14)


@dataclass(frozen=True)
class ChargingSchedule:
    charging_rate_unit: ChargingRateUnit
    periods: tuple[ChargingSchedulePeriod, ...]
    duration: int | None = None  # seconds; absent: the last period lasts (Spec §7.13)
    start_schedule: datetime | None = None
    min_charging_rate: Decimal | None = None  # what the vehicle needs at least, in charging_rate_unit


@dataclass(frozen=True)
class ChargingProfile:
    charging_profile_id: int
    stack_level: int
    purpose: ChargingProfilePurpose
    kind: ChargingProfileKind
    schedule: ChargingSchedule
    transaction_id: int | None = None  # TxProfile only
    recurrency_kind: RecurrencyKind | None = None  # Recurring only
    valid_from: datetime | None = None
    valid_to: datetime | None = None


# -- the rules ----------------------------------------------------------------------------------------------------


def check_profile(profile: ChargingProfile, connector_id: int, *, path: str = "profile") -> None:
    """The rules 1.6 gives a profile installed on ``connector_id`` (SetChargingProfile); ``path`` is the profile's
    attribute in the request, the connector is the request's ``connector_id``."""
    if connector_id < 0:
        raise InvalidCommand("connector_id", f"a connector id is 0 (the whole station) or more, got {connector_id}")
    if profile.stack_level < 0:  # Spec §7.8: "integer >= 0 ... Lowest level is 0"
        raise InvalidCommand(f"{path}.stack_level", f"the lowest stack level is 0, got {profile.stack_level}")
    purpose = profile.purpose
    if purpose is ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE and connector_id != 0:  # Spec §3.13.1
        raise InvalidCommand("connector_id", f"a ChargePointMaxProfile is set on connector 0 only, not {connector_id}")
    if purpose is ChargingProfilePurpose.TX_PROFILE and connector_id == 0:  # Spec §3.13.1
        raise InvalidCommand("connector_id", "a TxProfile can only be set on a connector > 0 (0 is the whole station)")
    if profile.transaction_id is not None and purpose is not ChargingProfilePurpose.TX_PROFILE:  # Spec §7.8
        raise InvalidCommand(f"{path}.transaction_id", f"only a TxProfile names a transaction, not a {purpose}")
    if profile.valid_from is not None and profile.valid_to is not None and profile.valid_from >= profile.valid_to:
        raise InvalidCommand(f"{path}.valid_to", "validTo must come after validFrom")  # ours: else never valid
    _check_kind(profile, path)
    check_schedule(profile.schedule, f"{path}.schedule")


def check_remote_start_profile(profile: ChargingProfile, connector_id: int | None, *, path: str) -> None:
    """A profile sent with RemoteStartTransaction: a TxProfile for the transaction about to start, so without a
    transaction id (Spec §5.11, §5.16.2, Errata §3.41), on a connector > 0 that the request names (ours: the
    gateway keeps its copy per connector, so it must know which; the spec leaves the connector to the station)."""
    if connector_id is None:
        raise InvalidCommand("connector_id", "a charging profile is installed on a connector: give connectorId (> 0)")
    if profile.purpose is not ChargingProfilePurpose.TX_PROFILE:
        raise InvalidCommand(f"{path}.purpose", f"RemoteStartTransaction carries a TxProfile, not a {profile.purpose}")
    if profile.transaction_id is not None:
        raise InvalidCommand(f"{path}.transaction_id", "the transaction does not exist yet: leave transactionId out")
    check_profile(profile, connector_id, path=path)


def _check_kind(profile: ChargingProfile, path: str) -> None:
    kind, start = profile.kind, profile.schedule.start_schedule
    if profile.recurrency_kind is not None and kind is not ChargingProfileKind.RECURRING:  # Errata §3.56
        raise InvalidCommand(f"{path}.recurrency_kind", f"only a Recurring profile has a recurrencyKind, not {kind}")
    if kind is ChargingProfileKind.RECURRING:
        if profile.recurrency_kind is None:  # recurrence is defined only through it (Spec §7.9)
            raise InvalidCommand(f"{path}.recurrency_kind", "a Recurring profile needs a recurrencyKind: Daily or Weekly")
        if start is None:  # "at the same time as in the startSchedule" (Errata §3.79)
            raise InvalidCommand(f"{path}.schedule.start_schedule", "a Recurring profile needs a startSchedule")
    elif kind is ChargingProfileKind.ABSOLUTE and start is None:
        # ours: the spec allows it (then it is relative to the start of charging), but that is what Relative is
        # for, some stations refuse it, and the conformance tests expect a central system to send it.
        raise InvalidCommand(f"{path}.schedule.start_schedule", "an Absolute profile needs a startSchedule")
    elif kind is ChargingProfileKind.RELATIVE and start is not None:
        # Relative schedules start where the station says (the start of charging): a start here would be ignored.
        raise InvalidCommand(f"{path}.schedule.start_schedule", "a Relative profile has no startSchedule")


def check_schedule(schedule: ChargingSchedule, path: str) -> None:
    """Periods from 0, strictly in order, limits as 1.6 allows; a positive duration when given."""
    if schedule.duration is not None and schedule.duration <= 0:  # ours: a schedule of no time
        raise InvalidCommand(f"{path}.duration", f"a duration is a positive number of seconds, got {schedule.duration}")
    if schedule.min_charging_rate is not None:
        _check_limit(schedule.min_charging_rate, f"{path}.min_charging_rate")
    if not schedule.periods:  # 1..* in the schema
        raise InvalidCommand(f"{path}.periods", "a schedule needs at least one period")
    previous: int | None = None
    for index, period in enumerate(schedule.periods):
        where = f"{path}.periods[{index}]"
        if previous is None and period.start_period != 0:  # Spec §5.16.4, §7.13, Errata §3.45/§3.70
            raise InvalidCommand(f"{where}.start_period", f"the first period starts at 0, not {period.start_period}")
        if previous is not None and period.start_period <= previous:  # a start is the previous one's end (§7.14)
            raise InvalidCommand(
                f"{where}.start_period",
                f"periods start in strictly increasing order: {period.start_period} comes after {previous}",
            )
        _check_limit(period.limit, f"{where}.limit")
        if period.number_phases is not None and not 1 <= period.number_phases <= MAX_PHASES:
            raise InvalidCommand(f"{where}.number_phases", f"numberPhases is 1, 2 or 3, got {period.number_phases}")
        previous = period.start_period


def _check_limit(value: Decimal, where: str) -> None:
    """DecimalOne (Spec §7.13/§7.14): at most one fraction digit. Zero is allowed: nothing in the spec asks for a
    positive limit, and 0 is how a schedule pauses charging."""
    if not value.is_finite() or value < 0:
        raise InvalidCommand(where, f"a limit is 0 or more, got {value}")
    if value != value.quantize(ONE_TENTH):
        raise InvalidCommand(where, f"at most one digit after the decimal point (e.g. 8.1), got {value}")


def in_decimal_one(profile: ChargingProfile) -> ChargingProfile:
    """The profile with every limit written with one fraction digit (16.50 and 1E+1 as 16.5 and 10.0): the same
    values, in the one form every station's parser takes for a DecimalOne. For a profile that passed the rules."""
    schedule = profile.schedule
    minimum = schedule.min_charging_rate
    return dataclasses.replace(profile, schedule=dataclasses.replace(
        schedule,
        periods=tuple(dataclasses.replace(p, limit=p.limit.quantize(ONE_TENTH)) for p in schedule.periods),
        min_charging_rate=None if minimum is None else minimum.quantize(ONE_TENTH),
    ))


# -- installed profiles -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledChargingProfile:
    """A profile a station accepted, on the connector it was set on, as the gateway keeps its copy."""

    charge_box_id: str
    connector_id: int
    profile: ChargingProfile
    installed_at: datetime

    @property
    def charging_profile_id(self) -> int:
        return self.profile.charging_profile_id

    def is_replaced_by(self, new: InstalledChargingProfile) -> bool:
        """Spec §3.13.2, §5.16.3: a profile with the same id, or with the same stack level and purpose, replaces
        the installed one; the stack level and purpose are compared per connector (a TxDefaultProfile on a
        connector replaces the connector-0 one "only for that specific connector", Spec §3.13.1)."""
        if self.charge_box_id != new.charge_box_id:
            return False
        same_slot = (self.connector_id, self.profile.purpose, self.profile.stack_level) == (
            new.connector_id, new.profile.purpose, new.profile.stack_level,
        )
        return same_slot or self.charging_profile_id == new.charging_profile_id

    def ends_with(self, connector_id: int, transaction_id: int) -> bool:
        """Whether the end of this transaction on this connector ends this profile: a TxProfile "SHALL cease to be
        valid when the transaction terminates" (Spec §7.10); one sent with RemoteStart names no transaction."""
        return (
            self.profile.purpose is ChargingProfilePurpose.TX_PROFILE
            and self.connector_id == connector_id
            and self.profile.transaction_id in (None, transaction_id)
        )


@dataclass(frozen=True)
class ClearCriteria:
    """What a ClearChargingProfile asks to clear (Spec §6.13 with Errata §3.25/§3.26): with an id, that profile and
    nothing else; otherwise every profile matching all the given fields (connector 0: the profiles of the whole
    station; no connector: any); nothing given at all, every profile."""

    charging_profile_id: int | None = None
    connector_id: int | None = None
    purpose: ChargingProfilePurpose | None = None
    stack_level: int | None = None

    def matches(self, installed: InstalledChargingProfile) -> bool:
        if self.charging_profile_id is not None:
            return installed.charging_profile_id == self.charging_profile_id
        return (
            (self.connector_id is None or installed.connector_id == self.connector_id)
            and (self.purpose is None or installed.profile.purpose is self.purpose)
            and (self.stack_level is None or installed.profile.stack_level == self.stack_level)
        )


def replaced_by(
    installed: Iterable[InstalledChargingProfile], new: InstalledChargingProfile
) -> list[InstalledChargingProfile]:
    """The installed profiles that ``new`` replaces."""
    return [old for old in installed if old.is_replaced_by(new)]


def cleared_by(
    installed: Iterable[InstalledChargingProfile], criteria: ClearCriteria
) -> list[InstalledChargingProfile]:
    """The installed profiles that a ClearChargingProfile with ``criteria`` removes."""
    return [old for old in installed if criteria.matches(old)]
