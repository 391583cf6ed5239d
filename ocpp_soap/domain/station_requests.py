"""Operator commands toward stations (RemoteStart, Reset, ...) and what comes back from them.

Each command names the OCPP operation it becomes; the add-on the station is bound to turns it into that
operation's request. Whatever happens on the way (no address, connection refused, timeout, a SOAP Fault) comes
back as a :class:`StationCallResult` with a distinct :class:`CallOutcome`, never as an exception.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from .commands import Command
from .message_log import WireExchange
from .model import AuthorizationStatus


class ResetType(enum.StrEnum):
    HARD = "Hard"
    SOFT = "Soft"


class AvailabilityType(enum.StrEnum):
    INOPERATIVE = "Inoperative"
    OPERATIVE = "Operative"


class UpdateType(enum.StrEnum):
    DIFFERENTIAL = "Differential"
    FULL = "Full"


# What stations answer (the exact OCPP values, in the official order).


class UnlockStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class ResetStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class AvailabilityStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    SCHEDULED = "Scheduled"


class ClearCacheStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class ConfigurationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    NOT_SUPPORTED = "NotSupported"


class RemoteStartStopStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class CancelReservationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class ReservationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    FAULTED = "Faulted"
    OCCUPIED = "Occupied"
    REJECTED = "Rejected"
    UNAVAILABLE = "Unavailable"


class UpdateStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    FAILED = "Failed"
    HASH_ERROR = "HashError"
    NOT_SUPPORTED = "NotSupported"
    VERSION_MISMATCH = "VersionMismatch"


class CallOutcome(enum.StrEnum):
    ANSWERED = "answered"  # the station answered; its answer may still say Rejected
    NO_ADDRESS = "no-address"  # we know no address to call: nothing was sent
    UNREACHABLE = "unreachable"  # connection refused, host unreachable, DNS failure
    TIMEOUT = "timeout"
    FAULT = "fault"  # the station answered with a SOAP Fault
    BAD_ANSWER = "bad-answer"  # the station answered something that is not a valid OCPP response


@dataclass(frozen=True)
class StationRequest(Command):
    """Base of every operator command toward a station; ``operation`` is the OCPP operation it becomes."""

    charge_box_id: str
    operation: ClassVar[str]
    requested_by: str | None = field(default=None, kw_only=True)  # the operator account, kept in the command log


@dataclass(frozen=True)
class RequestRemoteStart(StationRequest):
    operation: ClassVar[str] = "RemoteStartTransaction"
    id_tag: str
    connector_id: int | None = None


@dataclass(frozen=True)
class RequestRemoteStop(StationRequest):
    operation: ClassVar[str] = "RemoteStopTransaction"
    transaction_id: int


@dataclass(frozen=True)
class RequestReset(StationRequest):
    operation: ClassVar[str] = "Reset"
    type: ResetType


@dataclass(frozen=True)
class RequestUnlockConnector(StationRequest):
    operation: ClassVar[str] = "UnlockConnector"
    connector_id: int


@dataclass(frozen=True)
class RequestChangeAvailability(StationRequest):
    operation: ClassVar[str] = "ChangeAvailability"
    connector_id: int
    type: AvailabilityType


@dataclass(frozen=True)
class RequestChangeConfiguration(StationRequest):
    operation: ClassVar[str] = "ChangeConfiguration"
    key: str
    value: str


@dataclass(frozen=True)
class RequestGetConfiguration(StationRequest):
    operation: ClassVar[str] = "GetConfiguration"
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestClearCache(StationRequest):
    operation: ClassVar[str] = "ClearCache"


@dataclass(frozen=True)
class RequestGetDiagnostics(StationRequest):
    operation: ClassVar[str] = "GetDiagnostics"
    location: str
    start_time: datetime | None = None
    stop_time: datetime | None = None
    retries: int | None = None
    retry_interval: int | None = None


@dataclass(frozen=True)
class RequestUpdateFirmware(StationRequest):
    operation: ClassVar[str] = "UpdateFirmware"
    location: str
    retrieve_date: datetime
    retries: int | None = None
    retry_interval: int | None = None


@dataclass(frozen=True)
class LocalListEntry:
    id_tag: str
    status: AuthorizationStatus | None = None  # None: remove the tag from the list (a differential update)
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


@dataclass(frozen=True)
class RequestSendLocalList(StationRequest):
    operation: ClassVar[str] = "SendLocalList"
    update_type: UpdateType
    entries: tuple[LocalListEntry, ...] = ()
    list_version: int | None = None  # None: the gateway takes the station's stored version + 1
    hash: str | None = None


@dataclass(frozen=True)
class RequestGetLocalListVersion(StationRequest):
    operation: ClassVar[str] = "GetLocalListVersion"


@dataclass(frozen=True)
class RequestReserveNow(StationRequest):
    operation: ClassVar[str] = "ReserveNow"
    connector_id: int
    expiry_date: datetime
    id_tag: str
    parent_id_tag: str | None = None


@dataclass(frozen=True)
class RequestCancelReservation(StationRequest):
    operation: ClassVar[str] = "CancelReservation"
    reservation_id: int


@dataclass(frozen=True)
class RequestDataTransfer(StationRequest):
    operation: ClassVar[str] = "DataTransfer"
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


STATION_REQUESTS: tuple[type[StationRequest], ...] = (
    RequestCancelReservation,
    RequestChangeAvailability,
    RequestChangeConfiguration,
    RequestClearCache,
    RequestDataTransfer,
    RequestGetConfiguration,
    RequestGetDiagnostics,
    RequestGetLocalListVersion,
    RequestRemoteStart,
    RequestRemoteStop,
    RequestReserveNow,
    RequestReset,
    RequestSendLocalList,
    RequestUnlockConnector,
    RequestUpdateFirmware,
)


@dataclass(frozen=True)
class StationCall:
    """What the add-on sends: the OCPP operation and its request fields under their OCPP names."""

    operation: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class StationCallResult:
    """The outcome of one command toward a station.

    ``answer`` holds the station's answer fields under their OCPP names (``{"status": "Accepted"}``);
    ``added`` what the gateway put into the request on its own (``{"reservationId": 17}``); ``remarks`` what the
    gateway concluded from the answer (``{"storedListVersion": 3, "listVersionMatches": True}``).
    """

    outcome: CallOutcome
    answer: dict[str, Any] = field(default_factory=dict)
    added: dict[str, Any] = field(default_factory=dict)
    remarks: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    duration_ms: float = 0.0
    log_id: int | None = None
    wire: WireExchange | None = field(default=None, repr=False, compare=False)

    @property
    def answered(self) -> bool:
        return self.outcome is CallOutcome.ANSWERED

    @property
    def status(self) -> str | None:
        value = self.answer.get("status")
        return None if value is None else str(value)


class ReservationState(enum.StrEnum):
    REQUESTED = "Requested"  # sent, no answer yet (or no answer ever: the call failed)
    ACCEPTED = "Accepted"
    FAULTED = "Faulted"
    OCCUPIED = "Occupied"
    REJECTED = "Rejected"
    UNAVAILABLE = "Unavailable"
    CANCELLED = "Cancelled"
    USED = "Used"  # a transaction started with it
    FAILED = "Failed"  # the ReserveNow never reached the station


@dataclass
class Reservation:
    """A reservation the gateway asked a station for; its id is generated by storage when added."""

    charge_box_id: str
    connector_id: int
    id_tag: str
    expiry_date: datetime
    created_at: datetime
    parent_id_tag: str | None = None
    state: ReservationState = ReservationState.REQUESTED
    reservation_id: int | None = None

    def is_active(self, now: datetime) -> bool:
        return self.state is ReservationState.ACCEPTED and self.expiry_date > now


@dataclass
class LocalList:
    """The local authorization list as the gateway last sent it to a station, with its version."""

    charge_box_id: str
    version: int
    entries: dict[str, LocalListEntry]
    updated_at: datetime

    def apply(self, update_type: UpdateType, entries: tuple[LocalListEntry, ...], version: int, now: datetime) -> None:
        if update_type is UpdateType.FULL:
            self.entries = {}
        for entry in entries:
            if entry.status is None:
                self.entries.pop(entry.id_tag, None)
            else:
                self.entries[entry.id_tag] = entry
        self.version, self.updated_at = version, now


@dataclass(frozen=True)
class ConfigurationValue:
    key: str
    value: str | None
    readonly: bool | None
    updated_at: datetime


@dataclass(frozen=True)
class CommandLogEntry:
    """One operator command toward a station: what was asked, what happened, and the station's answer."""

    charge_box_id: str
    operation: str
    parameters: dict[str, Any]
    requested_at: datetime
    outcome: str
    answer: dict[str, Any]
    error: str | None
    duration_ms: float
    protocol: str | None
    address: str | None
    requested_by: str | None = None
