"""Domain rules without storage: id tag verdicts, a station's boot and binding, the wire registration status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ocpp_soap.domain.model import (
    AuthorizationStatus,
    BootDetails,
    IdTag,
    IdTagInfo,
    Protocol,
    RegistrationStatus,
    Station,
    StationOrigin,
    Transaction,
    authorize,
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ADDRESS = "http://192.0.2.10:8080/ChargePointService"
OTHER = "http://192.0.2.20:8080/ChargePointService"
DETAILS = BootDetails("ACME", "Wallbox 1")


# --- authorize() ----------------------------------------------------------------------------------------------------


def test_unknown_tag_is_invalid() -> None:
    assert authorize(None, NOW) == IdTagInfo(AuthorizationStatus.INVALID)
    assert authorize(None, NOW, in_open_transaction=True) == IdTagInfo(AuthorizationStatus.INVALID)


def test_accepted_tag_without_expiry_is_accepted_with_its_parent() -> None:
    tag = IdTag("T1", AuthorizationStatus.ACCEPTED, parent_id_tag="P")
    assert authorize(tag, NOW) == IdTagInfo(AuthorizationStatus.ACCEPTED, None, "P")


def test_accepted_tag_before_its_expiry_is_accepted_and_told_the_expiry() -> None:
    expiry = NOW + timedelta(seconds=1)
    tag = IdTag("T1", AuthorizationStatus.ACCEPTED, expiry, "P")
    assert authorize(tag, NOW) == IdTagInfo(AuthorizationStatus.ACCEPTED, expiry, "P")


@pytest.mark.parametrize("expiry", [NOW, NOW - timedelta(days=1)])
def test_accepted_tag_at_or_past_its_expiry_is_expired(expiry: datetime) -> None:
    tag = IdTag("T1", AuthorizationStatus.ACCEPTED, expiry, "P")
    assert authorize(tag, NOW) == IdTagInfo(AuthorizationStatus.EXPIRED, expiry, "P")


def test_expiry_compares_instants_not_wall_clock_times() -> None:
    # 13:30 at +02:00 is 11:30 UTC: before NOW (12:00 UTC), so expired although 13:30 > 12:00 on the wall.
    expiry = datetime(2024, 5, 1, 13, 30, tzinfo=timezone(timedelta(hours=2)))
    tag = IdTag("T1", AuthorizationStatus.ACCEPTED, expiry)
    assert authorize(tag, NOW).status is AuthorizationStatus.EXPIRED


@pytest.mark.parametrize(
    "status", [AuthorizationStatus.BLOCKED, AuthorizationStatus.INVALID, AuthorizationStatus.EXPIRED]
)
def test_a_stored_refusal_stands_whatever_else_holds(status: AuthorizationStatus) -> None:
    tag = IdTag("T1", status, NOW + timedelta(days=1), "P")
    assert authorize(tag, NOW).status is status
    assert authorize(tag, NOW, in_open_transaction=True).status is status


def test_accepted_tag_in_an_open_transaction_is_concurrent_tx() -> None:
    tag = IdTag("T1", AuthorizationStatus.ACCEPTED, parent_id_tag="P")
    assert authorize(tag, NOW, in_open_transaction=True) == IdTagInfo(AuthorizationStatus.CONCURRENT_TX, None, "P")


def test_expiry_wins_over_concurrent_tx() -> None:
    tag = IdTag("T1", AuthorizationStatus.ACCEPTED, NOW - timedelta(seconds=1))
    assert authorize(tag, NOW, in_open_transaction=True).status is AuthorizationStatus.EXPIRED


def test_enum_values_are_the_spec_strings() -> None:
    assert [s.value for s in RegistrationStatus] == ["Accepted", "Rejected", "Pending"]
    assert AuthorizationStatus.CONCURRENT_TX == "ConcurrentTx"


# --- Station --------------------------------------------------------------------------------------------------------


def origin(
    protocol: Protocol = Protocol.OCPP15_SOAP, address: str | None = ADDRESS, problem: str | None = None
) -> StationOrigin:
    return StationOrigin("CB1", protocol, address, problem)


@pytest.mark.parametrize(
    ("auto_accept", "status"), [(False, RegistrationStatus.PENDING), (True, RegistrationStatus.ACCEPTED)]
)
def test_first_boot_is_pending_unless_auto_accept(auto_accept: bool, status: RegistrationStatus) -> None:
    station = Station.first_boot("CB1", auto_accept=auto_accept, now=NOW)
    assert station.registration_status is status
    assert station.is_accepted is (status is RegistrationStatus.ACCEPTED)
    assert station.first_seen_at == NOW
    assert station.boot_count == 0
    assert station.protocol is None
    assert not station.reachable
    assert station.address_problem


def test_record_boot_binds_protocol_details_and_address() -> None:
    station = Station.first_boot("CB1", auto_accept=True, now=NOW)
    changed = station.record_boot(origin(), DETAILS, NOW)

    assert changed is False  # a first binding is not a change
    assert station.protocol is Protocol.OCPP15_SOAP
    assert station.details == DETAILS
    assert station.boot_count == 1
    assert station.last_boot_at == station.last_seen_at == NOW
    assert station.endpoint_address == ADDRESS
    assert station.address_problem is None
    assert station.reachable


def test_record_boot_reports_a_protocol_change() -> None:
    station = Station.first_boot("CB1", auto_accept=True, now=NOW)
    station.record_boot(origin(Protocol.OCPP15_SOAP), DETAILS, NOW)
    later = NOW + timedelta(hours=1)

    assert station.record_boot(origin(Protocol.OCPP15_SOAP), DETAILS, later) is False
    assert station.record_boot(origin(Protocol.OCPP12_SOAP), DETAILS, later) is True
    assert station.protocol is Protocol.OCPP12_SOAP
    assert station.boot_count == 3
    assert station.last_boot_at == later
    assert station.first_seen_at == NOW


def test_record_boot_without_address_forgets_the_old_one() -> None:
    station = Station.first_boot("CB1", auto_accept=True, now=NOW)
    station.record_boot(origin(), DETAILS, NOW)

    station.record_boot(origin(address=None, problem="wsa:From is the anonymous address"), DETAILS, NOW)
    assert station.endpoint_address is None
    assert station.address_problem == "wsa:From is the anonymous address"
    assert not station.reachable

    station.record_boot(origin(address=None), DETAILS, NOW)
    assert station.endpoint_address is None
    assert station.address_problem  # a reason even when the origin gave none


def test_seen_updates_the_address_only_when_a_new_one_comes() -> None:
    station = Station("CB1", RegistrationStatus.ACCEPTED, endpoint_address=None, address_problem="none yet")
    later = NOW + timedelta(minutes=1)

    assert station.seen(origin(address=ADDRESS), NOW) is True
    assert (station.endpoint_address, station.address_problem, station.last_seen_at) == (ADDRESS, None, NOW)

    assert station.seen(origin(address=ADDRESS), later) is False
    assert station.last_seen_at == later

    assert station.seen(origin(address=None, problem="no wsa:From address"), later) is False
    assert station.endpoint_address == ADDRESS  # a message without an address keeps the known one
    assert station.address_problem is None

    assert station.seen(origin(address=OTHER), later) is True
    assert station.endpoint_address == OTHER


# --- Transaction ----------------------------------------------------------------------------------------------------


def test_transaction_stop() -> None:
    tx = Transaction("CB1", 1, "T1", NOW, 100, AuthorizationStatus.ACCEPTED, transaction_id=1)
    assert tx.is_open
    tx.stop(NOW + timedelta(hours=1), 900, "T1", "Local")
    assert not tx.is_open
    assert (tx.meter_stop, tx.stop_id_tag, tx.stop_reason) == (900, "T1", "Local")
