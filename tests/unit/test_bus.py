"""The command bus: one transaction per command, retries after a conflict, events after the commit, handlers
that run their own transactions, dependencies injected by name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ocpp_soap import bus as bus_module
from ocpp_soap.bus import MessageBus
from ocpp_soap.domain import events
from ocpp_soap.domain import station_messages as messages
from ocpp_soap.domain.errors import ConcurrencyConflict, NoHandler
from ocpp_soap.domain.model import RegistrationStatus, Station
from ocpp_soap.domain.station_requests import RequestReset, ResetType
from ocpp_soap.handlers import OWN_TRANSACTION_HANDLERS

from .fakes import FakeUnitOfWork
from .harness import DETAILS, Clock, Harness, origin

MAX_ATTEMPTS = bus_module.MAX_ATTEMPTS


def test_a_failing_subscriber_does_not_fail_the_command_nor_other_subscribers(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(event: events.Event) -> None:
        raise RuntimeError("subscriber broke")

    later: list[events.Event] = []
    h.bus.subscribe(events.StationBooted, explode)
    h.bus.subscribe(events.StationBooted, later.append)

    result = h.handle(messages.BootChargingStation(origin(), DETAILS))

    assert result.status is RegistrationStatus.PENDING
    assert h.uow.committed
    assert h.uow.stations.get("CB1") is not None
    assert len(later) == 1
    assert "subscriber broke" in caplog.text


def boot_then_fail(cmd: messages.BootChargingStation, uow: FakeUnitOfWork) -> None:
    uow.stations.add(Station(cmd.origin.charge_box_id, RegistrationStatus.ACCEPTED))
    uow.events.append(
        events.StationBooted(cmd.origin.charge_box_id, cmd.origin.protocol, RegistrationStatus.ACCEPTED, 1)
    )
    raise RuntimeError("handler failed half-way")


def test_nothing_is_committed_nor_published_when_a_handler_raises() -> None:
    uow = FakeUnitOfWork()
    published: list[events.Event] = []
    bus = MessageBus(
        lambda: uow, {messages.BootChargingStation: boot_then_fail}, event_handlers={events.StationBooted: [published.append]}
    )

    with pytest.raises(RuntimeError, match="half-way"):
        bus.handle(messages.BootChargingStation(origin(), DETAILS))

    assert not uow.committed
    assert uow.commits == 0
    assert uow.stations.get("CB1") is None
    assert published == []


def test_a_command_without_handler_is_a_programming_error(h: Harness) -> None:
    bus = MessageBus(lambda: h.uow, {})
    with pytest.raises(NoHandler):
        bus.handle(messages.RecordHeartbeat(origin()))
    assert not bus.handles(messages.RecordHeartbeat)
    assert h.bus.handles(messages.RecordHeartbeat)


def flaky(failures: int) -> Callable[[messages.RecordHeartbeat, FakeUnitOfWork], str]:
    calls = {"n": 0}

    def handler(cmd: messages.RecordHeartbeat, uow: FakeUnitOfWork) -> str:
        calls["n"] += 1
        uow.stations.add(Station(f"S{calls['n']}", RegistrationStatus.ACCEPTED))
        if calls["n"] <= failures:
            raise ConcurrencyConflict("lost a race")
        return f"attempt {calls['n']}"

    return handler


def test_a_storage_conflict_is_retried_from_scratch() -> None:
    uow = FakeUnitOfWork()
    bus = MessageBus(lambda: uow, {messages.RecordHeartbeat: flaky(failures=MAX_ATTEMPTS - 1)})

    assert bus.handle(messages.RecordHeartbeat(origin())) == f"attempt {MAX_ATTEMPTS}"
    assert uow.commits == 1
    assert [s.charge_box_id for s in uow.stations] == [f"S{MAX_ATTEMPTS}"]


def test_a_storage_conflict_that_persists_is_raised() -> None:
    uow = FakeUnitOfWork()
    bus = MessageBus(lambda: uow, {messages.RecordHeartbeat: flaky(failures=MAX_ATTEMPTS)})

    with pytest.raises(ConcurrencyConflict):
        bus.handle(messages.RecordHeartbeat(origin()))
    assert uow.commits == 0
    assert list(uow.stations) == []


def test_commands_given_a_unit_of_work_join_it_and_leave_commit_and_events_to_the_caller() -> None:
    uow = FakeUnitOfWork()
    bus = MessageBus(lambda: uow, {messages.RecordHeartbeat: flaky(failures=0)})

    with uow:
        assert bus.handle(messages.RecordHeartbeat(origin()), uow=uow) == "attempt 1"
        assert bus.handle(messages.RecordHeartbeat(origin()), uow=uow) == "attempt 2"
        assert uow.commits == 0
        uow.commit()
    assert [s.charge_box_id for s in uow.stations] == ["S1", "S2"]


def test_a_command_with_its_own_transactions_cannot_join_one(accepted: Harness) -> None:
    assert RequestReset in OWN_TRANSACTION_HANDLERS
    with accepted.uow, pytest.raises(TypeError, match="its own transactions"):
        accepted.bus.handle(RequestReset("CB1", ResetType.SOFT), uow=accepted.uow)


def test_handlers_get_only_the_dependencies_they_name(accepted: Harness) -> None:
    received: dict[str, object] = {}

    def handler(cmd: messages.RecordHeartbeat, uow: FakeUnitOfWork, clock: Clock) -> None:
        received["clock"] = clock

    bus = MessageBus(
        lambda: accepted.uow,
        {messages.RecordHeartbeat: handler},
        dependencies={"clock": accepted.clock, "auto_accept": False},
    )
    bus.handle(messages.RecordHeartbeat(origin()))
    assert received == {"clock": accepted.clock}


def test_a_dependency_the_bus_lacks_fails_when_the_bus_is_built(accepted: Harness) -> None:
    def handler(cmd: messages.RecordHeartbeat, uow: FakeUnitOfWork, clock: Clock, mailer: object) -> None:
        pass

    with pytest.raises(TypeError, match="mailer"):
        MessageBus(lambda: accepted.uow, {messages.RecordHeartbeat: handler}, dependencies={"clock": accepted.clock})
