"""``/commands``: the command log (who sent what to which station, and what came of it); ``/commands/<id>``: one
command with the station's answer and what followed it (the session a RemoteStart caused, the reservation a
ReserveNow made and its use, the message(s) a TriggerMessage made the station send, the station's messages after
it; a GetCompositeSchedule's answer drawn as a chart): the address a command form redirects to, safe to reload
and share. ``/commands/bulk``: one operation sent to several stations at once, each answer listed."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp import context, core, operations
from webapp.readmodel import charging, commands, records, stations
from webapp.readmodel.base import Page

from .pages import page, pages, requires, text, who, zone
from .stations import reported_chart

bp = Blueprint("commands", __name__, url_prefix="/commands")

BULK_MAX = 20
"""Stations per bulk submission: they are called in parallel, so the page answers within about one command
timeout (the worker's timeout leaves room for one)."""


@bp.get("")
def index() -> ResponseReturnValue:
    current = page()
    raw_ids = text("ids")
    ids = [int(part) for part in raw_ids.split(",") if part.strip().isdigit()] if raw_ids else None
    listing = commands.list_commands(context.engine(), current, station=text("station"), ids=ids)
    return render_template("ui/commands.html", listing=listing, paging=pages(listing, current), args=request.args,
                           batch=ids)


@bp.get("/<int:command_id>")
def show(command_id: int) -> ResponseReturnValue:
    entry = commands.command(context.engine(), command_id)
    if entry is None:
        abort(404, description=f"No command {command_id} is logged.")
    engine = context.engine()
    followed = commands.followups(engine, entry)
    triggered = records.messages_by_id(engine, entry.triggered_messages or [])
    schedule = None
    if entry.operation == charging.COMPOSITE:
        schedule = charging.reported_schedule(entry.id, entry.requested_at, entry.parameters, entry.answer)
    # The page is the command's outcome: 200 when the station answered, 502 when it did not (as the form's
    # answer always was), so a script reading the page learns what the API's status would say.
    return render_template("ui/command.html", entry=entry, followed=followed, triggered=triggered,
                           schedule=schedule, schedule_chart=reported_chart(schedule),
                           trigger_window=int(charging.TRIGGER_WINDOW.total_seconds())), (
        200 if entry.outcome == "answered" else 502)


def _bulk_stations() -> list[stations.StationItem]:
    listing = stations.list_stations(context.engine(), Page(1, 200),
                                     stations.StationFilter(status="Accepted", search=text("q")),
                                     context.online_since())
    return [s for s in listing.items if s.protocol]


@bp.get("/bulk")
@requires(core.Role.OPERATOR)
def bulk() -> ResponseReturnValue:
    specs = operations.operation_forms()
    operation = text("operation") or "Reset"
    if operation not in specs:
        operation = "Reset"
    return render_template("ui/bulk.html", stations=_bulk_stations(), specs=specs, spec=specs[operation],
                           operation=operation, chosen=set(request.args.getlist("station")), limit=BULK_MAX,
                           values={}, args=request.args)


@bp.post("/bulk")
@requires(core.Role.OPERATOR)
def send_bulk() -> ResponseReturnValue:
    operation = request.form.get("operation", "")
    chosen = [s for s in dict.fromkeys(request.form.getlist("station")) if s]
    specs = operations.operation_forms()
    problem = None
    if operation not in specs:
        problem = f"Unknown operation {operation!r}."
    elif not chosen:
        problem = "Pick at least one station."
    elif len(chosen) > BULK_MAX:
        problem = f"At most {BULK_MAX} stations at once (picked {len(chosen)})."
    built: dict[str, core.StationRequest] = {}
    if problem is None:
        try:
            for charge_box_id in chosen:
                built[charge_box_id] = operations.from_form(charge_box_id, operation, request.form, zone())
        except core.DomainError as exc:
            problem = str(exc)
    if problem is not None:
        spec = specs.get(operation) or specs["Reset"]
        return render_template("ui/bulk.html", stations=_bulk_stations(), specs=specs, spec=spec,
                               operation=spec.name, chosen=set(chosen), limit=BULK_MAX, values=request.form,
                               problem=problem, args={}), 422
    results = _send_all(built)
    ids = [str(r) for r in results.values() if isinstance(r, int)]
    refused = {k: v for k, v in results.items() if not isinstance(v, int)}
    flash(f"{operation} sent to {len(ids)} station{'s' if len(ids) != 1 else ''}"
          + (f"; refused for {', '.join(f'{k} ({v})' for k, v in refused.items())}" if refused else "") + ".",
          "error" if refused else "success")
    return redirect(url_for(".index", ids=",".join(ids)) if ids else url_for(".bulk", operation=operation), code=303)


def _send_all(built: Mapping[str, core.StationRequest]) -> dict[str, Any]:
    """Each station's command, in parallel (each thread its own bus call and transactions): the command log id,
    or why it was refused before anything was sent."""

    gateway, actor = context.gateway(), who().name

    def send(command: core.StationRequest) -> Any:
        try:
            result: core.StationCallResult = core.handle_as(gateway.bus, command, actor, gateway.clock)
            return result.log_id
        except core.DomainError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=min(len(built), BULK_MAX)) as pool:
        futures = {charge_box_id: pool.submit(send, command) for charge_box_id, command in built.items()}
        return {charge_box_id: future.result() for charge_box_id, future in futures.items()}
