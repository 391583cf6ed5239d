"""How domain values go into columns, for every repository: enums by their value, "now" in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def enum_value(value: object) -> str | None:
    return None if value is None else getattr(value, "value", str(value))
