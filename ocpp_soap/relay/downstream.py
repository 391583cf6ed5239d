"""The back office's CALLs as requests to the station, and the station's answers as 1.6-J CALLRESULTs.

Every operation sent to stations has one spec (``ocpp_soap.operations``), under the OCPP names that 1.6-J uses
too; a CALL goes through that spec (:func:`ocpp_soap.operations.parse_request`) into the domain's station
request, which the bus sends like an operator's, and the typed answer comes back under the same names. This module
holds only what differs between 1.6-J and the station's version, operation by operation (:data:`ADAPTERS`):
ids the back office knows by its own numbers, 1.5 spellings, 1.5 answers that 1.6 words differently, limits.

Which CALLs reach the station is decided by :func:`route`:

- the station's version has the operation and a spec exists: sent through the bus;
- TriggerMessage for a version without it: emulated from stored state (:mod:`.trigger`);
- anything else: CALLERROR ``NotSupported``, at once.

EXTENSION POINT (OCPP 1.6 requests): SetChargingProfile, ClearChargingProfile, GetCompositeSchedule and
TriggerMessage have no station request on this branch, so a station is answered as one whose version lacks them.
Once their specs exist in ``operations/specs.py`` (and ``Protocol.OCPP16_SOAP`` lists them), :func:`route` sends
them through the bus like every other operation, with the 1.6-J payload read by the spec as it is (1.6 SOAP and
1.6-J name every field alike); an adapter is needed here only for ids (a ``transactionId`` in a charging profile
is a back-office id: translate it as :func:`_remote_stop` does) and for RemoteStartTransaction's
``chargingProfile``, which is dropped today (:func:`_remote_start`).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol as TypingProtocol

from ..domain import station_requests as sr
from ..domain.versions import Protocol
from ..json_values import to_jsonable
from ..operations import SPECS, parse_request, to_wire

logger = logging.getLogger(__name__)

FILE_NAME = 255
CONFIGURATION_KEY = 50
CONFIGURATION_VALUE = 500
EMULATED = frozenset({"TriggerMessage"})
"""Operations a station's version may lack that the relay answers from stored state instead of refusing."""

KEY_NAMES: dict[str, dict[str, str]] = {
    "1.2": {"HeartbeatInterval": "HeartBeatInterval"},
    "1.5": {"HeartbeatInterval": "HeartBeatInterval"},
}
"""Configuration keys that 1.2/1.5 spell differently from 1.6 (1.6 name → the version's)."""

SUPPORTED_FEATURE_PROFILES = "SupportedFeatureProfiles"

CHARGE_POINT_ACTIONS = frozenset({
    "CancelReservation", "CertificateSigned", "ChangeAvailability", "ChangeConfiguration", "ClearCache",
    "ClearChargingProfile", "DataTransfer", "DeleteCertificate", "ExtendedTriggerMessage", "GetCompositeSchedule",
    "GetConfiguration", "GetDiagnostics", "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog",
    "InstallCertificate", "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList",
    "SetChargingProfile", "SignedUpdateFirmware", "TriggerMessage", "UnlockConnector", "UpdateFirmware",
})
"""Every 1.6 action (with the security extension's) that a central system sends to a charge point."""


class Route(enum.Enum):
    STATION = "station"  # through the bus to the station
    EMULATE = "emulate"  # answered from stored state (TriggerMessage)
    NOT_SUPPORTED = "not-supported"


class CallRefused(Exception):
    """A CALLERROR to answer: ``code`` is an OCPP-J error code, ``description`` says why."""

    def __init__(self, code: str, description: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {description}")
        self.code, self.description, self.details = code, description, details or {}


class Lookups(TypingProtocol):
    """What the adapters read and write besides the request: the session and reservation ids of the back office
    (see ``model``), and the configuration keys ocpp-soap has seen the station report."""

    def local_transaction(self, csms_id: int) -> int | None: ...
    def local_reservation(self, csms_id: int) -> int | None: ...
    def keep_reservation(self, local_id: int, csms_id: int) -> None: ...
    def known_keys(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class Adapter:
    """How one operation differs: ``request`` turns the 1.6-J payload into the spec's input (or returns an answer
    for the back office without calling the station, as a dict); ``answer`` turns the station's answer, under OCPP
    names, into the 1.6-J result; ``after`` records what the answer means for later calls."""

    request: Callable[[dict[str, Any], Protocol, Lookups], dict[str, Any]] | None = None
    answer: Callable[[dict[str, Any], Protocol, dict[str, Any]], dict[str, Any]] | None = None
    after: Callable[[dict[str, Any], sr.StationCallResult[Any], Lookups], None] | None = None


class Answered(Exception):
    """Raised by a request adapter that answers the back office itself (an unknown transaction is Rejected)."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__(answer)
        self.answer = answer


def route(protocol: Protocol, action: str) -> Route:
    if action in protocol.operator_operations and action in SPECS:
        return Route.STATION
    if action in EMULATED:
        return Route.EMULATE
    return Route.NOT_SUPPORTED


def station_request(
    charge_box_id: str, protocol: Protocol, action: str, payload: dict[str, Any], lookups: Lookups
) -> sr.StationRequest[Any]:
    """The station request a CALL becomes; :class:`Answered` when the back office gets its answer without the
    station being called, :class:`CallRefused` when the payload cannot be sent to this station."""
    adapter = ADAPTERS.get(action, Adapter())
    fields = adapter.request(dict(payload), protocol, lookups) if adapter.request else dict(payload)
    from ..domain.errors import InvalidInput

    try:
        return parse_request(charge_box_id, action, fields)
    except InvalidInput as exc:
        raise CallRefused("PropertyConstraintViolation", f"{action}.{exc.field}: {exc.reason}") from None


def call_result(
    action: str, protocol: Protocol, payload: dict[str, Any], result: sr.StationCallResult[Any], lookups: Lookups
) -> dict[str, Any]:
    """The 1.6-J result of an answered call, or :class:`CallRefused` saying why the station gave none."""
    if not result.answered or result.answer is None:
        raise failure(result)
    answer = to_jsonable(to_wire(result.answer))
    adapter = ADAPTERS.get(action, Adapter())
    if adapter.after is not None:
        adapter.after(payload, result, lookups)
    return adapter.answer(answer, protocol, payload) if adapter.answer else answer


def failure(result: sr.StationCallResult[Any]) -> CallRefused:
    """Why the station gave no answer, as a CALLERROR the back office can show (OCPP-J has no code per cause)."""
    why = {
        sr.CallOutcome.NO_ADDRESS: "ocpp-soap knows no address to call the station at",
        sr.CallOutcome.UNREACHABLE: "the station could not be reached",
        sr.CallOutcome.TIMEOUT: "the station did not answer in time",
        sr.CallOutcome.FAULT: "the station answered with a SOAP fault",
        sr.CallOutcome.BAD_ANSWER: "the station's answer was not a valid OCPP answer",
    }.get(result.outcome, "the station gave no answer")
    detail = f": {result.error}" if result.error else ""
    return CallRefused("InternalError", f"{why}{detail}"[:255], {"outcome": result.outcome.value})


# -- per operation ------------------------------------------------------------------------------------------------


def _remote_start(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    if payload.pop("chargingProfile", None) is not None:
        # EXTENSION POINT (OCPP 1.6 requests): no station request carries a charging profile on this branch.
        logger.info("RemoteStartTransaction: the chargingProfile is not sent (OCPP %s SOAP has none)", protocol.number)
    return payload


def _remote_stop(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    local = lookups.local_transaction(int(payload["transactionId"]))
    if local is None:
        raise Answered({"status": "Rejected"})  # a session the station never had under that id
    return {**payload, "transactionId": local}


def _cancel_reservation(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    local = lookups.local_reservation(int(payload["reservationId"]))
    if local is None:
        raise Answered({"status": "Rejected"})
    return {**payload, "reservationId": local}


def _reserve_now(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    # ocpp-soap gives every reservation its own id (its table's key): the back office's is mapped to it (after).
    return {name: value for name, value in payload.items() if name != "reservationId"}


def _keep_reservation(payload: dict[str, Any], result: sr.StationCallResult[Any], lookups: Lookups) -> None:
    sent = result.sent
    if isinstance(sent, sr.RequestReserveNow) and sent.reservation_id is not None:
        lookups.keep_reservation(sent.reservation_id, int(payload["reservationId"]))


def _send_local_list(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    fields = dict(payload)
    entries = fields.pop("localAuthorizationList", None)  # 1.5 and the spec spell it localAuthorisationList
    if entries is not None:
        fields["localAuthorisationList"] = entries
    return fields


def _send_local_list_answer(answer: dict[str, Any], protocol: Protocol, payload: dict[str, Any]) -> dict[str, Any]:
    status = answer.get("status")
    return {"status": "Failed" if status == sr.UpdateStatus.HASH_ERROR.value else status}  # 1.6 has no HashError


def _unlock_answer(answer: dict[str, Any], protocol: Protocol, payload: dict[str, Any]) -> dict[str, Any]:
    # 1.2/1.5 say whether they took the request, 1.6 whether the connector unlocked: the nearest reading.
    status = {"Accepted": "Unlocked", "Rejected": "UnlockFailed"}.get(answer.get("status", ""), answer.get("status"))
    return {"status": status}


def _change_configuration(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    return {**payload, "key": station_key(str(payload["key"]), protocol, lookups.known_keys())}


def _get_configuration(payload: dict[str, Any], protocol: Protocol, lookups: Lookups) -> dict[str, Any]:
    keys = payload.get("key") or []
    asked: list[str] = []
    for key in keys:  # both spellings where the version has another: the station knows one of them
        for name in (key, KEY_NAMES.get(protocol.number, {}).get(key)):
            if name and name != SUPPORTED_FEATURE_PROFILES and name not in asked:
                asked.append(name)
    if keys and not asked:
        raise Answered(_configuration_answer({"configurationKey": [], "unknownKey": []}, protocol, payload))
    return {"key": asked} if asked else {}


def _get_configuration_answer(answer: dict[str, Any], protocol: Protocol, payload: dict[str, Any]) -> dict[str, Any]:
    return _configuration_answer(answer, protocol, payload)


def _configuration_answer(answer: dict[str, Any], protocol: Protocol, payload: dict[str, Any]) -> dict[str, Any]:
    """Keys back under their 1.6 names and within 1.6's limits; ``SupportedFeatureProfiles`` added (it is the
    gateway's to say: what the back office can use of this station through the relay)."""
    to_16 = {theirs: ours for ours, theirs in KEY_NAMES.get(protocol.number, {}).items()}
    known: list[dict[str, Any]] = []
    unknown: list[str] = []
    for item in answer.get("configurationKey", []):
        key = to_16.get(item["key"], item["key"])
        if len(key) > CONFIGURATION_KEY:
            continue  # a key 1.6 cannot name is not reported
        entry: dict[str, Any] = {"key": key, "readonly": bool(item.get("readonly", False))}
        if item.get("value") is not None:
            entry["value"] = str(item["value"])[:CONFIGURATION_VALUE]
        known.append(entry)
    names = {entry["key"] for entry in known}
    for key in answer.get("unknownKey", []):
        key = to_16.get(key, key)
        if key not in names and key not in unknown and len(key) <= CONFIGURATION_KEY:
            unknown.append(key)
    asked = payload.get("key") or []
    if (not asked or SUPPORTED_FEATURE_PROFILES in asked) and SUPPORTED_FEATURE_PROFILES not in names:
        known.append({"key": SUPPORTED_FEATURE_PROFILES, "readonly": True, "value": feature_profiles(protocol)})
    unknown = [key for key in unknown if key != SUPPORTED_FEATURE_PROFILES]
    result: dict[str, Any] = {"configurationKey": known}
    if unknown:
        result["unknownKey"] = unknown
    return result


def _get_diagnostics_answer(answer: dict[str, Any], protocol: Protocol, payload: dict[str, Any]) -> dict[str, Any]:
    name = answer.get("fileName")
    return {"fileName": name[:FILE_NAME]} if name else {}


def station_key(key: str, protocol: Protocol, known: frozenset[str]) -> str:
    """The name to send a 1.6 configuration key under: the spelling the station reported, else its version's."""
    theirs = KEY_NAMES.get(protocol.number, {}).get(key)
    if theirs is None or key in known:
        return key
    return theirs


def feature_profiles(protocol: Protocol) -> str:
    """The 1.6 feature profiles a station of this version offers through the relay."""
    ops = protocol.operator_operations
    profiles = ["Core"]
    if {"UpdateFirmware", "GetDiagnostics"} <= ops:
        profiles.append("FirmwareManagement")
    if {"SendLocalList", "GetLocalListVersion"} <= ops:
        profiles.append("LocalAuthListManagement")
    if {"ReserveNow", "CancelReservation"} <= ops:
        profiles.append("Reservation")
    if "SetChargingProfile" in ops and "SetChargingProfile" in SPECS:
        profiles.append("SmartCharging")
    profiles.append("RemoteTrigger")  # served by the station, or emulated (trigger.py)
    return ",".join(profiles)


ADAPTERS: Mapping[str, Adapter] = {
    "RemoteStartTransaction": Adapter(request=_remote_start),
    "RemoteStopTransaction": Adapter(request=_remote_stop),
    "ReserveNow": Adapter(request=_reserve_now, after=_keep_reservation),
    "CancelReservation": Adapter(request=_cancel_reservation),
    "SendLocalList": Adapter(request=_send_local_list, answer=_send_local_list_answer),
    "UnlockConnector": Adapter(answer=_unlock_answer),
    "ChangeConfiguration": Adapter(request=_change_configuration),
    "GetConfiguration": Adapter(request=_get_configuration, answer=_get_configuration_answer),
    "GetDiagnostics": Adapter(answer=_get_diagnostics_answer),
}
"""What differs per operation; an operation not listed goes through its spec as it is (ChangeAvailability, Reset,
ClearCache, UpdateFirmware, GetLocalListVersion, DataTransfer)."""
