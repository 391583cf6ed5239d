"""What a simulated station says to its central system, in plain values; the wire shape is the client's business.

:class:`CentralSystemLink` is the port a station talks through: one method per message a charger sends, each
returning what the station needs from the answer. :mod:`.central_system_client` implements it with zeep for
each OCPP version (1.2 drops what it cannot carry); a test can implement it with a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.model import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ConnectorStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    ReadingContext,
)


class CentralSystemUnavailable(Exception):
    """The central system could not be reached, did not answer in time, or answered with a fault.

    A station carries on (logs, retries a boot later, gives up a session); it never crashes on it.
    """


@dataclass(frozen=True)
class StationProfile:
    """What a station tells about itself at boot, and its hardware (connectors, charging power)."""

    vendor: str = "ocpp-soap"
    model: str = "Simulator"
    firmware_version: str = "1.0.0"
    meter_type: str = "SimMeter"
    connectors: int = 2
    power_w: float = 11_000.0


@dataclass(frozen=True)
class BootReply:
    accepted: bool
    heartbeat_interval: int | None
    current_time: datetime | None


@dataclass(frozen=True)
class StartReply:
    transaction_id: int
    status: AuthorizationStatus


@dataclass(frozen=True)
class MeterSample:
    """One sampling moment: the energy register and, while charging, the power drawn."""

    timestamp: datetime
    energy_wh: int
    power_w: float | None = None
    context: ReadingContext = ReadingContext.SAMPLE_PERIODIC


class CentralSystemLink(Protocol):
    """The messages one station sends; every method raises :class:`CentralSystemUnavailable` on failure."""

    def boot(self, profile: StationProfile, serial_number: str, firmware_version: str) -> BootReply: ...

    def heartbeat(self) -> datetime | None: ...

    def authorize(self, id_tag: str) -> AuthorizationStatus: ...

    def start_transaction(
        self, connector_id: int, id_tag: str, timestamp: datetime, meter_start: int, reservation_id: int | None
    ) -> StartReply: ...

    def stop_transaction(
        self, transaction_id: int, id_tag: str | None, timestamp: datetime, meter_stop: int,
        samples: Sequence[MeterSample],
    ) -> AuthorizationStatus | None: ...

    def meter_values(self, connector_id: int, transaction_id: int | None, samples: Sequence[MeterSample]) -> None: ...

    def status_notification(
        self, connector_id: int, status: ConnectorStatus, error_code: ChargePointErrorCode, timestamp: datetime
    ) -> None: ...

    def firmware_status(self, status: FirmwareStatus) -> None: ...

    def diagnostics_status(self, status: DiagnosticsStatus) -> None: ...
