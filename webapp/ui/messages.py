"""``/messages``: the SOAP exchanges in both directions (all, or one station's), and one exchange with its
request and response pretty-printed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from webapp import context, core
from webapp.readmodel import records

from .pages import flag, page, pages, text

bp = Blueprint("messages", __name__, url_prefix="/messages")

DIRECTIONS = tuple(direction.value for direction in core.Direction)


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    station = text("station")
    direction = text("direction")
    where = records.MessageFilter(
        station=station, direction=direction if direction in DIRECTIONS else None, operation=text("operation"),
        faults_only=bool(flag("faults")),
    )
    listing = records.list_messages(context.engine(), current, where)
    return render_template("ui/messages.html", listing=listing, paging=pages(listing, current),
                           station=station, args=request.args, fine=records.FINE_OUTCOMES)


@bp.get("/<int:message_log_id>")
def show(message_log_id: int) -> ResponseReturnValue:
    found = records.message(context.engine(), message_log_id)
    if found is None:
        abort(404, description=f"No logged message {message_log_id}.")
    return render_template("ui/message.html", message=found, fine=records.FINE_OUTCOMES)
