"""OCPP 1.2 central-system message types (``urn://Ocpp/Cs/2010/08/``), declared once, with Spyne.

They follow the official 1.2 WSDL field by field: identifiers and boot details are plain ``s:string`` (1.2 has no
``IdToken`` nor length limits), a meter reading is a timestamp and one ``s:int``, and the enumerations are the 1.2
subsets of the domain enums (so no value is written twice).
"""

from __future__ import annotations

from functools import partial

from spyne import ComplexModel, DateTime, Int, Unicode

from ...domain import model as m
from ..spyne_types import enum_string, optional, repeated, required

TNS = "urn://Ocpp/Cs/2010/08/"


_enum = partial(enum_string, namespace=TNS)


AuthorizationStatus = _enum("AuthorizationStatus", m.AuthorizationStatus)
RegistrationStatus = _enum("RegistrationStatus", m.RegistrationStatus, ("Accepted", "Rejected"))
ChargePointErrorCode = _enum(
    "ChargePointErrorCode", m.ChargePointErrorCode,
    ("ConnectorLockFailure", "HighTemperature", "Mode3Error", "NoError", "PowerMeterFailure", "PowerSwitchFailure",
     "ReaderFailure", "ResetFailure"),
)
"""The eight error codes of 1.2 (1.5 added GroundFailure, OverCurrentFailure, UnderVoltage, WeakSignal, OtherError)."""
ChargePointStatus = _enum("ChargePointStatus", m.ConnectorStatus, ("Available", "Occupied", "Faulted", "Unavailable"))
"""The four connector states of 1.2 (Reserved came with 1.5)."""
FirmwareStatus = _enum(
    "FirmwareStatus", m.FirmwareStatus, ("Downloaded", "DownloadFailed", "InstallationFailed", "Installed")
)
DiagnosticsStatus = _enum("DiagnosticsStatus", m.DiagnosticsStatus, ("Uploaded", "UploadFailed"))


class _Type(ComplexModel):
    __namespace__ = TNS


class IdTagInfo(_Type):
    _type_info = [
        ("status", required(AuthorizationStatus)),
        ("expiryDate", optional(DateTime)),
        ("parentIdTag", optional(Unicode)),
    ]


class MeterValue(_Type):
    """One reading: a timestamp and one integer (1.5 replaced it with strings carrying metadata)."""

    _type_info = [
        ("timestamp", required(DateTime)),
        ("value", required(Int)),
    ]


class AuthorizeRequest(_Type):
    _type_info = [("idTag", required(Unicode))]


class AuthorizeResponse(_Type):
    _type_info = [("idTagInfo", required(IdTagInfo))]


class StartTransactionRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("idTag", required(Unicode)),
        ("timestamp", required(DateTime)),
        ("meterStart", required(Int)),
    ]


class StartTransactionResponse(_Type):
    _type_info = [("transactionId", required(Int)), ("idTagInfo", required(IdTagInfo))]


class StopTransactionRequest(_Type):
    _type_info = [
        ("transactionId", required(Int)),
        ("idTag", optional(Unicode)),
        ("timestamp", required(DateTime)),
        ("meterStop", required(Int)),
    ]


class StopTransactionResponse(_Type):
    _type_info = [("idTagInfo", optional(IdTagInfo))]


class HeartbeatResponse(_Type):
    _type_info = [("currentTime", required(DateTime))]


class MeterValuesRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("values", repeated(MeterValue)),
    ]


class MeterValuesResponse(_Type):
    _type_info: list[tuple[str, object]] = []


class BootNotificationRequest(_Type):
    _type_info = [
        ("chargePointVendor", required(Unicode)),
        ("chargePointModel", required(Unicode)),
        ("chargePointSerialNumber", optional(Unicode)),
        ("chargeBoxSerialNumber", optional(Unicode)),
        ("firmwareVersion", optional(Unicode)),
        ("iccid", optional(Unicode)),
        ("imsi", optional(Unicode)),
        ("meterType", optional(Unicode)),
        ("meterSerialNumber", optional(Unicode)),
    ]


class BootNotificationResponse(_Type):
    """currentTime and heartbeatInterval are optional in 1.2; we always send them."""

    _type_info = [
        ("status", required(RegistrationStatus)),
        ("currentTime", optional(DateTime)),
        ("heartbeatInterval", optional(Int)),
    ]


class StatusNotificationRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("status", required(ChargePointStatus)),
        ("errorCode", required(ChargePointErrorCode)),
    ]


class StatusNotificationResponse(_Type):
    _type_info: list[tuple[str, object]] = []


class FirmwareStatusNotificationRequest(_Type):
    _type_info = [("status", required(FirmwareStatus))]


class FirmwareStatusNotificationResponse(_Type):
    _type_info: list[tuple[str, object]] = []


class DiagnosticsStatusNotificationRequest(_Type):
    _type_info = [("status", required(DiagnosticsStatus))]


class DiagnosticsStatusNotificationResponse(_Type):
    _type_info: list[tuple[str, object]] = []
