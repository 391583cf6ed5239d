"""``/api/reservations``: reservations made with ReserveNow, newest first, by station and state."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.model import ReservationState

from . import params, queries
from .context import gateway

bp = Blueprint("reservations", __name__)


@bp.get("/reservations")
def list_reservations() -> ResponseReturnValue:
    state = params.text("state")
    if state is not None:
        state = params.choice("state", state, ReservationState).value
    page = params.page()
    listing = queries.list_reservations(gateway().database, page, station=params.text("station"), state=state)
    return params.listed(listing, page)
