"""The domain model: values, entities and rules, independent of any wire format.

Enum values carry the exact strings OCPP uses, so each version's SOAP types translate them one to one. The model
is split by subject; every name is importable from here.
"""

from __future__ import annotations

from ..versions import Protocol
from .accounts import (
    BUILT_IN_ADMIN,
    LABEL_MAX,
    TIME_ZONE_MAX,
    USERNAME_MAX,
    Account,
    ApiToken,
    OperatorAction,
    Role,
    check_username,
)
from .authorization import ID_TOKEN_MAX, AuthorizationStatus, IdTag, IdTagInfo, authorize
from .charging_profiles import (
    ChargingProfile,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingRateUnit,
    ChargingSchedule,
    ChargingSchedulePeriod,
    ClearCriteria,
    InstalledChargingProfile,
    RecurrencyKind,
    check_profile,
    check_remote_start_profile,
    cleared_by,
    in_decimal_one,
    replaced_by,
)
from .composite_schedule import CompositePeriod, CompositeSchedule, RunningTransaction, composite_schedule
from .connectors import ChargePointErrorCode, ConnectorStatus, ConnectorStatusChange
from .readings import (
    Location,
    Measurand,
    MeterReading,
    MeterValueBatch,
    Phase,
    ReadingContext,
    SampledValue,
    UnitOfMeasure,
    ValueFormat,
)
from .records import DataTransferRecord, DataTransferStatus
from .station_state import (
    ConfigurationValue,
    LocalList,
    LocalListEntry,
    Reservation,
    ReservationState,
    UpdateType,
)
from .stations import (
    CHARGE_BOX_ID_MAX,
    ONLINE_HEARTBEATS,
    BootDetails,
    DiagnosticsStatus,
    FirmwareStatus,
    RegistrationStatus,
    Station,
    StationBindingChange,
    StationOrigin,
    online_since,
)
from .transactions import SUPERSEDED, StopReason, Transaction, UnknownTransactionStop

__all__ = [
    "BUILT_IN_ADMIN", "LABEL_MAX", "TIME_ZONE_MAX", "USERNAME_MAX", "Account", "ApiToken", "OperatorAction", "Role",
    "check_username",
    "CHARGE_BOX_ID_MAX", "ID_TOKEN_MAX", "ONLINE_HEARTBEATS", "SUPERSEDED", "AuthorizationStatus", "BootDetails", "ChargePointErrorCode",
    "ConfigurationValue", "ConnectorStatus", "ConnectorStatusChange", "DataTransferRecord", "DataTransferStatus",
    "DiagnosticsStatus", "FirmwareStatus", "IdTag", "IdTagInfo", "LocalList", "LocalListEntry", "Location",
    "Measurand", "MeterReading", "MeterValueBatch", "Phase", "Protocol", "ReadingContext", "RegistrationStatus",
    "Reservation", "ReservationState", "SampledValue", "Station", "StationBindingChange", "StationOrigin",
    "StopReason", "Transaction", "UnitOfMeasure", "UnknownTransactionStop", "UpdateType", "ValueFormat",
    "authorize", "online_since",
    # smart charging (1.6)
    "ChargingProfile", "ChargingProfileKind", "ChargingProfilePurpose", "ChargingRateUnit", "ChargingSchedule",
    "ChargingSchedulePeriod", "ClearCriteria", "CompositePeriod", "CompositeSchedule", "InstalledChargingProfile",
    "RecurrencyKind", "RunningTransaction", "check_profile", "check_remote_start_profile", "cleared_by",
    "composite_schedule", "in_decimal_one", "replaced_by",
]
