"""Every handler of a station message or an operator command, driven through the bus bootstrap builds, over the
fake unit of work with a fixed clock. (The bus itself is tested in ``test_bus.py``.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ocpp_soap.config import Settings
from ocpp_soap.domain import events
from ocpp_soap.domain import station_messages as messages
from ocpp_soap.domain.errors import (
    InvalidCommand,
    StationNotAccepted,
    StationPending,
    UnknownStation,
)
from ocpp_soap.domain.model import (
    AuthorizationStatus,
    BootDetails,
    ChargePointErrorCode,
    ConnectorStatus,
    DataTransferStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    IdTag,
    Protocol,
    RegistrationStatus,
    Station,
    StationOrigin,
    Transaction,
)
from ocpp_soap.handlers import COMMAND_HANDLERS

from .harness import (
    ADDRESS,
    DETAILS,
    EARLIER,
    NEW_ADDRESS,
    NOW,
    Harness,
    accepted_station,
    origin,
    reading,
)

# --- BootNotification ---------------------------------------------------------------------------------------------


def test_boot_of_an_unknown_station_records_it_pending(h: Harness) -> None:
    result = h.handle(messages.BootChargingStation(origin(), DETAILS))

    # Pending is the station's registration; versions without Pending tell the station Rejected (see the edges).
    assert result == messages.BootResult(RegistrationStatus.PENDING, NOW, 300)
    station = h.station()
    assert station.registration_status is RegistrationStatus.PENDING
    assert station.boot_count == 1
    assert station.protocol is Protocol.OCPP15_SOAP
    assert station.endpoint_address == ADDRESS
    assert station.address_problem is None
    assert station.details == DETAILS
    assert station.first_seen_at == station.last_boot_at == station.last_seen_at == NOW
    assert h.uow.committed
    assert h.published_of(events.StationBooted) == [
        events.StationBooted("CB1", Protocol.OCPP15_SOAP, RegistrationStatus.PENDING, 1)
    ]
    assert h.published_of(events.StationAddressChanged) == [events.StationAddressChanged("CB1", ADDRESS, None)]


def test_a_pending_station_stays_pending_and_counts_its_boots(h: Harness) -> None:
    h.handle(messages.BootChargingStation(origin(), DETAILS))
    h.clock.advance(minutes=5)
    result = h.handle(messages.BootChargingStation(origin(), DETAILS))

    assert result.status is RegistrationStatus.PENDING
    station = h.station()
    assert station.registration_status is RegistrationStatus.PENDING
    assert station.boot_count == 2
    assert station.first_seen_at == NOW
    assert station.last_boot_at == h.clock.now


def test_boot_with_auto_accept_accepts_an_unknown_station() -> None:
    h = Harness(Settings(heartbeat_interval=120, auto_accept=True))
    result = h.handle(messages.BootChargingStation(origin(), DETAILS))

    assert result == messages.BootResult(RegistrationStatus.ACCEPTED, NOW, 120)
    assert h.station().registration_status is RegistrationStatus.ACCEPTED
    assert h.published_of(events.StationBooted)[0].registration_status is RegistrationStatus.ACCEPTED


def test_boot_of_a_known_accepted_station_is_accepted(accepted: Harness) -> None:
    h = accepted
    result = h.handle(messages.BootChargingStation(origin(), DETAILS))

    assert result == messages.BootResult(RegistrationStatus.ACCEPTED, NOW, 300)
    station = h.station()
    assert station.boot_count == 2
    assert station.first_seen_at == EARLIER
    assert station.last_boot_at == NOW
    # Same protocol, same address: only the boot itself is news.
    assert [type(e) for e in h.published] == [events.StationBooted]


def test_boot_of_a_rejected_station_stays_rejected_even_with_auto_accept() -> None:
    h = Harness(Settings(auto_accept=True))
    h.uow.seed_station(Station("CB1", RegistrationStatus.REJECTED))
    result = h.handle(messages.BootChargingStation(origin(), DETAILS))

    assert result.status is RegistrationStatus.REJECTED
    assert h.station().registration_status is RegistrationStatus.REJECTED


def test_boot_with_another_protocol_rebinds_the_station(accepted: Harness) -> None:
    h = accepted
    h.handle(messages.BootChargingStation(origin(protocol=Protocol.OCPP12_SOAP), DETAILS))

    assert h.station().protocol is Protocol.OCPP12_SOAP
    assert h.published_of(events.StationBindingChanged) == [
        events.StationBindingChanged("CB1", Protocol.OCPP15_SOAP, Protocol.OCPP12_SOAP)
    ]
    (change,) = h.uow.stations.binding_changes
    assert (change.old_protocol, change.new_protocol, change.changed_at) == (
        Protocol.OCPP15_SOAP, Protocol.OCPP12_SOAP, NOW,
    )


def test_boot_details_are_replaced_at_each_boot(accepted: Harness) -> None:
    h = accepted
    newer = BootDetails("ACME", "Wallbox 1", firmware_version="2.0")
    h.handle(messages.BootChargingStation(origin(), newer))
    assert h.station().details == newer


def test_boot_without_usable_address_clears_the_endpoint_and_says_why(accepted: Harness) -> None:
    h = accepted
    problem = "wsa:From is the anonymous address; no wsa:ReplyTo address"
    h.handle(messages.BootChargingStation(origin(endpoint_address=None, address_problem=problem), DETAILS))

    station = h.station()
    assert station.endpoint_address is None
    assert station.address_problem == problem
    assert not station.reachable
    assert h.published_of(events.StationAddressChanged) == [events.StationAddressChanged("CB1", None, problem)]


def test_first_boot_without_address_and_without_reason_gets_a_default_problem(h: Harness) -> None:
    h.handle(messages.BootChargingStation(origin(endpoint_address=None), DETAILS))

    station = h.station()
    assert station.endpoint_address is None
    assert station.address_problem
    [changed] = h.published_of(events.StationAddressChanged)
    assert changed.endpoint_address is None
    assert changed.address_problem == station.address_problem


def test_a_later_message_with_a_new_address_updates_the_binding(accepted: Harness) -> None:
    h = accepted
    h.uow.seed_station(accepted_station(endpoint_address=None))
    h.handle(messages.RecordHeartbeat(origin(endpoint_address=NEW_ADDRESS)))

    station = h.station()
    assert station.endpoint_address == NEW_ADDRESS
    assert station.address_problem is None
    assert station.last_seen_at == NOW
    assert h.published_of(events.StationAddressChanged) == [events.StationAddressChanged("CB1", NEW_ADDRESS, None)]


def test_a_later_message_with_the_same_or_no_address_changes_nothing(accepted: Harness) -> None:
    h = accepted
    h.handle(messages.RecordHeartbeat(origin()))
    h.handle(messages.RecordHeartbeat(origin(endpoint_address=None, address_problem="no wsa:From address")))

    assert h.station().endpoint_address == ADDRESS
    assert h.published_of(events.StationAddressChanged) == []


def test_boot_after_address_change_reports_the_new_address(accepted: Harness) -> None:
    h = accepted
    h.handle(messages.BootChargingStation(origin(endpoint_address=NEW_ADDRESS), DETAILS))
    assert h.station().endpoint_address == NEW_ADDRESS
    assert h.published_of(events.StationAddressChanged) == [events.StationAddressChanged("CB1", NEW_ADDRESS, None)]


# --- The access gate ------------------------------------------------------------------------------------------------


def non_boot_commands(o: StationOrigin) -> list[messages.StationCommand]:
    return [
        messages.RecordHeartbeat(o),
        messages.AuthorizeIdTag(o, "TAG1"),
        messages.StartTransaction(o, 1, "TAG1", NOW, 0),
        messages.StopTransaction(o, 1, NOW, 10, "TAG1"),
        messages.RecordMeterValues(o, 1, (reading("1"),)),
        messages.UpdateConnectorStatus(o, 1, ConnectorStatus.AVAILABLE, ChargePointErrorCode.NO_ERROR),
        messages.UpdateFirmwareStatus(o, FirmwareStatus.INSTALLED),
        messages.UpdateDiagnosticsStatus(o, DiagnosticsStatus.UPLOADED),
        messages.ReceiveDataTransfer(o, "ACME"),
    ]


def test_every_station_command_but_boot_has_a_case_here() -> None:
    covered = {type(c) for c in non_boot_commands(origin())}
    station_messages = {c for c in COMMAND_HANDLERS if issubclass(c, messages.StationMessage)}
    assert covered | {messages.BootChargingStation} == station_messages


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.REJECTED])
@pytest.mark.parametrize("index", range(len(non_boot_commands(origin()))))
def test_a_station_not_accepted_is_refused_everything_but_boot(
    h: Harness, status: RegistrationStatus, index: int
) -> None:
    h.uow.seed_station(Station("CB1", status, protocol=Protocol.OCPP15_SOAP, endpoint_address=None))
    command = non_boot_commands(origin(endpoint_address=NEW_ADDRESS))[index]

    with pytest.raises(StationNotAccepted) as caught:
        h.handle(command)

    assert caught.value.charge_box_id == "CB1"
    assert caught.value.status == status.value
    assert not h.uow.committed
    station = h.station()
    assert station.last_seen_at is None
    assert station.endpoint_address is None  # a refused message does not rebind the station
    assert h.published == []


TRIGGERABLE = {
    messages.RecordHeartbeat, messages.RecordMeterValues, messages.UpdateConnectorStatus, messages.UpdateFirmwareStatus,
    messages.UpdateDiagnosticsStatus,
}


def test_what_a_trigger_message_can_ask_for_is_what_the_domain_calls_triggerable() -> None:
    assert messages.TRIGGERABLE == TRIGGERABLE  # OCPP 1.6 MessageTrigger, BootNotification aside


@pytest.mark.parametrize("index", range(len(non_boot_commands(origin()))))
def test_a_pending_16_station_may_send_what_can_be_triggered_and_nothing_else(h: Harness, index: int) -> None:
    """OCPP 1.6 tells a waiting station Pending; it may then send only what the central system triggered, which
    a SOAP message cannot show: everything TriggerMessage can ask for is taken and stored, the rest refused."""
    h.uow.seed_station(Station("CB1", RegistrationStatus.PENDING, protocol=Protocol.OCPP16_SOAP, endpoint_address=None))
    command = non_boot_commands(origin(protocol=Protocol.OCPP16_SOAP, endpoint_address=NEW_ADDRESS))[index]

    if type(command) in TRIGGERABLE:
        h.handle(command)
        assert h.uow.committed
        station = h.station()
        assert (station.registration_status, station.last_seen_at) == (RegistrationStatus.PENDING, NOW)
        assert station.endpoint_address == NEW_ADDRESS  # every message refreshes the binding
        return
    with pytest.raises(StationPending) as caught:
        h.handle(command)
    assert (caught.value.charge_box_id, caught.value.status) == ("CB1", "Pending")
    assert "StartTransaction" in str(caught.value)
    assert not h.uow.committed
    assert h.station().last_seen_at is None and h.published == []


@pytest.mark.parametrize("index", range(len(non_boot_commands(origin()))))
def test_a_rejected_16_station_is_refused_everything_but_boot(h: Harness, index: int) -> None:
    h.uow.seed_station(Station("CB1", RegistrationStatus.REJECTED, protocol=Protocol.OCPP16_SOAP))
    command = non_boot_commands(origin(protocol=Protocol.OCPP16_SOAP))[index]
    with pytest.raises(StationNotAccepted) as caught:
        h.handle(command)
    assert not isinstance(caught.value, StationPending) and caught.value.status == "Rejected"
    assert not h.uow.committed


def test_triggered_messages_of_a_pending_station_are_stored(h: Harness) -> None:
    h.uow.seed_station(Station("CB1", RegistrationStatus.PENDING, protocol=Protocol.OCPP16_SOAP))
    o = origin(protocol=Protocol.OCPP16_SOAP)
    h.handle(messages.UpdateConnectorStatus(o, 0, ConnectorStatus.UNAVAILABLE, ChargePointErrorCode.NO_ERROR))
    h.handle(messages.RecordMeterValues(o, 1, (reading("1200"),)))
    h.handle(messages.UpdateFirmwareStatus(o, FirmwareStatus.IDLE))
    h.handle(messages.UpdateDiagnosticsStatus(o, DiagnosticsStatus.IDLE))
    station = h.station()
    assert (station.firmware_status, station.diagnostics_status) == (FirmwareStatus.IDLE, DiagnosticsStatus.IDLE)
    assert [e.connector_id for e in h.published_of(events.ConnectorStatusChanged)] == [0]
    assert [e.count for e in h.published_of(events.MeterValuesRecorded)] == [1]


def test_boot_of_a_pending_16_station_answers_pending(h: Harness) -> None:
    result = h.handle(messages.BootChargingStation(origin(protocol=Protocol.OCPP16_SOAP), DETAILS))
    assert result == messages.BootResult(RegistrationStatus.PENDING, NOW, 300)


@pytest.mark.parametrize("index", range(len(non_boot_commands(origin()))))
def test_an_unknown_station_is_refused_everything_but_boot(h: Harness, index: int) -> None:
    command = non_boot_commands(origin("NOBODY"))[index]

    with pytest.raises(UnknownStation) as caught:
        h.handle(command)

    assert caught.value.charge_box_id == "NOBODY"
    assert h.uow.stations.get("NOBODY") is None
    assert not h.uow.committed
    assert h.published == []


def test_heartbeat_answers_the_time_and_notes_the_station_seen(accepted: Harness) -> None:
    h = accepted
    result = h.handle(messages.RecordHeartbeat(origin()))
    assert result == messages.HeartbeatResult(NOW)
    assert h.station().last_seen_at == NOW
    assert h.uow.committed


# --- Authorize ------------------------------------------------------------------------------------------------------


def authorize(h: Harness, id_tag: str) -> object:
    return h.handle(messages.AuthorizeIdTag(origin(), id_tag))


def test_authorize_unknown_tag_is_invalid(accepted: Harness) -> None:
    info = authorize(accepted, "NOBODY")
    assert info.status is AuthorizationStatus.INVALID
    assert info.expiry_date is None
    assert info.parent_id_tag is None


@pytest.mark.parametrize(
    "status", [AuthorizationStatus.BLOCKED, AuthorizationStatus.INVALID, AuthorizationStatus.EXPIRED]
)
def test_authorize_answers_a_stored_refusal_as_stored(accepted: Harness, status: AuthorizationStatus) -> None:
    accepted.uow.seed_tag(IdTag("T2", status, parent_id_tag="GROUP"))
    info = authorize(accepted, "T2")
    assert info.status is status
    assert info.parent_id_tag == "GROUP"


def test_authorize_accepted_tag_with_parent_and_future_expiry(accepted: Harness) -> None:
    expiry = NOW + timedelta(days=30)
    accepted.uow.seed_tag(IdTag("T2", AuthorizationStatus.ACCEPTED, expiry, "GROUP"))
    info = authorize(accepted, "T2")
    assert info == messages.IdTagInfo(AuthorizationStatus.ACCEPTED, expiry, "GROUP")


@pytest.mark.parametrize("expiry", [NOW, NOW - timedelta(seconds=1)])
def test_authorize_accepted_tag_past_its_expiry_is_expired(accepted: Harness, expiry: datetime) -> None:
    accepted.uow.seed_tag(IdTag("T2", AuthorizationStatus.ACCEPTED, expiry, "GROUP"))
    info = authorize(accepted, "T2")
    assert info == messages.IdTagInfo(AuthorizationStatus.EXPIRED, expiry, "GROUP")


def test_authorize_is_not_concurrent_tx_even_while_the_tag_is_charging(accepted: Harness) -> None:
    accepted.start("TAG1")
    assert authorize(accepted, "TAG1").status is AuthorizationStatus.ACCEPTED


# --- StartTransaction -----------------------------------------------------------------------------------------------


def test_start_transaction_records_the_session_with_a_fresh_id(accepted: Harness) -> None:
    h = accepted
    h.uow.seed_tag(IdTag("TAG2", AuthorizationStatus.ACCEPTED))
    first = h.start("TAG1", connector_id=1, meter_start=100)
    second = h.start("TAG2", connector_id=2, meter_start=200)

    assert first.transaction_id != second.transaction_id
    assert first.id_tag_info.status is second.id_tag_info.status is AuthorizationStatus.ACCEPTED
    stored = h.uow.transactions.get(first.transaction_id)
    assert stored == Transaction(
        charge_box_id="CB1",
        connector_id=1,
        id_tag="TAG1",
        started_at=EARLIER,
        meter_start=100,
        start_status=AuthorizationStatus.ACCEPTED,
        transaction_id=first.transaction_id,
    )
    assert stored.is_open
    assert h.published_of(events.TransactionStarted) == [
        events.TransactionStarted("CB1", first.transaction_id, 1, "TAG1"),
        events.TransactionStarted("CB1", second.transaction_id, 2, "TAG2"),
    ]


def test_start_transaction_keeps_the_reservation_id(accepted: Harness) -> None:
    result = accepted.handle(messages.StartTransaction(origin(), 1, "TAG1", NOW, 0, reservation_id=7))
    assert accepted.uow.transactions.get(result.transaction_id).reservation_id == 7


def test_start_transaction_ids_stay_unique_across_many_starts(accepted: Harness) -> None:
    ids = {accepted.start(f"T{i}").transaction_id for i in range(20)}
    assert len(ids) == 20


def test_start_for_a_tag_already_charging_is_concurrent_tx(accepted: Harness) -> None:
    h = accepted
    h.uow.seed_station(accepted_station("CB2"))
    h.start("TAG1")
    second = h.start("TAG1", charge_box_id="CB2")

    assert second.id_tag_info.status is AuthorizationStatus.CONCURRENT_TX
    stored = h.uow.transactions.get(second.transaction_id)
    assert stored is not None and stored.start_status is AuthorizationStatus.CONCURRENT_TX


def test_a_tag_is_accepted_again_once_its_session_stopped(accepted: Harness) -> None:
    h = accepted
    first = h.start("TAG1")
    h.handle(messages.StopTransaction(origin(), first.transaction_id, NOW, 2000, "TAG1"))
    assert h.start("TAG1").id_tag_info.status is AuthorizationStatus.ACCEPTED


def test_only_an_accepted_open_session_makes_a_start_concurrent(accepted: Harness) -> None:
    h = accepted
    h.uow.seed_tag(IdTag("T2", AuthorizationStatus.BLOCKED))
    assert h.start("T2").id_tag_info.status is AuthorizationStatus.BLOCKED
    h.uow.seed_tag(IdTag("T2", AuthorizationStatus.ACCEPTED))  # unblocked; the refused session is still open
    assert h.start("T2", connector_id=2).id_tag_info.status is AuthorizationStatus.ACCEPTED


def test_an_invalid_tags_transaction_is_still_recorded(accepted: Harness) -> None:
    h = accepted
    result = h.start("NOBODY")

    assert result.id_tag_info.status is AuthorizationStatus.INVALID
    stored = h.uow.transactions.get(result.transaction_id)
    assert stored is not None
    assert stored.start_status is AuthorizationStatus.INVALID
    assert stored.id_tag == "NOBODY"
    # ... so its StopTransaction finds it.
    h.handle(messages.StopTransaction(origin(), result.transaction_id, NOW, 1000, "NOBODY"))
    assert not h.uow.transactions.get(result.transaction_id).is_open
    assert h.uow.transactions.unknown_stops == []


def test_an_expired_tags_start_is_expired(accepted: Harness) -> None:
    accepted.uow.seed_tag(IdTag("OLD", AuthorizationStatus.ACCEPTED, EARLIER))
    assert accepted.start("OLD").id_tag_info.status is AuthorizationStatus.EXPIRED


@pytest.mark.parametrize("connector_id", [0, -1])
def test_start_on_connector_zero_is_an_invalid_command_and_leaves_nothing(accepted: Harness, connector_id: int) -> None:
    h = accepted
    with pytest.raises(InvalidCommand) as caught:
        h.handle(messages.StartTransaction(origin(endpoint_address=NEW_ADDRESS), connector_id, "TAG1", NOW, 0))
    assert caught.value.field == "connector_id"  # the domain names the attribute
    assert not h.uow.committed
    assert list(h.uow.transactions) == []
    station = h.station()
    assert station.last_seen_at == EARLIER
    assert station.endpoint_address == ADDRESS
    assert h.published == []


# --- StopTransaction ------------------------------------------------------------------------------------------------


def test_stop_transaction_closes_the_session(accepted: Harness) -> None:
    h = accepted
    started = h.start("TAG1", connector_id=2, meter_start=1000)
    result = h.handle(messages.StopTransaction(origin(), started.transaction_id, NOW, 5000, "TAG1", "Local"))

    assert result == messages.StopTransactionResult(messages.IdTagInfo(AuthorizationStatus.ACCEPTED))
    stored = h.uow.transactions.get(started.transaction_id)
    assert not stored.is_open
    assert (stored.stopped_at, stored.meter_stop, stored.stop_id_tag, stored.stop_reason) == (
        NOW,
        5000,
        "TAG1",
        "Local",
    )
    assert stored.meter_start == 1000 and stored.connector_id == 2
    assert h.uow.transactions.unknown_stops == []
    assert h.published_of(events.TransactionStopped) == [
        events.TransactionStopped("CB1", started.transaction_id, 5000, True)
    ]


def test_stop_without_id_tag_answers_no_id_tag_info(accepted: Harness) -> None:
    started = accepted.start()
    result = accepted.handle(messages.StopTransaction(origin(), started.transaction_id, NOW, 5000))
    assert result == messages.StopTransactionResult(None)
    assert accepted.uow.transactions.get(started.transaction_id).stop_id_tag is None


def test_stop_with_a_blocked_tag_reports_blocked(accepted: Harness) -> None:
    started = accepted.start()
    accepted.uow.seed_tag(IdTag("BAD", AuthorizationStatus.BLOCKED))
    result = accepted.handle(messages.StopTransaction(origin(), started.transaction_id, NOW, 5000, "BAD"))
    assert result.id_tag_info.status is AuthorizationStatus.BLOCKED


def test_stop_of_an_unknown_transaction_is_recorded_as_unknown_stop(accepted: Harness) -> None:
    h = accepted
    result = h.handle(messages.StopTransaction(origin(), 4711, NOW, 5000, "TAG1", "PowerLoss"))

    assert result.id_tag_info.status is AuthorizationStatus.ACCEPTED
    [stop] = h.uow.transactions.unknown_stops
    assert (stop.charge_box_id, stop.reported_transaction_id, stop.stopped_at, stop.meter_stop) == (
        "CB1",
        4711,
        NOW,
        5000,
    )
    assert (stop.id_tag, stop.reason) == ("TAG1", "PowerLoss")
    assert h.published_of(events.TransactionStopped) == [events.TransactionStopped("CB1", 4711, 5000, False)]


def test_stop_of_another_stations_transaction_is_an_unknown_stop(accepted: Harness) -> None:
    h = accepted
    h.uow.seed_station(accepted_station("CB2"))
    theirs = h.start("TAG1", charge_box_id="CB2")
    h.handle(messages.StopTransaction(origin("CB1"), theirs.transaction_id, NOW, 5000, "TAG1"))

    assert h.uow.transactions.get(theirs.transaction_id).is_open
    [stop] = h.uow.transactions.unknown_stops
    assert stop.charge_box_id == "CB1"
    assert stop.reported_transaction_id == theirs.transaction_id
    assert h.published_of(events.TransactionStopped)[-1].known is False


def test_transaction_data_is_stored_linked_to_the_transaction(accepted: Harness) -> None:
    h = accepted
    started = h.start(connector_id=2)
    data = (reading("1000", at=EARLIER), reading("3000", "4000"))
    h.handle(messages.StopTransaction(origin(), started.transaction_id, NOW, 5000, "TAG1", transaction_data=data))

    [batch] = h.uow.meter_values.batches
    assert batch.source == "StopTransaction"
    assert batch.transaction_id == batch.reported_transaction_id == started.transaction_id
    assert batch.connector_id == 2
    assert batch.readings == data
    assert batch.received_at == NOW


def test_transaction_data_of_an_unknown_stop_is_kept_unlinked(accepted: Harness) -> None:
    h = accepted
    h.handle(messages.StopTransaction(origin(), 99, NOW, 5000, transaction_data=(reading("1"),)))

    [batch] = h.uow.meter_values.batches
    assert batch.transaction_id is None
    assert batch.reported_transaction_id == 99
    assert batch.connector_id == 0


def test_stop_without_transaction_data_stores_no_meter_values(accepted: Harness) -> None:
    started = accepted.start()
    accepted.handle(messages.StopTransaction(origin(), started.transaction_id, NOW, 5000))
    assert accepted.uow.meter_values.batches == []


# --- MeterValues ----------------------------------------------------------------------------------------------------


def test_meter_values_are_linked_to_the_stations_own_transaction(accepted: Harness) -> None:
    h = accepted
    started = h.start()
    readings = (reading("10", "20"), reading("30"))
    h.handle(messages.RecordMeterValues(origin(), 1, readings, started.transaction_id))

    [batch] = h.uow.meter_values.batches
    assert batch.transaction_id == batch.reported_transaction_id == started.transaction_id
    assert batch.source == "MeterValues"
    assert batch.readings == readings
    assert batch.received_at == NOW
    assert h.published_of(events.MeterValuesRecorded) == [
        events.MeterValuesRecorded("CB1", 1, started.transaction_id, 3)
    ]


def test_meter_values_for_another_stations_transaction_are_not_linked(accepted: Harness) -> None:
    h = accepted
    h.uow.seed_station(accepted_station("CB2"))
    theirs = h.start(charge_box_id="CB2")
    h.handle(messages.RecordMeterValues(origin("CB1"), 1, (reading("10"),), theirs.transaction_id))

    [batch] = h.uow.meter_values.batches
    assert batch.charge_box_id == "CB1"
    assert batch.transaction_id is None
    assert batch.reported_transaction_id == theirs.transaction_id
    assert h.published_of(events.MeterValuesRecorded)[-1].transaction_id is None


@pytest.mark.parametrize("transaction_id", [None, 12345])
def test_meter_values_without_a_known_transaction_are_kept_unlinked(
    accepted: Harness, transaction_id: int | None
) -> None:
    accepted.handle(messages.RecordMeterValues(origin(), 0, (reading("10"),), transaction_id))
    [batch] = accepted.uow.meter_values.batches
    assert batch.transaction_id is None
    assert batch.reported_transaction_id == transaction_id
    assert batch.connector_id == 0


# --- StatusNotification, firmware and diagnostics -------------------------------------------------------------------


def test_status_notification_is_recorded(accepted: Harness) -> None:
    h = accepted
    h.handle(
        messages.UpdateConnectorStatus(
            origin(),
            1,
            ConnectorStatus.FAULTED,
            ChargePointErrorCode.GROUND_FAILURE,
            info="RCD tripped",
            timestamp=EARLIER,
            vendor_id="ACME",
            vendor_error_code="E42",
        )
    )
    h.clock.advance(minutes=1)
    h.handle(messages.UpdateConnectorStatus(origin(), 1, ConnectorStatus.AVAILABLE, ChargePointErrorCode.NO_ERROR))

    first, second = h.uow.connectors.history
    assert (first.status, first.error_code, first.info, first.timestamp) == (
        ConnectorStatus.FAULTED,
        ChargePointErrorCode.GROUND_FAILURE,
        "RCD tripped",
        EARLIER,
    )
    assert (first.vendor_id, first.vendor_error_code, first.received_at) == ("ACME", "E42", NOW)
    assert second.status is ConnectorStatus.AVAILABLE
    assert h.uow.connectors.current("CB1", 1) == second
    assert h.published_of(events.ConnectorStatusChanged) == [
        events.ConnectorStatusChanged("CB1", 1, ConnectorStatus.FAULTED, "GroundFailure"),
        events.ConnectorStatusChanged("CB1", 1, ConnectorStatus.AVAILABLE, "NoError"),
    ]


def test_firmware_status_is_stored_on_the_station(accepted: Harness) -> None:
    result = accepted.handle(messages.UpdateFirmwareStatus(origin(), FirmwareStatus.DOWNLOAD_FAILED))
    assert result is None
    station = accepted.station()
    assert (station.firmware_status, station.firmware_status_at) == (FirmwareStatus.DOWNLOAD_FAILED, NOW)
    assert accepted.published_of(events.FirmwareStatusChanged) == [
        events.FirmwareStatusChanged("CB1", FirmwareStatus.DOWNLOAD_FAILED)
    ]


def test_diagnostics_status_is_stored_on_the_station(accepted: Harness) -> None:
    result = accepted.handle(messages.UpdateDiagnosticsStatus(origin(), DiagnosticsStatus.UPLOADED))
    assert result is None
    station = accepted.station()
    assert (station.diagnostics_status, station.diagnostics_status_at) == (DiagnosticsStatus.UPLOADED, NOW)
    assert accepted.published_of(events.DiagnosticsStatusChanged) == [
        events.DiagnosticsStatusChanged("CB1", DiagnosticsStatus.UPLOADED)
    ]


# --- DataTransfer ---------------------------------------------------------------------------------------------------


def test_data_transfer_without_a_vendor_handler_is_unknown_vendor_and_recorded(accepted: Harness) -> None:
    h = accepted
    result = h.handle(messages.ReceiveDataTransfer(origin(), "Nobody", "msg", "payload"))

    assert result == messages.DataTransferResult(DataTransferStatus.UNKNOWN_VENDOR_ID)
    [record] = h.uow.data_transfers.records
    assert (record.charge_box_id, record.vendor_id, record.message_id, record.data) == (
        "CB1",
        "Nobody",
        "msg",
        "payload",
    )
    assert (record.status, record.response_data, record.received_at) == (
        DataTransferStatus.UNKNOWN_VENDOR_ID,
        None,
        NOW,
    )
    assert h.published_of(events.DataTransferReceived) == [events.DataTransferReceived("CB1", "Nobody", "msg")]


def test_data_transfer_goes_to_the_registered_vendor_handler_case_insensitively(accepted: Harness) -> None:
    h = accepted
    seen: list[messages.ReceiveDataTransfer] = []

    def acme(cmd: messages.ReceiveDataTransfer, uow: object) -> messages.DataTransferResult:
        seen.append(cmd)
        assert uow is h.uow  # inside the same unit of work
        return messages.DataTransferResult(DataTransferStatus.ACCEPTED, data=f"echo:{cmd.data}")

    h.registry.register("ACME", acme)
    result = h.handle(messages.ReceiveDataTransfer(origin(), "acme", "ping", "42"))

    assert result == messages.DataTransferResult(DataTransferStatus.ACCEPTED, "echo:42")
    assert [c.vendor_id for c in seen] == ["acme"]
    [record] = h.uow.data_transfers.records
    assert (record.vendor_id, record.status, record.response_data) == ("acme", DataTransferStatus.ACCEPTED, "echo:42")

    h.registry.unregister("Acme")
    result = h.handle(messages.ReceiveDataTransfer(origin(), "ACME", "ping", "42"))
    assert result.status is DataTransferStatus.UNKNOWN_VENDOR_ID


def test_a_vendor_handler_that_raises_leaves_nothing_recorded(accepted: Harness) -> None:
    h = accepted

    def broken(cmd: messages.ReceiveDataTransfer, uow: object) -> messages.DataTransferResult:
        raise RuntimeError("vendor code failed")

    h.registry.register("ACME", broken)
    with pytest.raises(RuntimeError):
        h.handle(messages.ReceiveDataTransfer(origin(), "ACME"))
    assert h.uow.data_transfers.records == []
    assert not h.uow.committed
    assert h.published == []


# --- The bus: commit, events, errors --------------------------------------------------------------------------------


def test_events_are_published_only_after_commit(h: Harness) -> None:
    states: list[tuple[bool, bool]] = []
    h.bus.subscribe(events.StationBooted, lambda e: states.append((h.uow.committed, h.uow.in_transaction)))
    h.handle(messages.BootChargingStation(origin(), DETAILS))
    assert states == [(True, False)]


def test_a_resent_start_gets_the_same_transaction_and_verdict(accepted: Harness) -> None:
    h = accepted
    first = h.start("TAG1")
    again = h.start("TAG1")
    assert again.transaction_id == first.transaction_id
    assert again.id_tag_info.status is AuthorizationStatus.ACCEPTED  # not ConcurrentTx with itself
    assert len(list(h.uow.transactions)) == 1


def test_a_new_start_on_a_connector_closes_the_session_whose_stop_was_lost(accepted: Harness) -> None:
    h = accepted
    lost = h.start("TAG1")
    newer = h.start("TAG1", meter_start=5000)  # the station started again: the earlier stop never arrived
    assert newer.transaction_id != lost.transaction_id
    assert newer.id_tag_info.status is AuthorizationStatus.ACCEPTED
    old = h.uow.transactions.get(lost.transaction_id)
    assert old is not None and not old.is_open and old.stop_reason == "SupersededByNewStart"
    assert old.meter_stop is None  # unknown, not invented
