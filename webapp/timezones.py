"""Times as the viewer reads and types them: shown in their zone (UTC unless their account says otherwise), and
typed as ISO 8601 (a date, a date and time, with or without seconds, with or without a zone: without one, the
viewer's zone is meant)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?)?$")


class BadTime(ValueError):
    pass


def parse_time(text: str, zone: tzinfo) -> datetime:
    """``2025-01-31`` (midnight), ``2025-01-31T12:00``, ``2025-01-31 12:00:05+01:00``, ``...Z``; in UTC."""
    raw = text.strip()
    if not _ISO.match(raw):
        raise BadTime(f"{text!r} is not an ISO 8601 date (2025-01-31) or date and time (2025-01-31T12:00, "
                      "optionally with seconds and a zone such as Z or +01:00)")
    try:
        value = datetime.fromisoformat(raw.replace(",", ".").replace("z", "Z"))
    except ValueError:
        raise BadTime(f"{text!r} is not a valid date and time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def local(value: datetime, zone: tzinfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def zone_label(value: datetime) -> str:
    name = value.tzname() or ""
    return "UTC" if name in ("UTC", "+00:00") else name


def show(value: datetime | str | None, zone: tzinfo, *, seconds: bool = True, date: bool = True) -> str:
    """``2025-01-31 12:00:05 UTC`` in the viewer's zone; ISO strings are accepted too."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    moment = local(value, zone)
    pattern = ("%Y-%m-%d " if date else "") + ("%H:%M:%S" if seconds else "%H:%M")
    return f"{moment.strftime(pattern)} {zone_label(moment)}"


def for_input(value: datetime | None, zone: tzinfo) -> str:
    """What a time input shows: ``2030-01-31T12:00`` (seconds only when there are some), in the viewer's zone."""
    if value is None:
        return ""
    moment = local(value, zone)
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")
