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
]
