"""``/stations``: list (filter, search, pages), detail (binding, connectors and their history, command log),
register/accept/reject/delete, and a form for every operation of the station's version, answered in place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ocpp_soap.domain import operator_commands as oc
from ocpp_soap.domain.errors import DomainError, InvalidInput
from ocpp_soap.domain.model import CHARGE_BOX_ID_MAX, RegistrationStatus
from ocpp_soap.domain.station_requests import StationCallResult
from ocpp_soap.operations import SPECS
from ocpp_soap.operations.results import call_report
from webapp.api import queries as api
from webapp.api.errors import from_domain
from webapp.api.stations import VERSIONS

from . import queries
from .command_forms import command_form, parse_form, supported_operations
from .pages import dispatch, engine, flag, online_since, page, pages, text

bp = Blueprint("stations", __name__, url_prefix="/stations")

STATUSES = tuple(status.value for status in RegistrationStatus)


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    version = text("version")
    where = api.StationFilter(
        search=text("q"),
        status=text("status") if text("status") in STATUSES else None,
        protocol=VERSIONS[version].value if version in VERSIONS else None,
        online=flag("online"),
    )
    listing = api.list_stations(engine(), current, where, online_since())
    return render_template("ui/stations.html", listing=listing, paging=pages(listing, current),
                           statuses=STATUSES, versions=sorted(VERSIONS), args=request.args)


@bp.post("")
def register() -> ResponseReturnValue:
    charge_box_id = request.form.get("chargeBoxId", "").strip()
    if not charge_box_id or len(charge_box_id) > CHARGE_BOX_ID_MAX:
        raise InvalidInput("chargeBoxId", f"expected a text of 1 to {CHARGE_BOX_ID_MAX} characters")
    status = request.form.get("status", "Accepted")
    if status not in STATUSES:
        raise InvalidInput("status", f"expected one of {', '.join(STATUSES)}")
    dispatch(oc.RegisterStation(charge_box_id, RegistrationStatus(status)))
    return redirect(url_for(".show", charge_box_id=charge_box_id))


@bp.get("/<path:charge_box_id>")
def show(charge_box_id: str) -> ResponseReturnValue:
    return _detail(charge_box_id)


REGISTRATION_ACTIONS = {"accept": oc.AcceptStation, "reject": oc.RejectStation}


@bp.post("/<path:charge_box_id>/<any(accept, reject):action>")
def registration(charge_box_id: str, action: str) -> ResponseReturnValue:
    """Accept or reject a station (from its page or the dashboard's pending list)."""
    dispatch(REGISTRATION_ACTIONS[action](charge_box_id))
    return _back(charge_box_id)


@bp.post("/<path:charge_box_id>/delete")
def delete(charge_box_id: str) -> ResponseReturnValue:
    dispatch(oc.DeleteStation(charge_box_id))
    return redirect(url_for(".index"))


@bp.post("/<path:charge_box_id>/commands/<operation>")
def command(charge_box_id: str, operation: str) -> ResponseReturnValue:
    """Send the operation through the bus and show the station's answer (or what went wrong) on its page."""
    try:
        asked = parse_form(charge_box_id, operation, request.form)
        result: StationCallResult[Any] = dispatch(asked)
    except DomainError as exc:
        error = from_domain(exc, SPECS[operation].request_type if operation in SPECS else None)
        if error.status == 404:
            raise
        return _detail(charge_box_id, sent=operation, values=request.form, refused=error.message,
                       field=error.field, status=error.status)
    return _detail(charge_box_id, sent=operation, values=request.form, result=result,
                   report=call_report(asked, result), status=200 if result.answered else 502)


def _back(charge_box_id: str) -> ResponseReturnValue:
    """Back where the button was (the dashboard or the station), never to another site."""
    target = request.form.get("back", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for(".show", charge_box_id=charge_box_id))


def _detail(charge_box_id: str, *, sent: str | None = None, values: Mapping[str, Any] | None = None,
            result: StationCallResult[Any] | None = None, report: Mapping[str, Any] | None = None,
            refused: str | None = None, field: str | None = None, status: int = 200) -> ResponseReturnValue:
    station = api.station(engine(), charge_box_id, online_since())
    if station is None:
        abort(404, description=f"No station {charge_box_id!r} is known.")
    operations = supported_operations(station["protocol"])
    return render_template(
        "ui/station.html",
        station=station,
        history=queries.status_history(engine(), charge_box_id),
        commands=api.list_commands(engine(), api.Page(1, 20), station=charge_box_id).items,
        open_transactions=api.list_transactions(
            engine(), api.Page(1, 20), api.TransactionFilter(station=charge_box_id, open=True)
        ).items,
        forms=[command_form(operation) for operation in operations],
        sent=sent, values=values or {}, result=result, report=report or {}, refused=refused, field=field,
    ), status
