"""Station messages as OCPP 1.6-J CALL payloads: what the back office is sent, whatever the station's version.

Each function takes the domain message (every version's SOAP edge already turned the station's request into one)
and returns the 1.6-J payload under its JSON names, valid against the 1.6 schema, or raises :class:`NotForwarded`
saying why the message cannot be sent at all (an empty 1.5 MeterValues, a 1.2 id tag longer than 1.6 allows).
What a mapping loses is listed in ``docs/relay.md``; the rules, in short:

- text longer than 1.6 allows is cut where it is free text (a status ``info``, a vendor error code, a required
  boot field), and left out where it is an optional identifier (a serial number); an identifier the message cannot
  do without (an id tag, a vendor id) makes the message :class:`NotForwarded`, answered by ocpp-soap alone;
- 1.2/1.5 units ``Amp``/``Volt`` are 1.6's ``A``/``V``; 1.5's ``Mode3Error`` is 1.6's ``EVCommunicationError``;
- 1.2's and 1.5's ``Occupied`` becomes what the session says (:func:`occupied_as`), and on connector 0, where 1.6
  allows only Available, Unavailable and Faulted, ``Available``;
- a 1.2 StatusNotification (it has no timestamp) carries the time ocpp-soap received it.

Ids in the payloads are those of the message given; the caller decides which id space that is (see ``model``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..domain import station_messages as sm
from ..domain.model import ChargePointErrorCode, ConnectorStatus, MeterReading, SampledValue
from .model import INT32_MAX

ID_TOKEN = 20
INFO = 50
VENDOR_ERROR_CODE = 50
VENDOR_ID = 255
MESSAGE_ID = 50
BOOT_LIMITS = {
    "chargePointVendor": 20, "chargePointModel": 20, "chargePointSerialNumber": 25, "chargeBoxSerialNumber": 25,
    "firmwareVersion": 50, "iccid": 20, "imsi": 20, "meterType": 25, "meterSerialNumber": 25,
}
REQUIRED_BOOT_FIELDS = frozenset({"chargePointVendor", "chargePointModel"})

ERROR_CODES = {ChargePointErrorCode.MODE3_ERROR: ChargePointErrorCode.EV_COMMUNICATION_ERROR}
"""Error codes that 1.6 names differently; every other code a 1.2/1.5 station can send exists in 1.6 as it is."""

CONNECTOR_ZERO_STATUSES = frozenset({ConnectorStatus.AVAILABLE, ConnectorStatus.UNAVAILABLE, ConnectorStatus.FAULTED})
"""What 1.6 allows for connector 0 (the station as a whole)."""

IN_SESSION = frozenset({"Charging", "SuspendedEV", "SuspendedEVSE"})


class NotForwarded(Exception):
    """The message cannot be put into 1.6-J: ocpp-soap answers it alone and it is counted as dropped."""


def json_time(value: datetime) -> str:
    """An RFC 3339 UTC time, with milliseconds when the value has any."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def occupied_as(connector_id: int, open_transaction: bool, upstream: str | None) -> str:
    """What 1.6 status a 1.2/1.5 ``Occupied`` is, from what the session and the back office's last status say.

    A transaction running on the connector: ``Charging`` (1.6's SuspendedEV/SuspendedEVSE cannot be told apart
    from it). No transaction, but the connector was in a session upstream (Charging, Suspended*) or already
    Finishing: the session ended and the cable is still in, ``Finishing``. Otherwise the car is plugged in and no
    session started yet: ``Preparing``. Connector 0 has no such states in 1.6: ``Available``.
    """
    if connector_id == 0:
        return ConnectorStatus.AVAILABLE.value
    if open_transaction:
        return ConnectorStatus.CHARGING.value
    if upstream in IN_SESSION or upstream == ConnectorStatus.FINISHING.value:
        return ConnectorStatus.FINISHING.value
    return ConnectorStatus.PREPARING.value


def boot_notification(message: sm.BootChargingStation) -> dict[str, Any]:
    details = message.details
    given = {
        "chargePointVendor": details.charge_point_vendor,
        "chargePointModel": details.charge_point_model,
        "chargePointSerialNumber": details.charge_point_serial_number,
        "chargeBoxSerialNumber": details.charge_box_serial_number,
        "firmwareVersion": details.firmware_version,
        "iccid": details.iccid,
        "imsi": details.imsi,
        "meterType": details.meter_type,
        "meterSerialNumber": details.meter_serial_number,
    }
    payload: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        limit = BOOT_LIMITS[name]
        if len(value) <= limit:
            payload[name] = value
        elif name in REQUIRED_BOOT_FIELDS:
            payload[name] = value[:limit]  # required: cut, so that the station can still register
        # an over-long optional identifier is left out rather than sent wrong
    return payload


def heartbeat(message: sm.RecordHeartbeat) -> dict[str, Any]:
    return {}


def authorize(message: sm.AuthorizeIdTag) -> dict[str, Any]:
    return {"idTag": _id_tag(message.id_tag)}


def start_transaction(message: sm.StartTransaction) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "connectorId": message.connector_id,
        "idTag": _id_tag(message.id_tag),
        "timestamp": json_time(message.timestamp),
        "meterStart": message.meter_start,
    }
    if message.reservation_id is not None:
        payload["reservationId"] = message.reservation_id
    return payload


def stop_transaction(message: sm.StopTransaction) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "transactionId": message.transaction_id,
        "timestamp": json_time(message.timestamp),
        "meterStop": message.meter_stop,
    }
    if message.id_tag is not None and len(message.id_tag) <= ID_TOKEN:
        payload["idTag"] = message.id_tag  # an over-long one is left out: the stop itself must still go
    if message.reason is not None:
        payload["reason"] = message.reason.value
    data = meter_values_list(message.transaction_data)
    if data:
        payload["transactionData"] = data
    return payload


def meter_values(message: sm.RecordMeterValues, transaction_id: int | None) -> dict[str, Any]:
    values = meter_values_list(message.readings)
    if not values:
        raise NotForwarded("a MeterValues without values cannot be sent in 1.6 (it needs at least one)")
    payload: dict[str, Any] = {"connectorId": message.connector_id}
    if transaction_id is not None:
        payload["transactionId"] = transaction_id
    payload["meterValue"] = values
    return payload


def status_notification(message: sm.UpdateConnectorStatus, status: str, received_at: datetime) -> dict[str, Any]:
    """``status`` is the 1.6 status decided by the caller (see :func:`upstream_status`)."""
    payload: dict[str, Any] = {
        "connectorId": message.connector_id,
        "errorCode": ERROR_CODES.get(message.error_code, message.error_code).value,
        "status": status,
        "timestamp": json_time(message.timestamp or received_at),
    }
    if message.info:
        payload["info"] = message.info[:INFO]
    if message.vendor_id:
        payload["vendorId"] = message.vendor_id[:VENDOR_ID]
    if message.vendor_error_code:
        payload["vendorErrorCode"] = message.vendor_error_code[:VENDOR_ERROR_CODE]
    return payload


def upstream_status(message: sm.UpdateConnectorStatus, open_transaction: bool, upstream: str | None) -> str:
    """The 1.6 status a StatusNotification is forwarded with."""
    status = message.status
    if status is ConnectorStatus.OCCUPIED:
        return occupied_as(message.connector_id, open_transaction, upstream)
    if message.connector_id == 0 and status not in CONNECTOR_ZERO_STATUSES:
        return ConnectorStatus.AVAILABLE.value  # Reserved, or a 1.6 session state, has no meaning for the station
    return status.value


def firmware_status_notification(message: sm.UpdateFirmwareStatus) -> dict[str, Any]:
    return {"status": message.status.value}


def diagnostics_status_notification(message: sm.UpdateDiagnosticsStatus) -> dict[str, Any]:
    return {"status": message.status.value}


def data_transfer(message: sm.ReceiveDataTransfer) -> dict[str, Any]:
    if len(message.vendor_id) > VENDOR_ID:
        raise NotForwarded(f"the vendor id is {len(message.vendor_id)} characters long; 1.6 allows {VENDOR_ID}")
    payload: dict[str, Any] = {"vendorId": message.vendor_id}
    if message.message_id is not None:
        if len(message.message_id) > MESSAGE_ID:
            raise NotForwarded(f"the message id is {len(message.message_id)} characters long; 1.6 allows {MESSAGE_ID}")
        payload["messageId"] = message.message_id
    if message.data is not None:
        payload["data"] = message.data
    return payload


def meter_values_list(readings: tuple[MeterReading, ...]) -> list[dict[str, Any]]:
    """1.6 ``meterValue`` items; a reading without any value is left out (1.6 needs at least one per reading)."""
    return [
        {"timestamp": json_time(reading.timestamp), "sampledValue": [sampled_value(v) for v in reading.values]}
        for reading in readings
        if reading.values
    ]


def sampled_value(value: SampledValue) -> dict[str, Any]:
    """One ``sampledValue``: the 1.5 XML attributes become properties, ``Amp``/``Volt`` become ``A``/``V``."""
    item: dict[str, Any] = {"value": value.value}
    if value.context is not None:
        item["context"] = value.context.value
    if value.format is not None:
        item["format"] = value.format.value
    if value.measurand is not None:
        item["measurand"] = value.measurand.value
    if value.phase is not None:
        item["phase"] = value.phase.value
    if value.location is not None:
        item["location"] = value.location.value
    if value.unit is not None:
        item["unit"] = value.unit.canonical.value
    return item


def fits_station(value: int) -> bool:
    """Whether a back-office id can be given to a SOAP station (xs:int)."""
    return -(2**31) <= value <= INT32_MAX


def _id_tag(id_tag: str) -> str:
    if len(id_tag) > ID_TOKEN:
        raise NotForwarded(f"the id tag is {len(id_tag)} characters long; 1.6 allows {ID_TOKEN}")
    return id_tag
