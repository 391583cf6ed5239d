"""The 1.6 charging-profile rules, each broken and kept, with the attribute path each error names; and how installed
profiles replace and clear one another."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ocpp_soap.domain.errors import InvalidCommand
from ocpp_soap.domain.model import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    ClearCriteria,
    InstalledChargingProfile,
    RecurrencyKind,
    check_profile,
    check_remote_start_profile,
    cleared_by,
    in_decimal_one,
    replaced_by,
)

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
MAX = ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE
DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE
TX = ChargingProfilePurpose.TX_PROFILE
ABSOLUTE, RECURRING, RELATIVE = ChargingProfileKind.ABSOLUTE, ChargingProfileKind.RECURRING, ChargingProfileKind.RELATIVE


def period(start: int = 0, limit: str = "16", phases: int | None = None) -> ChargingSchedulePeriod:
    return ChargingSchedulePeriod(start, Decimal(limit), phases)


def profile(schedule: dict[str, Any] | None = None, **changes: Any) -> ChargingProfile:
    """A valid profile (TxDefaultProfile, Absolute, 16 A then 10 A), with ``changes`` (and ``schedule`` changes)."""
    base = ChargingSchedule(ChargingRateUnit.A, (period(0, "16"), period(3600, "10")), start_schedule=T0)
    return dataclasses.replace(
        ChargingProfile(1, 0, DEFAULT, ABSOLUTE, dataclasses.replace(base, **(schedule or {}))), **changes
    )


def refused(profile_: ChargingProfile, connector_id: int = 1) -> str:
    with pytest.raises(InvalidCommand) as info:
        check_profile(profile_, connector_id)
    assert info.value.field is not None
    return info.value.field


# Each rule broken: (why, connector, the profile) -> the attribute path named.
BROKEN = [
    ("negative connector", -1, profile(), "connector_id"),
    ("stack level below 0 (Spec §7.8)", 1, profile(stack_level=-1), "profile.stack_level"),
    ("ChargePointMaxProfile off connector 0 (Spec §3.13.1)", 1, profile(purpose=MAX), "connector_id"),
    ("TxProfile on connector 0 (Spec §3.13.1)", 0, profile(purpose=TX), "connector_id"),
    ("transactionId on a TxDefaultProfile (Spec §7.8)", 1, profile(transaction_id=7), "profile.transaction_id"),
    ("transactionId on a ChargePointMaxProfile", 0, profile(purpose=MAX, transaction_id=7), "profile.transaction_id"),
    ("validTo before validFrom", 1, profile(valid_from=T0, valid_to=T0 - timedelta(seconds=1)), "profile.valid_to"),
    ("validTo equal to validFrom", 1, profile(valid_from=T0, valid_to=T0), "profile.valid_to"),
    ("recurrencyKind on an Absolute profile (Errata §3.56)", 1, profile(recurrency_kind=RecurrencyKind.DAILY),
     "profile.recurrency_kind"),
    ("recurrencyKind on a Relative profile", 1,
     profile(kind=RELATIVE, recurrency_kind=RecurrencyKind.WEEKLY, schedule={"start_schedule": None}),
     "profile.recurrency_kind"),
    ("Recurring without recurrencyKind", 1, profile(kind=RECURRING), "profile.recurrency_kind"),
    ("Recurring without startSchedule (Errata §3.79)", 1,
     profile(kind=RECURRING, recurrency_kind=RecurrencyKind.DAILY, schedule={"start_schedule": None}),
     "profile.schedule.start_schedule"),
    ("Absolute without startSchedule (ours)", 1, profile(schedule={"start_schedule": None}),
     "profile.schedule.start_schedule"),
    ("Relative with a startSchedule", 1, profile(kind=RELATIVE), "profile.schedule.start_schedule"),
    ("duration 0", 1, profile(schedule={"duration": 0}), "profile.schedule.duration"),
    ("negative duration", 1, profile(schedule={"duration": -60}), "profile.schedule.duration"),
    ("negative minChargingRate", 1, profile(schedule={"min_charging_rate": Decimal("-1")}),
     "profile.schedule.min_charging_rate"),
    ("minChargingRate with two decimals", 1, profile(schedule={"min_charging_rate": Decimal("6.25")}),
     "profile.schedule.min_charging_rate"),
    ("no period", 1, profile(schedule={"periods": ()}), "profile.schedule.periods"),
    ("first period not at 0 (Spec §5.16.4)", 1, profile(schedule={"periods": (period(60),)}),
     "profile.schedule.periods[0].start_period"),
    ("periods out of order", 1, profile(schedule={"periods": (period(0), period(600), period(300))}),
     "profile.schedule.periods[2].start_period"),
    ("two periods at one start", 1, profile(schedule={"periods": (period(0), period(0))}),
     "profile.schedule.periods[1].start_period"),
    ("negative limit", 1, profile(schedule={"periods": (period(0, "-0.1"),)}), "profile.schedule.periods[0].limit"),
    ("limit with two decimals (DecimalOne)", 1, profile(schedule={"periods": (period(0), period(60, "16.25"))}),
     "profile.schedule.periods[1].limit"),
    ("limit not a number", 1, profile(schedule={"periods": (period(0, "NaN"),)}), "profile.schedule.periods[0].limit"),
    ("no phases", 1, profile(schedule={"periods": (period(0, "16", 0),)}),
     "profile.schedule.periods[0].number_phases"),
    ("four phases", 1, profile(schedule={"periods": (period(0, "16", 4),)}),
     "profile.schedule.periods[0].number_phases"),
]

# Each rule kept, at its edge.
KEPT = [
    ("the default profile", 1, profile()),
    ("stack level 0", 1, profile(stack_level=0)),
    ("a high stack level", 1, profile(stack_level=99)),
    ("ChargePointMaxProfile on connector 0", 0, profile(purpose=MAX)),
    ("TxDefaultProfile on connector 0: every connector (Errata §3.53)", 0, profile()),
    ("TxProfile on a connector, with its transaction", 2, profile(purpose=TX, transaction_id=7)),
    ("TxProfile without a transactionId (the gateway fills it in)", 2, profile(purpose=TX)),
    ("validFrom before validTo", 1, profile(valid_from=T0, valid_to=T0 + timedelta(seconds=1))),
    ("only validTo, also on a TxProfile (Errata §3.65)", 1, profile(purpose=TX, valid_to=T0)),
    ("Recurring Daily from a start", 1, profile(kind=RECURRING, recurrency_kind=RecurrencyKind.DAILY)),
    ("Recurring Weekly from a start", 1, profile(kind=RECURRING, recurrency_kind=RecurrencyKind.WEEKLY)),
    ("Relative without a start", 1, profile(kind=RELATIVE, schedule={"start_schedule": None})),
    ("a duration of one second", 1, profile(schedule={"duration": 1})),
    ("minChargingRate with one decimal", 1, profile(schedule={"min_charging_rate": Decimal("6.5")})),
    ("minChargingRate 0", 1, profile(schedule={"min_charging_rate": Decimal("0")})),
    ("one period at 0", 1, profile(schedule={"periods": (period(0),)})),
    ("limit 0 pauses charging: limits are >= 0, not > 0", 1, profile(schedule={"periods": (period(0, "0"),)})),
    ("a limit with one decimal", 1, profile(schedule={"periods": (period(0, "16.5"),)})),
    ("a limit written 16.50 is 16.5", 1, profile(schedule={"periods": (period(0, "16.50"),)})),
    ("a limit in W", 1, profile(schedule={"charging_rate_unit": ChargingRateUnit.W, "periods": (period(0, "11000"),)})),
    ("1, 2 and 3 phases", 1, profile(schedule={"periods": (period(0, "16", 1), period(1, "16", 2), period(2, "16", 3))})),
]


@pytest.mark.parametrize(("why", "connector_id", "profile_", "field"), BROKEN, ids=[case[0] for case in BROKEN])
def test_a_broken_rule_names_the_attribute(why: str, connector_id: int, profile_: ChargingProfile, field: str) -> None:
    assert refused(profile_, connector_id) == field


@pytest.mark.parametrize(("why", "connector_id", "profile_"), KEPT, ids=[case[0] for case in KEPT])
def test_a_kept_rule_passes(why: str, connector_id: int, profile_: ChargingProfile) -> None:
    check_profile(profile_, connector_id)


def test_the_message_says_what_is_wrong() -> None:
    with pytest.raises(InvalidCommand, match=r"profile.schedule.periods\[1\].limit: at most one digit .* 16.25"):
        check_profile(profile(schedule={"periods": (period(0), period(60, "16.25"))}), 1)


def test_the_path_starts_where_the_request_holds_the_profile() -> None:
    with pytest.raises(InvalidCommand) as info:
        check_profile(profile(stack_level=-1), 1, path="charging_profile")
    assert info.value.field == "charging_profile.stack_level"


def test_limits_go_out_in_decimal_ones_one_form() -> None:
    given = profile(schedule={"periods": (period(0, "16.50"), period(60, "1E+1"), period(120, "0")),
                              "min_charging_rate": Decimal("6.00")})
    check_profile(given, 1)
    sent = in_decimal_one(given)
    assert [str(p.limit) for p in sent.schedule.periods] == ["16.5", "10.0", "0.0"]
    assert str(sent.schedule.min_charging_rate) == "6.0"
    assert sent == given  # the same values


# RemoteStartTransaction with a profile (Spec §5.11, §5.16.2, Errata §3.41)

TX_PROFILE = profile(purpose=TX, kind=RELATIVE, schedule={"start_schedule": None})


@pytest.mark.parametrize(
    ("connector_id", "profile_", "field"),
    [
        (None, TX_PROFILE, "connector_id"),
        (0, TX_PROFILE, "connector_id"),
        (1, dataclasses.replace(TX_PROFILE, purpose=DEFAULT), "charging_profile.purpose"),
        (1, dataclasses.replace(TX_PROFILE, transaction_id=5), "charging_profile.transaction_id"),
        (1, dataclasses.replace(TX_PROFILE, stack_level=-1), "charging_profile.stack_level"),
        (1, profile(purpose=TX, schedule={"periods": (period(5),)}), "charging_profile.schedule.periods[0].start_period"),
    ],
)
def test_remote_start_profile_refused(connector_id: int | None, profile_: ChargingProfile, field: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        check_remote_start_profile(profile_, connector_id, path="charging_profile")
    assert info.value.field == field


@pytest.mark.parametrize("profile_", [TX_PROFILE, profile(purpose=TX)])
def test_remote_start_profile_kept(profile_: ChargingProfile) -> None:
    check_remote_start_profile(profile_, 1, path="charging_profile")


# Installing and clearing


def installed(profile_id: int, connector_id: int, purpose: ChargingProfilePurpose = DEFAULT, stack_level: int = 0,
              station: str = "CB", transaction_id: int | None = None) -> InstalledChargingProfile:
    return InstalledChargingProfile(
        station, connector_id,
        profile(charging_profile_id=profile_id, purpose=purpose, stack_level=stack_level, transaction_id=transaction_id),
        T0,
    )


STORED = [
    installed(1, 0, MAX),
    installed(2, 0, DEFAULT, 0),
    installed(3, 1, DEFAULT, 0),
    installed(4, 1, DEFAULT, 1),
    installed(5, 2, TX, 0, transaction_id=42),
    installed(6, 1, TX, 0),
]


def ids(profiles: list[InstalledChargingProfile]) -> set[int]:
    return {p.charging_profile_id for p in profiles}


@pytest.mark.parametrize(
    ("new", "replaced"),
    [
        (installed(3, 2, TX, 5), {3}),  # the same id, wherever it is (Spec §3.13.2)
        (installed(9, 1, DEFAULT, 1), {4}),  # the same stack level and purpose on the same connector
        (installed(9, 0, DEFAULT, 1), set()),  # ... but not on another connector (Spec §3.13.1)
        (installed(9, 1, TX, 1), set()),  # another purpose
        (installed(4, 1, DEFAULT, 0), {3, 4}),  # its own id, and the slot of another
        (installed(9, 1, DEFAULT, 0, station="OTHER"), set()),  # another station's
        (installed(9, 1, TX, 0, transaction_id=43), {6}),  # a RemoteStart TxProfile, replaced (Errata §3.42)
    ],
)
def test_what_a_new_profile_replaces(new: InstalledChargingProfile, replaced: set[int]) -> None:
    assert ids(replaced_by(STORED, new)) == replaced


@pytest.mark.parametrize(
    ("criteria", "cleared"),
    [
        (ClearCriteria(), {1, 2, 3, 4, 5, 6}),  # nothing given: all
        (ClearCriteria(charging_profile_id=4), {4}),
        (ClearCriteria(charging_profile_id=99), set()),
        (ClearCriteria(charging_profile_id=4, connector_id=0), {4}),  # with an id, the rest is ignored (Errata §3.25)
        (ClearCriteria(connector_id=0), {1, 2}),  # connector 0: the whole station's
        (ClearCriteria(connector_id=1), {3, 4, 6}),
        (ClearCriteria(purpose=DEFAULT), {2, 3, 4}),
        (ClearCriteria(stack_level=1), {4}),
        (ClearCriteria(connector_id=1, purpose=DEFAULT), {3, 4}),  # every field given must match
        (ClearCriteria(connector_id=1, purpose=DEFAULT, stack_level=0), {3}),
        (ClearCriteria(connector_id=2, purpose=DEFAULT), set()),
    ],
)
def test_what_a_clear_removes(criteria: ClearCriteria, cleared: set[int]) -> None:
    assert ids(cleared_by(STORED, criteria)) == cleared


def test_a_transaction_ends_its_tx_profiles_only() -> None:
    ended = {p.charging_profile_id for p in STORED if p.ends_with(2, 42)}
    assert ended == {5}
    assert {p.charging_profile_id for p in STORED if p.ends_with(1, 77)} == {6}  # from RemoteStart: no id
    assert not [p for p in STORED if p.ends_with(2, 43)]  # another transaction's
