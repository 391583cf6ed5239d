"""A simulated charger's hardware and the rules of its connectors: sessions, reservations, availability, faults,
and the status each connector is in because of them. Plain state: the station holds its lock around every use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.model import ChargePointErrorCode, ConnectorStatus
from .meter import Meter


@dataclass(frozen=True)
class Timing:
    """How long the station takes for what it does by itself, in seconds; short in tests, realistic by default."""

    meter_interval: float = 60.0  # the initial MeterValueSampleInterval
    retry_interval: float = 10.0  # before booting again when the central system could not be reached
    diagnostics_upload: float = 2.0
    firmware_download: float = 2.0
    firmware_install: float = 2.0
    energy_speedup: float = 1.0  # see Meter: 3600 makes one second of charging an hour's energy


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Reservation:
    reservation_id: int
    connector_id: int
    id_tag: str
    expiry_date: datetime
    parent_id_tag: str | None = None


@dataclass
class Session:
    """A charging session on a connector; ``transaction_id`` is None until the central system answered its start."""

    connector_id: int
    id_tag: str
    reservation_id: int | None = None
    started_at: datetime | None = None
    meter_start: int = 0
    transaction_id: int | None = None
    stop_requested: bool = False  # asked to stop before the central system had answered the start


@dataclass(frozen=True)
class StoppedSession:
    session: Session
    transaction_id: int
    meter_stop: int
    stopped_at: datetime


@dataclass
class Connector:
    """Connector 0 stands for the whole station: its availability applies to every connector."""

    connector_id: int
    meter: Meter
    operative: bool = True
    error: ChargePointErrorCode = ChargePointErrorCode.NO_ERROR
    session: Session | None = None
    reservation: Reservation | None = None
    reported: ConnectorStatus | None = None  # the status last sent to the central system


class Connectors(dict[int, Connector]):
    """The station's connectors by number (0 stands for the whole station), with the rules that decide what each
    may do and what status it reports."""

    def __init__(self, connectors: dict[int, Connector], clock: Callable[[], datetime]) -> None:
        super().__init__(connectors)
        self.clock = clock

    def outlets(self) -> list[Connector]:
        return [c for number, c in sorted(self.items()) if number >= 1]

    def operative(self, connector: Connector) -> bool:
        return self[0].operative and connector.operative

    def active_reservation(self, connector: Connector, now: datetime | None = None) -> Reservation | None:
        reservation = connector.reservation
        if reservation is None or reservation.expiry_date <= (now or self.clock()):
            return None
        return reservation

    def status(self, connector: Connector, now: datetime | None = None) -> ConnectorStatus:
        if connector.error is not ChargePointErrorCode.NO_ERROR:
            return ConnectorStatus.FAULTED
        if connector.connector_id == 0:
            return ConnectorStatus.AVAILABLE if connector.operative else ConnectorStatus.UNAVAILABLE
        if connector.session is not None:
            return ConnectorStatus.OCCUPIED
        if not self.operative(connector):
            return ConnectorStatus.UNAVAILABLE
        if self.active_reservation(connector, now) is not None:
            return ConnectorStatus.RESERVED
        return ConnectorStatus.AVAILABLE

    def free_for(self, connector: Connector, id_tag: str) -> bool:
        reservation = self.active_reservation(connector)
        return (
            connector.error is ChargePointErrorCode.NO_ERROR
            and self.operative(connector)
            and connector.session is None
            and (reservation is None or reservation.id_tag == id_tag)
        )

    def connector_for(self, id_tag: str, connector_id: int | None) -> Connector | None:
        """The connector a session for ``id_tag`` may use: the one asked for, else one reserved for the tag, else
        the first free one."""
        if connector_id is not None:
            connector = self.get(connector_id) if connector_id >= 1 else None
            return connector if connector is not None and self.free_for(connector, id_tag) else None
        free = [c for c in self.outlets() if self.free_for(c, id_tag)]
        reserved = [c for c in free if self.active_reservation(c) is not None]
        return next(iter(reserved or free), None)

    def claim(self, connector: Connector, id_tag: str) -> Session:
        reservation = self.active_reservation(connector)
        session = Session(connector.connector_id, id_tag, reservation.reservation_id if reservation else None)
        connector.reservation = None  # used by this session, or expired
        connector.session = session
        return session

    def end_session(self, connector: Connector) -> StoppedSession | None:
        """Stop charging; the stop to send, or None when nothing runs (or the start is still unanswered)."""
        session = connector.session
        if session is None:
            return None
        if session.transaction_id is None:
            session.stop_requested = True  # the start job ends it once the central system answered
            return None
        connector.session = None
        return StoppedSession(session, session.transaction_id, connector.meter.stop(), self.clock())


def aware(value: datetime) -> datetime:
    """Timestamps without a zone are UTC (OCPP's convention)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
