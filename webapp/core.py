"""Everything the web app takes from ``ocpp_soap``, in one place, so that a rename there is one edit here.

Pages, the API and the app factory import these names from here; only the read model (``webapp/readmodel``)
also reads the ORM tables. Which versions exist, their labels and operations come from the version registry
(``ocpp_soap.domain.versions``), the operations' fields from their specs (``ocpp_soap.operations``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ocpp_soap import __version__
from ocpp_soap.attribution import handle_as
from ocpp_soap.bootstrap import Gateway
from ocpp_soap.config import Settings
from ocpp_soap.domain.errors import (
    AccountConflict,
    AlreadyExists,
    DomainError,
    FieldNotSupported,
    InvalidCommand,
    InvalidInput,
    OperationNotSupported,
    StationNotAccepted,
    StorageUnavailable,
    TransactionNotOpen,
    UnknownAccount,
    UnknownIdTag,
    UnknownReservation,
    UnknownStation,
)
from ocpp_soap.domain.message_log import Direction
from ocpp_soap.domain.model import (
    BUILT_IN_ADMIN,
    CHARGE_BOX_ID_MAX,
    ID_TOKEN_MAX,
    Account,
    ApiToken,
    AuthorizationStatus,
    ChargingProfile,
    ChargingProfilePurpose,
    ChargingRateUnit,
    CompositeSchedule,
    ConnectorStatus,
    IdTag,
    InstalledChargingProfile,
    LocalListEntry,
    Protocol,
    RegistrationStatus,
    ReservationState,
    Role,
    RunningTransaction,
    authorize,
    check_username,
    composite_schedule,
)
from ocpp_soap.domain.operator_commands import (
    AcceptStation,
    ChangePassword,
    ChangeRole,
    CreateAccount,
    CreateIdTag,
    DeleteAccount,
    DeleteIdTag,
    DeleteStation,
    IssueApiToken,
    NoteTokenUsed,
    RegisterStation,
    RejectStation,
    RelayStation,
    RevokeApiToken,
    SetTimeZone,
    StopRelayingStation,
    StoreGeneratedApiToken,
    StoreSecret,
    UpdateIdTag,
)
from ocpp_soap.domain.station_requests import (
    CallOutcome,
    GetCompositeScheduleAnswer,
    MessageTrigger,
    RequestClearChargingProfile,
    RequestGetCompositeSchedule,
    RequestSetChargingProfile,
    RequestTriggerMessage,
    StationCallResult,
    StationRequest,
    TriggerMessageStatus,
)
from ocpp_soap.forwarded import ENVIRON_KEY, Network, address_in, parse_networks
from ocpp_soap.handlers.reachability import REMEMBERED as UNREACHABLE_OUTCOMES
from ocpp_soap.json_values import to_jsonable
from ocpp_soap.metrics import StateGauges
from ocpp_soap.metrics import exposition as metrics_exposition
from ocpp_soap.operations import SPECS, OperationSpec, parse_request, to_wire, wire_name
from ocpp_soap.operations.json_schema import answer_schema, request_schema
from ocpp_soap.operations.results import call_report
from ocpp_soap.operations.shapes import has_shape, is_required
from ocpp_soap.operations.shapes import read as from_wire
from ocpp_soap.passwords import MIN_LENGTH as PASSWORD_MIN_LENGTH
from ocpp_soap.passwords import hash_password, needs_rehash, verify_password
from ocpp_soap.persistence.database import database_answers
from ocpp_soap.relay.metrics import metric_families as relay_metric_families
from ocpp_soap.relay.secrets import PASSWORD_MAX as RELAY_PASSWORD_MAX
from ocpp_soap.relay.secrets import NoKey as RelayPasswordsNotStorable
from ocpp_soap.relay.secrets import PasswordBox

__all__ = [
    "BUILT_IN_ADMIN", "CHARGE_BOX_ID_MAX", "ENVIRON_KEY", "ID_TOKEN_MAX", "PASSWORD_MIN_LENGTH", "SPECS",
    "UNREACHABLE_OUTCOMES", "AcceptStation", "Account", "AccountConflict", "AlreadyExists", "ApiToken",
    "AuthorizationStatus", "CallOutcome", "ChangePassword", "ChangeRole", "ChargingProfile", "ChargingProfilePurpose",
    "ChargingRateUnit", "CompositeSchedule", "ConnectorStatus", "CreateAccount", "CreateIdTag", "DeleteAccount",
    "DeleteIdTag", "DeleteStation", "Direction", "DomainError", "FieldNotSupported", "Gateway",
    "GetCompositeScheduleAnswer", "IdTag", "InstalledChargingProfile", "InvalidCommand", "InvalidInput",
    "IssueApiToken", "LocalListEntry", "MessageTrigger", "Network", "NoteTokenUsed", "OperationNotSupported",
    "OperationSpec", "Protocol", "RegisterStation", "RegistrationStatus", "RejectStation",
    "RequestClearChargingProfile", "RequestGetCompositeSchedule", "RequestSetChargingProfile",
    "RequestTriggerMessage", "ReservationState", "RevokeApiToken", "Role", "RunningTransaction", "SetTimeZone",
    "StateGauges", "StationCallResult", "StationNotAccepted", "StationRequest", "StorageUnavailable",
    "StoreGeneratedApiToken", "StoreSecret", "TransactionNotOpen", "TriggerMessageStatus", "UnknownAccount",
    "UnknownIdTag", "UnknownReservation", "UnknownStation", "UpdateIdTag", "__version__", "address_in",
    "answer_schema", "authorize", "call_report", "charging_profile_schema", "check_username", "composite_schedule",
    "database_answers", "from_wire", "handle_as", "has_shape", "hash_password", "is_required", "metrics_exposition",
    "needs_rehash", "parse_networks", "parse_request", "protocol_label", "protocol_operations", "protocol_version",
    "protocols", "relay_metric_families", "request_schema",
    "RELAY_PASSWORD_MAX", "RelayPasswordsNotStorable", "RelayStation", "StopRelayingStation", "seal_relay_password", "to_jsonable", "to_wire", "verify_password", "wire_name",
]


def protocols() -> tuple[Protocol, ...]:
    """The protocol versions this gateway serves, oldest first (the version registry)."""
    return tuple(Protocol)


def _protocol(protocol: Protocol | str | None) -> Protocol | None:
    if protocol is None or isinstance(protocol, Protocol):
        return protocol
    try:
        return Protocol.from_value(str(protocol))
    except ValueError:
        return None


def protocol_label(protocol: Protocol | str | None) -> str:
    """``ocpp1.5-soap`` -> ``OCPP 1.5 (SOAP)``, from the version registry (the stored value for one it lacks)."""
    known = _protocol(protocol)
    if known is not None:
        return known.label
    return "—" if protocol is None else str(protocol)


def protocol_version(protocol: Protocol) -> str:
    """``ocpp1.5-soap`` -> ``1.5``: the short name the API's ``version`` filter takes."""
    return protocol.number


@cache
def protocol_operations(protocol: Protocol | str | None) -> tuple[str, ...]:
    """The operations a station of this version can be sent (the version registry), in name order; only those
    with an operation spec, which is what forms and the API can take."""
    known = _protocol(protocol)
    if known is None:
        return ()
    return tuple(operation for operation in sorted(SPECS) if operation in known.operator_operations)


def seal_relay_password(settings: Settings, password: str) -> str:
    """A station's relay password encrypted for storage (the relay must send it, so it cannot be hashed); raises
    :class:`RelayPasswordsNotStorable` when no key is configured."""
    return PasswordBox.from_settings(settings).seal(password)


@cache
def charging_profile_schema() -> dict[str, Any]:
    """The JSON Schema of a charging profile under its OCPP names, every field described (from the operation
    spec of SetChargingProfile, whose ``csChargingProfiles`` it is)."""
    schema = request_schema(SPECS[RequestSetChargingProfile.operation])["properties"]["csChargingProfiles"]
    return dict(schema)
