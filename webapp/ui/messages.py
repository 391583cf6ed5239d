"""``/messages``: the SOAP exchanges in both directions (all, or one station's), and one exchange with its
request and response pretty-printed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.message_log import Direction
from webapp.api import queries

from .pages import engine, flag, page, pages, text

bp = Blueprint("messages", __name__, url_prefix="/messages")

DIRECTIONS = tuple(direction.value for direction in Direction)


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    station = text("station")
    direction = text("direction")
    where = queries.MessageFilter(
        station=station,
        direction=direction if direction in DIRECTIONS else None,
        operation=text("operation"),
        faults_only=bool(flag("faults")),
    )
    listing = queries.list_messages(engine(), current, where)
    return render_template("ui/messages.html", listing=listing, paging=pages(listing, current),
                           station=station, args=request.args, fine=queries.FINE_OUTCOMES)


@bp.get("/<int:message_log_id>")
def show(message_log_id: int) -> ResponseReturnValue:
    found = queries.message(engine(), message_log_id)
    if found is None:
        abort(404, description=f"No logged message {message_log_id}.")
    return render_template("ui/message.html", message=found, fine=queries.FINE_OUTCOMES)
