"""Station requests: what an operator (or the gateway on one's behalf) asks a station to do, and the answers.

Each request names the OCPP operation it becomes and the type of its answer; the version the station is bound to
decides whether it can be sent (:class:`~.versions.Protocol`) and its SOAP edge turns it into that version's wire
request and the wire answer into the typed answer here. Whatever happens on the way (no address, connection
refused, timeout, a SOAP Fault) comes back as a :class:`StationCallResult` with a distinct :class:`CallOutcome`,
never as an exception.

Answer enumerations hold the values of every version (1.5 unlocks with Accepted, 1.6 with Unlocked): an answer is
kept as the station gave it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from .commands import Command
from .message_log import WireRecord
from .model import (
    ChargingProfile,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ClearCriteria,
    DataTransferStatus,
    LocalListEntry,
    UpdateType,
)


class ResetType(enum.StrEnum):
    HARD = "Hard"
    SOFT = "Soft"


class AvailabilityType(enum.StrEnum):
    INOPERATIVE = "Inoperative"
    OPERATIVE = "Operative"


# What stations answer (the exact OCPP values).


class UnlockStatus(enum.StrEnum):
    ACCEPTED = "Accepted"  # 1.2 and 1.5
    REJECTED = "Rejected"  # 1.2 and 1.5
    UNLOCKED = "Unlocked"  # 1.6
    UNLOCK_FAILED = "UnlockFailed"  # 1.6
    NOT_SUPPORTED = "NotSupported"  # 1.6


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
    REBOOT_REQUIRED = "RebootRequired"  # 1.6
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
    HASH_ERROR = "HashError"  # 1.5
    NOT_SUPPORTED = "NotSupported"
    VERSION_MISMATCH = "VersionMismatch"


class ChargingProfileStatus(enum.StrEnum):  # 1.6 SetChargingProfile
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    NOT_SUPPORTED = "NotSupported"


class ClearChargingProfileStatus(enum.StrEnum):  # 1.6
    ACCEPTED = "Accepted"
    UNKNOWN = "Unknown"  # no profile matched


class GetCompositeScheduleStatus(enum.StrEnum):  # 1.6
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class MessageTrigger(enum.StrEnum):
    """What a 1.6 TriggerMessage can ask a station to send (WSDL order)."""

    BOOT_NOTIFICATION = "BootNotification"
    DIAGNOSTICS_STATUS_NOTIFICATION = "DiagnosticsStatusNotification"
    FIRMWARE_STATUS_NOTIFICATION = "FirmwareStatusNotification"
    HEARTBEAT = "Heartbeat"
    METER_VALUES = "MeterValues"
    STATUS_NOTIFICATION = "StatusNotification"

    @property
    def per_connector(self) -> bool:
        """Whether the message is about a connector, so that a trigger without one asks for one message per
        connector (Spec §5.17); the others ignore a connector id."""
        return self in (MessageTrigger.METER_VALUES, MessageTrigger.STATUS_NOTIFICATION)


class TriggerMessageStatus(enum.StrEnum):  # 1.6
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    NOT_IMPLEMENTED = "NotImplemented"


class CallOutcome(enum.StrEnum):
    ANSWERED = "answered"  # the station answered; its answer may still say Rejected
    NO_ADDRESS = "no-address"  # we know no address to call: nothing was sent
    UNREACHABLE = "unreachable"  # connection refused, host unreachable, DNS failure
    TIMEOUT = "timeout"
    FAULT = "fault"  # the station answered with a SOAP Fault
    BAD_ANSWER = "bad-answer"  # the station answered something that is not a valid OCPP response


# -- answers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusAnswer:
    """An answer that is a status and nothing else (most of them)."""

    status: str


@dataclass(frozen=True)
class RemoteStartAnswer(StatusAnswer):
    status: RemoteStartStopStatus


@dataclass(frozen=True)
class RemoteStopAnswer(StatusAnswer):
    status: RemoteStartStopStatus


@dataclass(frozen=True)
class ResetAnswer(StatusAnswer):
    status: ResetStatus


@dataclass(frozen=True)
class UnlockConnectorAnswer(StatusAnswer):
    status: UnlockStatus


@dataclass(frozen=True)
class ChangeAvailabilityAnswer(StatusAnswer):
    status: AvailabilityStatus


@dataclass(frozen=True)
class ChangeConfigurationAnswer(StatusAnswer):
    status: ConfigurationStatus


@dataclass(frozen=True)
class KeyValue:
    """One configuration key as a station reports it."""

    key: str
    readonly: bool | None = None  # required by OCPP; a station that leaves it out is not refused for it
    value: str | None = None


@dataclass(frozen=True)
class GetConfigurationAnswer:
    configuration_keys: tuple[KeyValue, ...] = ()
    unknown_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClearCacheAnswer(StatusAnswer):
    status: ClearCacheStatus


@dataclass(frozen=True)
class GetDiagnosticsAnswer:
    file_name: str | None = None


@dataclass(frozen=True)
class UpdateFirmwareAnswer:
    """The station took the request; it says nothing more."""


@dataclass(frozen=True)
class SendLocalListAnswer(StatusAnswer):
    status: UpdateStatus
    hash: str | None = None  # 1.5


@dataclass(frozen=True)
class GetLocalListVersionAnswer:
    list_version: int


@dataclass(frozen=True)
class ReserveNowAnswer(StatusAnswer):
    status: ReservationStatus


@dataclass(frozen=True)
class CancelReservationAnswer(StatusAnswer):
    status: CancelReservationStatus


@dataclass(frozen=True)
class DataTransferAnswer(StatusAnswer):
    status: DataTransferStatus
    data: str | None = None


@dataclass(frozen=True)
class SetChargingProfileAnswer(StatusAnswer):
    status: ChargingProfileStatus


@dataclass(frozen=True)
class ClearChargingProfileAnswer(StatusAnswer):
    status: ClearChargingProfileStatus


@dataclass(frozen=True)
class GetCompositeScheduleAnswer(StatusAnswer):
    """The station's composite schedule: periods relative to ``schedule_start`` (absent when Rejected)."""

    status: GetCompositeScheduleStatus
    connector_id: int | None = None
    schedule_start: datetime | None = None
    charging_schedule: ChargingSchedule | None = None


@dataclass(frozen=True)
class TriggerMessageAnswer(StatusAnswer):
    status: TriggerMessageStatus


# -- requests -----------------------------------------------------------------------------------------------------

NOT_BEFORE_ACCEPTED = frozenset({"RemoteStartTransaction", "RemoteStopTransaction"})
"""Operations never sent to a station that is not accepted, when its version says what it may be sent then
(1.6, which has Pending, forbids these two while a station is pending; everything else may configure it)."""

A = TypeVar("A")


@dataclass(frozen=True)
class StationRequest(Command, Generic[A]):
    """Base of every request sent to a station: ``operation`` is the OCPP operation it becomes, ``answer_type``
    the type its answer is read into."""

    charge_box_id: str
    operation: ClassVar[str]
    answer_type: ClassVar[type[Any]]
    requested_by: str | None = field(default=None, kw_only=True)  # the operator account, kept in the command log


@dataclass(frozen=True)
class RequestRemoteStart(StationRequest[RemoteStartAnswer]):
    operation: ClassVar[str] = "RemoteStartTransaction"
    answer_type: ClassVar[type[Any]] = RemoteStartAnswer
    id_tag: str
    connector_id: int | None = None
    charging_profile: ChargingProfile | None = None  # 1.6: a TxProfile for the transaction it starts


@dataclass(frozen=True)
class RequestRemoteStop(StationRequest[RemoteStopAnswer]):
    operation: ClassVar[str] = "RemoteStopTransaction"
    answer_type: ClassVar[type[Any]] = RemoteStopAnswer
    transaction_id: int


@dataclass(frozen=True)
class RequestReset(StationRequest[ResetAnswer]):
    operation: ClassVar[str] = "Reset"
    answer_type: ClassVar[type[Any]] = ResetAnswer
    type: ResetType


@dataclass(frozen=True)
class RequestUnlockConnector(StationRequest[UnlockConnectorAnswer]):
    operation: ClassVar[str] = "UnlockConnector"
    answer_type: ClassVar[type[Any]] = UnlockConnectorAnswer
    connector_id: int


@dataclass(frozen=True)
class RequestChangeAvailability(StationRequest[ChangeAvailabilityAnswer]):
    operation: ClassVar[str] = "ChangeAvailability"
    answer_type: ClassVar[type[Any]] = ChangeAvailabilityAnswer
    connector_id: int
    type: AvailabilityType


@dataclass(frozen=True)
class RequestChangeConfiguration(StationRequest[ChangeConfigurationAnswer]):
    operation: ClassVar[str] = "ChangeConfiguration"
    answer_type: ClassVar[type[Any]] = ChangeConfigurationAnswer
    key: str
    value: str


@dataclass(frozen=True)
class RequestGetConfiguration(StationRequest[GetConfigurationAnswer]):
    operation: ClassVar[str] = "GetConfiguration"
    answer_type: ClassVar[type[Any]] = GetConfigurationAnswer
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestClearCache(StationRequest[ClearCacheAnswer]):
    operation: ClassVar[str] = "ClearCache"
    answer_type: ClassVar[type[Any]] = ClearCacheAnswer


@dataclass(frozen=True)
class RequestGetDiagnostics(StationRequest[GetDiagnosticsAnswer]):
    operation: ClassVar[str] = "GetDiagnostics"
    answer_type: ClassVar[type[Any]] = GetDiagnosticsAnswer
    location: str
    start_time: datetime | None = None
    stop_time: datetime | None = None
    retries: int | None = None
    retry_interval: int | None = None


@dataclass(frozen=True)
class RequestUpdateFirmware(StationRequest[UpdateFirmwareAnswer]):
    operation: ClassVar[str] = "UpdateFirmware"
    answer_type: ClassVar[type[Any]] = UpdateFirmwareAnswer
    location: str
    retrieve_date: datetime
    retries: int | None = None
    retry_interval: int | None = None


@dataclass(frozen=True)
class RequestSendLocalList(StationRequest[SendLocalListAnswer]):
    operation: ClassVar[str] = "SendLocalList"
    answer_type: ClassVar[type[Any]] = SendLocalListAnswer
    update_type: UpdateType
    entries: tuple[LocalListEntry, ...] = ()
    list_version: int | None = None  # None: the gateway takes the station's stored version + 1
    hash: str | None = None


@dataclass(frozen=True)
class RequestGetLocalListVersion(StationRequest[GetLocalListVersionAnswer]):
    operation: ClassVar[str] = "GetLocalListVersion"
    answer_type: ClassVar[type[Any]] = GetLocalListVersionAnswer


@dataclass(frozen=True)
class RequestReserveNow(StationRequest[ReserveNowAnswer]):
    operation: ClassVar[str] = "ReserveNow"
    answer_type: ClassVar[type[Any]] = ReserveNowAnswer
    connector_id: int
    expiry_date: datetime
    id_tag: str
    parent_id_tag: str | None = None
    reservation_id: int | None = None  # assigned by the gateway before the request is sent


@dataclass(frozen=True)
class RequestCancelReservation(StationRequest[CancelReservationAnswer]):
    operation: ClassVar[str] = "CancelReservation"
    answer_type: ClassVar[type[Any]] = CancelReservationAnswer
    reservation_id: int


@dataclass(frozen=True)
class RequestDataTransfer(StationRequest[DataTransferAnswer]):
    operation: ClassVar[str] = "DataTransfer"
    answer_type: ClassVar[type[Any]] = DataTransferAnswer
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class RequestSetChargingProfile(StationRequest[SetChargingProfileAnswer]):
    operation: ClassVar[str] = "SetChargingProfile"
    answer_type: ClassVar[type[Any]] = SetChargingProfileAnswer
    connector_id: int
    profile: ChargingProfile


@dataclass(frozen=True)
class RequestClearChargingProfile(StationRequest[ClearChargingProfileAnswer]):
    """Clear the profile with ``id``, or those matching every other field given, or (none given) all."""

    operation: ClassVar[str] = "ClearChargingProfile"
    answer_type: ClassVar[type[Any]] = ClearChargingProfileAnswer
    id: int | None = None
    connector_id: int | None = None
    purpose: ChargingProfilePurpose | None = None
    stack_level: int | None = None

    @property
    def criteria(self) -> ClearCriteria:
        return ClearCriteria(self.id, self.connector_id, self.purpose, self.stack_level)


@dataclass(frozen=True)
class RequestGetCompositeSchedule(StationRequest[GetCompositeScheduleAnswer]):
    operation: ClassVar[str] = "GetCompositeSchedule"
    answer_type: ClassVar[type[Any]] = GetCompositeScheduleAnswer
    connector_id: int
    duration: int  # seconds from now
    charging_rate_unit: ChargingRateUnit | None = None


@dataclass(frozen=True)
class RequestTriggerMessage(StationRequest[TriggerMessageAnswer]):
    operation: ClassVar[str] = "TriggerMessage"
    answer_type: ClassVar[type[Any]] = TriggerMessageAnswer
    requested_message: MessageTrigger
    connector_id: int | None = None


STATION_REQUESTS: tuple[type[StationRequest[Any]], ...] = (
    RequestCancelReservation,
    RequestChangeAvailability,
    RequestChangeConfiguration,
    RequestClearCache,
    RequestClearChargingProfile,
    RequestDataTransfer,
    RequestGetCompositeSchedule,
    RequestGetConfiguration,
    RequestGetDiagnostics,
    RequestGetLocalListVersion,
    RequestRemoteStart,
    RequestRemoteStop,
    RequestReserveNow,
    RequestReset,
    RequestSendLocalList,
    RequestSetChargingProfile,
    RequestTriggerMessage,
    RequestUnlockConnector,
    RequestUpdateFirmware,
)
REQUEST_TYPES: dict[str, type[StationRequest[Any]]] = {request.operation: request for request in STATION_REQUESTS}
"""Operation name -> request type."""


# -- what the gateway concludes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalListVersionCheck:
    """A GetLocalListVersion answer compared with the version the gateway last sent (0 is OCPP's "no list")."""

    stored_list_version: int | None
    list_version_matches: bool


@dataclass(frozen=True)
class ConfigurationStored:
    """A GetConfiguration answer kept: how many keys were stored, and which the station did not know."""

    stored_keys: int
    unknown_keys: tuple[str, ...]


@dataclass(frozen=True)
class ChargingProfilesChanged:
    """How the gateway's copy of a station's charging profiles followed an answer: the profile ids installed, and
    those removed (replaced by the new one, or cleared)."""

    installed: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()


Remarks = LocalListVersionCheck | ConfigurationStored | ChargingProfilesChanged
"""What the gateway concludes from an answer, for the answers it concludes something from."""


@dataclass(frozen=True)
class StationCall:
    """What the SOAP edge sends: the OCPP operation and its request fields under their OCPP names."""

    operation: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class CommandLogEntry:
    """One request sent to a station: what was sent, what happened, and the station's answer."""

    charge_box_id: str
    request: StationRequest[Any]
    requested_at: datetime
    outcome: CallOutcome
    answer: Any | None
    error: str | None
    duration_ms: float
    protocol: str | None
    address: str | None
    requested_by: str | None = None

    @property
    def operation(self) -> str:
        return self.request.operation


@dataclass(frozen=True)
class StationCallResult(Generic[A]):
    """The outcome of one request to a station.

    ``answer`` is the station's answer, typed (None unless it answered); ``sent`` the request as it went out, with
    what the gateway filled in (a reservation id, the next local-list version); ``remarks`` what the gateway
    concluded from the answer (:class:`LocalListVersionCheck`, :class:`ConfigurationStored`,
    :class:`ChargingProfilesChanged`).
    """

    outcome: CallOutcome
    answer: A | None = None
    sent: StationRequest[A] | None = None
    remarks: Remarks | None = None
    error: str | None = None
    duration_ms: float = 0.0
    log_id: int | None = None
    wire: WireRecord | None = field(default=None, repr=False, compare=False)

    @property
    def answered(self) -> bool:
        return self.outcome is CallOutcome.ANSWERED

    @property
    def status(self) -> str | None:
        """The answer's status, for the answers that have one (most)."""
        return str(self.answer.status) if isinstance(self.answer, StatusAnswer) else None
