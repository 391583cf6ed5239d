"""Stations: who they are, how they registered, and where they can be called back (their binding)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..versions import Protocol

CHARGE_BOX_ID_MAX = 255
"""The longest chargeBoxIdentity kept (the width of the stations key)."""

ONLINE_HEARTBEATS = 2
"""A station is online while it has sent something within this many heartbeat intervals."""


def online_since(now: datetime, heartbeat_interval: int) -> datetime:
    """The oldest last-seen time of a station that counts as online at ``now``."""
    return now - timedelta(seconds=ONLINE_HEARTBEATS * heartbeat_interval)


class RegistrationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    PENDING = "Pending"  # known, waiting for an operator (versions without Pending tell the station Rejected)


class FirmwareStatus(enum.StrEnum):
    DOWNLOADED = "Downloaded"
    DOWNLOAD_FAILED = "DownloadFailed"
    DOWNLOADING = "Downloading"  # 1.6
    IDLE = "Idle"  # 1.6
    INSTALLATION_FAILED = "InstallationFailed"
    INSTALLING = "Installing"  # 1.6
    INSTALLED = "Installed"


class DiagnosticsStatus(enum.StrEnum):
    IDLE = "Idle"  # 1.6
    UPLOADED = "Uploaded"
    UPLOAD_FAILED = "UploadFailed"
    UPLOADING = "Uploading"  # 1.6


@dataclass(frozen=True)
class StationOrigin:
    """Who sent a message and where it can be called back.

    ``endpoint_address`` is None when the message carried no usable address; ``address_problem`` then says why.
    """

    charge_box_id: str
    protocol: Protocol
    endpoint_address: str | None = None
    address_problem: str | None = None
    message_id: str | None = None


@dataclass(frozen=True)
class BootDetails:
    charge_point_vendor: str
    charge_point_model: str
    charge_point_serial_number: str | None = None
    charge_box_serial_number: str | None = None
    firmware_version: str | None = None
    iccid: str | None = None
    imsi: str | None = None
    meter_type: str | None = None
    meter_serial_number: str | None = None


@dataclass
class Station:
    """A charging station as the central system knows it: registration, binding and boot details.

    The binding (protocol and endpoint address) is what operator commands follow; it is set at boot and the
    address is refreshed by every later message that carries a usable one.
    """

    charge_box_id: str
    registration_status: RegistrationStatus
    protocol: Protocol | None = None
    endpoint_address: str | None = None
    address_problem: str | None = "no message with a usable address yet"
    details: BootDetails | None = None
    boot_count: int = 0
    first_seen_at: datetime | None = None
    last_boot_at: datetime | None = None
    last_seen_at: datetime | None = None
    firmware_status: FirmwareStatus | None = None
    firmware_status_at: datetime | None = None
    diagnostics_status: DiagnosticsStatus | None = None
    diagnostics_status_at: datetime | None = None

    @classmethod
    def first_boot(cls, charge_box_id: str, *, auto_accept: bool, now: datetime) -> Station:
        status = RegistrationStatus.ACCEPTED if auto_accept else RegistrationStatus.PENDING
        return cls(charge_box_id=charge_box_id, registration_status=status, first_seen_at=now)

    @property
    def is_accepted(self) -> bool:
        return self.registration_status is RegistrationStatus.ACCEPTED

    @property
    def reachable(self) -> bool:
        return self.endpoint_address is not None

    def may_send(self, protocol: Protocol, *, triggerable: bool) -> bool:
        """Whether a message other than BootNotification, sent in ``protocol``, is taken from this station.

        An accepted station may send anything. A pending station was told Pending only by a version that has it
        (1.6; 1.2 and 1.5 told it Rejected): it may then send what the central system can ask for with a
        TriggerMessage (``triggerable``: status, meter values, heartbeat, firmware and diagnostics status), since
        a SOAP message does not say whether it was asked for; transactions, authorization and data transfers wait
        until it is accepted. A rejected station may send nothing.
        """
        if self.is_accepted:
            return True
        return self.registration_status is RegistrationStatus.PENDING and protocol.has_pending and triggerable

    def record_boot(self, origin: StationOrigin, details: BootDetails, now: datetime) -> bool:
        """Bind the station to the protocol it booted with; returns True when the protocol changed."""
        changed = self.protocol is not None and self.protocol is not origin.protocol
        self.protocol = origin.protocol
        self.details = details
        self.boot_count += 1
        self.last_boot_at = now
        self.seen(origin, now)
        if origin.endpoint_address is None:
            # A boot without a usable address makes the old one doubtful too: the station may have moved.
            self.endpoint_address = None
            self.address_problem = origin.address_problem or "the BootNotification carried no usable address"
        return changed

    def seen(self, origin: StationOrigin, now: datetime) -> bool:
        """Note a message from the station; returns True when it brought a new endpoint address."""
        self.last_seen_at = now
        if origin.endpoint_address is not None and origin.endpoint_address != self.endpoint_address:
            self.endpoint_address = origin.endpoint_address
            self.address_problem = None
            return True
        return False


@dataclass(frozen=True)
class StationBindingChange:
    """A station re-booted with another protocol version (a firmware upgrade): kept for the operator to see."""

    charge_box_id: str
    old_protocol: Protocol
    new_protocol: Protocol
    changed_at: datetime
    message_id: str | None = None
