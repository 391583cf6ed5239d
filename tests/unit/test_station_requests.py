"""Requests to stations through the bus: refusals before sending, the call through the station client of the
bound version, state following the answer, and the command log. The client is a recording fake of the port, and
the bus is the one bootstrap builds, on a fake unit of work."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import model as m
from ocpp_soap.domain import station_requests as sr
from ocpp_soap.domain.errors import (
    InvalidCommand,
    OperationNotSupported,
    TransactionNotOpen,
    UnknownReservation,
    UnknownStation,
)
from ocpp_soap.domain.model import AuthorizationStatus, Protocol, RegistrationStatus, Station, Transaction
from ocpp_soap.handlers import OWN_TRANSACTION_HANDLERS
from ocpp_soap.operations import to_wire
from ocpp_soap.operations.results import added_fields
from ocpp_soap.operations.shapes import read
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ADDRESS = "http://192.0.2.10:8080/ChargePointService"


class FakeVersion:
    """What a version's station client saw: each call as (address, station, the request's OCPP fields)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, sr.StationCall]] = []
        self.next: sr.StationCallResult[Any] = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"status": "Accepted"})


class FakeStationClient:
    """The station-client port, recording per version; an answer given as OCPP fields is read into the request's
    answer type, as the SOAP edge reads a station's answer."""

    def __init__(self, versions: dict[Protocol, FakeVersion]) -> None:
        self.versions = versions

    def unsupported_field(self, protocol: Protocol, request: sr.StationRequest[Any]) -> str | None:
        return None

    def call(self, protocol: Protocol, address: str, request: sr.StationRequest[Any]) -> sr.StationCallResult[Any]:
        version = self.versions[protocol]
        version.calls.append((address, request.charge_box_id, sr.StationCall(request.operation, to_wire(request))))
        result = version.next
        if isinstance(result.answer, dict):
            result = dataclasses.replace(result, answer=read(request.answer_type, result.answer, strict=False))
        return result


class Setup:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.v15, self.v12 = FakeVersion(), FakeVersion()
        client = FakeStationClient({Protocol.OCPP15_SOAP: self.v15, Protocol.OCPP12_SOAP: self.v12})
        self.bus = bootstrap(Settings(), uow_factory=lambda: self.uow, clock=lambda: NOW, station_client=client).bus
        self.uow.seed_station(
            Station("CB15", RegistrationStatus.ACCEPTED, protocol=Protocol.OCPP15_SOAP, endpoint_address=ADDRESS)
        )
        self.uow.seed_station(
            Station("CB12", RegistrationStatus.ACCEPTED, protocol=Protocol.OCPP12_SOAP, endpoint_address=ADDRESS)
        )

    def send(self, command: sr.StationRequest[Any]) -> sr.StationCallResult[Any]:
        result = self.bus.handle(command)
        assert isinstance(result, sr.StationCallResult)
        return result


def added(result: sr.StationCallResult[Any]) -> dict[str, Any]:
    """What the gateway filled into the request it sent, under OCPP names (as the API reports it)."""
    assert result.sent is not None
    asked = dataclasses.replace(result.sent, **{f: None for f in ("reservation_id", "list_version") if hasattr(result.sent, f)})
    return added_fields(asked, result.sent)


@pytest.fixture
def s() -> Setup:
    return Setup()


def test_command_goes_to_the_client_of_the_bound_version_and_is_logged(s: Setup) -> None:
    result = s.send(sr.RequestRemoteStart("CB12", id_tag="TAG", connector_id=2))
    assert result.answered and result.status == "Accepted"
    assert s.v15.calls == []
    ((address, charge_box_id, call),) = s.v12.calls
    assert (address, charge_box_id, call.operation, call.fields) == (
        ADDRESS, "CB12", "RemoteStartTransaction", {"idTag": "TAG", "connectorId": 2},
    )
    (entry,) = s.uow.command_log.entries
    assert (entry.operation, entry.outcome, entry.answer, entry.parameters) == (
        "RemoteStartTransaction", "answered", {"status": "Accepted"}, {"idTag": "TAG", "connectorId": 2},
    )
    assert result.log_id == 1


def test_a_1_2_station_is_refused_a_1_5_operation_before_anything_is_sent(s: Setup) -> None:
    with pytest.raises(OperationNotSupported, match="ocpp1.2-soap has no GetConfiguration"):
        s.send(sr.RequestGetConfiguration("CB12"))
    assert s.v12.calls == [] and s.uow.command_log.entries == []


def test_unknown_station(s: Setup) -> None:
    with pytest.raises(UnknownStation):
        s.send(sr.RequestReset("NOPE", type=sr.ResetType.SOFT))


def test_station_without_address_is_a_result_not_an_exception(s: Setup) -> None:
    s.uow.seed_station(
        Station("MUTE", RegistrationStatus.ACCEPTED, protocol=Protocol.OCPP15_SOAP, address_problem="no wsa:From address")
    )
    result = s.send(sr.RequestReset("MUTE", type=sr.ResetType.HARD))
    assert result.outcome is sr.CallOutcome.NO_ADDRESS
    assert "no wsa:From address" in (result.error or "")
    assert s.v15.calls == []
    assert s.uow.command_log.entries[0].outcome == "no-address"


@pytest.mark.parametrize("outcome", [sr.CallOutcome.TIMEOUT, sr.CallOutcome.UNREACHABLE, sr.CallOutcome.FAULT])
def test_failures_are_results_and_logged(s: Setup, outcome: sr.CallOutcome) -> None:
    s.v15.next = sr.StationCallResult(outcome, error="it went wrong", duration_ms=12.5)
    result = s.send(sr.RequestClearCache("CB15"))
    assert result.outcome is outcome and not result.answered
    (entry,) = s.uow.command_log.entries
    assert (entry.outcome, entry.error, entry.duration_ms) == (outcome.value, "it went wrong", 12.5)


def test_remote_stop_only_for_a_transaction_open_on_that_station(s: Setup) -> None:
    with s.uow:
        open_id = s.uow.transactions.add(Transaction("CB15", 1, "T", NOW, 0, AuthorizationStatus.ACCEPTED))
        other_id = s.uow.transactions.add(Transaction("CB12", 1, "T", NOW, 0, AuthorizationStatus.ACCEPTED))
        s.uow.commit()
    assert s.send(sr.RequestRemoteStop("CB15", transaction_id=open_id)).answered
    for bad in (other_id, 999):
        with pytest.raises(TransactionNotOpen):
            s.send(sr.RequestRemoteStop("CB15", transaction_id=bad))


def test_reserve_now_generates_and_stores_the_reservation(s: Setup) -> None:
    expiry = NOW + timedelta(hours=1)
    first = s.send(sr.RequestReserveNow("CB15", connector_id=1, expiry_date=expiry, id_tag="TAG"))
    s.v15.next = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"status": "Occupied"})
    second = s.send(sr.RequestReserveNow("CB15", connector_id=2, expiry_date=expiry, id_tag="TAG"))
    assert added(first)["reservationId"] != added(second)["reservationId"]
    assert s.v15.calls[0][2].fields["reservationId"] == added(first)["reservationId"]
    assert s.uow.reservations.get(added(first)["reservationId"]).state is m.ReservationState.ACCEPTED
    assert s.uow.reservations.get(added(second)["reservationId"]).state is m.ReservationState.OCCUPIED

    s.v15.next = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"status": "Accepted"})
    s.send(sr.RequestCancelReservation("CB15", reservation_id=added(first)["reservationId"]))
    assert s.uow.reservations.get(added(first)["reservationId"]).state is m.ReservationState.CANCELLED
    with pytest.raises(UnknownReservation):  # cancelled already
        s.send(sr.RequestCancelReservation("CB15", reservation_id=added(first)["reservationId"]))


def test_reservation_in_the_past_is_refused(s: Setup) -> None:
    with pytest.raises(InvalidCommand) as info:
        s.send(sr.RequestReserveNow("CB15", connector_id=1, expiry_date=NOW - timedelta(minutes=1), id_tag="T"))
    assert info.value.field == "expiry_date"  # the domain names the attribute; the API says expiryDate


def test_reserve_now_that_never_arrived_is_failed(s: Setup) -> None:
    s.v15.next = sr.StationCallResult(sr.CallOutcome.TIMEOUT, error="slow")
    result = s.send(sr.RequestReserveNow("CB15", connector_id=1, expiry_date=NOW + timedelta(hours=1), id_tag="T"))
    assert s.uow.reservations.get(added(result)["reservationId"]).state is m.ReservationState.FAILED


def test_send_local_list_keeps_list_and_version_and_get_version_compares(s: Setup) -> None:
    entries = (
        m.LocalListEntry("A", AuthorizationStatus.ACCEPTED),
        m.LocalListEntry("B", AuthorizationStatus.BLOCKED, parent_id_tag="P"),
    )
    full = s.send(sr.RequestSendLocalList("CB15", m.UpdateType.FULL, entries))
    assert added(full) == {"listVersion": 1}
    diff = s.send(
        sr.RequestSendLocalList("CB15", m.UpdateType.DIFFERENTIAL, (m.LocalListEntry("A"), m.LocalListEntry("C", AuthorizationStatus.ACCEPTED)))
    )
    assert added(diff) == {"listVersion": 2}
    stored = s.uow.local_lists.get("CB15")
    assert stored.version == 2 and set(stored.entries) == {"B", "C"}

    s.v15.next = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"listVersion": 2})
    assert s.send(sr.RequestGetLocalListVersion("CB15")).remarks == sr.LocalListVersionCheck(2, list_version_matches=True)
    s.v15.next = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"listVersion": 0})
    assert s.send(sr.RequestGetLocalListVersion("CB15")).remarks.list_version_matches is False


def test_refused_local_list_changes_nothing(s: Setup) -> None:
    s.v15.next = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"status": "VersionMismatch"})
    s.send(sr.RequestSendLocalList("CB15", m.UpdateType.FULL, ()))
    assert s.uow.local_lists.get("CB15") is None


def test_configuration_copy_follows_change_and_get(s: Setup) -> None:
    s.send(sr.RequestChangeConfiguration("CB15", key="HeartbeatInterval", value="300"))
    s.v15.next = sr.StationCallResult(
        sr.CallOutcome.ANSWERED,
        {"configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "300"},
                              {"key": "NumberOfConnectors", "readonly": True, "value": "2"}],
         "unknownKey": ["Nope"]},
    )
    result = s.send(sr.RequestGetConfiguration("CB15", keys=("HeartbeatInterval", "NumberOfConnectors", "Nope")))
    assert result.remarks == sr.ConfigurationStored(stored_keys=2, unknown_keys=("Nope",))
    stored = {v.key: (v.value, v.readonly) for v in s.uow.configuration.get_all("CB15")}
    assert stored == {"HeartbeatInterval": ("300", False), "NumberOfConnectors": ("2", True)}


def test_rejected_configuration_change_is_not_stored(s: Setup) -> None:
    s.v15.next = sr.StationCallResult(sr.CallOutcome.ANSWERED, {"status": "Rejected"})
    s.send(sr.RequestChangeConfiguration("CB15", key="K", value="V"))
    assert s.uow.configuration.get_all("CB15") == []


def test_every_operator_command_has_a_handler() -> None:
    assert set(sr.STATION_REQUESTS) <= set(OWN_TRANSACTION_HANDLERS)


def test_a_start_with_the_reservation_id_uses_the_reservation(s: Setup) -> None:
    from ocpp_soap.domain import station_messages as messages
    from ocpp_soap.domain.model import StationOrigin

    reserved = s.send(sr.RequestReserveNow("CB15", connector_id=1, expiry_date=NOW + timedelta(hours=1), id_tag="TAG"))
    reservation_id = added(reserved)["reservationId"]
    origin = StationOrigin("CB15", Protocol.OCPP15_SOAP, ADDRESS)
    s.bus.handle(messages.StartTransaction(origin, 1, "TAG", NOW, 0, reservation_id=reservation_id))
    assert s.uow.reservations.get(reservation_id).state is m.ReservationState.USED
