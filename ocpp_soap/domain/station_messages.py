"""Station messages: what a station sends its central system, as commands, and what each is answered with.

Every message carries the :class:`StationOrigin` it came with; each version's SOAP edge translates its wire
request into one of these and the result (a plain value) back into its wire response, whatever the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .commands import Command
from .model import (
    BootDetails,
    ChargePointErrorCode,
    ConnectorStatus,
    DataTransferStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    IdTagInfo,
    MeterReading,
    RegistrationStatus,
    StationOrigin,
    StopReason,
)


@dataclass(frozen=True)
class StationMessage(Command):
    origin: StationOrigin


@dataclass(frozen=True)
class BootChargingStation(StationMessage):
    details: BootDetails


@dataclass(frozen=True)
class BootResult:
    """The station's registration as the central system holds it (Pending included: a version without Pending
    says Rejected on the wire), the time, and the interval to heartbeat at (or, when not accepted, to retry after)."""

    status: RegistrationStatus
    current_time: datetime
    heartbeat_interval: int


@dataclass(frozen=True)
class RecordHeartbeat(StationMessage):
    pass


@dataclass(frozen=True)
class HeartbeatResult:
    current_time: datetime


@dataclass(frozen=True)
class AuthorizeIdTag(StationMessage):
    id_tag: str


@dataclass(frozen=True)
class StartTransaction(StationMessage):
    connector_id: int
    id_tag: str
    timestamp: datetime
    meter_start: int
    reservation_id: int | None = None


@dataclass(frozen=True)
class StartTransactionResult:
    transaction_id: int
    id_tag_info: IdTagInfo


@dataclass(frozen=True)
class StopTransaction(StationMessage):
    transaction_id: int
    timestamp: datetime
    meter_stop: int
    id_tag: str | None = None
    reason: StopReason | None = None
    transaction_data: tuple[MeterReading, ...] = ()


@dataclass(frozen=True)
class StopTransactionResult:
    id_tag_info: IdTagInfo | None


@dataclass(frozen=True)
class RecordMeterValues(StationMessage):
    connector_id: int
    readings: tuple[MeterReading, ...]
    transaction_id: int | None = None


@dataclass(frozen=True)
class UpdateConnectorStatus(StationMessage):
    connector_id: int
    status: ConnectorStatus
    error_code: ChargePointErrorCode
    info: str | None = None
    timestamp: datetime | None = None
    vendor_id: str | None = None
    vendor_error_code: str | None = None


@dataclass(frozen=True)
class UpdateFirmwareStatus(StationMessage):
    status: FirmwareStatus


@dataclass(frozen=True)
class UpdateDiagnosticsStatus(StationMessage):
    status: DiagnosticsStatus


@dataclass(frozen=True)
class ReceiveDataTransfer(StationMessage):
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class DataTransferResult:
    status: DataTransferStatus
    data: str | None = None


TRIGGERABLE: frozenset[type[StationMessage]] = frozenset(
    {RecordHeartbeat, UpdateConnectorStatus, RecordMeterValues, UpdateFirmwareStatus, UpdateDiagnosticsStatus}
)
"""What a central system can ask a station to send (OCPP 1.6's TriggerMessage; BootNotification aside): what a
pending 1.6 station may send (see :meth:`~.model.Station.may_send`)."""
