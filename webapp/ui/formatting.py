"""Template filters: times in UTC with the zone stated, numbers, JSON, and SOAP messages pretty-printed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request
from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=True)


def utc(value: datetime | str | None, seconds: bool = True) -> str:
    """``2025-01-31 12:00:05 UTC``; ISO strings (the API's read model) are accepted too."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


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


def page_url(number: int) -> str:
    """The current URL with another ``page``."""
    args = {key: value for key, value in request.args.items() if key != "page"}
    args["page"] = str(number)
    return f"{request.path}?{urlencode(args)}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(utc=utc, pretty_xml=pretty_xml, pretty_json=pretty_json, kwh=kwh)
    app.jinja_env.globals.update(page_url=page_url)
