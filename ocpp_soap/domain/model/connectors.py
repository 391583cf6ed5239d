"""Connectors: the status each one reports, with its error code and details.

The enumerations hold every version's values: 1.2 and 1.5 report ``Occupied`` where 1.6 says what the connector
is busy with (Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing); 1.5's ``Mode3Error`` is 1.6's
``EVCommunicationError``. Each version's message types take the subset that version has.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ConnectorStatus(enum.StrEnum):
    AVAILABLE = "Available"
    OCCUPIED = "Occupied"  # 1.2 and 1.5
    PREPARING = "Preparing"  # 1.6
    CHARGING = "Charging"  # 1.6
    SUSPENDED_EVSE = "SuspendedEVSE"  # 1.6
    SUSPENDED_EV = "SuspendedEV"  # 1.6
    FINISHING = "Finishing"  # 1.6
    RESERVED = "Reserved"  # 1.5 and 1.6
    UNAVAILABLE = "Unavailable"
    FAULTED = "Faulted"

    @property
    def in_use(self) -> bool:
        """Busy with a vehicle: 1.2/1.5's Occupied or one of 1.6's five states that split it."""
        return self in _IN_USE


_IN_USE = frozenset(
    {
        ConnectorStatus.OCCUPIED, ConnectorStatus.PREPARING, ConnectorStatus.CHARGING, ConnectorStatus.SUSPENDED_EVSE,
        ConnectorStatus.SUSPENDED_EV, ConnectorStatus.FINISHING,
    }
)


class ChargePointErrorCode(enum.StrEnum):
    CONNECTOR_LOCK_FAILURE = "ConnectorLockFailure"
    EV_COMMUNICATION_ERROR = "EVCommunicationError"  # 1.6 (1.5's Mode3Error)
    GROUND_FAILURE = "GroundFailure"  # 1.5 and 1.6
    HIGH_TEMPERATURE = "HighTemperature"
    INTERNAL_ERROR = "InternalError"  # 1.6
    LOCAL_LIST_CONFLICT = "LocalListConflict"  # 1.6
    MODE3_ERROR = "Mode3Error"  # 1.2 and 1.5
    NO_ERROR = "NoError"
    OTHER_ERROR = "OtherError"  # 1.5 and 1.6
    OVER_CURRENT_FAILURE = "OverCurrentFailure"  # 1.5 and 1.6
    OVER_VOLTAGE = "OverVoltage"  # 1.6
    POWER_METER_FAILURE = "PowerMeterFailure"
    POWER_SWITCH_FAILURE = "PowerSwitchFailure"
    READER_FAILURE = "ReaderFailure"
    RESET_FAILURE = "ResetFailure"
    UNDER_VOLTAGE = "UnderVoltage"  # 1.5 and 1.6
    WEAK_SIGNAL = "WeakSignal"  # 1.5 and 1.6


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
