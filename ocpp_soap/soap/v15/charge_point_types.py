"""OCPP 1.5 charge-point message types (``urn://Ocpp/Cp/2012/06/``), declared once, with Spyne.

These are the messages a central system sends to a station and the station's answers. Our charge-point WSDL is
generated from them, a station simulator serves the charge-point service with them, and our client toward
stations is built from that WSDL. Every type, field, occurrence, enumeration and length limit follows the
official 1.5 charge-point WSDL; the types it shares with the central-system schema (``IdToken``, ``IdTagInfo``,
``AuthorizationStatus``, ``DataTransferStatus``, the DataTransfer messages) are declared again here because the
official document declares them in the Cp namespace.

Enumerations take their values from the domain enums.

ClearCache and GetLocalListVersion have an empty request: their operations take no parameter (Spyne's bare
style refuses an empty model as one) and Spyne names the request type after the body element.
"""

from __future__ import annotations

from functools import partial

from spyne import AnyUri, Boolean, ComplexModel, DateTime, Int, Unicode

from ...domain import model as m
from ...domain import station_requests as sr
from ..spyne_types import enum_string, optional, repeated, required, simple_string

TNS = "urn://Ocpp/Cp/2012/06/"


_enum = partial(enum_string, namespace=TNS)


# Shared with the central-system schema (declared again in the Cp namespace, as the official WSDL does)
IdToken = simple_string("IdToken", TNS, max_len=20)
AuthorizationStatus = _enum("AuthorizationStatus", m.AuthorizationStatus)
DataTransferStatus = _enum("DataTransferStatus", m.DataTransferStatus)

# Request enumerations the domain models for operator commands
ResetType = _enum("ResetType", sr.ResetType)
AvailabilityType = _enum("AvailabilityType", sr.AvailabilityType)
UpdateType = _enum("UpdateType", m.UpdateType)

# Answer statuses
UnlockStatus = _enum("UnlockStatus", sr.UnlockStatus, ("Accepted", "Rejected"))
ResetStatus = _enum("ResetStatus", sr.ResetStatus)
AvailabilityStatus = _enum("AvailabilityStatus", sr.AvailabilityStatus)
ClearCacheStatus = _enum("ClearCacheStatus", sr.ClearCacheStatus)
ConfigurationStatus = _enum("ConfigurationStatus", sr.ConfigurationStatus, ("Accepted", "Rejected", "NotSupported"))
RemoteStartStopStatus = _enum("RemoteStartStopStatus", sr.RemoteStartStopStatus)
CancelReservationStatus = _enum("CancelReservationStatus", sr.CancelReservationStatus)
ReservationStatus = _enum("ReservationStatus", sr.ReservationStatus)
UpdateStatus = _enum("UpdateStatus", sr.UpdateStatus)


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
    _type_info = [("fileName", optional(Unicode))]


class ClearCacheResponse(_Type):
    _type_info = [("status", required(ClearCacheStatus))]


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
    _type_info = [("key", required(Unicode)), ("value", required(Unicode))]


class ChangeConfigurationResponse(_Type):
    _type_info = [("status", required(ConfigurationStatus))]


class RemoteStartTransactionRequest(_Type):
    _type_info = [("idTag", required(IdToken)), ("connectorId", optional(Int))]


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
        ("vendorId", required(Unicode)),
        ("messageId", optional(Unicode)),
        ("data", optional(Unicode)),
    ]


class DataTransferResponse(_Type):
    _type_info = [("status", required(DataTransferStatus)), ("data", optional(Unicode))]


class GetConfigurationRequest(_Type):
    _type_info = [("key", repeated(Unicode))]


class KeyValue(_Type):
    """One configuration key in a GetConfiguration answer."""

    _type_info = [
        ("key", required(Unicode)),
        ("readonly", required(Boolean)),
        ("value", optional(Unicode)),
    ]


class GetConfigurationResponse(_Type):
    _type_info = [("configurationKey", repeated(KeyValue)), ("unknownKey", repeated(Unicode))]


class GetLocalListVersionResponse(_Type):
    _type_info = [("listVersion", required(Int))]


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


class AuthorisationData(_Type):
    """One entry of a local authorisation list; without ``idTagInfo`` it removes the tag (differential update)."""

    _type_info = [("idTag", required(IdToken)), ("idTagInfo", optional(IdTagInfo))]


class SendLocalListRequest(_Type):
    _type_info = [
        ("updateType", required(UpdateType)),
        ("listVersion", required(Int)),
        ("localAuthorisationList", repeated(AuthorisationData)),
        ("hash", optional(Unicode)),
    ]


class SendLocalListResponse(_Type):
    _type_info = [("status", required(UpdateStatus)), ("hash", optional(Unicode))]
