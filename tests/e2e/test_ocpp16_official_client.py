"""Every OCPP 1.6 central-system operation, called by a zeep client built from the official 1.6 WSDL, over loopback
HTTP, through both the versioned URL and the shared one (which routes by the body's namespace), with what was
stored checked: the nine connector states, sampled values with phase, stop reasons, Pending at boot and what a
pending station may send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import zeep
from zeep.exceptions import Fault

from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.persistence import orm
from tests.conftest import official_wsdl
from tests.stations import ZeepStation, accept, add_tag, rows, set_registration, station_row

CS16 = "urn://Ocpp/Cs/2015/10/"
STATION_URL = "http://192.0.2.16:8080/ChargePointService"
PATHS = {
    "versioned": "/services/centralSystemServiceOcpp16",
    "shared": "/services/CentralSystemService",
}
NINE_STATES = (
    "Available", "Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing", "Reserved", "Unavailable",
    "Faulted",
)


@pytest.fixture(scope="module")
def official_client() -> zeep.Client:
    return zeep.Client(str(official_wsdl("ocpp16_centralsystem.wsdl")))


@pytest.fixture(params=sorted(PATHS))
def url(request: pytest.FixtureRequest, live_server: Any) -> str:
    """The URL a station is pointed at: the 1.6 endpoint, or the shared one."""
    return f"{live_server.url}{PATHS[request.param]}"


def zeep_station(client: zeep.Client, url: str, charge_box_id: str, address: str | None = STATION_URL) -> ZeepStation:
    return ZeepStation(client, CS16, url, charge_box_id, address)


@pytest.fixture
def station(official_client: zeep.Client, url: str, gateway: Any) -> ZeepStation:
    """A booted, accepted 1.6 station 'CB16'."""
    st = zeep_station(official_client, url, "CB16")
    st.BootNotification(chargePointVendor="Vendor", chargePointModel="Model")
    accept(gateway, "CB16")
    return st


def sampled(value: str, **metadata: str) -> dict[str, str]:
    return {"value": value, **metadata}


# -- registration: Pending, and what a pending station may send ------------------------------------------------


def test_unknown_station_is_told_pending_with_the_interval_to_retry(official_client, url, gateway):
    st = zeep_station(official_client, url, "NEW16")
    answer = st.BootNotification(
        chargePointVendor="Elaad", chargePointModel="EVSE-16", chargePointSerialNumber="CP-SN-16",
        chargeBoxSerialNumber="CB-SN-16", firmwareVersion="1.6.0", iccid="8931", imsi="2041", meterType="ABB",
        meterSerialNumber="M-16",
    )
    assert answer.status == "Pending"
    assert answer.interval == 900
    assert abs(answer.currentTime - datetime.now(UTC)) < timedelta(seconds=5)
    row = station_row(gateway, "NEW16")
    assert (row.registration_status, row.protocol, row.boot_count) == ("Pending", "ocpp1.6-soap", 1)
    assert (row.endpoint_address, row.address_problem) == (STATION_URL, None)
    assert (row.charge_point_vendor, row.charge_point_model, row.charge_point_serial_number) == (
        "Elaad", "EVSE-16", "CP-SN-16",
    )
    assert (row.charge_box_serial_number, row.firmware_version, row.iccid, row.imsi) == ("CB-SN-16", "1.6.0", "8931", "2041")
    assert (row.meter_type, row.meter_serial_number) == ("ABB", "M-16")

    assert st.BootNotification(chargePointVendor="Elaad", chargePointModel="EVSE-16").status == "Pending"
    accept(gateway, "NEW16")
    answer = st.BootNotification(chargePointVendor="Elaad", chargePointModel="EVSE-16")
    assert (answer.status, answer.interval) == ("Accepted", 900)
    assert station_row(gateway, "NEW16").boot_count == 3


def test_a_rejected_station_is_told_rejected_and_refused_everything(official_client, url, gateway):
    st = zeep_station(official_client, url, "REJ16")
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    set_registration(gateway, "REJ16", "Rejected")
    assert st.BootNotification(chargePointVendor="V", chargePointModel="M").status == "Rejected"
    for call in (lambda: st.Heartbeat(), lambda: st.StatusNotification(connectorId=0, status="Available", errorCode="NoError")):
        with pytest.raises(Fault) as info:
            call()
        assert info.value.code.endswith("Sender") and "registration status Rejected" in info.value.message
    assert rows(gateway, orm.ConnectorStatusRow, charge_box_id="REJ16") == []


def test_a_pending_station_may_send_what_a_trigger_message_asks_for(official_client, url, gateway):
    """OCPP 1.6 §4.2: a pending station sends only what the central system triggered; a SOAP message does not say
    whether it was, so everything TriggerMessage can ask for is taken, and stored."""
    st = zeep_station(official_client, url, "PEND16")
    assert st.BootNotification(chargePointVendor="V", chargePointModel="M").status == "Pending"
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    assert st.StatusNotification(connectorId=0, status="Available", errorCode="NoError", timestamp=at) is None
    st.StatusNotification(connectorId=1, status="Unavailable", errorCode="NoError")
    st.MeterValues(connectorId=1, meterValue=[{"timestamp": at, "sampledValue": [
        sampled("1200", context="Trigger", measurand="Energy.Active.Import.Register", unit="Wh"),
    ]}])
    assert abs(st.Heartbeat() - datetime.now(UTC)) < timedelta(seconds=5)
    st.FirmwareStatusNotification(status="Idle")
    st.DiagnosticsStatusNotification(status="Idle")

    row = station_row(gateway, "PEND16")
    assert row.registration_status == "Pending"  # taking its messages does not accept it
    assert (row.firmware_status, row.diagnostics_status) == ("Idle", "Idle")
    assert abs(row.last_seen_at - datetime.now(UTC)) < timedelta(seconds=5)
    assert {(c.connector_id, c.status) for c in rows(gateway, orm.ConnectorRow, charge_box_id="PEND16")} == {
        (0, "Available"), (1, "Unavailable"),
    }
    (value,) = rows(gateway, orm.MeterValueRow, charge_box_id="PEND16")
    assert (value.value, value.context, value.transaction_id) == ("1200", "Trigger", None)


@pytest.mark.parametrize(
    "operation",
    ["Authorize", "StartTransaction", "StopTransaction", "DataTransfer"],
)
def test_a_pending_station_may_not_charge_or_transfer_data(official_client, url, gateway, operation):
    st = zeep_station(official_client, url, "PEND16")
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    now = datetime.now(UTC)
    call = {
        "Authorize": lambda: st.Authorize(idTag="TAG1"),
        "StartTransaction": lambda: st.StartTransaction(connectorId=1, idTag="TAG1", timestamp=now, meterStart=0),
        "StopTransaction": lambda: st.StopTransaction(transactionId=1, timestamp=now, meterStop=10),
        "DataTransfer": lambda: st.DataTransfer(vendorId="com.example", data="x"),
    }[operation]
    with pytest.raises(Fault) as info:
        call()
    assert info.value.code.endswith("Sender")
    assert "'PEND16' is pending" in info.value.message and "StartTransaction" in info.value.message
    assert rows(gateway, orm.TransactionRow) == [] and rows(gateway, orm.UnknownTransactionStopRow) == []
    assert rows(gateway, orm.DataTransferRow) == []


def test_never_booted_station_is_refused(official_client, url):
    st = zeep_station(official_client, url, "GHOST16")
    with pytest.raises(Fault) as info:
        st.StatusNotification(connectorId=0, status="Available", errorCode="NoError")
    assert "BootNotification first" in info.value.message


# -- the operations of an accepted station -------------------------------------------------------------------------


def test_heartbeat(station, gateway):
    answer = station.Heartbeat()
    assert abs(answer - datetime.now(UTC)) < timedelta(seconds=5)
    assert abs(station_row(gateway, "CB16").last_seen_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_authorize_answers_parent_and_expiry(station, gateway):
    now = datetime.now(UTC)
    expiry = (now + timedelta(days=30)).replace(microsecond=0)
    add_tag(gateway, IdTag("GOOD", AuthorizationStatus.ACCEPTED, expiry, "PARENT"))
    add_tag(gateway, IdTag("OLD", AuthorizationStatus.ACCEPTED, now - timedelta(days=1)))
    add_tag(gateway, IdTag("BAD", AuthorizationStatus.BLOCKED))
    good = station.Authorize(idTag="GOOD")
    assert (good.status, good.parentIdTag, good.expiryDate) == ("Accepted", "PARENT", expiry)
    assert station.Authorize(idTag="OLD").status == "Expired"
    assert station.Authorize(idTag="BAD").status == "Blocked"
    assert station.Authorize(idTag="NOBODY").status == "Invalid"


def test_transaction_with_phases_soc_and_a_reason(station, gateway):
    add_tag(gateway, IdTag("TAG1", AuthorizationStatus.ACCEPTED, parent_id_tag="FLEET"))
    started = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    start = station.StartTransaction(connectorId=1, idTag="TAG1", timestamp=started, meterStart=1000, reservationId=7)
    assert (start.idTagInfo.status, start.idTagInfo.parentIdTag) == ("Accepted", "FLEET")
    concurrent = station.StartTransaction(connectorId=2, idTag="TAG1", timestamp=started, meterStart=0)
    assert concurrent.idTagInfo.status == "ConcurrentTx"

    at = started + timedelta(minutes=5)
    station.MeterValues(connectorId=1, transactionId=start.transactionId, meterValue=[{"timestamp": at, "sampledValue": [
        sampled("1500", context="Sample.Periodic", format="Raw", measurand="Energy.Active.Import.Register",
                location="Outlet", unit="Wh"),
        *(sampled(amps, measurand="Current.Import", phase=phase, unit="A")
          for amps, phase in (("15.9", "L1"), ("16.1", "L2"), ("15.8", "L3"))),
        sampled("231.4", measurand="Voltage", phase="L1-N", unit="V"),
        sampled("401.2", measurand="Voltage", phase="L1-L2", unit="V"),
        sampled("0.4", measurand="Current.Import", phase="N", unit="A"),
        sampled("64", measurand="SoC", location="EV", unit="Percent"),
        sampled("11.1", measurand="Power.Offered", unit="kW"),
        sampled("16", measurand="Current.Offered", unit="A"),
        sampled("0.98", measurand="Power.Factor"),
        sampled("49.98", measurand="Frequency"),
        sampled("311", measurand="Temperature", location="Cable", unit="K"),
        sampled("a1b2c3", format="SignedData", context="Other"),
    ]}])
    stop = station.StopTransaction(
        transactionId=start.transactionId, idTag="TAG1", timestamp=started + timedelta(hours=1), meterStop=9000,
        reason="EVDisconnected",
        transactionData=[
            {"timestamp": started, "sampledValue": [sampled("1000", context="Transaction.Begin", unit="Wh")]},
            {"timestamp": started + timedelta(hours=1), "sampledValue": [
                sampled("9000", context="Transaction.End", unit="Wh"),
                sampled("81", context="Transaction.End", measurand="SoC", location="EV", unit="Percent"),
            ]},
        ],
    )
    assert (stop.status, stop.parentIdTag) == ("Accepted", "FLEET")

    (tx,) = rows(gateway, orm.TransactionRow, transaction_id=start.transactionId)
    assert (tx.connector_id, tx.id_tag, tx.meter_start, tx.reservation_id, tx.started_at) == (1, "TAG1", 1000, 7, started)
    assert (tx.meter_stop, tx.stopped_at, tx.stop_id_tag, tx.stop_reason) == (
        9000, started + timedelta(hours=1), "TAG1", "EVDisconnected",
    )
    stored = rows(gateway, orm.MeterValueRow, transaction_id=start.transactionId)
    described = {
        (v.value, v.context, v.format, v.measurand, v.phase, v.location, v.unit, v.source) for v in stored
    }
    assert described == {
        ("1500", "Sample.Periodic", "Raw", "Energy.Active.Import.Register", None, "Outlet", "Wh", "MeterValues"),
        ("15.9", None, None, "Current.Import", "L1", None, "A", "MeterValues"),
        ("16.1", None, None, "Current.Import", "L2", None, "A", "MeterValues"),
        ("15.8", None, None, "Current.Import", "L3", None, "A", "MeterValues"),
        ("231.4", None, None, "Voltage", "L1-N", None, "V", "MeterValues"),
        ("401.2", None, None, "Voltage", "L1-L2", None, "V", "MeterValues"),
        ("0.4", None, None, "Current.Import", "N", None, "A", "MeterValues"),
        ("64", None, None, "SoC", None, "EV", "Percent", "MeterValues"),
        ("11.1", None, None, "Power.Offered", None, None, "kW", "MeterValues"),
        ("16", None, None, "Current.Offered", None, None, "A", "MeterValues"),
        ("0.98", None, None, "Power.Factor", None, None, None, "MeterValues"),
        ("49.98", None, None, "Frequency", None, None, None, "MeterValues"),
        ("311", None, None, "Temperature", None, "Cable", "K", "MeterValues"),
        ("a1b2c3", "Other", "SignedData", None, None, None, None, "MeterValues"),
        ("1000", "Transaction.Begin", None, None, None, None, "Wh", "StopTransaction"),
        ("9000", "Transaction.End", None, None, None, None, "Wh", "StopTransaction"),
        ("81", "Transaction.End", None, "SoC", None, "EV", "Percent", "StopTransaction"),
    }
    assert len(stored) == len(described)
    assert {v.timestamp for v in stored if v.source == "MeterValues"} == {at}


STOP_REASONS = (
    "EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss", "Reboot", "Remote", "SoftReset",
    "UnlockCommand", "DeAuthorized",
)


def test_every_stop_reason_is_stored_and_none_means_local(station, gateway):
    for reason in (*STOP_REASONS, None):
        start = station.StartTransaction(connectorId=1, idTag="TAG1", timestamp=datetime.now(UTC), meterStart=0)
        answer = station.StopTransaction(transactionId=start.transactionId, timestamp=datetime.now(UTC), meterStop=10,
                                         reason=reason)
        assert answer is None  # no idTag sent, so no idTagInfo to answer
        (tx,) = rows(gateway, orm.TransactionRow, transaction_id=start.transactionId)
        assert tx.stop_reason == (reason or "Local")  # OCPP 1.6 §4.10: an absent reason SHOULD be taken as Local


def test_stop_for_an_unknown_transaction_is_recorded_with_its_reason(station, gateway):
    station.StopTransaction(transactionId=987654, timestamp=datetime.now(UTC), meterStop=5, reason="PowerLoss",
                            transactionData=[{"timestamp": datetime.now(UTC), "sampledValue": [sampled("5")]}])
    (stop,) = rows(gateway, orm.UnknownTransactionStopRow, charge_box_id="CB16")
    assert (stop.reported_transaction_id, stop.meter_stop, stop.reason) == (987654, 5, "PowerLoss")
    (value,) = rows(gateway, orm.MeterValueRow, charge_box_id="CB16")
    assert (value.value, value.transaction_id, value.reported_transaction_id, value.source) == (
        "5", None, 987654, "StopTransaction",
    )


def test_meter_values_without_a_transaction_and_without_readings(station, gateway):
    station.MeterValues(connectorId=0, meterValue=[{"timestamp": datetime.now(UTC), "sampledValue": [
        sampled("230.1", measurand="Voltage", phase="L1-N", unit="V"),
    ]}])
    station.MeterValues(connectorId=2)  # the WSDL allows none (the spec wants one): nothing to store
    (value,) = rows(gateway, orm.MeterValueRow, charge_box_id="CB16")
    assert (value.connector_id, value.transaction_id, value.value, value.phase) == (0, None, "230.1", "L1-N")


def test_the_nine_states_and_an_error_with_its_details(station, gateway):
    at = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    for state in NINE_STATES:
        station.StatusNotification(connectorId=1, status=state, errorCode="NoError")
    station.StatusNotification(
        connectorId=1, status="SuspendedEV", errorCode="EVCommunicationError", info="CP signal lost", timestamp=at,
        vendorId="com.vendor.wallbox", vendorErrorCode="E-CP-017",
    )
    (current,) = rows(gateway, orm.ConnectorRow, charge_box_id="CB16", connector_id=1)
    assert (current.status, current.error_code, current.info, current.vendor_id, current.vendor_error_code) == (
        "SuspendedEV", "EVCommunicationError", "CP signal lost", "com.vendor.wallbox", "E-CP-017",
    )
    assert current.status_timestamp == at
    history = rows(gateway, orm.ConnectorStatusRow, charge_box_id="CB16")
    assert sorted(h.status for h in history) == sorted([*NINE_STATES, "SuspendedEV"])


ERROR_CODES = (
    "ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature", "InternalError",
    "LocalListConflict", "NoError", "OtherError", "OverCurrentFailure", "OverVoltage", "PowerMeterFailure",
    "PowerSwitchFailure", "ReaderFailure", "ResetFailure", "UnderVoltage", "WeakSignal",
)


def test_every_error_code_is_stored(station, gateway):
    for connector, error_code in enumerate(ERROR_CODES, start=1):
        station.StatusNotification(connectorId=connector, status="Faulted", errorCode=error_code, info="i",
                                   vendorErrorCode="v")
    history = rows(gateway, orm.ConnectorStatusRow, charge_box_id="CB16")
    assert sorted((h.connector_id, h.status, h.error_code, h.info, h.vendor_error_code) for h in history) == [
        (connector, "Faulted", error_code, "i", "v") for connector, error_code in enumerate(ERROR_CODES, start=1)
    ]


def test_firmware_and_diagnostics_statuses(station, gateway):
    for status in ("Downloading", "Downloaded", "Installing", "Installed", "Idle"):
        station.FirmwareStatusNotification(status=status)
        assert station_row(gateway, "CB16").firmware_status == status
    for status in ("Uploading", "Uploaded", "Idle"):
        station.DiagnosticsStatusNotification(status=status)
        assert station_row(gateway, "CB16").diagnostics_status == status


def test_data_transfer_unknown_vendor_and_registered_handler(station, gateway):
    assert station.DataTransfer(vendorId="com.unknown", messageId="m1", data="payload").status == "UnknownVendorId"

    from ocpp_soap.domain.model import DataTransferStatus
    from ocpp_soap.domain.station_messages import DataTransferResult

    gateway.data_transfer_registry.register(
        "com.example", lambda cmd, uow: DataTransferResult(DataTransferStatus.ACCEPTED, data=f"echo:{cmd.data}")
    )
    answer = station.DataTransfer(vendorId="com.example", messageId="m2", data="hello")
    assert (answer.status, answer.data) == ("Accepted", "echo:hello")
    records = rows(gateway, orm.DataTransferRow, charge_box_id="CB16")
    assert {(r.vendor_id, r.message_id, r.status) for r in records} == {
        ("com.unknown", "m1", "UnknownVendorId"), ("com.example", "m2", "Accepted"),
    }


# -- the binding: the address from wsa:From or ReplyTo, refreshed on every message ----------------------------------


def test_address_refreshed_on_every_message_and_kept_without_one(station, gateway):
    station.address = "http://198.51.100.16:8080/cp"
    station.StatusNotification(connectorId=0, status="Available", errorCode="NoError")
    assert station_row(gateway, "CB16").endpoint_address == "http://198.51.100.16:8080/cp"
    station.address = None  # a message without an address keeps the last known one
    station.Heartbeat()
    assert station_row(gateway, "CB16").endpoint_address == "http://198.51.100.16:8080/cp"


def test_boot_binds_the_reply_to_address_when_there_is_no_from(official_client, url, gateway):
    st = ZeepStation(official_client, CS16, url, "REPLY16", "http://192.0.2.61:8080/cp", address_header="ReplyTo")
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    row = station_row(gateway, "REPLY16")
    assert (row.protocol, row.endpoint_address, row.address_problem) == ("ocpp1.6-soap", "http://192.0.2.61:8080/cp", None)


def test_boot_without_address_marks_the_station_unreachable(official_client, url, gateway):
    st = zeep_station(official_client, url, "NOADDR16", address=None)
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    row = station_row(gateway, "NOADDR16")
    assert row.endpoint_address is None and "no wsa:From address" in row.address_problem
