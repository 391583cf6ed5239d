"""``/reservations``: the reservations the gateway asked stations for, newest first, by station and state."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.model import ReservationState
from webapp.api import queries

from .pages import engine, page, pages, text

bp = Blueprint("reservations", __name__, url_prefix="/reservations")

STATES = tuple(state.value for state in ReservationState)


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    state = text("state")
    listing = queries.list_reservations(engine(), current, station=text("station"),
                                        state=state if state in STATES else None)
    return render_template("ui/reservations.html", listing=listing, paging=pages(listing, current),
                           states=STATES, args=request.args)
