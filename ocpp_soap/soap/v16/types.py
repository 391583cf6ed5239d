"""OCPP 1.6 central-system message types (``urn://Ocpp/Cs/2015/10/``), declared once, with Spyne.

The served and generated WSDL comes from these classes; enumerations take their values from the domain enums, in
the order of the official 1.6 WSDL (which differs from 1.5's). What changed on the wire since 1.5: a meter reading
is a timestamp and ``sampledValue`` child elements (no more text with attributes), StopTransaction carries a
``reason`` and its readings directly as ``transactionData``, the BootNotification answer says ``interval`` and may
say Pending, and strings are the generic ``CiString*Type``.
"""

from __future__ import annotations

from functools import partial

from spyne import ComplexModel, DateTime, Int, Unicode

from ...domain import model as m
from ..spyne_types import enum_string, optional, repeated, required, simple_string

TNS = "urn://Ocpp/Cs/2015/10/"


_enum = partial(enum_string, namespace=TNS)


IdToken = simple_string("IdToken", TNS, max_len=20)
CiString20Type = simple_string("CiString20Type", TNS, max_len=20)
CiString25Type = simple_string("CiString25Type", TNS, max_len=25)
CiString50Type = simple_string("CiString50Type", TNS, max_len=50)
CiString255Type = simple_string("CiString255Type", TNS, max_len=255)
CiString500Type = simple_string("CiString500Type", TNS, max_len=500)
AuthorizationStatus = _enum("AuthorizationStatus", m.AuthorizationStatus)
Reason = _enum(
    "Reason", m.StopReason,
    ("EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss", "Reboot", "Remote", "SoftReset",
     "UnlockCommand", "DeAuthorized"),
)
ReadingContext = _enum(
    "ReadingContext", m.ReadingContext,
    ("Interruption.Begin", "Interruption.End", "Other", "Sample.Clock", "Sample.Periodic", "Transaction.Begin",
     "Transaction.End", "Trigger"),
)
Measurand = _enum(
    "Measurand", m.Measurand,
    ("Current.Export", "Current.Import", "Current.Offered", "Energy.Active.Export.Register",
     "Energy.Active.Import.Register", "Energy.Reactive.Export.Register", "Energy.Reactive.Import.Register",
     "Energy.Active.Export.Interval", "Energy.Active.Import.Interval", "Energy.Reactive.Export.Interval",
     "Energy.Reactive.Import.Interval", "Frequency", "Power.Active.Export", "Power.Active.Import", "Power.Factor",
     "Power.Offered", "Power.Reactive.Export", "Power.Reactive.Import", "RPM", "SoC", "Temperature", "Voltage"),
)
ValueFormat = _enum("ValueFormat", m.ValueFormat)
UnitOfMeasure = _enum(
    "UnitOfMeasure", m.UnitOfMeasure,
    ("Celsius", "Fahrenheit", "Wh", "kWh", "varh", "kvarh", "W", "kW", "VA", "kVA", "var", "kvar", "A", "V", "K",
     "Percent"),
)
Phase = _enum("Phase", m.Phase, ("L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"))
Location = _enum("Location", m.Location, ("Body", "Cable", "EV", "Inlet", "Outlet"))
RegistrationStatus = _enum("RegistrationStatus", m.RegistrationStatus, ("Accepted", "Pending", "Rejected"))
ChargePointErrorCode = _enum(
    "ChargePointErrorCode", m.ChargePointErrorCode,
    ("ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature", "InternalError",
     "LocalListConflict", "NoError", "OtherError", "OverCurrentFailure", "OverVoltage", "PowerMeterFailure",
     "PowerSwitchFailure", "ReaderFailure", "ResetFailure", "UnderVoltage", "WeakSignal"),
)
ChargePointStatus = _enum(
    "ChargePointStatus", m.ConnectorStatus,
    ("Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing", "Reserved", "Faulted",
     "Unavailable"),
)
FirmwareStatus = _enum(
    "FirmwareStatus", m.FirmwareStatus,
    ("Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed", "Installed", "Installing"),
)
DiagnosticsStatus = _enum("DiagnosticsStatus", m.DiagnosticsStatus, ("Idle", "Uploaded", "UploadFailed", "Uploading"))
DataTransferStatus = _enum("DataTransferStatus", m.DataTransferStatus)


class _Type(ComplexModel):
    __namespace__ = TNS


class IdTagInfo(_Type):
    _type_info = [
        ("status", required(AuthorizationStatus)),
        ("expiryDate", optional(DateTime)),
        ("parentIdTag", optional(IdToken)),
    ]


class AuthorizeRequest(_Type):
    _type_info = [("idTag", required(IdToken))]


class AuthorizeResponse(_Type):
    _type_info = [("idTagInfo", required(IdTagInfo))]


class StartTransactionRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("idTag", required(IdToken)),
        ("timestamp", required(DateTime)),
        ("meterStart", required(Int)),
        ("reservationId", optional(Int)),
    ]


class StartTransactionResponse(_Type):
    _type_info = [("transactionId", required(Int)), ("idTagInfo", required(IdTagInfo))]


class SampledValue(_Type):
    """One value of a reading with its metadata, every part a child element (1.5 had attributes)."""

    _type_info = [
        ("value", required(Unicode)),
        ("context", optional(ReadingContext)),
        ("format", optional(ValueFormat)),
        ("measurand", optional(Measurand)),
        ("phase", optional(Phase)),
        ("location", optional(Location)),
        ("unit", optional(UnitOfMeasure)),
    ]


class MeterValue(_Type):
    _type_info = [
        ("timestamp", required(DateTime)),
        ("sampledValue", repeated(SampledValue, min_occurs=1)),
    ]


class StopTransactionRequest(_Type):
    _type_info = [
        ("transactionId", required(Int)),
        ("idTag", optional(IdToken)),
        ("timestamp", required(DateTime)),
        ("meterStop", required(Int)),
        ("reason", optional(Reason)),
        ("transactionData", repeated(MeterValue)),
    ]


class StopTransactionResponse(_Type):
    _type_info = [("idTagInfo", optional(IdTagInfo))]


class HeartbeatResponse(_Type):
    _type_info = [("currentTime", required(DateTime))]


class MeterValuesRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("transactionId", optional(Int)),
        ("meterValue", repeated(MeterValue)),
    ]


class MeterValuesResponse(_Type):
    _type_info: list[tuple[str, object]] = []


class BootNotificationRequest(_Type):
    _type_info = [
        ("chargePointVendor", required(CiString20Type)),
        ("chargePointModel", required(CiString20Type)),
        ("chargePointSerialNumber", optional(CiString25Type)),
        ("chargeBoxSerialNumber", optional(CiString25Type)),
        ("firmwareVersion", optional(CiString50Type)),
        ("iccid", optional(CiString20Type)),
        ("imsi", optional(CiString20Type)),
        ("meterType", optional(CiString25Type)),
        ("meterSerialNumber", optional(CiString25Type)),
    ]


class BootNotificationResponse(_Type):
    _type_info = [
        ("status", required(RegistrationStatus)),
        ("currentTime", required(DateTime)),
        ("interval", required(Int)),
    ]


class StatusNotificationRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("status", required(ChargePointStatus)),
        ("errorCode", required(ChargePointErrorCode)),
        ("info", optional(CiString50Type)),
        ("timestamp", optional(DateTime)),
        ("vendorId", optional(CiString255Type)),
        ("vendorErrorCode", optional(CiString50Type)),
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


class DataTransferRequest(_Type):
    _type_info = [
        ("vendorId", required(CiString255Type)),
        ("messageId", optional(CiString50Type)),
        ("data", optional(Unicode)),
    ]


class DataTransferResponse(_Type):
    _type_info = [("status", required(DataTransferStatus)), ("data", optional(Unicode))]
