"""``/stations``: list (filter, search, sort, pages), detail (binding, connectors, open sessions, configuration,
smart charging, status history, command log, what changed it), register/accept/reject/delete (delete asks
first), and a form for every operation of the station's version: posted, sent through the bus, then redirected
to the command's own page (post/redirect/get). ``/live/stations/<id>`` is the page's live part (htmx).

Smart charging (OCPP 1.6): the stored charging profiles, each cleared from its row (ClearChargingProfile by id,
after a confirmation), the composite schedule the station last reported and what the stored profiles allow on a
connector for the next 24 hours, both drawn as step charts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp import context, core, operations
from webapp.readmodel import accounts as activity
from webapp.readmodel import charging, commands, sessions, stations
from webapp.readmodel.base import Page

from .chart import StepChart, step_chart
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
        smart=_smart_charging(station),
        **shown,
    )


PLANNED_HOURS = 24
CLEAR = core.RequestClearChargingProfile.operation


def _smart_charging(station: stations.StationDetail) -> dict[str, Any] | None:
    """The smart-charging part of a station's page: for a version that has it, or a station that still has stored
    profiles. The planned schedule is for the connector asked for (``?connector=``), else the one the station last
    reported a schedule for, else its first; in the unit of that report, else of the first profile, else A."""
    can_clear = CLEAR in operations.operations_for(station.protocol)
    engine = context.engine()
    profiles = charging.installed_profiles(engine, station.charge_box_id)
    if not profiles and not can_clear:
        return None
    reported = charging.last_reported_schedule(engine, station.charge_box_id)
    connectors = sorted({0} | {c.connector_id for c in station.connectors} | {p.connector_id for p in profiles})
    asked = request.args.get("connector", "")
    if asked.isdigit() and int(asked) in connectors:
        connector = int(asked)
    elif reported is not None and reported.answer.connector_id in connectors:
        connector = int(reported.answer.connector_id or 0)
    else:
        connector = next((c for c in connectors if c > 0), 0)
    unit = core.ChargingRateUnit.A
    if reported is not None and reported.answer.charging_schedule is not None:
        unit = reported.answer.charging_schedule.charging_rate_unit
    elif profiles:
        unit = profiles[0].profile.schedule.charging_rate_unit
    start = context.now().replace(second=0, microsecond=0)
    planned = charging.planned_schedule(engine, station.charge_box_id, connector, start, PLANNED_HOURS * 3600, unit)
    return {
        "profiles": profiles, "can_clear": can_clear, "connectors": connectors, "connector": connector,
        "reported": reported, "reported_chart": reported_chart(reported), "planned": planned,
        "planned_chart": step_chart([(p.start_period, _number(p.limit), p.number_phases) for p in planned.periods],
                                    planned.schedule_start, planned.duration, planned.charging_rate_unit.value,
                                    zone()),
        "hours": PLANNED_HOURS,
    }


def reported_chart(reported: charging.ReportedSchedule | None) -> StepChart | None:
    """A GetCompositeSchedule answer drawn (None when it carried no schedule)."""
    if reported is None or reported.answer.charging_schedule is None:
        return None
    schedule = reported.answer.charging_schedule
    start = reported.answer.schedule_start or reported.requested_at
    periods = [(p.start_period, _number(p.limit), p.number_phases) for p in schedule.periods]
    duration = reported.duration or (periods[-1][0] + 3600 if periods else 3600)
    return step_chart(periods, start, duration, schedule.charging_rate_unit.value, zone())


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


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


def _profile(charge_box_id: str, profile_id: int) -> core.InstalledChargingProfile:
    _station(charge_box_id)
    found = charging.installed_profile(context.engine(), charge_box_id, profile_id)
    if found is None:
        abort(404, description=f"Station {charge_box_id} has no stored charging profile {profile_id}.")
    return found


def _charging_url(charge_box_id: str) -> str:
    return station_url(charge_box_id) + "#charging"


@bp.get("/<path:charge_box_id>/charging-profiles/<int:profile_id>/clear")
@requires(core.Role.OPERATOR)
def confirm_clear_profile(charge_box_id: str, profile_id: int) -> ResponseReturnValue:
    installed = _profile(charge_box_id, profile_id)
    profile = installed.profile
    where = "the whole station (connector 0)" if installed.connector_id == 0 else f"connector {installed.connector_id}"
    return render_template(
        "ui/confirm.html", title=f"Clear charging profile {profile_id} on {charge_box_id}?",
        action=url_for(".clear_profile", charge_box_id=charge_box_id, profile_id=profile_id),
        button="Clear the profile", cancel=_charging_url(charge_box_id),
        consequences=[
            f"send ClearChargingProfile with id {profile_id} to {charge_box_id}: the station removes this "
            f"{profile.purpose.value} (stack level {profile.stack_level}, {profile.kind.value}) from {where}, and "
            "its limits no longer apply;",
            "remove it from the stored copy once the station answers Accepted (or Unknown: it held no such "
            "profile). Without an answer, or with another one, nothing changes here.",
        ])


@bp.post("/<path:charge_box_id>/charging-profiles/<int:profile_id>/clear")
@requires(core.Role.OPERATOR)
def clear_profile(charge_box_id: str, profile_id: int) -> ResponseReturnValue:
    """ClearChargingProfile by id through the bus, then back to the station's page saying what came of it."""
    _station(charge_box_id)
    sent = operations.to_command(charge_box_id, CLEAR, {"id": profile_id})
    result: core.StationCallResult = context.write(sent)
    removed = core.call_report(sent, result)["remarks"].get("removedProfileIds", [])
    if not result.answered:
        flash(f"ClearChargingProfile for profile {profile_id} to {charge_box_id} ended {result.outcome.value}"
              f"{': ' + result.error if result.error else ''}. Nothing was cleared: the profile stays in the "
              "stored copy.", "error")
    elif profile_id in removed:
        flash(f"Charging profile {profile_id} cleared on {charge_box_id}: the station answered {result.status}, "
              "and the profile is no longer in the stored copy.", "success")
    else:
        flash(f"ClearChargingProfile for profile {profile_id} sent to {charge_box_id}: the station answered "
              f"{result.status}; no stored profile had that id (any more).", "success")
    return redirect(_charging_url(charge_box_id), code=303)
