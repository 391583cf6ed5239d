"""Charging sessions: started, stopped (for a reason), superseded when their stop was lost."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from .authorization import AuthorizationStatus


class StopReason(enum.StrEnum):
    """Why a session ended, as a 1.6 station says (older versions never say; 1.6 reads an absent reason as Local)."""

    EMERGENCY_STOP = "EmergencyStop"
    EV_DISCONNECTED = "EVDisconnected"
    HARD_RESET = "HardReset"
    LOCAL = "Local"
    OTHER = "Other"
    POWER_LOSS = "PowerLoss"
    REBOOT = "Reboot"
    REMOTE = "Remote"
    SOFT_RESET = "SoftReset"
    UNLOCK_COMMAND = "UnlockCommand"
    DE_AUTHORIZED = "DeAuthorized"


SUPERSEDED = "SupersededByNewStart"
"""The stop reason the gateway records itself for a session closed because its connector started another."""


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

    @property
    def stored_id(self) -> int:
        """The id storage gave it; a transaction read from storage always has one."""
        if self.transaction_id is None:
            raise ValueError("this transaction has not been stored yet, so it has no id")
        return self.transaction_id

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
class UnknownTransactionStop:
    """A StopTransaction for a transaction id we never issued (or issued to another station): kept, not dropped."""

    charge_box_id: str
    reported_transaction_id: int
    stopped_at: datetime
    meter_stop: int
    id_tag: str | None = None
    reason: str | None = None
