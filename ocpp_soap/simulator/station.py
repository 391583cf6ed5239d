"""A simulated charge point: its state, its answers to the central system, and what it does on its own.

A :class:`SimulatedStation` answers every charge-point operation of its OCPP version from its own state, as a real
charger would (a RemoteStart on an occupied connector is Rejected, a ReserveNow there is Occupied, ...), and then
*reacts*: it sends the notifications a charger sends (StatusNotification, StartTransaction, MeterValues,
StopTransaction, BootNotification, Firmware/DiagnosticsStatusNotification) through its
:class:`~.link.CentralSystemLink`, on its :class:`~.scheduler.Strand`, one message at a time and only after the
answer has gone out (the server holds the strand while it answers).

The answers run on the HTTP server's threads and the reactions on the scheduler's workers: every piece of state
is read and changed under one lock, and no network call is ever made while holding it. Answers take and return
plain values (domain enums, :class:`AnswerStatus`); :mod:`.answers` turns them into the version's SOAP types.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..domain import station_requests as sr
from ..domain.model import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ConnectorStatus,
    DataTransferStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    LocalListEntry,
    ReadingContext,
    UpdateType,
)
from .configuration import (
    HEARTBEAT_INTERVAL,
    LOCAL_PRE_AUTHORIZE,
    METER_VALUE_SAMPLE_INTERVAL,
    NUMBER_OF_CONNECTORS,
    Configuration,
    ConfigurationStatus,
    KeyValue,
)
from .link import CentralSystemLink, CentralSystemUnavailable, MeterSample, StationProfile
from .meter import Meter
from .scheduler import Strand

logger = logging.getLogger(__name__)

ECHO_MESSAGE_ID = "echo"
"""The DataTransfer message id (of the station's own vendor id) that the station answers with the data it got."""


class AnswerStatus(enum.StrEnum):
    """The status words of charge-point answers (each operation uses a subset)."""

    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    SCHEDULED = "Scheduled"
    FAULTED = "Faulted"
    OCCUPIED = "Occupied"
    UNAVAILABLE = "Unavailable"
    FAILED = "Failed"
    VERSION_MISMATCH = "VersionMismatch"


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


class SimulatedStation:
    def __init__(
        self,
        charge_box_id: str,
        version: str,
        link: CentralSystemLink,
        strand: Strand,
        *,
        profile: StationProfile | None = None,
        timing: Timing | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.charge_box_id = charge_box_id
        self.version = version
        self._link = link
        self._strand = strand
        self._profile = profile or StationProfile()
        self._timing = timing or Timing()
        self._clock = clock
        self._lock = threading.RLock()
        self._config = Configuration(
            {
                NUMBER_OF_CONNECTORS: str(self._profile.connectors),
                METER_VALUE_SAMPLE_INTERVAL: f"{self._timing.meter_interval:g}",
            }
        )
        self._connectors = {
            number: Connector(
                number,
                Meter(
                    10_000.0 * number, power_w=self._profile.power_w, speedup=self._timing.energy_speedup
                ),
            )
            for number in range(self._profile.connectors + 1)
        }
        self._accepted = False
        self._accepted_event = threading.Event()
        self._boots = 0
        self._heartbeat_generation = 0
        self._local_list: dict[str, LocalListEntry] = {}
        self._list_version = 0
        self._auth_cache: dict[str, AuthorizationStatus] = {}
        self._firmware_version = self._profile.firmware_version
        self._counts: Counter[str] = Counter()

    # -- inspection ------------------------------------------------------------------------------------------

    @property
    def accepted(self) -> bool:
        return self._accepted

    @property
    def boots(self) -> int:
        """Boots the central system answered (accepted or not)."""
        return self._boots

    def wait_until_accepted(self, timeout: float) -> bool:
        return self._accepted_event.wait(timeout)

    def status(self, connector_id: int) -> ConnectorStatus:
        with self._lock:
            return self._status(self._connectors[connector_id])

    def transaction_id(self, connector_id: int) -> int | None:
        with self._lock:
            session = self._connectors[connector_id].session
            return session.transaction_id if session else None

    def counts(self) -> dict[str, int]:
        """What the station did so far (``boots``, ``transactions-started``, ``send-failures``, ...)."""
        with self._lock:
            return dict(self._counts)

    # -- what the station does on its own ------------------------------------------------------------------

    def power_on(self, delay: float = 0.0) -> None:
        """Boot (after ``delay`` s): BootNotification, then heartbeats and a StatusNotification per connector."""
        self._strand.call_later(delay, self._boot, "BootNotification")

    def power_off(self) -> None:
        """Do nothing more (a powered-off charger does not say goodbye)."""
        self._strand.close()

    def schedule(self, delay: float, job: Callable[[], None], name: str = "job") -> None:
        """Run ``job`` on the station's strand after ``delay`` seconds (for drivers such as the session plan)."""
        self._strand.call_later(delay, job, name)

    def hold(self) -> None:
        """Keep reactions back while an answer is on its way (see :meth:`Strand.hold`)."""
        self._strand.hold()

    def release(self) -> None:
        self._strand.release()

    def begin_local_session(self, id_tag: str, duration: float) -> None:
        """A driver presents ``id_tag`` and charges for ``duration`` seconds on a free connector, if authorized."""
        self._strand.call_soon(lambda: self._local_session(id_tag, duration), "LocalSession")

    def set_fault(self, connector_id: int, error_code: ChargePointErrorCode) -> None:
        """Put a connector in (or, with NoError, out of) a fault, and tell the central system."""
        with self._lock:
            self._connectors[connector_id].error = error_code
        self._strand.call_soon(lambda: self._report([connector_id]), "StatusNotification")

    # -- answers to the central system ----------------------------------------------------------------------

    def remote_start(self, id_tag: str, connector_id: int | None) -> AnswerStatus:
        with self._lock:
            connector = self._connector_for(id_tag, connector_id) if self._accepted else None
            if connector is None:
                return AnswerStatus.REJECTED
            session = self._claim(connector, id_tag)
        number = connector.connector_id
        self._strand.call_soon(lambda: self._start_session(number, session), "StartTransaction")
        return AnswerStatus.ACCEPTED

    def remote_stop(self, transaction_id: int) -> AnswerStatus:
        with self._lock:
            connector = next(
                (c for c in self._outlets() if c.session and c.session.transaction_id == transaction_id), None
            )
            stopped = self._end_session(connector) if connector else None
        if stopped is None:
            return AnswerStatus.REJECTED
        self._strand.call_soon(lambda: self._finish(stopped), "StopTransaction")
        return AnswerStatus.ACCEPTED

    def reset(self, reset_type: sr.ResetType) -> AnswerStatus:
        self._strand.call_soon(lambda: self._reboot(reset_type), "Reset")
        return AnswerStatus.ACCEPTED

    def unlock_connector(self, connector_id: int) -> AnswerStatus:
        with self._lock:
            connector = self._connectors.get(connector_id) if connector_id >= 1 else None
            if connector is None:
                return AnswerStatus.REJECTED
            stopped = self._end_session(connector)
        if stopped is not None:  # unlocking ends the session: the cable is out
            self._strand.call_soon(lambda: self._finish(stopped), "StopTransaction")
        return AnswerStatus.ACCEPTED

    def change_availability(self, connector_id: int, availability: sr.AvailabilityType) -> AnswerStatus:
        with self._lock:
            target = self._connectors.get(connector_id) if connector_id >= 0 else None
            if target is None:
                return AnswerStatus.REJECTED
            target.operative = availability is sr.AvailabilityType.OPERATIVE
            affected = self._outlets() if connector_id == 0 else [target]
            # A running session goes on; the connector becomes Unavailable when it ends.
            scheduled = not target.operative and any(c.session is not None for c in affected)
            numbers = [0, *(c.connector_id for c in affected)] if connector_id == 0 else [connector_id]
        self._strand.call_soon(lambda: self._report(numbers), "StatusNotification")
        return AnswerStatus.SCHEDULED if scheduled else AnswerStatus.ACCEPTED

    def change_configuration(self, key: str, value: str) -> ConfigurationStatus:
        with self._lock:
            status = self._config.change(key, value)
            restart_heartbeat = status is ConfigurationStatus.ACCEPTED and key == HEARTBEAT_INTERVAL
            if restart_heartbeat:
                self._heartbeat_generation += 1
            generation, accepted = self._heartbeat_generation, self._accepted
        if restart_heartbeat and accepted:
            self._schedule_heartbeat(generation)
        return status

    def get_configuration(self, keys: Sequence[str]) -> tuple[list[KeyValue], list[str]]:
        with self._lock:
            return self._config.get(keys)

    def clear_cache(self) -> AnswerStatus:
        with self._lock:
            self._auth_cache.clear()
        return AnswerStatus.ACCEPTED

    def get_diagnostics(self, location: str) -> str:
        """The name of the file the station will upload to ``location``; it reports Uploaded when done."""
        name = f"diagnostics-{self.charge_box_id}-{self._clock():%Y%m%dT%H%M%S}.log"
        self._strand.call_later(
            self._timing.diagnostics_upload, lambda: self._send_diagnostics(DiagnosticsStatus.UPLOADED),
            "DiagnosticsStatusNotification",
        )
        return name

    def update_firmware(self, location: str, retrieve_date: datetime) -> None:
        """Download from ``location`` at ``retrieve_date`` (now if past), then install: each step is reported."""
        wait = max(0.0, (_aware(retrieve_date) - self._clock()).total_seconds())
        self._strand.call_later(
            wait + self._timing.firmware_download, lambda: self._firmware_downloaded(location),
            "FirmwareStatusNotification",
        )

    def send_local_list(
        self, update_type: UpdateType, list_version: int, entries: Iterable[LocalListEntry]
    ) -> AnswerStatus:
        with self._lock:
            if update_type is UpdateType.DIFFERENTIAL and list_version <= self._list_version:
                return AnswerStatus.VERSION_MISMATCH
            if update_type is UpdateType.FULL:
                self._local_list = {}
            for entry in entries:
                if entry.status is None:
                    self._local_list.pop(entry.id_tag, None)
                else:
                    self._local_list[entry.id_tag] = entry
            self._list_version = list_version
        return AnswerStatus.ACCEPTED

    def get_local_list_version(self) -> int:
        with self._lock:
            return self._list_version

    def reserve_now(
        self, connector_id: int, expiry_date: datetime, id_tag: str, parent_id_tag: str | None, reservation_id: int
    ) -> AnswerStatus:
        now = self._clock()
        expiry = _aware(expiry_date)
        with self._lock:
            connector = self._connectors.get(connector_id) if connector_id >= 1 else None
            if connector is None or expiry <= now:
                return AnswerStatus.REJECTED
            current = self._active_reservation(connector, now)
            if connector.error is not ChargePointErrorCode.NO_ERROR:
                return AnswerStatus.FAULTED
            if not self._operative(connector):
                return AnswerStatus.UNAVAILABLE
            if connector.session is not None or (current and current.reservation_id != reservation_id):
                return AnswerStatus.OCCUPIED
            moved = []  # a reservation with the same id is replaced, wherever it was
            for other in self._outlets():
                if other.reservation and other.reservation.reservation_id == reservation_id:
                    other.reservation = None
                    moved.append(other.connector_id)
            connector.reservation = Reservation(reservation_id, connector_id, id_tag, expiry, parent_id_tag)
        numbers = sorted({*moved, connector_id})
        self._strand.call_soon(lambda: self._report(numbers), "StatusNotification")
        self._strand.call_later(
            (expiry - now).total_seconds(), lambda: self._expire(connector_id, reservation_id), "ReservationExpiry"
        )
        return AnswerStatus.ACCEPTED

    def cancel_reservation(self, reservation_id: int) -> AnswerStatus:
        now = self._clock()
        with self._lock:
            connector = next(
                (
                    c for c in self._outlets()
                    if (r := self._active_reservation(c, now)) is not None and r.reservation_id == reservation_id
                ),
                None,
            )
            if connector is None:
                return AnswerStatus.REJECTED
            connector.reservation = None
            number = connector.connector_id
        self._strand.call_soon(lambda: self._report([number]), "StatusNotification")
        return AnswerStatus.ACCEPTED

    def data_transfer(
        self, vendor_id: str, message_id: str | None, data: str | None
    ) -> tuple[DataTransferStatus, str | None]:
        """The station's own vendor id with message id ``echo`` (or none) answers the data back."""
        if vendor_id != self._profile.vendor:
            return DataTransferStatus.UNKNOWN_VENDOR_ID, None
        if message_id not in (None, ECHO_MESSAGE_ID):
            return DataTransferStatus.UNKNOWN_MESSAGE_ID, None
        return DataTransferStatus.ACCEPTED, data

    # -- reactions (run on the strand) -------------------------------------------------------------------------

    def _boot(self) -> None:
        try:
            reply = self._link.boot(self._profile, self.charge_box_id[-25:], self._firmware_version)
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=BootNotification failed, retrying in %gs: %s",
                           self.charge_box_id, self._timing.retry_interval, exc)
            self._strand.call_later(self._timing.retry_interval, self._boot, "BootNotification")
            return
        with self._lock:
            self._boots += 1
            self._counts["boots"] += 1
            if reply.accepted:
                self._accepted = True
                if reply.heartbeat_interval:
                    self._config.set(HEARTBEAT_INTERVAL, str(reply.heartbeat_interval))
                self._heartbeat_generation += 1
                generation = self._heartbeat_generation
        if not reply.accepted:
            # A charger that is not accepted waits the interval it was given and boots again.
            retry = max(float(reply.heartbeat_interval or 0), self._timing.retry_interval)
            logger.info("station=%s operation=BootNotification not accepted; booting again in %gs",
                        self.charge_box_id, retry)
            self._strand.call_later(retry, self._boot, "BootNotification")
            return
        logger.info("station=%s operation=BootNotification accepted", self.charge_box_id)
        self._accepted_event.set()
        self._schedule_heartbeat(generation)
        self._report(force=True)

    def _reboot(self, reset_type: sr.ResetType) -> None:
        with self._lock:
            self._accepted = False
            self._accepted_event.clear()
            self._heartbeat_generation += 1
            stopped = [s for c in self._outlets() if (s := self._end_session(c)) is not None]
            for connector in self._connectors.values():
                connector.reported = None
        logger.info("station=%s operation=Reset type=%s: %d transaction(s) stopped, booting",
                    self.charge_box_id, reset_type.value, len(stopped))
        for item in stopped:
            self._send_stop(item)
        self._boot()

    def _schedule_heartbeat(self, generation: int) -> None:
        with self._lock:
            interval = self._config.seconds(HEARTBEAT_INTERVAL)
        if interval > 0:
            self._strand.call_later(interval, lambda: self._heartbeat(generation), "Heartbeat")

    def _heartbeat(self, generation: int) -> None:
        with self._lock:
            if generation != self._heartbeat_generation or not self._accepted:
                return  # a later boot or a changed interval has its own heartbeat
        try:
            self._link.heartbeat()
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=Heartbeat failed: %s", self.charge_box_id, exc)
        self._schedule_heartbeat(generation)

    def _report(self, numbers: Iterable[int] | None = None, *, force: bool = False) -> None:
        """Send a StatusNotification for every connector whose status differs from the one last sent."""
        now = self._clock()
        with self._lock:
            if not self._accepted:
                return  # the boot that accepts the station reports every connector
            changes = []
            for number in sorted(self._connectors) if numbers is None else numbers:
                connector = self._connectors[number]
                status = self._status(connector, now)
                if force or status is not connector.reported:
                    connector.reported = status
                    changes.append((number, status, connector.error))
        for number, status, error in changes:
            try:
                self._link.status_notification(number, status, error, now)
            except CentralSystemUnavailable as exc:
                self._count("send-failures")
                logger.warning("station=%s operation=StatusNotification connector=%d failed: %s",
                               self.charge_box_id, number, exc)
                with self._lock:
                    self._connectors[number].reported = None  # unknown now: sent again on the next change

    def _start_session(self, number: int, session: Session) -> None:
        """StatusNotification Occupied, StartTransaction, then MeterValues until the session ends."""
        self._report([number])
        connector = self._connectors[number]
        with self._lock:
            if connector.session is not session:
                return
            session.started_at = self._clock()
            session.meter_start = connector.meter.start()
        try:
            reply = self._link.start_transaction(
                number, session.id_tag, session.started_at, session.meter_start, session.reservation_id
            )
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=StartTransaction connector=%d failed, session given up: %s",
                           self.charge_box_id, number, exc)
            with self._lock:
                connector.meter.stop()
                if connector.session is session:
                    connector.session = None
            self._report([number])
            return
        with self._lock:
            session.transaction_id = reply.transaction_id
            self._counts["transactions-started"] += 1
            refused = reply.status is not AuthorizationStatus.ACCEPTED
            stopped = self._end_session(connector) if refused or session.stop_requested else None
        logger.info("station=%s operation=StartTransaction connector=%d transaction=%d tag=%s status=%s",
                    self.charge_box_id, number, reply.transaction_id, session.id_tag, reply.status.value)
        if stopped is not None:  # a charger stops at once when the tag is refused
            self._finish(stopped)
            return
        self._schedule_sample(number, reply.transaction_id)

    def _schedule_sample(self, number: int, transaction_id: int) -> None:
        with self._lock:
            interval = self._config.seconds(METER_VALUE_SAMPLE_INTERVAL)
        if interval > 0:
            self._strand.call_later(interval, lambda: self._sample(number, transaction_id), "MeterValues")

    def _sample(self, number: int, transaction_id: int) -> None:
        connector = self._connectors[number]
        with self._lock:
            if connector.session is None or connector.session.transaction_id != transaction_id:
                return
            sample = MeterSample(self._clock(), connector.meter.read(), connector.meter.power())
        try:
            self._link.meter_values(number, transaction_id, [sample])
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=MeterValues transaction=%d failed: %s",
                           self.charge_box_id, transaction_id, exc)
        self._schedule_sample(number, transaction_id)

    def _finish(self, stopped: StoppedSession) -> None:
        self._send_stop(stopped)
        self._report([stopped.session.connector_id])

    def _send_stop(self, stopped: StoppedSession) -> None:
        session = stopped.session
        if session.started_at is None:  # never started: there is nothing to stop
            return
        samples = [
            MeterSample(session.started_at, session.meter_start, context=ReadingContext.TRANSACTION_BEGIN),
            MeterSample(stopped.stopped_at, stopped.meter_stop, context=ReadingContext.TRANSACTION_END),
        ]
        try:
            self._link.stop_transaction(
                stopped.transaction_id, session.id_tag, stopped.stopped_at, stopped.meter_stop, samples
            )
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=StopTransaction transaction=%d failed: %s",
                           self.charge_box_id, stopped.transaction_id, exc)
            return
        self._count("transactions-stopped")
        logger.info("station=%s operation=StopTransaction transaction=%d meter=%d..%d", self.charge_box_id,
                    stopped.transaction_id, session.meter_start, stopped.meter_stop)

    def _expire(self, number: int, reservation_id: int) -> None:
        with self._lock:
            connector = self._connectors[number]
            if connector.reservation is None or connector.reservation.reservation_id != reservation_id:
                return
            if connector.reservation.expiry_date > self._clock():
                return
            connector.reservation = None
        self._report([number])

    def _send_diagnostics(self, status: DiagnosticsStatus) -> None:
        try:
            self._link.diagnostics_status(status)
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=DiagnosticsStatusNotification failed: %s", self.charge_box_id, exc)

    def _firmware_downloaded(self, location: str) -> None:
        self._send_firmware(FirmwareStatus.DOWNLOADED)
        self._strand.call_later(
            self._timing.firmware_install, lambda: self._firmware_installed(location), "FirmwareStatusNotification"
        )

    def _firmware_installed(self, location: str) -> None:
        with self._lock:  # reported at the next boot
            self._firmware_version = (PurePosixPath(urlsplit(location).path).stem or self._firmware_version)[:50]
        self._send_firmware(FirmwareStatus.INSTALLED)

    def _send_firmware(self, status: FirmwareStatus) -> None:
        try:
            self._link.firmware_status(status)
        except CentralSystemUnavailable as exc:
            self._count("send-failures")
            logger.warning("station=%s operation=FirmwareStatusNotification failed: %s", self.charge_box_id, exc)

    def _local_session(self, id_tag: str, duration: float) -> None:
        """A driver's session: authorize (local list, cache, else the central system), charge, stop."""
        with self._lock:
            if not self._accepted or self._connector_for(id_tag, None) is None:
                logger.info("station=%s session for %s skipped: %s", self.charge_box_id, id_tag,
                            "not accepted" if not self._accepted else "no free connector")
                return
            verdict = self._local_verdict(id_tag)
        if verdict is None:
            try:
                verdict = self._link.authorize(id_tag)
            except CentralSystemUnavailable as exc:
                self._count("send-failures")
                logger.warning("station=%s operation=Authorize failed: %s", self.charge_box_id, exc)
                return
            with self._lock:
                self._auth_cache[id_tag] = verdict
        if verdict is not AuthorizationStatus.ACCEPTED:
            self._count("authorizations-refused")
            logger.info("station=%s tag %s not authorized: %s", self.charge_box_id, id_tag, verdict.value)
            return
        with self._lock:
            connector = self._connector_for(id_tag, None)
            if connector is None:
                return
            session = self._claim(connector, id_tag)
        self._start_session(connector.connector_id, session)
        self._strand.call_later(duration, lambda: self._local_stop(connector, session), "StopTransaction")

    def _local_stop(self, connector: Connector, session: Session) -> None:
        with self._lock:
            stopped = self._end_session(connector) if connector.session is session else None
        if stopped is not None:
            self._finish(stopped)

    # -- state rules (callers hold the lock) ------------------------------------------------------------------

    def _outlets(self) -> list[Connector]:
        return [c for number, c in sorted(self._connectors.items()) if number >= 1]

    def _operative(self, connector: Connector) -> bool:
        return self._connectors[0].operative and connector.operative

    def _active_reservation(self, connector: Connector, now: datetime | None = None) -> Reservation | None:
        reservation = connector.reservation
        if reservation is None or reservation.expiry_date <= (now or self._clock()):
            return None
        return reservation

    def _status(self, connector: Connector, now: datetime | None = None) -> ConnectorStatus:
        if connector.error is not ChargePointErrorCode.NO_ERROR:
            return ConnectorStatus.FAULTED
        if connector.connector_id == 0:
            return ConnectorStatus.AVAILABLE if connector.operative else ConnectorStatus.UNAVAILABLE
        if connector.session is not None:
            return ConnectorStatus.OCCUPIED
        if not self._operative(connector):
            return ConnectorStatus.UNAVAILABLE
        if self._active_reservation(connector, now) is not None:
            return ConnectorStatus.RESERVED
        return ConnectorStatus.AVAILABLE

    def _free_for(self, connector: Connector, id_tag: str) -> bool:
        reservation = self._active_reservation(connector)
        return (
            connector.error is ChargePointErrorCode.NO_ERROR
            and self._operative(connector)
            and connector.session is None
            and (reservation is None or reservation.id_tag == id_tag)
        )

    def _connector_for(self, id_tag: str, connector_id: int | None) -> Connector | None:
        """The connector a session for ``id_tag`` may use: the one asked for, else one reserved for the tag, else
        the first free one."""
        if connector_id is not None:
            connector = self._connectors.get(connector_id) if connector_id >= 1 else None
            return connector if connector is not None and self._free_for(connector, id_tag) else None
        free = [c for c in self._outlets() if self._free_for(c, id_tag)]
        reserved = [c for c in free if self._active_reservation(c) is not None]
        return next(iter(reserved or free), None)

    def _claim(self, connector: Connector, id_tag: str) -> Session:
        reservation = self._active_reservation(connector)
        session = Session(connector.connector_id, id_tag, reservation.reservation_id if reservation else None)
        connector.reservation = None  # used by this session, or expired
        connector.session = session
        return session

    def _end_session(self, connector: Connector) -> StoppedSession | None:
        """Stop charging; the stop to send, or None when nothing runs (or the start is still unanswered)."""
        session = connector.session
        if session is None:
            return None
        if session.transaction_id is None:
            session.stop_requested = True  # the start job ends it once the central system answered
            return None
        connector.session = None
        return StoppedSession(session, session.transaction_id, connector.meter.stop(), self._clock())

    def _local_verdict(self, id_tag: str) -> AuthorizationStatus | None:
        """The local list's verdict, else the cache's (with LocalPreAuthorize), else None: ask the central system."""
        entry = self._local_list.get(id_tag)
        if entry is not None and entry.status is not None:
            expired = entry.expiry_date is not None and _aware(entry.expiry_date) <= self._clock()
            return AuthorizationStatus.EXPIRED if expired else entry.status
        cached = self._auth_cache.get(id_tag)
        if cached is AuthorizationStatus.ACCEPTED and self._config.flag(LOCAL_PRE_AUTHORIZE):
            return cached
        return None

    def _count(self, what: str) -> None:
        with self._lock:
            self._counts[what] += 1


def _aware(value: datetime) -> datetime:
    """Timestamps without a zone are UTC (OCPP's convention)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
