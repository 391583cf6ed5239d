"""``/reservations``: the reservations the gateway asked stations for, newest first, by station and state; an
active one is cancelled from its row (CancelReservation to the station, after a confirmation)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp import context, core
from webapp.readmodel import records

from .pages import page, pages, requires, text

bp = Blueprint("reservations", __name__, url_prefix="/reservations")

STATES = tuple(state.value for state in core.ReservationState)


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    state = text("state")
    listing = records.list_reservations(context.engine(), current, context.now(), station=text("station"),
                                        state=state if state in STATES else None)
    return render_template("ui/reservations.html", listing=listing, paging=pages(listing, current),
                           states=STATES, args=request.args)


@bp.get("/<int:reservation_id>/cancel")
@requires(core.Role.OPERATOR)
def confirm_cancel(reservation_id: int) -> ResponseReturnValue:
    found = records.reservation(context.engine(), reservation_id, context.now())
    if found is None:
        abort(404, description=f"No reservation {reservation_id} is known.")
    return render_template(
        "ui/confirm.html", title=f"Cancel reservation {reservation_id}?",
        action=url_for("ui.stations.command", charge_box_id=found.charge_box_id, operation="CancelReservation"),
        button="Cancel the reservation", cancel=url_for(".index"),
        fields={"reservationId": str(reservation_id), "back": url_for(".index")},
        consequences=[f"CancelReservation is sent to {found.charge_box_id} for connector {found.connector_id} "
                      f"(reserved for {found.id_tag}); when the station accepts, the reservation ends."])
