"""Every OCPP 1.5 central-system operation, called by a zeep client built from the official WSDL, over loopback HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import zeep
from zeep.exceptions import Fault

from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.persistence import orm
from tests.conftest import official_wsdl
from tests.stations import ZeepStation, accept, add_tag, count, rows

CS = "urn://Ocpp/Cs/2012/06/"
WSA = "http://www.w3.org/2005/08/addressing"
STATION_URL = "http://192.0.2.15:8080/ChargePointService"


@pytest.fixture(scope="module")
def official_client() -> zeep.Client:
    return zeep.Client(str(official_wsdl("ocpp15_centralsystem.wsdl")))


def zeep_station(client: zeep.Client, url: str, charge_box_id: str, address: str | None = STATION_URL) -> ZeepStation:
    return ZeepStation(client, CS, url, charge_box_id, address)


@pytest.fixture
def station(official_client: zeep.Client, live_server: Any, gateway: Any) -> ZeepStation:
    """A booted, accepted station 'CB15'."""
    st = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", "CB15")
    st.BootNotification(chargePointVendor="Vendor", chargePointModel="Model")
    accept(gateway, "CB15")
    return st


def test_unknown_station_boots_pending_and_is_rejected(official_client, live_server, gateway):
    st = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", "NEW1")
    answer = st.BootNotification(
        chargePointVendor="Elaad", chargePointModel="EVSE-1", chargePointSerialNumber="CP-SN-1",
        chargeBoxSerialNumber="CB-SN-1", firmwareVersion="1.2.3", iccid="8931", imsi="2041", meterType="ABB",
        meterSerialNumber="M-1",
    )
    assert answer.status == "Rejected"
    assert answer.heartbeatInterval == 900
    assert abs(answer.currentTime - datetime.now(UTC)) < timedelta(seconds=5)
    st.BootNotification(chargePointVendor="Elaad", chargePointModel="EVSE-1")
    (row,) = rows(gateway, orm.StationRow, charge_box_id="NEW1")
    assert row.registration_status == "Pending"
    assert row.boot_count == 2
    assert row.protocol == "ocpp1.5-soap"
    assert row.endpoint_address == STATION_URL
    assert row.charge_point_vendor == "Elaad" and row.charge_point_model == "EVSE-1"


def test_boot_records_every_field_and_binding(official_client, live_server, gateway):
    accept_later = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", "CBX")
    accept_later.BootNotification(chargePointVendor="V", chargePointModel="M")
    accept(gateway, "CBX")
    answer = accept_later.BootNotification(
        chargePointVendor="Elaad", chargePointModel="EVSE-1", chargePointSerialNumber="CP-SN-1",
        chargeBoxSerialNumber="CB-SN-1", firmwareVersion="1.2.3", iccid="8931", imsi="2041", meterType="ABB",
        meterSerialNumber="M-1",
    )
    assert answer.status == "Accepted"
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CBX")
    assert (row.charge_point_serial_number, row.charge_box_serial_number, row.firmware_version) == (
        "CP-SN-1", "CB-SN-1", "1.2.3",
    )
    assert (row.iccid, row.imsi, row.meter_type, row.meter_serial_number) == ("8931", "2041", "ABB", "M-1")


def test_operations_refused_until_accepted(official_client, live_server):
    st = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", "PEND")
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    with pytest.raises(Fault) as info:
        st.Heartbeat()
    assert "not accepted" in info.value.message
    assert info.value.code.endswith("Sender")


def test_never_booted_station_is_refused(official_client, live_server):
    st = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", "GHOST")
    with pytest.raises(Fault) as info:
        st.Heartbeat()
    assert "BootNotification first" in info.value.message


def test_heartbeat(station, gateway):
    answer = station.Heartbeat()
    assert abs(answer - datetime.now(UTC)) < timedelta(seconds=5)
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB15")
    assert abs(row.last_seen_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_authorize_statuses(station, gateway):
    now = datetime.now(UTC)
    add_tag(gateway, IdTag("GOOD", AuthorizationStatus.ACCEPTED, now + timedelta(days=30), "PARENT"))
    add_tag(gateway, IdTag("OLD", AuthorizationStatus.ACCEPTED, now - timedelta(days=1)))
    add_tag(gateway, IdTag("BAD", AuthorizationStatus.BLOCKED))
    good = station.Authorize(idTag="GOOD")
    assert good.status == "Accepted" and good.parentIdTag == "PARENT"
    assert good.expiryDate is not None
    assert station.Authorize(idTag="OLD").status == "Expired"
    assert station.Authorize(idTag="BAD").status == "Blocked"
    assert station.Authorize(idTag="NOBODY").status == "Invalid"


def test_transaction_lifecycle(station, gateway):
    add_tag(gateway, IdTag("TAG1", AuthorizationStatus.ACCEPTED))
    started = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    start = station.StartTransaction(connectorId=1, idTag="TAG1", timestamp=started, meterStart=1000, reservationId=7)
    assert start.idTagInfo.status == "Accepted"
    assert start.transactionId > 0
    concurrent = station.StartTransaction(connectorId=2, idTag="TAG1", timestamp=started, meterStart=0)
    assert concurrent.idTagInfo.status == "ConcurrentTx"
    assert concurrent.transactionId != start.transactionId

    station.MeterValues(
        connectorId=1,
        transactionId=start.transactionId,
        values=[
            {
                "timestamp": started + timedelta(minutes=5),
                "value": [
                    {"_value_1": "1500", "context": "Sample.Periodic", "format": "Raw",
                     "measurand": "Energy.Active.Import.Register", "location": "Outlet", "unit": "Wh"},
                    {"_value_1": "16.2", "measurand": "Current.Import", "unit": "Amp"},
                ],
            }
        ],
    )
    stop = station.StopTransaction(
        transactionId=start.transactionId, idTag="TAG1", timestamp=started + timedelta(hours=1), meterStop=9000,
        transactionData=[{"values": [{"timestamp": started + timedelta(hours=1),
                                      "value": [{"_value_1": "9000", "context": "Transaction.End", "unit": "Wh"}]}]}],
    )
    assert stop.status == "Accepted"

    (tx,) = rows(gateway, orm.TransactionRow, transaction_id=start.transactionId)
    assert (tx.connector_id, tx.id_tag, tx.meter_start, tx.reservation_id) == (1, "TAG1", 1000, 7)
    assert tx.started_at == started
    assert tx.meter_stop == 9000 and tx.stopped_at == started + timedelta(hours=1)
    values = rows(gateway, orm.MeterValueRow, transaction_id=start.transactionId)
    by_value = {v.value: v for v in values}
    assert set(by_value) == {"1500", "16.2", "9000"}
    energy = by_value["1500"]
    assert (energy.context, energy.format, energy.measurand, energy.location, energy.unit) == (
        "Sample.Periodic", "Raw", "Energy.Active.Import.Register", "Outlet", "Wh",
    )
    assert by_value["16.2"].context is None and by_value["16.2"].unit == "Amp"
    assert by_value["9000"].source == "StopTransaction"


def test_stop_for_unknown_transaction_is_recorded(station, gateway):
    answer = station.StopTransaction(transactionId=987654, timestamp=datetime.now(UTC), meterStop=5)
    assert answer is None  # no idTag sent, so no idTagInfo to answer
    (stop,) = rows(gateway, orm.UnknownTransactionStopRow, charge_box_id="CB15")
    assert stop.reported_transaction_id == 987654 and stop.meter_stop == 5


def test_meter_values_without_transaction(station, gateway):
    station.MeterValues(connectorId=2, values=[{"timestamp": datetime.now(UTC), "value": [{"_value_1": "42"}]}])
    (value,) = rows(gateway, orm.MeterValueRow, charge_box_id="CB15")
    assert value.transaction_id is None and value.connector_id == 2 and value.value == "42"


def test_status_notification_with_every_field(station, gateway):
    at = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    station.StatusNotification(
        connectorId=1, status="Faulted", errorCode="GroundFailure", info="RCD tripped", timestamp=at,
        vendorId="com.vendor", vendorErrorCode="E42",
    )
    station.StatusNotification(connectorId=1, status="Available", errorCode="NoError")
    (current,) = rows(gateway, orm.ConnectorRow, charge_box_id="CB15", connector_id=1)
    assert (current.status, current.error_code) == ("Available", "NoError")
    history = rows(gateway, orm.ConnectorStatusRow, charge_box_id="CB15")
    assert len(history) == 2
    faulted = next(h for h in history if h.status == "Faulted")
    assert (faulted.error_code, faulted.info, faulted.vendor_id, faulted.vendor_error_code) == (
        "GroundFailure", "RCD tripped", "com.vendor", "E42",
    )
    assert faulted.status_timestamp == at


def test_firmware_and_diagnostics_status(station, gateway):
    station.FirmwareStatusNotification(status="Downloaded")
    station.DiagnosticsStatusNotification(status="UploadFailed")
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB15")
    assert row.firmware_status == "Downloaded" and row.diagnostics_status == "UploadFailed"


def test_data_transfer_unknown_vendor_and_registered_handler(station, gateway):
    answer = station.DataTransfer(vendorId="com.unknown", messageId="m1", data="payload")
    assert answer.status == "UnknownVendorId"

    from ocpp_soap.domain.model import DataTransferStatus
    from ocpp_soap.domain.station_messages import DataTransferResult

    gateway.data_transfer_registry.register(
        "com.example", lambda cmd, uow: DataTransferResult(DataTransferStatus.ACCEPTED, data=f"echo:{cmd.data}")
    )
    answer = station.DataTransfer(vendorId="com.example", messageId="m2", data="hello")
    assert (answer.status, answer.data) == ("Accepted", "echo:hello")
    records = rows(gateway, orm.DataTransferRow, charge_box_id="CB15")
    assert {(r.vendor_id, r.status) for r in records} == {("com.unknown", "UnknownVendorId"), ("com.example", "Accepted")}


def test_address_refreshed_when_station_moves(station, gateway):
    station.address = "http://198.51.100.7:8080/cp"
    station.Heartbeat()
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB15")
    assert row.endpoint_address == "http://198.51.100.7:8080/cp"
    station.address = None  # a message without From keeps the last known address
    station.Heartbeat()
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB15")
    assert row.endpoint_address == "http://198.51.100.7:8080/cp"


def test_boot_without_address_marks_station_unreachable(official_client, live_server, gateway):
    st = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", "NOADDR", address=None)
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    (row,) = rows(gateway, orm.StationRow, charge_box_id="NOADDR")
    assert row.endpoint_address is None
    assert "no wsa:From address" in row.address_problem


def test_auto_accept(official_client, tmp_path):
    from ocpp_soap.config import Settings
    from ocpp_soap.wsgi import create_app
    from tests.conftest import LiveServer

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'auto.sqlite3'}", auto_accept=True))
    server = LiveServer(app).start()
    try:
        st = zeep_station(official_client, f"{server.url}/services/centralSystemServiceOcpp15", "AUTO")
        assert st.BootNotification(chargePointVendor="V", chargePointModel="M").status == "Accepted"
        assert st.Heartbeat() is not None
    finally:
        server.stop()
        app.gateway.engine.dispose()


def test_many_stations_get_unique_transaction_ids(official_client, live_server, gateway):
    from concurrent.futures import ThreadPoolExecutor

    add_tag(gateway, IdTag("FLEET", AuthorizationStatus.ACCEPTED))
    stations = []
    for n in range(8):
        st = zeep_station(official_client, f"{live_server.url}/services/centralSystemServiceOcpp15", f"F{n}")
        st.BootNotification(chargePointVendor="V", chargePointModel="M")
        accept(gateway, f"F{n}")
        stations.append(st)

    def start(args: tuple[int, int]) -> int:
        st, connector = stations[args[0]], args[1]
        return st.StartTransaction(
            connectorId=connector, idTag=f"T{args[0]}-{connector}", timestamp=datetime.now(UTC), meterStart=0
        ).transactionId

    jobs = [(n, c) for n in range(8) for c in range(1, 6)]
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(start, jobs))
    assert len(set(ids)) == len(jobs)
    assert count(gateway, orm.TransactionRow) == len(jobs)
