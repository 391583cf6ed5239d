"""What the relay keeps and passes around, free of SQL, SOAP and WebSockets: the queue of messages for the back
office, the id mappings, a station's relay configuration and link state.

Three id spaces meet in the relay. ocpp-soap's own tables keep *local* ids (their transaction and reservation
ids). The station uses *station* ids: the local id when ocpp-soap answered its StartTransaction, the back
office's id when the back office answered in time. The back office only ever sees *back-office* ids. An
:class:`IdMapping` ties the three together for the whole session; payloads in the queue carry local ids and are
translated when they are sent, because a queued session gets its back-office id only when its start is delivered.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

ANSWERED_ACTIONS = frozenset({"Authorize", "BootNotification", "DataTransfer", "StartTransaction", "StopTransaction"})
"""Station messages whose answer matters to the station: answered with the back office's answer when it comes in
time. Every other station message is answered at once by ocpp-soap and forwarded."""


def back_office_url(raw: str) -> str:
    """A back office's base URL, checked: absolute ``ws://`` or ``wss://`` with a host, no query, fragment or
    credentials (the station's identity and password make the credentials); without a trailing slash. Raises
    ValueError saying what is wrong."""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme not in {"ws", "wss"} or not parts.hostname:
        raise ValueError("expected an absolute ws:// or wss:// URL such as wss://csms.example.com/ocpp")
    if parts.query or parts.fragment:
        raise ValueError("a back office URL has no query or fragment")
    if parts.username is not None or parts.password is not None:
        raise ValueError("a back office URL holds no credentials: each station's password is set on its own")
    return raw.rstrip("/")


class IdKind(enum.StrEnum):
    TRANSACTION = "transaction"
    RESERVATION = "reservation"


class OutboxState(enum.StrEnum):
    QUEUED = "queued"
    ACKED = "acked"  # the back office answered (CALLRESULT); never sent again
    FAILED = "failed"  # the back office refused it (CALLERROR) or it cannot be sent: kept with the reason


class Origin(enum.StrEnum):
    STATION = "station"  # what the station sent
    DERIVED = "derived"  # what a 1.6 charge point would have sent at that point (a status that follows a session)
    TRIGGER = "trigger"  # built from stored state after a TriggerMessage the station's version lacks


@dataclass(frozen=True)
class OutboxEntry:
    """One message for the back office, in 1.6-J form with local ids; ``key`` ties it to the answer the back office
    may already have given (a late answer to the station's request, kept by the relay)."""

    charge_box_id: str
    action: str
    payload: dict[str, Any]
    created_at: datetime
    origin: Origin = Origin.STATION
    key: str | None = None
    id: int | None = None
    attempts: int = 0
    session_id: int | None = None  # the local session a StartTransaction opened


@dataclass(frozen=True)
class IdMapping:
    kind: IdKind
    charge_box_id: str
    local_id: int
    station_id: int | None
    csms_id: int | None


@dataclass(frozen=True)
class RelayConfig:
    """A station's own relay settings (none: the default URL applies). ``password`` is the stored ciphertext."""

    charge_box_id: str
    enabled: bool
    url: str | None = None
    password: str | None = field(default=None, repr=False)
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RelayedStation:
    """A station the relay keeps a socket for: where to, with which credentials, and what it knows of it."""

    charge_box_id: str
    url: str
    password: str | None = field(default=None, repr=False)  # ciphertext
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class LinkState:
    """A station's link to the back office as the owning relay last wrote it."""

    charge_box_id: str
    owner_node: str | None
    epoch: int
    connected: bool
    state_since: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    registration: str | None
    registered_url: str | None
    heartbeat_interval: int | None
