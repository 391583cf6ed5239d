"""The station message log: every exchange with a station, in both directions, as it went over the wire.

The log serves two purposes. Operators read it to see what a station said and was told. And a station that did
not get an answer in time resends its request with the same ``wsa:MessageID``: the entry written together with the
first request's effects carries a ``dedupe_key`` (station, MessageID, operation and body), so the resend is
answered from the log instead of being processed a second time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Direction(enum.StrEnum):
    FROM_STATION = "in"
    TO_STATION = "out"
    TO_BACK_OFFICE = "bo-out"  # relay mode: a station's message as the OCPP-J CALL sent to the back office
    FROM_BACK_OFFICE = "bo-in"  # relay mode: a CALL of the back office and the CALLRESULT/CALLERROR it got


MAX_LOGGED_TEXT = 64 * 1024
"""Characters of a request or response kept in the log; longer ones are cut (answers replayed to resends never are:
they are the gateway's own small answers)."""


@dataclass(frozen=True)
class MessageLogEntry:
    """One exchange with a station, in either direction: a request and the answer it got (or why it got none)."""

    at: datetime
    direction: Direction
    charge_box_id: str | None
    operation: str | None
    message_id: str | None
    outcome: str
    http_status: int | None
    duration_ms: float
    request: str | None
    response: str | None
    error: str | None = None
    dedupe_key: str | None = None


@dataclass(frozen=True)
class WireRecord:
    """What went over the wire for one call to a station: the request as sent, the answer as received (if any)."""

    request: str | None
    response: str | None
    http_status: int | None
    message_id: str | None = None


@dataclass(frozen=True)
class StoredAnswer:
    """An answer already given to a request: what a resend of that request gets again."""

    at: datetime
    response: str
    http_status: int


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))


def wire_text(data: bytes | str | None) -> str | None:
    """Bytes off the wire as text that any database stores: decoded by their byte-order mark (UTF-16 stations
    exist) or as UTF-8, undecodable bytes and NUL characters (which PostgreSQL refuses) replaced."""
    if data is None:
        return None
    if isinstance(data, bytes):
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
        data = data.decode(encoding, "replace")
    return data.replace("\x00", "\ufffd")


def clipped(text: str | None, limit: int = MAX_LOGGED_TEXT) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}\n... [{len(text) - limit} more characters not kept]"
