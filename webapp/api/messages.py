"""``/api/messages``: the SOAP message log, both directions, newest first; one entry with its request and
response as they went over the wire."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.message_log import Direction

from . import params, queries
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
    return params.listed(queries.list_messages(gateway().database, page, where), page)


@bp.get("/messages/<int:message_log_id>")
def show_message(message_log_id: int) -> ResponseReturnValue:
    entry = queries.message(gateway().database, message_log_id)
    if entry is None:
        raise not_found("message")
    return entry
