"""``/api/messages``: the SOAP message log, both directions, newest first; one entry with its request and
response as they went over the wire."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine

from ocpp_soap.domain.message_log import Direction

from . import charging_queries, params, queries
from .context import gateway
from .errors import not_found

bp = Blueprint("messages", __name__)


@bp.get("/messages")
def list_messages() -> ResponseReturnValue:
    direction = params.text("direction")
    where = queries.MessageFilter(
        station=params.text("station"),
        direction=None if direction is None else params.choice("direction", direction, Direction).value,
        operation=params.text("operation"),
        outcome=params.text("outcome"),
        faults_only=bool(params.flag("faults")),
    )
    page = params.page()
    engine = gateway().database
    listing = queries.list_messages(engine, page, where)
    _link_triggers(engine, listing.items)
    return params.listed(listing, page)


@bp.get("/messages/<int:message_log_id>")
def show_message(message_log_id: int) -> ResponseReturnValue:
    engine = gateway().database
    entry = queries.message(engine, message_log_id)
    if entry is None:
        raise not_found("message")
    _link_triggers(engine, [entry])
    return entry


def _link_triggers(engine: Engine, items: list[dict[str, Any]]) -> None:
    """``triggeredBy``: the command-log id of the TriggerMessage a station's message answered, if any."""
    links = charging_queries.triggers_of(engine, items)
    for item in items:
        item["triggeredBy"] = links.get(item["id"])
