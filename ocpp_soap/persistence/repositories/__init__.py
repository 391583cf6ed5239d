"""SQL repositories, one module per subject: each translates between domain values and rows inside the unit of
work's session (those on the path of every station message with Core statements built once)."""

from __future__ import annotations

from .accounts import SqlAccountRepository, SqlOperatorActionRepository
from .charging_profiles import SqlChargingProfileRepository
from .id_tags import SqlIdTagRepository
from .message_log import SqlMessageLogRepository
from .relay import SqlRelayRepository
from .station_reports import SqlConnectorRepository, SqlDataTransferRepository
from .station_state import (
    SqlCommandLogRepository,
    SqlConfigurationRepository,
    SqlLocalListRepository,
    SqlReservationRepository,
)
from .stations import SqlStationRepository
from .transactions import SqlMeterValueRepository, SqlTransactionRepository

__all__ = [
    "SqlAccountRepository", "SqlOperatorActionRepository", "SqlChargingProfileRepository",
    "SqlCommandLogRepository", "SqlConfigurationRepository", "SqlConnectorRepository", "SqlDataTransferRepository",
    "SqlIdTagRepository", "SqlLocalListRepository", "SqlMessageLogRepository", "SqlMeterValueRepository",
    "SqlRelayRepository", "SqlReservationRepository", "SqlStationRepository", "SqlTransactionRepository",
]
