"""Commands: immutable requests for the domain to do something, named as imperatives.

Station-initiated commands carry the :class:`StationOrigin` of the message; each has a result type
(a plain value) that the protocol add-on translates back into its wire response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
)


class Command:
    """Base of every command, so the bus can tell commands from events."""


@dataclass(frozen=True)
class StationCommand(Command):
    origin: StationOrigin


@dataclass(frozen=True)
class BootChargingStation(StationCommand):
    details: BootDetails


@dataclass(frozen=True)
class BootResult:
    status: RegistrationStatus  # as sent on the wire: Accepted or Rejected
    current_time: datetime
    heartbeat_interval: int


@dataclass(frozen=True)
class RecordHeartbeat(StationCommand):
    pass


@dataclass(frozen=True)
class HeartbeatResult:
    current_time: datetime


@dataclass(frozen=True)
class AuthorizeIdTag(StationCommand):
    id_tag: str


@dataclass(frozen=True)
class StartTransaction(StationCommand):
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
class StopTransaction(StationCommand):
    transaction_id: int
    timestamp: datetime
    meter_stop: int
    id_tag: str | None = None
    reason: str | None = None
    transaction_data: tuple[MeterReading, ...] = ()


@dataclass(frozen=True)
class StopTransactionResult:
    id_tag_info: IdTagInfo | None


@dataclass(frozen=True)
class RecordMeterValues(StationCommand):
    connector_id: int
    readings: tuple[MeterReading, ...]
    transaction_id: int | None = None


@dataclass(frozen=True)
class UpdateConnectorStatus(StationCommand):
    connector_id: int
    status: ConnectorStatus
    error_code: ChargePointErrorCode
    info: str | None = None
    timestamp: datetime | None = None
    vendor_id: str | None = None
    vendor_error_code: str | None = None


@dataclass(frozen=True)
class UpdateFirmwareStatus(StationCommand):
    status: FirmwareStatus


@dataclass(frozen=True)
class UpdateDiagnosticsStatus(StationCommand):
    status: DiagnosticsStatus


@dataclass(frozen=True)
class ReceiveDataTransfer(StationCommand):
    vendor_id: str
    message_id: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class DataTransferResult:
    status: DataTransferStatus
    data: str | None = None
