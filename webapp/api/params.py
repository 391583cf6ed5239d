"""Query-string and body input of the API, checked; every mistake raises ``InvalidCommand`` naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from flask import request

from ocpp_soap.domain.errors import InvalidInput
from ocpp_soap.timestamps import InvalidTimestamp, parse_timestamp

from .queries import Listing, Page

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
E = TypeVar("E", bound=Enum)


def page() -> Page:
    number = _int("page", request.args.get("page"), 1)
    size = _int("per_page", request.args.get("per_page"), DEFAULT_PER_PAGE)
    if number < 1:
        raise InvalidInput("page", "pages are numbered from 1")
    if not 1 <= size <= MAX_PER_PAGE:
        raise InvalidInput("per_page", f"expected 1 to {MAX_PER_PAGE}")
    return Page(number, size)


def listed(listing: Listing, page: Page) -> dict[str, Any]:
    """The JSON of one page of a list: the items, where the page is, and how many there are in all (or at least,
    when ``total_exact`` is false: counting stops 10,000 rows past the page)."""
    return {
        "items": listing.items, "page": page.number, "per_page": page.size, "total": listing.total,
        "total_exact": listing.total_exact,
    }


def _int(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(name, f"expected a whole number, got {raw!r}") from None


def flag(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    lowered = raw.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise InvalidInput(name, f"expected true or false, got {raw!r}")


def text(name: str) -> str | None:
    raw = request.args.get(name)
    return raw if raw else None


def timestamp(name: str, raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise InvalidInput(name, f"expected an ISO 8601 date and time, got {raw!r}")
    try:
        return parse_timestamp(raw)
    except InvalidTimestamp as exc:
        raise InvalidInput(name, f"expected an ISO 8601 date and time ({exc})") from None


def query_timestamp(name: str) -> datetime | None:
    raw = request.args.get(name)
    return None if not raw else timestamp(name, raw)


def choice(name: str, raw: Any, enum: type[E]) -> E:
    for member in enum:
        if member.value == raw:
            return member
    allowed = ", ".join(str(m.value) for m in enum)
    raise InvalidInput(name, f"expected one of {allowed}, got {raw!r}")


def json_object() -> Mapping[str, Any]:
    """The request body as a JSON object; an empty body counts as ``{}``."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("body", "expected a JSON object")
    return body


def only(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidInput(unknown[0], f"unknown field (allowed: {', '.join(allowed)})")
