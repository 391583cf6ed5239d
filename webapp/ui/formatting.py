"""Template filters and globals: times in the viewer's zone, energy, power, durations, JSON, SOAP messages
pretty-printed, page links and sort links."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from lxml import etree

from webapp import core, timezones

from . import pages

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=True)


def when(value: datetime | str | None, seconds: bool = True) -> str:
    """``2025-01-31 12:00:05 UTC`` in the viewer's zone."""
    return timezones.show(value, pages.zone(), seconds=seconds)


def for_input(value: datetime | None) -> str:
    return timezones.for_input(value, pages.zone())


def pretty_xml(text: str | None) -> str:
    """The message indented when it is XML; as it came otherwise (Jinja escapes it either way)."""
    if not text:
        return ""
    try:
        root = etree.fromstring(text.encode("utf-8"), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return text
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def kwh(wh: int | float | None) -> str:
    return "—" if wh is None else f"{wh / 1000:,.3f} kWh"


def kw(watts: float | None) -> str:
    return "—" if watts is None else f"{watts / 1000:,.1f} kW"


def duration(seconds: float | None) -> str:
    """``42 s``, ``12 min 5 s``, ``3 h 05 min``, ``2 d 4 h``."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def offset(seconds: int | float | None) -> str:
    """Seconds from a schedule's start as ``+0:00``, ``+1:30``, ``+0:00:45``, ``+2 d 6:00``."""
    if seconds is None:
        return "—"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    return "+" + (f"{days} d " if days else "") + text


def decimal_text(value: Decimal | float | int | None) -> str:
    """A limit as written: ``32``, ``20.5`` (no trailing zeros, no exponent)."""
    if value is None:
        return "—"
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(exact.normalize(), "f")


def page_url(number: int) -> str:
    """The current URL with another ``page``."""
    args = {key: value for key, value in request.args.items() if key != "page"}
    args["page"] = str(number)
    return f"{request.path}?{urlencode(args)}"


def sort_url(column: str) -> str:
    """The current URL sorted by ``column``; again on the sorted column reverses it."""
    args = {key: value for key, value in request.args.items() if key not in ("page", "sort", "dir")}
    current, descending = request.args.get("sort", "id"), request.args.get("dir") == "desc"
    args["sort"] = column
    if column == current and not descending:
        args["dir"] = "desc"
    return f"{request.path}?{urlencode(args)}"


def sort_mark(column: str) -> str:
    if request.args.get("sort", "id") != column:
        return ""
    return " ▼" if request.args.get("dir") == "desc" else " ▲"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(utc=when, when=when, for_input=for_input, pretty_xml=pretty_xml,
                                 pretty_json=pretty_json, kwh=kwh, kw=kw, duration=duration, offset=offset, number=decimal_text,
                                 protocol=core.protocol_label)
    app.jinja_env.globals.update(page_url=page_url, sort_url=sort_url, sort_mark=sort_mark, may=pages.may,
                                 viewer=lambda: pages.who() if pages.context.principal() else None,
                                 zone_name=lambda: pages.zone().key)
