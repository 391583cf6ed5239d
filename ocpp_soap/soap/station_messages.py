"""How station operations cross the SOAP edge, written once for every version.

The message classes differ per version (each lives in its own namespace), so translations take the version's
types module; reading a request works on any version's object whose field names are the same
(``chargePointVendor`` ...). A field an older version lacks (1.2 has no ``reservationId``) is simply absent from
its objects. Where versions differ in shape (how a meter reading is written, the BootNotification answer), the
version passes its own function: :func:`translations` builds the table a version's edge uses.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

from ..domain import model as m
from ..domain import station_messages as messages
from ..domain.versions import Protocol
from .edge import Translation

E = TypeVar("E")
ReadingsReader = Callable[[Any], tuple[m.MeterReading, ...]]
"""Reads a version's meter readings: from a MeterValues request, or from a StopTransaction's transactionData."""


def optional_enum(enum: Callable[[Any], E], value: str | None) -> E | None:
    """A wire string as the domain enum member, None staying None (the schema has checked the value)."""
    return None if value is None else enum(value)


def field_of(request: Any, name: str) -> Any:
    """A field of the request, or None when the version's message has no such field (1.2 has no status info)."""
    return getattr(request, name, None)


def id_tag_info(info: m.IdTagInfo, t: ModuleType) -> Any:
    """The domain's verdict on an id tag as the version's ``IdTagInfo``."""
    return t.IdTagInfo(status=info.status.value, expiryDate=info.expiry_date, parentIdTag=info.parent_id_tag)


def boot_details(req: Any) -> m.BootDetails:
    """A ``BootNotificationRequest`` (every version carries the same nine fields) as domain details."""
    return m.BootDetails(
        charge_point_vendor=req.chargePointVendor,
        charge_point_model=req.chargePointModel,
        charge_point_serial_number=req.chargePointSerialNumber,
        charge_box_serial_number=req.chargeBoxSerialNumber,
        firmware_version=req.firmwareVersion,
        iccid=req.iccid,
        imsi=req.imsi,
        meter_type=req.meterType,
        meter_serial_number=req.meterSerialNumber,
    )


def boot_response_without_pending(result: messages.BootResult, t: ModuleType) -> Any:
    """For versions without Pending (1.2, 1.5): a station waiting for an operator is told Rejected and retries
    after ``heartbeatInterval``; every field is sent, optional or not."""
    status = m.RegistrationStatus.ACCEPTED if result.status is m.RegistrationStatus.ACCEPTED else m.RegistrationStatus.REJECTED
    return t.BootNotificationResponse(
        status=status.value, currentTime=result.current_time, heartbeatInterval=result.heartbeat_interval
    )


def _stop_response(result: messages.StopTransactionResult, t: ModuleType) -> Any:
    info = result.id_tag_info
    return t.StopTransactionResponse(idTagInfo=id_tag_info(info, t) if info is not None else None)


def translations(
    protocol: Protocol,
    *,
    meter_readings: ReadingsReader,
    transaction_data: ReadingsReader,
    boot_response: Callable[[messages.BootResult, ModuleType], Any] = boot_response_without_pending,
    stop_reason: Callable[[Any], m.StopReason | None] = lambda req: None,
) -> dict[str, Translation]:
    """The translation of every station operation of ``protocol``, with the version's own readers where the
    versions differ."""
    table = {
        "Authorize": Translation(
            lambda req, origin: messages.AuthorizeIdTag(origin, id_tag=req.idTag),
            lambda info, t: t.AuthorizeResponse(idTagInfo=id_tag_info(info, t)),
        ),
        "BootNotification": Translation(
            lambda req, origin: messages.BootChargingStation(origin, details=boot_details(req)),
            boot_response,
        ),
        "DataTransfer": Translation(
            lambda req, origin: messages.ReceiveDataTransfer(
                origin, vendor_id=req.vendorId, message_id=req.messageId, data=req.data
            ),
            lambda result, t: t.DataTransferResponse(status=result.status.value, data=result.data),
        ),
        "DiagnosticsStatusNotification": Translation(
            lambda req, origin: messages.UpdateDiagnosticsStatus(origin, status=m.DiagnosticsStatus(req.status)),
            lambda result, t: t.DiagnosticsStatusNotificationResponse(),
        ),
        "FirmwareStatusNotification": Translation(
            lambda req, origin: messages.UpdateFirmwareStatus(origin, status=m.FirmwareStatus(req.status)),
            lambda result, t: t.FirmwareStatusNotificationResponse(),
        ),
        "Heartbeat": Translation(
            lambda req, origin: messages.RecordHeartbeat(origin),
            lambda result, t: t.HeartbeatResponse(currentTime=result.current_time),
        ),
        "MeterValues": Translation(
            lambda req, origin: messages.RecordMeterValues(
                origin,
                connector_id=req.connectorId,
                readings=meter_readings(req),
                transaction_id=field_of(req, "transactionId"),
            ),
            lambda result, t: t.MeterValuesResponse(),
        ),
        "StartTransaction": Translation(
            lambda req, origin: messages.StartTransaction(
                origin,
                connector_id=req.connectorId,
                id_tag=req.idTag,
                timestamp=req.timestamp,
                meter_start=req.meterStart,
                reservation_id=field_of(req, "reservationId"),
            ),
            lambda result, t: t.StartTransactionResponse(
                transactionId=result.transaction_id, idTagInfo=id_tag_info(result.id_tag_info, t)
            ),
        ),
        "StatusNotification": Translation(
            lambda req, origin: messages.UpdateConnectorStatus(
                origin,
                connector_id=req.connectorId,
                status=m.ConnectorStatus(req.status),
                error_code=m.ChargePointErrorCode(req.errorCode),
                info=field_of(req, "info"),
                timestamp=field_of(req, "timestamp"),
                vendor_id=field_of(req, "vendorId"),
                vendor_error_code=field_of(req, "vendorErrorCode"),
            ),
            lambda result, t: t.StatusNotificationResponse(),
        ),
        "StopTransaction": Translation(
            lambda req, origin: messages.StopTransaction(
                origin,
                transaction_id=req.transactionId,
                timestamp=req.timestamp,
                meter_stop=req.meterStop,
                id_tag=req.idTag,
                reason=stop_reason(req),
                transaction_data=transaction_data(req),
            ),
            _stop_response,
        ),
    }
    return {operation: table[operation] for operation in sorted(protocol.station_operations)}
