"""OCPP 1.2 charge-point message types (``urn://Ocpp/Cp/2010/08/``), declared once, with Spyne.

These are the messages a central system sends to a station and the station's answers. Our charge-point WSDL is
generated from them, a station simulator serves the charge-point service with them, and our client toward
stations is built from that WSDL. They follow the official 1.2 charge-point WSDL field by field: nine operations
(no reservations, local lists, configuration reading nor DataTransfer), and the id tag of RemoteStartTransaction
is a plain ``s:string`` (1.2 has no ``IdToken``). The rest is the same as in 1.5, in the 1.2 namespace.

Enumerations take their values from the domain enums.

ClearCache has an empty request: its operation takes no parameter (Spyne's bare style refuses an empty model as
one) and Spyne names the request type after the body element.
"""

from __future__ import annotations

from functools import partial

from spyne import AnyUri, ComplexModel, DateTime, Int, Unicode

from ...domain import station_requests as sr
from ..spyne_types import enum_string, optional, required

TNS = "urn://Ocpp/Cp/2010/08/"


_enum = partial(enum_string, namespace=TNS)


# Request enumerations the domain models for operator commands
ResetType = _enum("ResetType", sr.ResetType)
AvailabilityType = _enum("AvailabilityType", sr.AvailabilityType)

# Answer statuses
UnlockStatus = _enum("UnlockStatus", sr.UnlockStatus, ("Accepted", "Rejected"))
ResetStatus = _enum("ResetStatus", sr.ResetStatus)
AvailabilityStatus = _enum("AvailabilityStatus", sr.AvailabilityStatus)
ClearCacheStatus = _enum("ClearCacheStatus", sr.ClearCacheStatus)
ConfigurationStatus = _enum("ConfigurationStatus", sr.ConfigurationStatus, ("Accepted", "Rejected", "NotSupported"))
RemoteStartStopStatus = _enum("RemoteStartStopStatus", sr.RemoteStartStopStatus)


class _Type(ComplexModel):
    __namespace__ = TNS


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
    _type_info = [("idTag", required(Unicode)), ("connectorId", optional(Int))]


class RemoteStartTransactionResponse(_Type):
    _type_info = [("status", required(RemoteStartStopStatus))]


class RemoteStopTransactionRequest(_Type):
    _type_info = [("transactionId", required(Int))]


class RemoteStopTransactionResponse(_Type):
    _type_info = [("status", required(RemoteStartStopStatus))]
