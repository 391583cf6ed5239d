"""What every page view needs: the gateway, the clock, the bus, and the page number from the query string."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import request
from sqlalchemy import Engine

from webapp.api.context import dispatch, gateway, online_since
from webapp.api.queries import Listing, Page

PER_PAGE = 50

__all__ = ["dispatch", "engine", "flag", "online_since", "page", "text", "today_start"]


def engine() -> Engine:
    return gateway().database


def page(size: int = PER_PAGE) -> Page:
    """The page asked for; anything that is not a page number is page 1 (a form, not an API: no error)."""
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
    return Page(number, size)


def text(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def flag(name: str) -> bool | None:
    return {"true": True, "yes": True, "false": False, "no": False}.get(request.args.get(name, "").lower())


def today_start() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def pages(listing: Listing, current: Any) -> dict[str, Any]:
    """What the pager shows: this page and the last (or the last counted, when counting stopped early)."""
    last = max(1, -(-listing.total // current.size))
    return {"number": current.number, "last": last, "total": listing.total, "exact": listing.total_exact}
