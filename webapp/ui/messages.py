"""``/messages``: the SOAP exchanges in both directions (all, or one station's), and one exchange with its
request and response pretty-printed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from . import queries
from .pages import engine, page, pages, text

bp = Blueprint("messages", __name__, url_prefix="/messages")


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    station = text("station")
    listing = queries.list_messages(engine(), current, station=station)
    return render_template("ui/messages.html", listing=listing, paging=pages(listing.total, current),
                           station=station, args=request.args)


@bp.get("/<int:message_log_id>")
def show(message_log_id: int) -> ResponseReturnValue:
    found = queries.message(engine(), message_log_id)
    if found is None:
        abort(404, description=f"No logged message {message_log_id}.")
    return render_template("ui/message.html", message=found)
