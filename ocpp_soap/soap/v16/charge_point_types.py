"""OCPP 1.6 charge-point message types (``urn://Ocpp/Cp/2015/10/``), declared once, with Spyne.

These are the messages a central system sends to a station and the station's answers. Our charge-point WSDL is
generated from them, a station simulator serves the charge-point service with them, and our client toward
stations is built from that WSDL. Every type, field, occurrence, enumeration (in the official order) and facet
follows the official 1.6 charge-point WSDL; the types it shares with the central-system schema are declared again
in the Cp namespace, as the official document does.

What changed since 1.5, beyond the four new operations (ClearChargingProfile, GetCompositeSchedule,
SetChargingProfile, TriggerMessage) and their charging-profile types: RemoteStartTransaction puts ``connectorId``
before ``idTag`` and may carry a ``chargingProfile``; SendLocalList names its list ``localAuthorizationList`` of
``AuthorizationData``, puts ``updateType`` last and has no ``hash``; UnlockConnector answers Unlocked,
UnlockFailed or NotSupported; ChangeConfiguration may answer RebootRequired; strings are ``CiString*Type`` and
limits ``DecimalOne`` (an ``xs:decimal`` with one fraction digit, read and written by
:class:`~ocpp_soap.soap.spyne_protocol.OcppBodyProtocol`).

Enumerations take their values from the domain enums where the domain has them. The smart-charging and
TriggerMessage enumerations are listed here by value until the domain models those requests.

ClearCache and GetLocalListVersion have an empty request: their operations take no parameter.
"""

from __future__ import annotations

from functools import partial

from spyne import AnyUri, Boolean, ComplexModel, DateTime, Decimal, Int, Unicode

from ...domain import model as m
from ...domain import station_requests as sr
from ..spyne_types import enum_string, optional, repeated, required, simple_string

TNS = "urn://Ocpp/Cp/2015/10/"


_enum = partial(enum_string, namespace=TNS)

# Shared with the central-system schema (declared again in the Cp namespace, as the official WSDL does)
IdToken = simple_string("IdToken", TNS, max_len=20)
DecimalOne = Decimal(fraction_digits=1, type_name="DecimalOne", __namespace__=TNS, nillable=False)
CiString20Type = simple_string("CiString20Type", TNS, max_len=20)
CiString25Type = simple_string("CiString25Type", TNS, max_len=25)
CiString50Type = simple_string("CiString50Type", TNS, max_len=50)
CiString255Type = simple_string("CiString255Type", TNS, max_len=255)
CiString500Type = simple_string("CiString500Type", TNS, max_len=500)
AuthorizationStatus = _enum("AuthorizationStatus", m.AuthorizationStatus)
DataTransferStatus = _enum("DataTransferStatus", m.DataTransferStatus)

# Request enumerations the domain models for operator commands
ResetType = _enum("ResetType", sr.ResetType)
AvailabilityType = _enum("AvailabilityType", sr.AvailabilityType)
UpdateType = _enum("UpdateType", m.UpdateType)

# Answer statuses
UnlockStatus = _enum("UnlockStatus", sr.UnlockStatus, ("Unlocked", "UnlockFailed", "NotSupported"))
ResetStatus = _enum("ResetStatus", sr.ResetStatus)
AvailabilityStatus = _enum("AvailabilityStatus", sr.AvailabilityStatus)
ClearCacheStatus = _enum("ClearCacheStatus", sr.ClearCacheStatus)
ConfigurationStatus = _enum(
    "ConfigurationStatus", sr.ConfigurationStatus, ("Accepted", "NotSupported", "RebootRequired", "Rejected")
)
RemoteStartStopStatus = _enum("RemoteStartStopStatus", sr.RemoteStartStopStatus)
CancelReservationStatus = _enum("CancelReservationStatus", sr.CancelReservationStatus)
ReservationStatus = _enum("ReservationStatus", sr.ReservationStatus)
UpdateStatus = _enum("UpdateStatus", sr.UpdateStatus, ("Accepted", "Failed", "NotSupported", "VersionMismatch"))

# Smart charging and TriggerMessage (1.6 only), in the official order
ChargingProfilePurposeType = simple_string(
    "ChargingProfilePurposeType", TNS, values=("ChargePointMaxProfile", "TxDefaultProfile", "TxProfile")
)
ChargingProfileKindType = simple_string("ChargingProfileKindType", TNS, values=("Absolute", "Recurring", "Relative"))
RecurrencyKindType = simple_string("RecurrencyKindType", TNS, values=("Daily", "Weekly"))
ChargingRateUnitType = simple_string("ChargingRateUnitType", TNS, values=("W", "A"))
ClearChargingProfileStatus = simple_string("ClearChargingProfileStatus", TNS, values=("Accepted", "Unknown"))
GetCompositeScheduleStatus = simple_string("GetCompositeScheduleStatus", TNS, values=("Accepted", "Rejected"))
ChargingProfileStatus = simple_string("ChargingProfileStatus", TNS, values=("Accepted", "Rejected", "NotSupported"))
MessageTrigger = simple_string(
    "MessageTrigger", TNS,
    values=("BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
            "MeterValues", "StatusNotification"),
)
TriggerMessageStatus = simple_string("TriggerMessageStatus", TNS, values=("Accepted", "Rejected", "NotImplemented"))


class _Type(ComplexModel):
    __namespace__ = TNS


class IdTagInfo(_Type):
    _type_info = [
        ("status", required(AuthorizationStatus)),
        ("expiryDate", optional(DateTime)),
        ("parentIdTag", optional(IdToken)),
    ]


class UnlockConnectorRequest(_Type):
    _type_info = [("connectorId", required(Int))]


class UnlockConnectorResponse(_Type):
    _type_info = [("status", required(UnlockStatus))]


class ResetRequest(_Type):
    _type_info = [("type", required(ResetType))]


class ResetResponse(_Type):
    _type_info = [("status", required(ResetStatus))]


class ChangeAvailabilityRequest(_Type):
    _type_info = [("connectorId", required(Int)), ("type", required(AvailabilityType))]


class ChangeAvailabilityResponse(_Type):
    _type_info = [("status", required(AvailabilityStatus))]


class GetDiagnosticsRequest(_Type):
    _type_info = [
        ("location", required(AnyUri)),
        ("startTime", optional(DateTime)),
        ("stopTime", optional(DateTime)),
        ("retries", optional(Int)),
        ("retryInterval", optional(Int)),
    ]


class GetDiagnosticsResponse(_Type):
    _type_info = [("fileName", optional(CiString255Type))]


class ClearCacheResponse(_Type):
    _type_info = [("status", required(ClearCacheStatus))]


class ClearChargingProfileRequest(_Type):
    _type_info = [
        ("id", optional(Int)),
        ("connectorId", optional(Int)),
        ("chargingProfilePurpose", optional(ChargingProfilePurposeType)),
        ("stackLevel", optional(Int)),
    ]


class ClearChargingProfileResponse(_Type):
    _type_info = [("status", required(ClearChargingProfileStatus))]


class UpdateFirmwareRequest(_Type):
    _type_info = [
        ("retrieveDate", required(DateTime)),
        ("location", required(AnyUri)),
        ("retries", optional(Int)),
        ("retryInterval", optional(Int)),
    ]


class UpdateFirmwareResponse(_Type):
    _type_info: list[tuple[str, object]] = []


class ChangeConfigurationRequest(_Type):
    _type_info = [("key", required(CiString50Type)), ("value", required(CiString500Type))]


class ChangeConfigurationResponse(_Type):
    _type_info = [("status", required(ConfigurationStatus))]


class ChargingSchedulePeriod(_Type):
    _type_info = [
        ("startPeriod", required(Int)),
        ("limit", required(DecimalOne)),
        ("numberPhases", optional(Int)),
    ]


class ChargingSchedule(_Type):
    _type_info = [
        ("duration", optional(Int)),
        ("startSchedule", optional(DateTime)),
        ("chargingRateUnit", required(ChargingRateUnitType)),
        ("chargingSchedulePeriod", repeated(ChargingSchedulePeriod, min_occurs=1)),
        ("minChargingRate", optional(DecimalOne)),
    ]


class ChargingProfile(_Type):
    _type_info = [
        ("chargingProfileId", required(Int)),
        ("transactionId", optional(Int)),
        ("stackLevel", required(Int)),
        ("chargingProfilePurpose", required(ChargingProfilePurposeType)),
        ("chargingProfileKind", required(ChargingProfileKindType)),
        ("recurrencyKind", optional(RecurrencyKindType)),
        ("validFrom", optional(DateTime)),
        ("validTo", optional(DateTime)),
        ("chargingSchedule", required(ChargingSchedule)),
    ]


class RemoteStartTransactionRequest(_Type):
    _type_info = [
        ("connectorId", optional(Int)),
        ("idTag", required(IdToken)),
        ("chargingProfile", optional(ChargingProfile)),
    ]


class RemoteStartTransactionResponse(_Type):
    _type_info = [("status", required(RemoteStartStopStatus))]


class RemoteStopTransactionRequest(_Type):
    _type_info = [("transactionId", required(Int))]


class RemoteStopTransactionResponse(_Type):
    _type_info = [("status", required(RemoteStartStopStatus))]


class CancelReservationRequest(_Type):
    _type_info = [("reservationId", required(Int))]


class CancelReservationResponse(_Type):
    _type_info = [("status", required(CancelReservationStatus))]


class DataTransferRequest(_Type):
    _type_info = [
        ("vendorId", required(CiString255Type)),
        ("messageId", optional(CiString50Type)),
        ("data", optional(Unicode)),
    ]


class DataTransferResponse(_Type):
    _type_info = [("status", required(DataTransferStatus)), ("data", optional(Unicode))]


class GetConfigurationRequest(_Type):
    _type_info = [("key", repeated(CiString50Type))]


class KeyValue(_Type):
    """One configuration key in a GetConfiguration answer."""

    _type_info = [
        ("key", required(CiString50Type)),
        ("readonly", required(Boolean)),
        ("value", optional(CiString500Type)),
    ]


class GetConfigurationResponse(_Type):
    _type_info = [("configurationKey", repeated(KeyValue)), ("unknownKey", repeated(CiString50Type))]


class GetLocalListVersionResponse(_Type):
    _type_info = [("listVersion", required(Int))]


class GetCompositeScheduleRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("duration", required(Int)),
        ("chargingRateUnit", optional(ChargingRateUnitType)),
    ]


class GetCompositeScheduleResponse(_Type):
    _type_info = [
        ("status", required(GetCompositeScheduleStatus)),
        ("connectorId", optional(Int)),
        ("scheduleStart", optional(DateTime)),
        ("chargingSchedule", optional(ChargingSchedule)),
    ]


class ReserveNowRequest(_Type):
    _type_info = [
        ("connectorId", required(Int)),
        ("expiryDate", required(DateTime)),
        ("idTag", required(IdToken)),
        ("parentIdTag", optional(IdToken)),
        ("reservationId", required(Int)),
    ]


class ReserveNowResponse(_Type):
    _type_info = [("status", required(ReservationStatus))]


class AuthorizationData(_Type):
    """One entry of a local authorization list; without ``idTagInfo`` it removes the tag (differential update)."""

    _type_info = [("idTag", required(IdToken)), ("idTagInfo", optional(IdTagInfo))]


class SendLocalListRequest(_Type):
    _type_info = [
        ("listVersion", required(Int)),
        ("localAuthorizationList", repeated(AuthorizationData)),
        ("updateType", required(UpdateType)),
    ]


class SendLocalListResponse(_Type):
    _type_info = [("status", required(UpdateStatus))]


class SetChargingProfileRequest(_Type):
    _type_info = [("connectorId", required(Int)), ("csChargingProfiles", required(ChargingProfile))]


class SetChargingProfileResponse(_Type):
    _type_info = [("status", required(ChargingProfileStatus))]


class TriggerMessageRequest(_Type):
    _type_info = [("requestedMessage", required(MessageTrigger)), ("connectorId", optional(Int))]


class TriggerMessageResponse(_Type):
    _type_info = [("status", required(TriggerMessageStatus))]
