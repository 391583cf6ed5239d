"""The fail-fast memory of stations that could not be reached (ocpp_soap.handlers.reachability), on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ocpp_soap.domain.model import RegistrationStatus, Station
from ocpp_soap.domain.station_requests import CallOutcome, StationCallResult
from ocpp_soap.handlers.reachability import Reachability

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
FAILED = StationCallResult(CallOutcome.TIMEOUT, error="the station did not answer within 30 s", duration_ms=30000)


def station(address: str = "http://10.0.0.5/cp", last_seen: datetime = T0 - timedelta(minutes=5)) -> Station:
    return Station("CB1", RegistrationStatus.ACCEPTED, endpoint_address=address, last_seen_at=last_seen)


def test_a_failure_is_repeated_at_once_for_the_period_then_the_station_is_called_again() -> None:
    memory = Reachability(period_s=30)
    memory.note(station(), T0, T0 + timedelta(seconds=30), FAILED)
    recalled = memory.recall(station(), T0 + timedelta(seconds=40))
    assert recalled is not None and recalled.outcome is CallOutcome.TIMEOUT and recalled.duration_ms == 0
    assert recalled.error is not None and recalled.error.startswith("not called: the last call 10 s ago failed")
    assert recalled.error.endswith(FAILED.error)
    assert memory.recall(station(), T0 + timedelta(seconds=61)) is None


def test_a_message_from_the_station_or_a_new_address_means_call_it() -> None:
    memory = Reachability()
    memory.note(station(), T0, T0 + timedelta(seconds=5), FAILED)
    assert memory.recall(station(last_seen=T0 + timedelta(seconds=1)), T0 + timedelta(seconds=6)) is None
    assert memory.recall(station(address="http://10.0.0.6/cp"), T0 + timedelta(seconds=6)) is None
    assert memory.recall(station(), T0 + timedelta(seconds=6)) is not None


def test_any_answer_forgets_and_other_outcomes_are_not_remembered() -> None:
    memory = Reachability()
    memory.note(station(), T0, T0, FAILED)
    memory.note(station(), T0, T0, StationCallResult(CallOutcome.FAULT, error="a SOAP Fault"))
    assert memory.recall(station(), T0 + timedelta(seconds=1)) is None
    memory.note(station(), T0, T0, StationCallResult(CallOutcome.BAD_ANSWER))
    assert memory.recall(station(), T0 + timedelta(seconds=1)) is None
