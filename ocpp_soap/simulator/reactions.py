"""What a simulated station does on its own, on its strand: boot (again after a reset, until accepted), heartbeats,
a StatusNotification whenever a connector's status changes, sessions (StartTransaction, periodic MeterValues,
StopTransaction), reservation expiry, diagnostics and firmware steps, and a driver's local session.

These run on the scheduler's workers while answers run on the HTTP server's threads: state is read and changed
under the station's lock, and no message is sent while holding it.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..domain import station_requests as sr
from ..domain.model import (
    AuthorizationStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    LocalListEntry,
    ReadingContext,
)
from .charger import Connector, Connectors, Session, StoppedSession, Timing, aware
from .configuration import HEARTBEAT_INTERVAL, LOCAL_PRE_AUTHORIZE, METER_VALUE_SAMPLE_INTERVAL, Configuration
from .link import CentralSystemLink, CentralSystemUnavailable, MeterSample, StationProfile
from .scheduler import Strand

logger = logging.getLogger("ocpp_soap.simulator.station")


class Reactions:
    """The station's own behaviour; :class:`~.station.SimulatedStation` adds its answers to the central system."""

    charge_box_id: str
    _link: CentralSystemLink
    _strand: Strand
    _profile: StationProfile
    _timing: Timing
    _clock: Callable[[], datetime]
    _lock: threading.RLock
    _config: Configuration
    _connectors: Connectors
    _accepted: bool
    _accepted_event: threading.Event
    _boots: int
    _heartbeat_generation: int
    _local_list: dict[str, LocalListEntry]
    _auth_cache: dict[str, AuthorizationStatus]
    _firmware_version: str
    _counts: Counter[str]

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
            stopped = [s for c in self._connectors.outlets() if (s := self._connectors.end_session(c)) is not None]
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
                status = self._connectors.status(connector, now)
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
            stopped = self._connectors.end_session(connector) if refused or session.stop_requested else None
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
            if not self._accepted or self._connectors.connector_for(id_tag, None) is None:
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
            connector = self._connectors.connector_for(id_tag, None)
            if connector is None:
                return
            session = self._connectors.claim(connector, id_tag)
        self._start_session(connector.connector_id, session)
        self._strand.call_later(duration, lambda: self._local_stop(connector, session), "StopTransaction")

    def _local_stop(self, connector: Connector, session: Session) -> None:
        with self._lock:
            stopped = self._connectors.end_session(connector) if connector.session is session else None
        if stopped is not None:
            self._finish(stopped)

    def _local_verdict(self, id_tag: str) -> AuthorizationStatus | None:
        """The local list's verdict, else the cache's (with LocalPreAuthorize), else None: ask the central system."""
        entry = self._local_list.get(id_tag)
        if entry is not None and entry.status is not None:
            expired = entry.expiry_date is not None and aware(entry.expiry_date) <= self._clock()
            return AuthorizationStatus.EXPIRED if expired else entry.status
        cached = self._auth_cache.get(id_tag)
        if cached is AuthorizationStatus.ACCEPTED and self._config.flag(LOCAL_PRE_AUTHORIZE):
            return cached
        return None

    def _count(self, what: str) -> None:
        with self._lock:
            self._counts[what] += 1
