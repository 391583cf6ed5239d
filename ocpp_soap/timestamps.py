"""Tolerant reading and strict writing of xs:dateTime, because station clocks and firmware are inconsistent.

Read: ISO 8601 with ``T`` or a space, any number of fractional digits, ``Z``/``z``, ``+hh:mm``, ``+hhmm`` or
``+hh``; a timestamp without a zone is taken as UTC (what OCPP prescribes). Written: UTC with a ``Z`` and whole
seconds, the form every station firmware parses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_PATTERN = re.compile(
    r"""^\s*
    (?P<date>\d{4}-\d{2}-\d{2})
    [Tt ]
    (?P<time>\d{2}:\d{2}(?::\d{2})?)
    (?:[.,](?P<fraction>\d+))?
    \s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?
    \s*$""",
    re.VERBOSE | re.ASCII,
)


class InvalidTimestamp(ValueError):
    pass


def parse_timestamp(text: str | None) -> datetime:
    if text is None:
        raise InvalidTimestamp("empty timestamp")
    match = _PATTERN.match(text)
    if match is None:
        raise InvalidTimestamp(f"{text!r} is not an ISO 8601 date and time")
    time = match["time"] if match["time"].count(":") == 2 else match["time"] + ":00"
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    try:
        value = datetime.fromisoformat(f"{match['date']}T{time}.{fraction}")
    except ValueError:
        raise InvalidTimestamp(f"{text!r} is not a valid date and time") from None
    try:
        return value.replace(tzinfo=_zone(match["zone"], text)).astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-01:00 is past the last instant Python can hold
        raise InvalidTimestamp(f"{text!r} is out of range") from None


def _zone(zone: str | None, text: str) -> timezone:
    if zone is None or zone in "Zz":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise InvalidTimestamp(f"{text!r} has an invalid time zone offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def format_timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
