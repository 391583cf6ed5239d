"""A simulated charge point: its state, its answers to the central system, and what it does on its own.

A :class:`SimulatedStation` answers every charge-point operation of its OCPP version from its own state, as a real
charger would (a RemoteStart on an occupied connector is Rejected, a ReserveNow there is Occupied, ...), and then
*reacts*: it sends the notifications a charger sends (StatusNotification, StartTransaction, MeterValues,
StopTransaction, BootNotification, Firmware/DiagnosticsStatusNotification) through its
:class:`~.link.CentralSystemLink`, on its :class:`~.scheduler.Strand`, one message at a time and only after the
answer has gone out (the server holds the strand while it answers).

The answers are here; the reactions are in :mod:`.reactions` and the connectors' rules in :mod:`.charger`. The
answers run on the HTTP server's threads and the reactions on the scheduler's workers: every piece of state is
read and changed under one lock, and no network call is ever made while holding it. Answers take and return plain
values (domain enums, :class:`AnswerStatus`); :mod:`.answers` turns them into the version's SOAP types.
"""

from __future__ import annotations

import enum
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from ..domain import station_requests as sr
from ..domain.model import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ConnectorStatus,
    DataTransferStatus,
    DiagnosticsStatus,
    LocalListEntry,
    UpdateType,
)
from .charger import Connector, Connectors, Reservation, Timing, aware, utc_now
from .configuration import (
    HEARTBEAT_INTERVAL,
    METER_VALUE_SAMPLE_INTERVAL,
    NUMBER_OF_CONNECTORS,
    Configuration,
    ConfigurationStatus,
    KeyValue,
)
from .link import CentralSystemLink, StationProfile
from .meter import Meter
from .reactions import Reactions
from .scheduler import Strand

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


class SimulatedStation(Reactions):
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
        self._connectors = Connectors(
            {
                number: Connector(
                    number,
                    Meter(10_000.0 * number, power_w=self._profile.power_w, speedup=self._timing.energy_speedup),
                )
                for number in range(self._profile.connectors + 1)
            },
            clock,
        )
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
            return self._connectors.status(self._connectors[connector_id])

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

    # -- answers to the central system ----------------------------------------------------------------------

    def remote_start(self, id_tag: str, connector_id: int | None) -> AnswerStatus:
        with self._lock:
            connector = self._connectors.connector_for(id_tag, connector_id) if self._accepted else None
            if connector is None:
                return AnswerStatus.REJECTED
            session = self._connectors.claim(connector, id_tag)
        number = connector.connector_id
        self._strand.call_soon(lambda: self._start_session(number, session), "StartTransaction")
        return AnswerStatus.ACCEPTED

    def remote_stop(self, transaction_id: int) -> AnswerStatus:
        with self._lock:
            connector = next(
                (c for c in self._connectors.outlets() if c.session and c.session.transaction_id == transaction_id), None
            )
            stopped = self._connectors.end_session(connector) if connector else None
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
            stopped = self._connectors.end_session(connector)
        if stopped is not None:  # unlocking ends the session: the cable is out
            self._strand.call_soon(lambda: self._finish(stopped), "StopTransaction")
        return AnswerStatus.ACCEPTED

    def change_availability(self, connector_id: int, availability: sr.AvailabilityType) -> AnswerStatus:
        with self._lock:
            target = self._connectors.get(connector_id) if connector_id >= 0 else None
            if target is None:
                return AnswerStatus.REJECTED
            target.operative = availability is sr.AvailabilityType.OPERATIVE
            affected = self._connectors.outlets() if connector_id == 0 else [target]
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
        wait = max(0.0, (aware(retrieve_date) - self._clock()).total_seconds())
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
        expiry = aware(expiry_date)
        with self._lock:
            connector = self._connectors.get(connector_id) if connector_id >= 1 else None
            if connector is None or expiry <= now:
                return AnswerStatus.REJECTED
            current = self._connectors.active_reservation(connector, now)
            if connector.error is not ChargePointErrorCode.NO_ERROR:
                return AnswerStatus.FAULTED
            if not self._connectors.operative(connector):
                return AnswerStatus.UNAVAILABLE
            if connector.session is not None or (current and current.reservation_id != reservation_id):
                return AnswerStatus.OCCUPIED
            moved = []  # a reservation with the same id is replaced, wherever it was
            for other in self._connectors.outlets():
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
                    c for c in self._connectors.outlets()
                    if (r := self._connectors.active_reservation(c, now)) is not None and r.reservation_id == reservation_id
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
