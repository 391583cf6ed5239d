"""Events: facts the domain publishes after a command's changes are committed, named in the past tense."""

from __future__ import annotations

from dataclasses import dataclass

from .model import (
    ConnectorStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    Protocol,
    RegistrationStatus,
)


class Event:
    """Base of every event."""


@dataclass(frozen=True)
class StationBooted(Event):
    charge_box_id: str
    protocol: Protocol
    registration_status: RegistrationStatus
    boot_count: int


@dataclass(frozen=True)
class StationBindingChanged(Event):
    charge_box_id: str
    old_protocol: Protocol
    new_protocol: Protocol


@dataclass(frozen=True)
class StationAddressChanged(Event):
    charge_box_id: str
    endpoint_address: str | None
    address_problem: str | None


@dataclass(frozen=True)
class TransactionStarted(Event):
    charge_box_id: str
    transaction_id: int
    connector_id: int
    id_tag: str


@dataclass(frozen=True)
class TransactionStopped(Event):
    charge_box_id: str
    transaction_id: int
    meter_stop: int
    known: bool


@dataclass(frozen=True)
class TransactionSuperseded(Event):
    """A session left open (its stop was lost) was closed because its connector started another."""

    charge_box_id: str
    transaction_id: int
    connector_id: int


@dataclass(frozen=True)
class MeterValuesRecorded(Event):
    charge_box_id: str
    connector_id: int
    transaction_id: int | None
    count: int


@dataclass(frozen=True)
class ConnectorStatusChanged(Event):
    charge_box_id: str
    connector_id: int
    status: ConnectorStatus
    error_code: str


@dataclass(frozen=True)
class FirmwareStatusChanged(Event):
    charge_box_id: str
    status: FirmwareStatus


@dataclass(frozen=True)
class DiagnosticsStatusChanged(Event):
    charge_box_id: str
    status: DiagnosticsStatus


@dataclass(frozen=True)
class DataTransferReceived(Event):
    charge_box_id: str
    vendor_id: str
    message_id: str | None
