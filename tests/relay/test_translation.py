"""Golden translations: SOAP requests of 1.2 and 1.5 stations, as the SOAP edge reads them, into the exact 1.6-J
payloads the back office is sent, each valid against the 1.6 JSON schema; and the back office's answers into what
the station is told. The cases are where mappings are lossy or shapes change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree
from ocpp.messages import Call, _validate_payload

from ocpp_soap.domain import station_messages as sm
from ocpp_soap.domain.model import RegistrationStatus, StationOrigin
from ocpp_soap.relay import answers, upstream
from ocpp_soap.relay.tap import _payload
from ocpp_soap.soap.bodies import BodyCodec, qualify
from ocpp_soap.soap.edge import edge_for_number

NOW = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
NS = {"1.2": "urn://Ocpp/Cs/2010/08/", "1.5": "urn://Ocpp/Cs/2012/06/"}


def read(version: str, xml: str) -> Any:
    """The domain message a station's SOAP request body becomes at the version's edge."""
    version_edge = edge_for_number(version)
    codec = BodyCodec(version_edge.central_system)
    body = qualify(etree.fromstring(xml.replace("NS", NS[version])), version_edge.central_system.namespace)
    operation = codec.operation_of(body)
    return version_edge.translations[operation.name].to_message(
        codec.read(operation, body), StationOrigin("CB1", version_edge.protocol)
    )


def valid(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    _validate_payload(Call("1", action, payload), "1.6")
    return payload


def test_15_meter_values_attributes_become_properties_and_units_their_16_names() -> None:
    message = read("1.5", """<meterValuesRequest xmlns="NS"><connectorId>1</connectorId><transactionId>7</transactionId>
        <values><timestamp>2026-12-01T10:00:00Z</timestamp>
          <value context="Sample.Periodic" format="Raw" measurand="Current.Import" location="Outlet" unit="Amp">16.1</value>
          <value measurand="Voltage" unit="Volt">230</value>
          <value>12345</value></values></meterValuesRequest>""")
    assert valid("MeterValues", upstream.meter_values(message, 7)) == {
        "connectorId": 1, "transactionId": 7, "meterValue": [{"timestamp": "2026-12-01T10:00:00Z", "sampledValue": [
            {"value": "16.1", "context": "Sample.Periodic", "format": "Raw", "measurand": "Current.Import",
             "location": "Outlet", "unit": "A"},
            {"value": "230", "measurand": "Voltage", "unit": "V"},
            {"value": "12345"},
        ]}],
    }


def test_12_integer_readings_become_sampled_values_without_metadata() -> None:
    message = read("1.2", """<meterValuesRequest xmlns="NS"><connectorId>2</connectorId>
        <values><timestamp>2026-12-01T10:00:00Z</timestamp><value>4711</value></values></meterValuesRequest>""")
    assert valid("MeterValues", upstream.meter_values(message, None)) == {
        "connectorId": 2, "meterValue": [{"timestamp": "2026-12-01T10:00:00Z", "sampledValue": [{"value": "4711"}]}],
    }


def test_an_empty_15_meter_values_is_not_forwarded() -> None:
    message = read("1.5", """<meterValuesRequest xmlns="NS"><connectorId>1</connectorId></meterValuesRequest>""")
    with pytest.raises(upstream.NotForwarded, match="at least one"):
        upstream.meter_values(message, None)


def test_nested_15_transaction_data_is_flattened() -> None:
    message = read("1.5", """<stopTransactionRequest xmlns="NS"><transactionId>9</transactionId><idTag>TAG1</idTag>
        <timestamp>2026-12-01T11:00:00Z</timestamp><meterStop>2000</meterStop>
        <transactionData><values><timestamp>2026-12-01T10:00:00Z</timestamp><value unit="Wh">1000</value></values>
          <values><timestamp>2026-12-01T10:30:00Z</timestamp><value unit="Wh">1500</value></values></transactionData>
        <transactionData><values><timestamp>2026-12-01T11:00:00Z</timestamp><value unit="kWh">2</value></values>
        </transactionData></stopTransactionRequest>""")
    assert valid("StopTransaction", _payload(message, None)) == {
        "transactionId": 9, "timestamp": "2026-12-01T11:00:00Z", "meterStop": 2000, "idTag": "TAG1",
        "transactionData": [
            {"timestamp": "2026-12-01T10:00:00Z", "sampledValue": [{"value": "1000", "unit": "Wh"}]},
            {"timestamp": "2026-12-01T10:30:00Z", "sampledValue": [{"value": "1500", "unit": "Wh"}]},
            {"timestamp": "2026-12-01T11:00:00Z", "sampledValue": [{"value": "2", "unit": "kWh"}]},
        ],
    }


@pytest.mark.parametrize(
    ("connector", "running", "told", "expected"),
    [
        (1, False, None, "Preparing"),  # plugged in, no session yet
        (1, False, "Available", "Preparing"),
        (1, True, "Preparing", "Charging"),  # a session runs
        (1, True, None, "Charging"),
        (1, False, "Charging", "Finishing"),  # the session ended, the cable is still in
        (1, False, "SuspendedEV", "Finishing"),
        (1, False, "Finishing", "Finishing"),
        (0, True, None, "Available"),  # connector 0 has no session states in 1.6
    ],
)
def test_occupied_is_what_the_session_says(connector: int, running: bool, told: str | None, expected: str) -> None:
    message = read("1.5", f"""<statusNotificationRequest xmlns="NS"><connectorId>{connector}</connectorId>
        <status>Occupied</status><errorCode>NoError</errorCode></statusNotificationRequest>""")
    status = upstream.upstream_status(message, running, told)
    assert status == expected
    valid("StatusNotification", upstream.status_notification(message, status, NOW))


def test_status_details_are_kept_within_16s_limits() -> None:
    message = read("1.5", f"""<statusNotificationRequest xmlns="NS"><connectorId>0</connectorId>
        <status>Reserved</status><errorCode>Mode3Error</errorCode><info>{"i" * 60}</info>
        <timestamp>2026-12-01T09:59:58.250Z</timestamp><vendorId>acme</vendorId>
        <vendorErrorCode>{"e" * 60}</vendorErrorCode></statusNotificationRequest>""")
    status = upstream.upstream_status(message, False, None)
    assert valid("StatusNotification", upstream.status_notification(message, status, NOW)) == {
        "connectorId": 0, "errorCode": "EVCommunicationError", "status": "Available",
        "timestamp": "2026-12-01T09:59:58.250Z", "info": "i" * 50, "vendorId": "acme", "vendorErrorCode": "e" * 50,
    }


def test_a_12_status_gets_the_time_it_was_received() -> None:
    message = read("1.2", """<statusNotificationRequest xmlns="NS"><connectorId>1</connectorId>
        <status>Faulted</status><errorCode>ReaderFailure</errorCode></statusNotificationRequest>""")
    assert valid("StatusNotification", upstream.status_notification(message, "Faulted", NOW)) == {
        "connectorId": 1, "errorCode": "ReaderFailure", "status": "Faulted", "timestamp": "2026-12-01T10:00:00Z",
    }


def test_12_boot_details_beyond_16s_limits() -> None:
    message = read("1.2", f"""<bootNotificationRequest xmlns="NS">
        <chargePointVendor>{"V" * 30}</chargePointVendor><chargePointModel>Model</chargePointModel>
        <chargePointSerialNumber>{"S" * 30}</chargePointSerialNumber><firmwareVersion>1.0</firmwareVersion>
        </bootNotificationRequest>""")
    assert valid("BootNotification", _payload(message, None)) == {
        "chargePointVendor": "V" * 20,  # required: cut
        "chargePointModel": "Model",
        "firmwareVersion": "1.0",  # the over-long serial number (optional) is left out rather than sent wrong
    }


def test_a_12_id_tag_longer_than_16_allows() -> None:
    long_tag = "T" * 25
    authorize = read("1.2", f"""<authorizeRequest xmlns="NS"><idTag>{long_tag}</idTag></authorizeRequest>""")
    with pytest.raises(upstream.NotForwarded, match="id tag"):
        _payload(authorize, None)
    stop = sm.StopTransaction(StationOrigin("CB1", authorize.origin.protocol), 3, NOW, 10, long_tag)
    assert valid("StopTransaction", _payload(stop, None)) == {
        "transactionId": 3, "timestamp": "2026-12-01T10:00:00Z", "meterStop": 10,  # the stop still goes
    }


def test_15_data_transfer_identifiers_beyond_16s_limits() -> None:
    message = read("1.5", f"""<dataTransferRequest xmlns="NS"><vendorId>acme</vendorId>
        <messageId>{"m" * 51}</messageId></dataTransferRequest>""")
    with pytest.raises(upstream.NotForwarded, match="message id"):
        _payload(message, None)


def test_firmware_and_diagnostics_statuses_are_the_same_words() -> None:
    firmware = read("1.5", """<firmwareStatusNotificationRequest xmlns="NS"><status>InstallationFailed</status>
        </firmwareStatusNotificationRequest>""")
    diagnostics = read("1.2", """<diagnosticsStatusNotificationRequest xmlns="NS"><status>Uploaded</status>
        </diagnosticsStatusNotificationRequest>""")
    assert valid("FirmwareStatusNotification", _payload(firmware, None)) == {"status": "InstallationFailed"}
    assert valid("DiagnosticsStatusNotification", _payload(diagnostics, None)) == {"status": "Uploaded"}


# -- the back office's answers, as the station is told them --------------------------------------------------


def test_pending_is_kept_for_the_edge_to_word() -> None:
    result = answers.boot_result({"status": "Pending", "currentTime": "2026-12-01T10:00:00Z", "interval": 60})
    assert (result.status, result.heartbeat_interval) == (RegistrationStatus.PENDING, 60)
    from ocpp_soap.soap.station_messages import boot_response_without_pending
    from ocpp_soap.soap.v15 import types as t15

    response = boot_response_without_pending(result, t15)
    assert (response.status, response.heartbeatInterval) == ("Rejected", 60)  # 1.5 has no Pending


def test_a_back_office_id_beyond_xs_int() -> None:
    assert upstream.fits_station(2**31 - 1) and not upstream.fits_station(2**31)
    assert answers.problem("StartTransaction", {"transactionId": 2**40, "idTagInfo": {"status": "Accepted"}}) is None


def test_answers_a_station_cannot_be_given() -> None:
    assert answers.problem("BootNotification", {"status": "Accepted", "currentTime": "x", "interval": 1})
    assert answers.problem("BootNotification", {"status": "Accepted", "currentTime": "2026-12-01T10:00:00Z",
                                                "interval": 2**32})
    assert answers.problem("Authorize", {"idTagInfo": {"status": "Accepted", "expiryDate": "2027-01-01T00:00:00Z"}}) \
        is None
