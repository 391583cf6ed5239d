"""``/stations``: list (filter, search, sort, pages), detail (binding, connectors, open sessions, configuration,
status history, command log, what changed it), register/accept/reject/delete (delete asks first), and a form
for every operation of the station's version: posted, sent through the bus, then redirected to the command's
own page (post/redirect/get). ``/live/stations/<id>`` is the page's live part (htmx)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp import context, core, operations
from webapp.readmodel import accounts as activity
from webapp.readmodel import commands, sessions, stations
from webapp.readmodel.base import Page

from .pages import back, flag, page, pages, requires, station_url, text, zone

bp = Blueprint("stations", __name__, url_prefix="/stations")

STATUSES = tuple(status.value for status in core.RegistrationStatus)
SORTS = tuple(stations.SORTS)


def _versions() -> dict[str, core.Protocol]:
    return {core.protocol_version(p): p for p in core.protocols()}


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    version = text("version")
    sort = text("sort") or "id"
    where = stations.StationFilter(
        search=text("q"),
        status=text("status") if text("status") in STATUSES else None,
        protocol=_versions()[version].value if version in _versions() else None,
        online=flag("online"),
        sort=sort if sort in SORTS else "id",
        descending=request.args.get("dir") == "desc",
    )
    listing = stations.list_stations(context.engine(), current, where, context.online_since())
    return render_template("ui/stations.html", listing=listing, paging=pages(listing, current),
                           statuses=STATUSES, versions={v: core.protocol_label(p) for v, p in _versions().items()},
                           args=request.args)


@bp.post("")
@requires(core.Role.ADMIN)
def register() -> ResponseReturnValue:
    charge_box_id = request.form.get("chargeBoxId", "").strip()
    if not charge_box_id or len(charge_box_id) > core.CHARGE_BOX_ID_MAX:
        raise core.InvalidInput("chargeBoxId", f"expected a text of 1 to {core.CHARGE_BOX_ID_MAX} characters")
    status = request.form.get("status", "Accepted")
    if status not in STATUSES:
        raise core.InvalidInput("status", f"expected one of {', '.join(STATUSES)}")
    context.write(core.RegisterStation(charge_box_id, core.RegistrationStatus(status)))
    flash(f"Registered station {charge_box_id} as {status}.", "success")
    return redirect(url_for(".show", charge_box_id=charge_box_id))


def _station(charge_box_id: str) -> stations.StationDetail:
    found = stations.station(context.engine(), charge_box_id, context.online_since(),
                       context.gateway().settings.relay.url)
    if found is None:
        abort(404, description=f"No station {charge_box_id!r} is known.")
    return found


def _live(charge_box_id: str) -> dict[str, object]:
    engine = context.engine()
    return {
        "station": _station(charge_box_id),
        "open_transactions": sessions.list_transactions(
            engine, Page(1, 20), sessions.TransactionFilter(station=charge_box_id, open=True)).items,
        "commands": commands.list_commands(engine, Page(1, 10), station=charge_box_id).items,
    }


@bp.get("/<path:charge_box_id>")
def show(charge_box_id: str) -> ResponseReturnValue:
    return _page(charge_box_id, values=request.args)


def _page(charge_box_id: str, **shown: Any) -> str:
    """The station's page; ``shown`` adds what a refused form needs (the operation, its values, the reason)."""
    live = _live(charge_box_id)
    station = live["station"]
    assert isinstance(station, stations.StationDetail)
    specs = operations.operation_forms()
    engine = context.engine()
    return render_template(
        "ui/station.html", live=live, station=station,
        history=stations.status_history(engine, charge_box_id),
        configuration=stations.configuration(engine, charge_box_id),
        changes=activity.list_activity(engine, Page(1, 10), target=charge_box_id).items,
        forms=[specs[name] for name in operations.operations_for(station.protocol)],
        **shown,
    )


@bp.get("/live/<path:charge_box_id>")
def live(charge_box_id: str) -> ResponseReturnValue:
    return render_template("ui/live/station.html", live=_live(charge_box_id))


REGISTRATION_ACTIONS = {"accept": core.AcceptStation, "reject": core.RejectStation}


@bp.post("/<path:charge_box_id>/<any(accept, reject):action>")
@requires(core.Role.ADMIN)
def registration(charge_box_id: str, action: str) -> ResponseReturnValue:
    """Accept or reject a station (from its page or the dashboard's pending list)."""
    context.write(REGISTRATION_ACTIONS[action](charge_box_id))
    flash(f"Station {charge_box_id} {action}ed: it is told so at its next BootNotification.", "success")
    return back(station_url(charge_box_id))


@bp.get("/<path:charge_box_id>/delete")
@requires(core.Role.ADMIN)
def confirm_delete(charge_box_id: str) -> ResponseReturnValue:
    station = _station(charge_box_id)
    counted = sessions.list_transactions(context.engine(), Page(1, 1), sessions.TransactionFilter(station=charge_box_id))
    return render_template(
        "ui/confirm.html", title=f"Delete station {charge_box_id}?", action=url_for(".delete", charge_box_id=charge_box_id),
        button="Delete the station", cancel=station_url(charge_box_id),
        consequences=[f"its registration ({station.registration_status}) and binding ({station.protocol_label})",
                      f"{'more than ' if not counted.total_exact else ''}{counted.total:,} transactions with their meter values",
                      "its connectors' status history, reservations, local list and stored configuration",
                      "If it calls again, it comes back as a new, pending station."])


@bp.post("/<path:charge_box_id>/delete")
@requires(core.Role.ADMIN)
def delete(charge_box_id: str) -> ResponseReturnValue:
    context.write(core.DeleteStation(charge_box_id))
    flash(f"Deleted station {charge_box_id} and everything stored about it.", "success")
    return redirect(url_for(".index"))


@bp.post("/<path:charge_box_id>/commands/<operation>")
@requires(core.Role.OPERATOR)
def command(charge_box_id: str, operation: str) -> ResponseReturnValue:
    """Send the operation through the bus, then show the station's answer at the command's own address; a form
    that cannot be sent (a wrong field, an operation the version lacks) is shown again with the reason."""
    try:
        result: core.StationCallResult = context.write(
            operations.from_form(charge_box_id, operation, request.form, zone()))
    except core.DomainError as exc:
        from webapp.api.routing import from_domain

        error = from_domain(exc)
        if error.status == 404:
            raise
        return _page(charge_box_id, sent=operation, values=request.form, refused=error.message,
                     field=error.field), error.status
    outcome = "answered" if result.answered else result.outcome.value
    status = f": {result.status}" if result.status else ""
    flash(f"{operation} sent to {charge_box_id}: {outcome}{status}.", "success" if result.answered else "error")
    if request.form.get("back"):
        return back(station_url(charge_box_id))
    return redirect(url_for("ui.commands.show", command_id=result.log_id), code=303)
