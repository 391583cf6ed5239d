"""OCPP 1.5 central-system message types (``urn://Ocpp/Cs/2012/06/``), declared once, with Spyne.

The served and generated WSDL comes from these classes; enumerations take their values from the domain enums.
"""

from __future__ import annotations

from functools import partial

from spyne import ComplexModel, DateTime, Int, Unicode, XmlAttribute, XmlData

from ...domain import model as m
from ..spyne_types import enum_string, optional, repeated, required, simple_string

TNS = "urn://Ocpp/Cs/2012/06/"


_enum = partial(enum_string, namespace=TNS)


IdToken = simple_string("IdToken", TNS, max_len=20)
AuthorizationStatus = _enum("AuthorizationStatus", m.AuthorizationStatus)
ChargeBoxSerialNumber = simple_string("ChargeBoxSerialNumber", TNS, max_len=25)
ChargePointModel = simple_string("ChargePointModel", TNS, max_len=20)
ChargePointSerialNumber = simple_string("ChargePointSerialNumber", TNS, max_len=25)
ChargePointVendor = simple_string("ChargePointVendor", TNS, max_len=20)
FirmwareVersion = simple_string("FirmwareVersion", TNS, max_len=50)
IccidString = simple_string("IccidString", TNS, max_len=20)
ImsiString = simple_string("ImsiString", TNS, max_len=20)
MeterSerialNumber = simple_string("MeterSerialNumber", TNS, max_len=25)
MeterType = simple_string("MeterType", TNS, max_len=25)
ReadingContext = _enum(
    "ReadingContext", m.ReadingContext,
    ("Interruption.Begin", "Interruption.End", "Sample.Clock", "Sample.Periodic", "Transaction.Begin",
     "Transaction.End"),
)
Measurand = _enum(
    "Measurand", m.Measurand,
    ("Energy.Active.Export.Register", "Energy.Active.Import.Register", "Energy.Reactive.Export.Register",
     "Energy.Reactive.Import.Register", "Energy.Active.Export.Interval", "Energy.Active.Import.Interval",
     "Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval", "Power.Active.Export",
     "Power.Active.Import", "Power.Reactive.Export", "Power.Reactive.Import", "Current.Export", "Current.Import",
     "Voltage", "Temperature"),
)
ValueFormat = _enum("ValueFormat", m.ValueFormat)
UnitOfMeasure = _enum(
    "UnitOfMeasure", m.UnitOfMeasure, ("Wh", "kWh", "varh", "kvarh", "W", "kW", "var", "kvar", "Amp", "Volt", "Celsius")
)
Location = _enum("Location", m.Location, ("Inlet", "Outlet", "Body"))
RegistrationStatus = _enum("RegistrationStatus", m.RegistrationStatus, ("Accepted", "Rejected"))
ChargePointErrorCode = _enum(
    "ChargePointErrorCode", m.ChargePointErrorCode,
    ("ConnectorLockFailure", "HighTemperature", "Mode3Error", "NoError", "PowerMeterFailure", "PowerSwitchFailure",
     "ReaderFailure", "ResetFailure", "GroundFailure", "OverCurrentFailure", "UnderVoltage", "WeakSignal",
     "OtherError"),
)
ChargePointStatus = _enum(
    "ChargePointStatus", m.ConnectorStatus, ("Available", "Occupied", "Faulted", "Unavailable", "Reserved")
)
FirmwareStatus = _enum(
    "FirmwareStatus", m.FirmwareStatus, ("Downloaded", "DownloadFailed", "InstallationFailed", "Installed")
)
DiagnosticsStatus = _enum("DiagnosticsStatus", m.DiagnosticsStatus, ("Uploaded", "UploadFailed"))
DataTransferStatus = _enum("DataTransferStatus", m.DataTransferStatus)


class _Type(ComplexModel):
    __namespace__ = TNS


class IdTagInfo(_Type):
    _type_info = [
        ("status", required(AuthorizationStatus)),
        ("expiryDate", optional(DateTime)),
        ("parentIdTag", optional(IdToken)),
    ]


class MeterValueValue(_Type):
    """One ``value`` of a reading: the text with its optional metadata attributes."""

    __type_name__ = "MeterValue_value"
    _type_info = [
        ("value", XmlData(Unicode)),
        ("context", XmlAttribute(ReadingContext)),
        ("format", XmlAttribute(ValueFormat)),
        ("measurand", XmlAttribute(Measurand)),
        ("location", XmlAttribute(Location)),
        ("unit", XmlAttribute(UnitOfMeasure)),
    ]


class MeterValue(_Type):
    _type_info = [
        ("timestamp", required(DateTime)),
        ("value", repeated(MeterValueValue, min_occurs=1)),
    ]


class TransactionData(_Type):
    _type_info = [("values", repeated(MeterValue))]


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


class StopTransactionRequest(_Type):
    _type_info = [
        ("transactionId", required(Int)),
        ("idTag", optional(IdToken)),
        ("timestamp", required(DateTime)),
        ("meterStop", required(Int)),
        ("transactionData", repeated(TransactionData)),
    ]


class StopTransactionResponse(_Type):
    _type_info = [("idTagInfo", optional(IdTagInfo))]


class HeartbeatResponse(_Type):
    _type_info = [("currentTime", required(DateTime))]


class MeterValuesRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("transactionId", optional(Int)),
        ("values", repeated(MeterValue)),
    ]


class MeterValuesResponse(_Type):
    _type_info: list[tuple[str, object]] = []


class BootNotificationRequest(_Type):
    _type_info = [
        ("chargePointVendor", required(ChargePointVendor)),
        ("chargePointModel", required(ChargePointModel)),
        ("chargePointSerialNumber", optional(ChargePointSerialNumber)),
        ("chargeBoxSerialNumber", optional(ChargeBoxSerialNumber)),
        ("firmwareVersion", optional(FirmwareVersion)),
        ("iccid", optional(IccidString)),
        ("imsi", optional(ImsiString)),
        ("meterType", optional(MeterType)),
        ("meterSerialNumber", optional(MeterSerialNumber)),
    ]


class BootNotificationResponse(_Type):
    _type_info = [
        ("status", required(RegistrationStatus)),
        ("currentTime", required(DateTime)),
        ("heartbeatInterval", required(Int)),
    ]


class StatusNotificationRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("status", required(ChargePointStatus)),
        ("errorCode", required(ChargePointErrorCode)),
        ("info", optional(Unicode)),
        ("timestamp", optional(DateTime)),
        ("vendorId", optional(Unicode)),
        ("vendorErrorCode", optional(Unicode)),
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
        ("vendorId", required(Unicode)),
        ("messageId", optional(Unicode)),
        ("data", optional(Unicode)),
    ]


class DataTransferResponse(_Type):
    _type_info = [("status", required(DataTransferStatus)), ("data", optional(Unicode))]
