"""SetChargingProfile, ClearChargingProfile, GetCompositeSchedule, TriggerMessage and RemoteStart with a profile,
through the bus bootstrap builds, on a fake unit of work and a fake station client: what is refused before
anything is sent, what is sent, and how the stored profiles follow the station's answer (and only an answer)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import station_messages as messages
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import FieldNotSupported, InvalidCommand, OperationNotSupported
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    Protocol,
    RegistrationStatus,
    Station,
    StationOrigin,
    Transaction,
)
from ocpp_soap.operations.results import added_fields
from tests.unit.fake_station_client import FakeStationClient, lacking
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ADDRESS = "http://192.0.2.16:8080/ChargePointService"
MAX = ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE
DEFAULT = ChargingProfilePurpose.TX_DEFAULT_PROFILE
TX = ChargingProfilePurpose.TX_PROFILE


def profile(profile_id: int = 1, purpose: ChargingProfilePurpose = DEFAULT, stack_level: int = 0,
            transaction_id: int | None = None, limit: str = "16") -> ChargingProfile:
    relative = purpose is TX
    return ChargingProfile(
        profile_id, stack_level, purpose,
        ChargingProfileKind.RELATIVE if relative else ChargingProfileKind.ABSOLUTE,
        ChargingSchedule(ChargingRateUnit.A, (ChargingSchedulePeriod(0, Decimal(limit)),),
                         start_schedule=None if relative else NOW),
        transaction_id=transaction_id,
    )


class Setup:
    def __init__(self, smart: Protocol) -> None:
        self.smart = smart
        self.uow = FakeUnitOfWork()
        self.client = FakeStationClient(smart)
        self.bus = bootstrap(Settings(), uow_factory=lambda: self.uow, clock=lambda: NOW, station_client=self.client).bus
        self.uow.seed_station(Station("CB", RegistrationStatus.ACCEPTED, protocol=smart, endpoint_address=ADDRESS))

    def send(self, request: sr.StationRequest[Any]) -> sr.StationCallResult[Any]:
        result = self.bus.handle(request)
        assert isinstance(result, sr.StationCallResult)
        return result

    def stored(self) -> dict[int, tuple[int, ChargingProfilePurpose, int]]:
        """Stored profiles: id -> (connector, purpose, stack level)."""
        return {p.charging_profile_id: (p.connector_id, p.profile.purpose, p.profile.stack_level)
                for p in self.uow.charging_profiles.for_station("CB")}

    def open_transaction(self, connector_id: int = 1, started: datetime = NOW) -> int:
        return self.uow.seed_transaction(
            Transaction("CB", connector_id, "TAG", started, 0, AuthorizationStatus.ACCEPTED)).stored_id

    def set(self, connector_id: int, profile_: ChargingProfile) -> sr.StationCallResult[Any]:
        return self.send(sr.RequestSetChargingProfile("CB", connector_id=connector_id, profile=profile_))


@pytest.fixture
def s() -> Setup:
    return Setup(Protocol.OCPP16_SOAP)


# SetChargingProfile


def test_an_accepted_profile_is_sent_and_stored(s: Setup) -> None:
    result = s.set(0, profile(1, MAX))
    assert result.answered and result.status == "Accepted"
    (fields,) = s.client.sent("SetChargingProfile")
    assert fields["connectorId"] == 0
    assert fields["csChargingProfiles"]["chargingProfilePurpose"] == "ChargePointMaxProfile"
    assert fields["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": Decimal(16)}]
    assert s.stored() == {1: (0, MAX, 0)}
    assert result.remarks == sr.ChargingProfilesChanged(installed=(1,), removed=())
    (entry,) = s.uow.command_log.entries
    assert entry.operation == "SetChargingProfile" and entry.answer == {"status": "Accepted"}
    assert entry.parameters["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 16}]


@pytest.mark.parametrize("status", ["Rejected", "NotSupported"])
def test_a_refused_profile_is_not_stored(s: Setup, status: str) -> None:
    s.client.answer("SetChargingProfile", {"status": status})
    result = s.set(1, profile())
    assert result.answered and result.status == status and result.remarks is None
    assert s.stored() == {}


@pytest.mark.parametrize("outcome", [sr.CallOutcome.TIMEOUT, sr.CallOutcome.UNREACHABLE, sr.CallOutcome.FAULT,
                                     sr.CallOutcome.BAD_ANSWER])
def test_a_profile_without_an_answer_is_not_stored(s: Setup, outcome: sr.CallOutcome) -> None:
    s.client.fail("SetChargingProfile", outcome)
    assert s.set(1, profile()).outcome is outcome
    assert s.stored() == {} and s.uow.command_log.entries[0].outcome == outcome.value


def test_a_station_without_address_gets_nothing_and_stores_nothing(s: Setup) -> None:
    s.uow.seed_station(Station("MUTE", RegistrationStatus.ACCEPTED, protocol=s.smart, address_problem="no From"))
    result = s.send(sr.RequestSetChargingProfile("MUTE", connector_id=1, profile=profile()))
    assert result.outcome is sr.CallOutcome.NO_ADDRESS and s.client.calls == []
    assert s.uow.charging_profiles.for_station("MUTE") == []


def test_limits_are_sent_with_one_fraction_digit(s: Setup) -> None:
    s.set(1, profile(limit="16.50"))
    s.send(sr.RequestRemoteStart("CB", id_tag="T", connector_id=1, charging_profile=profile(2, TX, limit="1E+1")))
    (set_fields,) = s.client.sent("SetChargingProfile")
    (start_fields,) = s.client.sent("RemoteStartTransaction")
    assert str(set_fields["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]) == "16.5"
    assert str(start_fields["chargingProfile"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]) == "10.0"


def test_a_profile_with_the_same_id_or_slot_replaces_the_stored_one(s: Setup) -> None:
    s.set(1, profile(1, DEFAULT, 0))
    s.set(1, profile(2, DEFAULT, 1))
    s.set(0, profile(3, DEFAULT, 0))  # connector 0's default is another slot than connector 1's
    assert s.stored() == {1: (1, DEFAULT, 0), 2: (1, DEFAULT, 1), 3: (0, DEFAULT, 0)}
    result = s.set(1, profile(4, DEFAULT, 1, limit="10"))  # the slot of 2
    assert result.remarks == sr.ChargingProfilesChanged(installed=(4,), removed=(2,))
    s.set(0, profile(1, MAX, 0))  # the id of 1, moved to connector 0 as a maximum
    assert s.stored() == {1: (0, MAX, 0), 3: (0, DEFAULT, 0), 4: (1, DEFAULT, 1)}
    assert s.uow.charging_profiles.for_station("CB")[-1].profile.schedule.periods[0].limit == Decimal(10)


def test_a_profile_breaking_a_rule_is_refused_before_anything_is_sent(s: Setup) -> None:
    bad = dataclasses.replace(profile(), schedule=dataclasses.replace(
        profile().schedule, periods=(ChargingSchedulePeriod(0, Decimal(16)), ChargingSchedulePeriod(0, Decimal(8)))))
    with pytest.raises(InvalidCommand) as info:
        s.set(1, bad)
    assert info.value.field == "profile.schedule.periods[1].start_period"
    with pytest.raises(InvalidCommand) as info:
        s.set(1, profile(1, MAX))
    assert info.value.field == "connector_id"
    assert s.client.calls == [] and s.uow.command_log.entries == []


def test_a_tx_profile_gets_the_transaction_open_on_its_connector(s: Setup) -> None:
    s.open_transaction(1, NOW - timedelta(hours=3))  # a session whose stop was lost
    current = s.open_transaction(1, NOW - timedelta(minutes=5))
    result = s.set(1, profile(7, TX))
    assert s.client.sent("SetChargingProfile")[0]["csChargingProfiles"]["transactionId"] == current
    assert result.sent is not None
    assert added_fields(sr.RequestSetChargingProfile("CB", 1, profile(7, TX)), result.sent) == {
        "csChargingProfiles": {"transactionId": current}}
    stored = s.uow.charging_profiles.for_station("CB")[0]
    assert stored.profile.transaction_id == current and stored.connector_id == 1


def test_a_tx_profile_naming_its_open_transaction_goes_as_it_is(s: Setup) -> None:
    current = s.open_transaction(2)
    s.set(2, profile(7, TX, transaction_id=current))
    assert s.client.sent("SetChargingProfile")[0]["csChargingProfiles"]["transactionId"] == current


def test_a_tx_profile_without_an_open_transaction_is_refused(s: Setup) -> None:
    with pytest.raises(InvalidCommand, match="none is open on connector 1") as info:
        s.set(1, profile(7, TX))
    assert info.value.field == "connector_id"
    elsewhere = s.open_transaction(2)
    with pytest.raises(InvalidCommand, match=f"transaction {elsewhere} is not open on connector 1") as info:
        s.set(1, profile(7, TX, transaction_id=elsewhere))
    assert info.value.field == "profile.transaction_id"
    assert s.client.calls == []


def test_a_version_without_smart_charging_is_refused_before_sending(s: Setup) -> None:
    assert Protocol.OCPP12_SOAP in lacking("SetChargingProfile")
    for protocol in lacking("SetChargingProfile"):
        s.uow.seed_station(Station("OLD", RegistrationStatus.ACCEPTED, protocol=protocol, endpoint_address=ADDRESS))
        for request in (
            sr.RequestSetChargingProfile("OLD", connector_id=1, profile=profile()),
            sr.RequestClearChargingProfile("OLD"),
            sr.RequestGetCompositeSchedule("OLD", connector_id=1, duration=60),
            sr.RequestTriggerMessage("OLD", requested_message=sr.MessageTrigger.HEARTBEAT),
        ):
            with pytest.raises(OperationNotSupported, match=f"has no {request.operation}"):
                s.send(request)
    assert s.client.calls == []


# RemoteStartTransaction with a profile


def test_remote_start_with_a_profile_stores_it_when_accepted(s: Setup) -> None:
    result = s.send(sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=2, charging_profile=profile(9, TX)))
    assert result.status == "Accepted"
    sent = s.client.sent("RemoteStartTransaction")[0]
    assert sent["connectorId"] == 2 and sent["chargingProfile"]["chargingProfilePurpose"] == "TxProfile"
    assert "transactionId" not in sent["chargingProfile"]
    assert s.stored() == {9: (2, TX, 0)}


def test_remote_start_refused_by_the_station_stores_nothing(s: Setup) -> None:
    s.client.answer("RemoteStartTransaction", {"status": "Rejected"})
    s.send(sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=2, charging_profile=profile(9, TX)))
    s.client.fail("RemoteStartTransaction", sr.CallOutcome.TIMEOUT)
    s.send(sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=2, charging_profile=profile(9, TX)))
    assert s.stored() == {}


def test_remote_start_without_a_profile_stores_nothing(s: Setup) -> None:
    s.send(sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=2))
    assert s.stored() == {} and "chargingProfile" not in s.client.sent("RemoteStartTransaction")[0]


@pytest.mark.parametrize(
    ("connector_id", "profile_", "field"),
    [
        (None, profile(9, TX), "connector_id"),
        (1, profile(9, DEFAULT), "charging_profile.purpose"),
        (1, profile(9, TX, transaction_id=3), "charging_profile.transaction_id"),
    ],
)
def test_remote_start_with_a_wrong_profile_is_refused_before_sending(
    s: Setup, connector_id: int | None, profile_: ChargingProfile, field: str
) -> None:
    with pytest.raises(InvalidCommand) as info:
        s.send(sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=connector_id, charging_profile=profile_))
    assert info.value.field == field and s.client.calls == []


def test_remote_start_with_a_profile_to_a_version_that_cannot_carry_it(s: Setup) -> None:
    s.uow.seed_station(Station("OLD", RegistrationStatus.ACCEPTED, protocol=Protocol.OCPP12_SOAP,
                               endpoint_address=ADDRESS))
    with pytest.raises(FieldNotSupported, match="cannot carry charging_profile") as info:
        s.send(sr.RequestRemoteStart("OLD", id_tag="TAG", connector_id=1, charging_profile=profile(9, TX)))
    assert info.value.field == "charging_profile"
    assert s.client.calls == [] and s.uow.command_log.entries == []


# ClearChargingProfile


@pytest.fixture
def stocked(s: Setup) -> Setup:
    s.set(0, profile(1, MAX, 0))
    s.set(0, profile(2, DEFAULT, 0))
    s.set(1, profile(3, DEFAULT, 0))
    s.set(1, profile(4, DEFAULT, 1))
    s.client.calls.clear()
    return s


@pytest.mark.parametrize(
    ("request_", "left"),
    [
        (sr.RequestClearChargingProfile("CB"), set()),
        (sr.RequestClearChargingProfile("CB", id=4), {1, 2, 3}),
        (sr.RequestClearChargingProfile("CB", connector_id=0), {3, 4}),
        (sr.RequestClearChargingProfile("CB", purpose=DEFAULT), {1}),
        (sr.RequestClearChargingProfile("CB", stack_level=0), {4}),
        (sr.RequestClearChargingProfile("CB", connector_id=1, purpose=DEFAULT, stack_level=0), {1, 2, 4}),
        (sr.RequestClearChargingProfile("CB", connector_id=2), {1, 2, 3, 4}),
    ],
)
def test_clear_removes_what_the_station_cleared(
    stocked: Setup, request_: sr.RequestClearChargingProfile, left: set[int]
) -> None:
    result = stocked.send(request_)
    assert set(stocked.stored()) == left
    assert result.remarks == sr.ChargingProfilesChanged(removed=tuple(sorted({1, 2, 3, 4} - left)))
    (fields,) = stocked.client.sent("ClearChargingProfile")
    assert fields == {k: v for k, v in {"id": request_.id, "connectorId": request_.connector_id,
                      "chargingProfilePurpose": request_.purpose and request_.purpose.value,
                      "stackLevel": request_.stack_level}.items() if v is not None}


def test_clear_answered_unknown_leaves_no_matching_copy(stocked: Setup) -> None:
    # Unknown: "no profile(s) were found matching the request": the copies that match are stale.
    stocked.client.answer("ClearChargingProfile", {"status": "Unknown"})
    stocked.send(sr.RequestClearChargingProfile("CB", connector_id=1))
    assert set(stocked.stored()) == {1, 2}


@pytest.mark.parametrize("outcome", [sr.CallOutcome.TIMEOUT, sr.CallOutcome.FAULT, sr.CallOutcome.UNREACHABLE])
def test_clear_without_an_answer_keeps_everything(stocked: Setup, outcome: sr.CallOutcome) -> None:
    stocked.client.fail("ClearChargingProfile", outcome)
    stocked.send(sr.RequestClearChargingProfile("CB"))
    assert set(stocked.stored()) == {1, 2, 3, 4}


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (sr.RequestClearChargingProfile("CB", id=4, connector_id=1), "id"),
        (sr.RequestClearChargingProfile("CB", id=4, stack_level=0), "id"),
        (sr.RequestClearChargingProfile("CB", connector_id=-1), "connector_id"),
        (sr.RequestClearChargingProfile("CB", stack_level=-1), "stack_level"),
    ],
)
def test_clear_with_wrong_criteria_is_refused(stocked: Setup, request_: sr.RequestClearChargingProfile, field: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        stocked.send(request_)
    assert info.value.field == field and stocked.client.calls == []


# The end of a transaction ends its TxProfiles


def test_stopping_a_transaction_ends_its_tx_profiles(s: Setup) -> None:
    transaction_id = s.open_transaction(1)
    other = s.open_transaction(2)
    s.set(1, profile(7, TX))
    s.set(2, profile(8, TX))
    s.set(1, profile(3, DEFAULT))
    origin = StationOrigin("CB", s.smart, ADDRESS)
    s.bus.handle(messages.StopTransaction(origin, transaction_id, NOW, 100))
    assert set(s.stored()) == {8, 3}
    s.bus.handle(messages.StartTransaction(origin, 2, "TAG2", NOW, 0))  # supersedes the open one on connector 2
    assert set(s.stored()) == {3}
    superseded = s.uow.transactions.get(other)
    assert superseded is not None and superseded.stop_reason == "SupersededByNewStart"


def test_a_remote_start_profile_ends_with_the_transaction_it_started(s: Setup) -> None:
    s.send(sr.RequestRemoteStart("CB", id_tag="TAG", connector_id=1, charging_profile=profile(9, TX)))
    origin = StationOrigin("CB", s.smart, ADDRESS)
    started = s.bus.handle(messages.StartTransaction(origin, 1, "TAG", NOW, 0))
    assert set(s.stored()) == {9}
    s.bus.handle(messages.StopTransaction(origin, started.transaction_id, NOW, 100))
    assert s.stored() == {}


# GetCompositeSchedule and TriggerMessage


def test_the_composite_schedule_answer_is_typed_and_kept_in_the_command_log(s: Setup) -> None:
    s.client.answer("GetCompositeSchedule", {
        "status": "Accepted", "connectorId": 1, "scheduleStart": "2026-11-24T12:00:00Z",
        "chargingSchedule": {"duration": 3600, "chargingRateUnit": "A", "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": Decimal("10.0")}, {"startPeriod": 600, "limit": Decimal("6.0"), "numberPhases": 1}]},
    })
    result = s.send(sr.RequestGetCompositeSchedule("CB", connector_id=1, duration=3600,
                                                   charging_rate_unit=ChargingRateUnit.A))
    answer = result.answer
    assert isinstance(answer, sr.GetCompositeScheduleAnswer)
    assert answer.schedule_start == NOW and answer.charging_schedule is not None
    assert answer.charging_schedule.periods[1] == ChargingSchedulePeriod(600, Decimal(6), 1)
    assert s.client.sent("GetCompositeSchedule") == [{"connectorId": 1, "duration": 3600, "chargingRateUnit": "A"}]
    (entry,) = s.uow.command_log.entries
    assert entry.answer == {
        "status": "Accepted", "connectorId": 1, "scheduleStart": "2026-11-24T12:00:00+00:00",
        "chargingSchedule": {"duration": 3600, "chargingRateUnit": "A", "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 10}, {"startPeriod": 600, "limit": 6, "numberPhases": 1}]},
    }
    assert s.stored() == {}


def test_a_rejected_composite_schedule_has_no_schedule(s: Setup) -> None:
    s.client.answer("GetCompositeSchedule", {"status": "Rejected"})
    result = s.send(sr.RequestGetCompositeSchedule("CB", connector_id=5, duration=60))
    assert result.answer == sr.GetCompositeScheduleAnswer(sr.GetCompositeScheduleStatus.REJECTED)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (sr.RequestGetCompositeSchedule("CB", connector_id=1, duration=0), "duration"),
        (sr.RequestGetCompositeSchedule("CB", connector_id=-1, duration=60), "connector_id"),
        (sr.RequestTriggerMessage("CB", sr.MessageTrigger.METER_VALUES, connector_id=0), "connector_id"),
        (sr.RequestTriggerMessage("CB", sr.MessageTrigger.STATUS_NOTIFICATION, connector_id=-1), "connector_id"),
    ],
)
def test_wrong_fields_are_refused_before_sending(s: Setup, request_: sr.StationRequest[Any], field: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        s.send(request_)
    assert info.value.field == field and s.client.calls == []


@pytest.mark.parametrize("status", ["Accepted", "Rejected", "NotImplemented"])
def test_the_trigger_answer_is_recorded(s: Setup, status: str) -> None:
    s.client.answer("TriggerMessage", {"status": status})
    result = s.send(sr.RequestTriggerMessage("CB", sr.MessageTrigger.STATUS_NOTIFICATION, connector_id=0))
    assert result.status == status
    assert s.client.sent("TriggerMessage") == [{"requestedMessage": "StatusNotification", "connectorId": 0}]
    (entry,) = s.uow.command_log.entries
    assert entry.answer == {"status": status}
    assert entry.parameters == {"requestedMessage": "StatusNotification", "connectorId": 0}
