"""Every OCPP 1.2 central-system operation, called by a zeep client built from the official 1.2 WSDL, over loopback
HTTP, through both the versioned URL and the shared one (which routes by the body's namespace)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import zeep
from zeep.exceptions import Fault

from ocpp_soap.domain.model import AuthorizationStatus, IdTag
from ocpp_soap.persistence import orm
from tests.conftest import official_wsdl
from tests.helpers import CS12, envelope, post
from tests.stations import ZeepStation, accept, add_tag, rows

WSA = "http://www.w3.org/2005/08/addressing"
STATION_URL = "http://192.0.2.12:8080/ChargePointService"
PATHS = {
    "versioned": "/services/centralSystemServiceOcpp12",
    "shared": "/services/CentralSystemService",
}


@pytest.fixture(scope="module")
def official_client() -> zeep.Client:
    return zeep.Client(str(official_wsdl("ocpp12_centralsystem.wsdl")))


@pytest.fixture(params=sorted(PATHS))
def url(request: pytest.FixtureRequest, live_server: Any) -> str:
    """The URL a station is pointed at: the 1.2 endpoint, or the shared one."""
    return f"{live_server.url}{PATHS[request.param]}"


def zeep_station(client: zeep.Client, url: str, charge_box_id: str, address: str | None = STATION_URL) -> ZeepStation:
    return ZeepStation(client, CS12, url, charge_box_id, address)


@pytest.fixture
def station(official_client: zeep.Client, url: str, gateway: Any) -> ZeepStation:
    """A booted, accepted 1.2 station 'CB12'."""
    st = zeep_station(official_client, url, "CB12")
    st.BootNotification(chargePointVendor="Vendor", chargePointModel="Model")
    accept(gateway, "CB12")
    return st


def test_unknown_station_boots_pending_and_is_bound_to_12(official_client, url, gateway):
    st = zeep_station(official_client, url, "NEW12")
    answer = st.BootNotification(
        chargePointVendor="Elaad", chargePointModel="EVSE-1", chargePointSerialNumber="CP-SN-1",
        chargeBoxSerialNumber="CB-SN-1", firmwareVersion="1.2.3", iccid="8931", imsi="2041", meterType="ABB",
        meterSerialNumber="M-1",
    )
    assert answer.status == "Rejected"
    # Optional in 1.2, always sent by us.
    assert answer.heartbeatInterval == 900
    assert abs(answer.currentTime - datetime.now(UTC)) < timedelta(seconds=5)
    (row,) = rows(gateway, orm.StationRow, charge_box_id="NEW12")
    assert row.registration_status == "Pending"
    assert row.protocol == "ocpp1.2-soap"
    assert row.endpoint_address == STATION_URL and row.address_problem is None
    assert (row.charge_point_vendor, row.charge_point_model, row.charge_point_serial_number) == (
        "Elaad", "EVSE-1", "CP-SN-1",
    )
    assert (row.charge_box_serial_number, row.firmware_version, row.iccid, row.imsi) == ("CB-SN-1", "1.2.3", "8931", "2041")
    assert (row.meter_type, row.meter_serial_number) == ("ABB", "M-1")


def test_long_boot_strings_are_accepted_as_12_has_no_length_limits(official_client, url, gateway):
    st = zeep_station(official_client, url, "LONG12")
    st.BootNotification(chargePointVendor="V" * 40, chargePointModel="M" * 40, firmwareVersion="F" * 80)
    (row,) = rows(gateway, orm.StationRow, charge_box_id="LONG12")
    assert row.charge_point_vendor == "V" * 40 and row.firmware_version == "F" * 80


def test_accepted_boot(station):
    answer = station.BootNotification(chargePointVendor="Vendor", chargePointModel="Model")
    assert answer.status == "Accepted"


def test_operations_refused_until_accepted(official_client, url):
    st = zeep_station(official_client, url, "PEND12")
    st.BootNotification(chargePointVendor="V", chargePointModel="M")
    with pytest.raises(Fault) as info:
        st.Heartbeat()
    assert "not accepted" in info.value.message
    assert info.value.code.endswith("Sender")


def test_heartbeat(station, gateway):
    answer = station.Heartbeat()
    assert abs(answer - datetime.now(UTC)) < timedelta(seconds=5)
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB12")
    assert abs(row.last_seen_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_authorize_statuses(station, gateway):
    now = datetime.now(UTC)
    # 1.2's idTag is a plain string: a tag longer than 1.5's IdToken (20) is fine.
    long_tag = "T" * 32
    add_tag(gateway, IdTag(long_tag, AuthorizationStatus.ACCEPTED, now + timedelta(days=30), "PARENT"))
    add_tag(gateway, IdTag("OLD", AuthorizationStatus.ACCEPTED, now - timedelta(days=1)))
    add_tag(gateway, IdTag("BAD", AuthorizationStatus.BLOCKED))
    good = station.Authorize(idTag=long_tag)
    assert good.status == "Accepted" and good.parentIdTag == "PARENT"
    assert good.expiryDate is not None
    assert station.Authorize(idTag="OLD").status == "Expired"
    assert station.Authorize(idTag="BAD").status == "Blocked"
    assert station.Authorize(idTag="NOBODY").status == "Invalid"


def test_transaction_lifecycle_with_integer_meter_values(station, gateway):
    add_tag(gateway, IdTag("TAG1", AuthorizationStatus.ACCEPTED))
    started = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    start = station.StartTransaction(connectorId=1, idTag="TAG1", timestamp=started, meterStart=1000)
    assert start.idTagInfo.status == "Accepted"
    assert start.transactionId > 0
    concurrent = station.StartTransaction(connectorId=2, idTag="TAG1", timestamp=started, meterStart=0)
    assert concurrent.idTagInfo.status == "ConcurrentTx"

    station.MeterValues(
        connectorId=1,
        values=[
            {"timestamp": started + timedelta(minutes=5), "value": 1500},
            {"timestamp": started + timedelta(minutes=10), "value": 2750},
        ],
    )
    stop = station.StopTransaction(
        transactionId=start.transactionId, idTag="TAG1", timestamp=started + timedelta(hours=1), meterStop=9000
    )
    assert stop.status == "Accepted"

    (tx,) = rows(gateway, orm.TransactionRow, transaction_id=start.transactionId)
    assert (tx.connector_id, tx.id_tag, tx.meter_start, tx.reservation_id) == (1, "TAG1", 1000, None)
    assert tx.started_at == started
    assert (tx.meter_stop, tx.stopped_at, tx.stop_id_tag) == (9000, started + timedelta(hours=1), "TAG1")

    values = sorted(rows(gateway, orm.MeterValueRow, charge_box_id="CB12"), key=lambda v: v.timestamp)
    assert [(v.value, v.timestamp) for v in values] == [
        ("1500", started + timedelta(minutes=5)),
        ("2750", started + timedelta(minutes=10)),
    ]
    for v in values:  # an integer reading carries no metadata; 1.2's MeterValues names no transaction, so the
        # reading is linked to the one session open on its connector
        assert (v.context, v.format, v.measurand, v.location, v.unit) == (None, None, None, None, None)
        assert (v.connector_id, v.transaction_id, v.reported_transaction_id, v.source) == (
            1, start.transactionId, None, "MeterValues",
        )


def test_stop_without_id_tag_and_unknown_transaction(station, gateway):
    answer = station.StopTransaction(transactionId=987654, timestamp=datetime.now(UTC), meterStop=5)
    assert answer is None  # no idTag sent, so no idTagInfo to answer
    (stop,) = rows(gateway, orm.UnknownTransactionStopRow, charge_box_id="CB12")
    assert stop.reported_transaction_id == 987654 and stop.meter_stop == 5 and stop.id_tag is None


def test_status_notification(station, gateway):
    station.StatusNotification(connectorId=1, status="Faulted", errorCode="Mode3Error")
    station.StatusNotification(connectorId=1, status="Occupied", errorCode="NoError")
    (current,) = rows(gateway, orm.ConnectorRow, charge_box_id="CB12", connector_id=1)
    assert (current.status, current.error_code) == ("Occupied", "NoError")
    history = rows(gateway, orm.ConnectorStatusRow, charge_box_id="CB12")
    assert sorted((h.status, h.error_code) for h in history) == [("Faulted", "Mode3Error"), ("Occupied", "NoError")]
    for h in history:  # 1.2 has none of 1.5's details
        assert (h.info, h.vendor_id, h.vendor_error_code, h.status_timestamp) == (None, None, None, None)


@pytest.mark.parametrize(
    ("status", "error_code", "wrong"),
    [("Reserved", "NoError", "Reserved"), ("Faulted", "GroundFailure", "GroundFailure")],
)
def test_status_values_of_15_are_refused(station, url, gateway, status, error_code, wrong):
    body = (
        f"<cs:statusNotificationRequest><cs:connectorId>1</cs:connectorId><cs:status>{status}</cs:status>"
        f"<cs:errorCode>{error_code}</cs:errorCode></cs:statusNotificationRequest>"
    )
    answer = post(url, envelope(body, charge_box="CB12", action="/StatusNotification", ns=CS12))
    assert answer.status == 400
    assert answer.fault_code.endswith("Sender")
    assert "statusNotificationRequest" in answer.fault_reason and wrong in answer.fault_reason
    assert rows(gateway, orm.ConnectorStatusRow, charge_box_id="CB12") == []


def test_firmware_and_diagnostics_status(station, gateway):
    station.FirmwareStatusNotification(status="InstallationFailed")
    station.DiagnosticsStatusNotification(status="Uploaded")
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB12")
    assert row.firmware_status == "InstallationFailed" and row.diagnostics_status == "Uploaded"


def test_non_integer_meter_value_is_refused(station, url, gateway):
    body = (
        "<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId>"
        "<cs:values><cs:timestamp>2026-11-24T08:00:00Z</cs:timestamp><cs:value>12.5</cs:value></cs:values>"
        "</cs:meterValuesRequest>"
    )
    answer = post(url, envelope(body, charge_box="CB12", action="/MeterValues", ns=CS12))
    assert answer.status == 400 and answer.fault_code.endswith("Sender")
    assert "meterValuesRequest/values" in answer.fault_reason
    assert rows(gateway, orm.MeterValueRow, charge_box_id="CB12") == []


def test_data_transfer_is_not_an_12_operation(station, url):
    body = "<cs:dataTransferRequest><cs:vendorId>com.example</cs:vendorId></cs:dataTransferRequest>"
    answer = post(url, envelope(body, charge_box="CB12", action="/DataTransfer", ns=CS12))
    assert answer.status == 400
    assert "OCPP 1.2" in answer.fault_reason and "dataTransferRequest" in answer.fault_reason


def test_response_carries_ws_addressing_response_action(station, url):
    """The 1.2 WSDL declares no output action; we answer /OpResponse all the same, related to the request."""
    request = envelope("<cs:heartbeatRequest/>", charge_box="CB12", action="/Heartbeat", message_id="urn:uuid:12-hb", ns=CS12)
    answer = post(url, request)
    assert answer.status == 200
    assert answer.content_type.startswith("application/soap+xml")
    assert answer.findtext("s12:Header/wsa:Action") == "/HeartbeatResponse"
    assert answer.findtext("s12:Header/wsa:RelatesTo") == "urn:uuid:12-hb"
    assert answer.find("s12:Body/cs12:heartbeatResponse/cs12:currentTime") is not None


def test_declared_header_part_as_zeep_fills_it(station, gateway):
    """The WSDL's header part, filled by zeep itself (key ``ChargeBoxIdentity``), identifies the station too."""
    answer = station.service.Heartbeat(_soapheaders={"ChargeBoxIdentity": "CB12"})
    assert abs(answer - datetime.now(UTC)) < timedelta(seconds=5)
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB12")
    assert row.endpoint_address == STATION_URL  # no wsa:From: the last known address stays


def test_address_refreshed_and_kept(station, gateway):
    station.address = "http://198.51.100.12:8080/cp"
    station.Heartbeat()
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB12")
    assert row.endpoint_address == "http://198.51.100.12:8080/cp"
    station.address = None
    station.Heartbeat()
    (row,) = rows(gateway, orm.StationRow, charge_box_id="CB12")
    assert row.endpoint_address == "http://198.51.100.12:8080/cp"
