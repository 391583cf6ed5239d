"""Everything the web app takes from ``ocpp_soap``, in one place, so that a rename there is one edit here.

Pages, the API and the app factory import these names from here; only the read model (``webapp/readmodel``)
also reads the ORM tables. Operations per protocol version and their labels are read through
:func:`protocol_operations` and :func:`protocol_label`, which are the functions to re-point at the version
registry (``ocpp_soap.domain.versions``) when it lands.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ocpp_soap import __version__
from ocpp_soap.attribution import handle_as
from ocpp_soap.bootstrap import Gateway
from ocpp_soap.domain.accounts import (
    BUILT_IN_ADMIN,
    Account,
    AccountConflict,
    ApiToken,
    ChangePassword,
    ChangeRole,
    CreateAccount,
    DeleteAccount,
    IssueApiToken,
    NoteTokenUsed,
    RevokeApiToken,
    Role,
    SetTimeZone,
    StoreGeneratedApiToken,
    StoreSecret,
    UnknownAccount,
    check_username,
)
from ocpp_soap.domain.errors import (
    DomainError,
    InvalidCommand,
    OperationNotSupported,
    StationNotAccepted,
    StorageUnavailable,
    TransactionNotOpen,
    UnknownReservation,
    UnknownStation,
)
from ocpp_soap.domain.message_log import Direction
from ocpp_soap.domain.model import AuthorizationStatus, ConnectorStatus, IdTag, Protocol, RegistrationStatus, authorize
from ocpp_soap.domain.operator_commands import (
    CHARGE_BOX_ID_MAX,
    ID_TOKEN_MAX,
    AcceptStation,
    AlreadyExists,
    CreateIdTag,
    DeleteIdTag,
    DeleteStation,
    RegisterStation,
    RejectStation,
    UnknownIdTag,
    UpdateIdTag,
)
from ocpp_soap.domain.station_requests import (
    CallOutcome,
    LocalListEntry,
    ReservationState,
    StationCallResult,
    StationRequest,
)
from ocpp_soap.forwarded import ENVIRON_KEY, Network, address_in, parse_networks
from ocpp_soap.handlers.reachability import REMEMBERED as UNREACHABLE_OUTCOMES
from ocpp_soap.json_values import to_jsonable
from ocpp_soap.metrics import StateGauges
from ocpp_soap.metrics import exposition as metrics_exposition
from ocpp_soap.operator_input import OPERATIONS, operation_fields, parse_station_request
from ocpp_soap.passwords import MIN_LENGTH as PASSWORD_MIN_LENGTH
from ocpp_soap.passwords import hash_password, needs_rehash, verify_password
from ocpp_soap.persistence.database import database_answers

__all__ = [
    "BUILT_IN_ADMIN", "CHARGE_BOX_ID_MAX", "ENVIRON_KEY", "ID_TOKEN_MAX", "OPERATIONS", "PASSWORD_MIN_LENGTH",
    "AcceptStation", "Account", "AccountConflict", "AlreadyExists", "ApiToken", "AuthorizationStatus", "CallOutcome",
    "ChangePassword", "ChangeRole", "ConnectorStatus", "CreateAccount", "CreateIdTag", "DeleteAccount", "DeleteIdTag",
    "DeleteStation", "Direction", "DomainError", "Gateway", "IdTag", "InvalidCommand", "IssueApiToken",
    "LocalListEntry", "Network", "StateGauges", "metrics_exposition", "NoteTokenUsed", "OperationNotSupported", "Protocol", "RegisterStation",
    "RegistrationStatus", "RejectStation", "ReservationState", "RevokeApiToken", "Role", "SetTimeZone",
    "StationCallResult", "StationNotAccepted", "StationRequest", "StorageUnavailable", "StoreGeneratedApiToken",
    "StoreSecret",
    "TransactionNotOpen", "UNREACHABLE_OUTCOMES", "UnknownAccount", "UnknownIdTag", "UnknownReservation", "UnknownStation", "UpdateIdTag",
    "__version__", "address_in", "authorize", "check_username", "database_answers", "handle_as", "hash_password",
    "needs_rehash", "operation_fields", "parse_networks", "parse_station_request", "protocol_label",
    "protocol_operations", "protocols", "to_jsonable", "verify_password",
]


def protocols() -> tuple[Protocol, ...]:
    """The protocol versions this gateway serves, oldest first."""
    return tuple(Protocol)


def protocol_label(protocol: Protocol | str | None) -> str:
    """``ocpp1.5-soap`` -> ``OCPP 1.5 (SOAP)``. Re-point at the registry's label when it has one."""
    if protocol is None:
        return "—"
    value = str(protocol)
    name, _, transport = value.partition("-")
    if not name.startswith("ocpp"):
        return value
    return f"OCPP {name[4:]} ({transport.upper()})" if transport else f"OCPP {name[4:]}"


def protocol_version(protocol: Protocol) -> str:
    """``ocpp1.5-soap`` -> ``1.5``: the short name the API's ``version`` filter takes."""
    return str(protocol.value).removeprefix("ocpp").partition("-")[0]


@cache
def protocol_operations(protocol: Protocol | str | None) -> tuple[str, ...]:
    """The operator operations a station of this version can be sent, in name order.

    Today read from the charge-point service each SOAP add-on declares; to re-point at the version registry's
    operations when it moves out of ``soap/`` (issue 12)."""
    if protocol is None:
        return ()
    from ocpp_soap.soap.charge_point_wsdl import charge_point_addon
    from ocpp_soap.soap.registry import ADDONS

    version = next((addon.version for addon in ADDONS if addon.protocol.value == str(protocol)), None)
    if version is None:
        return ()
    declared: Any = charge_point_addon(version).service.public_methods
    return tuple(operation for operation in sorted(OPERATIONS) if operation in declared)
