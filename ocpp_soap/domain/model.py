"""Domain values and rules: what a station, an id tag and a meter reading are, independent of any wire format.

Enum values carry the exact strings OCPP uses, so the SOAP edge can translate them one to one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Protocol(enum.StrEnum):
    """The protocol (and add-on) a station is bound to."""

    OCPP12_SOAP = "ocpp1.2-soap"
    OCPP15_SOAP = "ocpp1.5-soap"


class RegistrationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    PENDING = "Pending"  # unknown station waiting for an operator; answered Rejected on the wire


class AuthorizationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"
    CONCURRENT_TX = "ConcurrentTx"


class ConnectorStatus(enum.StrEnum):
    AVAILABLE = "Available"
    OCCUPIED = "Occupied"
    FAULTED = "Faulted"
    UNAVAILABLE = "Unavailable"
    RESERVED = "Reserved"


class ChargePointErrorCode(enum.StrEnum):
    CONNECTOR_LOCK_FAILURE = "ConnectorLockFailure"
    HIGH_TEMPERATURE = "HighTemperature"
    MODE3_ERROR = "Mode3Error"
    NO_ERROR = "NoError"
    POWER_METER_FAILURE = "PowerMeterFailure"
    POWER_SWITCH_FAILURE = "PowerSwitchFailure"
    READER_FAILURE = "ReaderFailure"
    RESET_FAILURE = "ResetFailure"
    GROUND_FAILURE = "GroundFailure"
    OVER_CURRENT_FAILURE = "OverCurrentFailure"
    UNDER_VOLTAGE = "UnderVoltage"
    WEAK_SIGNAL = "WeakSignal"
    OTHER_ERROR = "OtherError"


class FirmwareStatus(enum.StrEnum):
    DOWNLOADED = "Downloaded"
    DOWNLOAD_FAILED = "DownloadFailed"
    INSTALLATION_FAILED = "InstallationFailed"
    INSTALLED = "Installed"


class DiagnosticsStatus(enum.StrEnum):
    UPLOADED = "Uploaded"
    UPLOAD_FAILED = "UploadFailed"


class DataTransferStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    UNKNOWN_MESSAGE_ID = "UnknownMessageId"
    UNKNOWN_VENDOR_ID = "UnknownVendorId"


class ReadingContext(enum.StrEnum):
    INTERRUPTION_BEGIN = "Interruption.Begin"
    INTERRUPTION_END = "Interruption.End"
    SAMPLE_CLOCK = "Sample.Clock"
    SAMPLE_PERIODIC = "Sample.Periodic"
    TRANSACTION_BEGIN = "Transaction.Begin"
    TRANSACTION_END = "Transaction.End"


class ValueFormat(enum.StrEnum):
    RAW = "Raw"
    SIGNED_DATA = "SignedData"


class Measurand(enum.StrEnum):
    ENERGY_ACTIVE_EXPORT_REGISTER = "Energy.Active.Export.Register"
    ENERGY_ACTIVE_IMPORT_REGISTER = "Energy.Active.Import.Register"
    ENERGY_REACTIVE_EXPORT_REGISTER = "Energy.Reactive.Export.Register"
    ENERGY_REACTIVE_IMPORT_REGISTER = "Energy.Reactive.Import.Register"
    ENERGY_ACTIVE_EXPORT_INTERVAL = "Energy.Active.Export.Interval"
    ENERGY_ACTIVE_IMPORT_INTERVAL = "Energy.Active.Import.Interval"
    ENERGY_REACTIVE_EXPORT_INTERVAL = "Energy.Reactive.Export.Interval"
    ENERGY_REACTIVE_IMPORT_INTERVAL = "Energy.Reactive.Import.Interval"
    POWER_ACTIVE_EXPORT = "Power.Active.Export"
    POWER_ACTIVE_IMPORT = "Power.Active.Import"
    POWER_REACTIVE_EXPORT = "Power.Reactive.Export"
    POWER_REACTIVE_IMPORT = "Power.Reactive.Import"
    CURRENT_EXPORT = "Current.Export"
    CURRENT_IMPORT = "Current.Import"
    VOLTAGE = "Voltage"
    TEMPERATURE = "Temperature"


class Location(enum.StrEnum):
    INLET = "Inlet"
    OUTLET = "Outlet"
    BODY = "Body"


class UnitOfMeasure(enum.StrEnum):
    WH = "Wh"
    KWH = "kWh"
    VARH = "varh"
    KVARH = "kvarh"
    W = "W"
    KW = "kW"
    VAR = "var"
    KVAR = "kvar"
    AMP = "Amp"
    VOLT = "Volt"
    CELSIUS = "Celsius"


@dataclass(frozen=True)
class StationOrigin:
    """Who sent a message and where it can be called back.

    ``endpoint_address`` is None when the message carried no usable address; ``address_problem`` then says why.
    """

    charge_box_id: str
    protocol: Protocol
    endpoint_address: str | None = None
    address_problem: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class BootDetails:
    charge_point_vendor: str
    charge_point_model: str
    charge_point_serial_number: str | None = None
    charge_box_serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None


@dataclass(frozen=True)
class SampledValue:
    """One value of a meter reading, with its metadata as the station sent it (None where it sent none)."""

    value: str
    context: ReadingContext | None = None
    format: ValueFormat | None = None
    measurand: Measurand | None = None
    location: Location | None = None
    unit: UnitOfMeasure | None = None


@dataclass(frozen=True)
class MeterReading:
    timestamp: datetime
    values: tuple[SampledValue, ...]


@dataclass(frozen=True)
class IdTag:
    id_tag: str
    status: AuthorizationStatus
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


@dataclass(frozen=True)
class IdTagInfo:
    """The authorization verdict sent back to a station."""

    status: AuthorizationStatus
    expiry_date: datetime | None = None
    parent_id_tag: str | None = None


def authorize(tag: IdTag | None, now: datetime, *, in_open_transaction: bool = False) -> IdTagInfo:
    """Decide what a station is told about an id tag.

    Unknown tags are Invalid; a stored Accepted tag past its expiry is Expired; an Accepted tag already
    charging elsewhere is ConcurrentTx (asked only when a transaction is about to start).
    """
    if tag is None:
        return IdTagInfo(AuthorizationStatus.INVALID)
    status = tag.status
    if status is AuthorizationStatus.ACCEPTED and tag.expiry_date is not None and tag.expiry_date <= now:
        status = AuthorizationStatus.EXPIRED
    if status is AuthorizationStatus.ACCEPTED and in_open_transaction:
        status = AuthorizationStatus.CONCURRENT_TX
    return IdTagInfo(status, tag.expiry_date, tag.parent_id_tag)


def wire_registration_status(status: RegistrationStatus) -> RegistrationStatus:
    """OCPP 1.2/1.5 know only Accepted and Rejected: a pending station is told Rejected and retries later."""
    return RegistrationStatus.ACCEPTED if status is RegistrationStatus.ACCEPTED else RegistrationStatus.REJECTED


@dataclass
class Station:
    """A charging station as the central system knows it: registration, binding and boot details.

    The binding (protocol and endpoint address) is what operator commands follow; it is set at boot and the
    address is refreshed by every later message that carries a usable one.
    """

    charge_box_id: str
    registration_status: RegistrationStatus
    protocol: Protocol | None = None
    endpoint_address: str | None = None
    address_problem: str | None = "no message with a usable address yet"
    details: BootDetails | None = None
    boot_count: int = 0
    first_seen_at: datetime | None = None
    last_boot_at: datetime | None = None
    last_seen_at: datetime | None = None
    firmware_status: FirmwareStatus | None = None
    firmware_status_at: datetime | None = None
    diagnostics_status: DiagnosticsStatus | None = None
    diagnostics_status_at: datetime | None = None

    @classmethod
    def first_boot(cls, charge_box_id: str, *, auto_accept: bool, now: datetime) -> Station:
        status = RegistrationStatus.ACCEPTED if auto_accept else RegistrationStatus.PENDING
        return cls(charge_box_id=charge_box_id, registration_status=status, first_seen_at=now)

    @property
    def is_accepted(self) -> bool:
        return self.registration_status is RegistrationStatus.ACCEPTED

    @property
    def reachable(self) -> bool:
        return self.endpoint_address is not None

    def record_boot(self, origin: StationOrigin, details: BootDetails, now: datetime) -> bool:
        """Bind the station to the protocol it booted with; returns True when the protocol changed."""
        changed = self.protocol is not None and self.protocol is not origin.protocol
        self.protocol = origin.protocol
        self.details = details
        self.boot_count += 1
        self.last_boot_at = now
        self.seen(origin, now)
        if origin.endpoint_address is None:
            # A boot without a usable address makes the old one doubtful too: the station may have moved.
            self.endpoint_address = None
            self.address_problem = origin.address_problem or "the BootNotification carried no usable address"
        return changed

    def seen(self, origin: StationOrigin, now: datetime) -> bool:
        """Note a message from the station; returns True when it brought a new endpoint address."""
        self.last_seen_at = now
        if origin.endpoint_address is not None and origin.endpoint_address != self.endpoint_address:
            self.endpoint_address = origin.endpoint_address
            self.address_problem = None
            return True
        return False


SUPERSEDED = "SupersededByNewStart"


@dataclass
class Transaction:
    """A charging session; ``transaction_id`` is assigned by storage when the transaction is added."""

    charge_box_id: str
    connector_id: int
    id_tag: str
    started_at: datetime
    meter_start: int
    start_status: AuthorizationStatus
    reservation_id: int | None = None
    transaction_id: int | None = None
    stopped_at: datetime | None = None
    meter_stop: int | None = None
    stop_id_tag: str | None = None
    stop_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None

    def stop(self, timestamp: datetime, meter_stop: int, id_tag: str | None, reason: str | None) -> None:
        self.stopped_at = timestamp
        self.meter_stop = meter_stop
        self.stop_id_tag = id_tag
        self.stop_reason = reason

    def is_same_start(self, connector_id: int, id_tag: str, timestamp: datetime, meter_start: int) -> bool:
        """A StartTransaction resent by a station that never got our answer carries the same values."""
        return (self.connector_id, self.id_tag, self.started_at, self.meter_start) == (
            connector_id, id_tag, timestamp, meter_start,
        )

    def supersede(self, at: datetime) -> None:
        """Close a session whose StopTransaction never came: its connector has started a new one.

        The meter value at the end is unknown, so none is invented.
        """
        self.stopped_at = at
        self.stop_reason = SUPERSEDED


@dataclass(frozen=True)
class StationBindingChange:
    """A station re-booted with another protocol version (a firmware upgrade): kept for the operator to see."""

    charge_box_id: str
    old_protocol: Protocol
    new_protocol: Protocol
    changed_at: datetime
    message_id: str | None = None


@dataclass(frozen=True)
class UnknownTransactionStop:
    """A StopTransaction for a transaction id we never issued (or issued to another station): kept, not dropped."""

    charge_box_id: str
    reported_transaction_id: int
    stopped_at: datetime
    meter_stop: int
    id_tag: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ConnectorStatusChange:
    charge_box_id: str
    connector_id: int
    status: ConnectorStatus
    error_code: ChargePointErrorCode
    received_at: datetime
    info: str | None = None
    timestamp: datetime | None = None
    vendor_id: str | None = None
    vendor_error_code: str | None = None


@dataclass(frozen=True)
class MeterValueBatch:
    """Readings from one message, linked to a transaction when the station named one we know."""

    charge_box_id: str
    connector_id: int
    readings: tuple[MeterReading, ...]
    received_at: datetime
    transaction_id: int | None = None
    reported_transaction_id: int | None = None
    source: str = "MeterValues"  # or "StopTransaction" for transactionData


@dataclass(frozen=True)
class DataTransferRecord:
    charge_box_id: str
    vendor_id: str
    message_id: str | None
    data: str | None
    status: DataTransferStatus
    response_data: str | None
    received_at: datetime
