"""``/transactions``: sessions (status, duration, energy of the session, live power) and refused starts apart,
filters that refuse a bad value instead of listing everything, CSV exports; one session with its chart (energy
of the session, power or state of charge on a second axis) and its meter values. ``/live/transactions/<id>``
is an open session's live part (htmx)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webapp import context
from webapp.api.transactions import csv_response
from webapp.core import Role
from webapp.readmodel import sessions
from webapp.timezones import BadTime, parse_time

from .chart import session_chart
from .pages import flag, page, pages, requires, text, zone

bp = Blueprint("transactions", __name__, url_prefix="/transactions")


def _time(name: str, problems: list[str]) -> datetime | None:
    raw = text(name)
    if raw is None:
        return None
    try:
        return parse_time(raw, zone())
    except BadTime as exc:
        problems.append(f"{'Started from' if name == 'from' else 'Until'}: {exc}")
        return None


def _filter(problems: list[str]) -> sessions.TransactionFilter:
    state = text("state")
    return sessions.TransactionFilter(
        station=text("station"), id_tag=text("idTag"),
        open={"charging": True, "finished": False}.get(state or "", flag("open")),
        started_from=_time("from", problems), started_to=_time("to", problems),
        refused=request.args.get("view") == "refused",
    )


@bp.get("")
def index() -> ResponseReturnValue:
    problems: list[str] = []
    where = _filter(problems)
    if problems:  # a bad filter shows what is wrong, never the whole unfiltered list
        return render_template("ui/transactions.html", listing=None, paging=None, args=request.args,
                               problems=problems), 422
    current = page()
    listing = sessions.list_transactions(context.engine(), current, where)
    return render_template("ui/transactions.html", listing=listing, paging=pages(listing, current),
                           args=request.args, problems=problems)


@bp.get("/export.csv")
def export() -> ResponseReturnValue:
    """Every matching transaction, as the API's ``?format=csv`` exports them."""
    problems: list[str] = []
    where = _filter(problems)
    if problems:
        abort(422, description=" ".join(problems))
    return csv_response(sessions.TRANSACTION_COLUMNS, sessions.all_transactions(context.engine(), where),
                        "transactions.csv")


def _live(transaction_id: int) -> dict[str, object]:
    engine = context.engine()
    tx = sessions.transaction(engine, transaction_id, with_meter_values=False)
    if tx is None:
        abort(404, description=f"No transaction {transaction_id} is known.")
    energy = sessions.series(engine, transaction_id, (None, sessions.ENERGY))
    power = sessions.series(engine, transaction_id, (sessions.POWER,))
    soc = sessions.series(engine, transaction_id, (sessions.SOC,))
    points = _framed(tx, energy.points)
    return {"tx": tx, "chart": session_chart(points, power.points, soc.points, float(tx.meter_start), zone()),
            "readings": energy.readings, "power_readings": power.readings, "soc_readings": soc.readings}


def _framed(tx: sessions.TransactionItem, points: list[sessions.Point]) -> list[sessions.Point]:
    """The readings framed by the meter start and stop the station reported with StartTransaction and
    StopTransaction, so that the line begins and ends where the session did."""
    start = sessions.Point(tx.started_at, float(tx.meter_start))
    framed = [start, *(p for p in points if p.at >= start.at)]
    if tx.stopped_at is not None and tx.meter_stop is not None:
        stop = sessions.Point(tx.stopped_at, float(tx.meter_stop))
        framed = [p for p in framed if p.at <= stop.at] + [stop]
    return framed


@bp.get("/<int:transaction_id>")
def show(transaction_id: int) -> ResponseReturnValue:
    live = _live(transaction_id)
    current = page()
    values = sessions.meter_values_page(context.engine(), transaction_id, current)
    return render_template("ui/transaction.html", live=live, tx=live["tx"], values=values,
                           paging=pages(values, current))


@bp.get("/live/<int:transaction_id>")
def live(transaction_id: int) -> ResponseReturnValue:
    return render_template("ui/live/transaction.html", live=_live(transaction_id))


@bp.get("/<int:transaction_id>/stop")
@requires(Role.OPERATOR)
def confirm_stop(transaction_id: int) -> ResponseReturnValue:
    tx = sessions.transaction(context.engine(), transaction_id, with_meter_values=False)
    if tx is None:
        abort(404, description=f"No transaction {transaction_id} is known.")
    return render_template(
        "ui/confirm.html", title=f"Stop session {transaction_id}?",
        action=url_for("ui.stations.command", charge_box_id=tx.charge_box_id, operation="RemoteStopTransaction"),
        button="Stop charging", cancel=url_for(".show", transaction_id=transaction_id),
        fields={"transactionId": str(transaction_id)},
        consequences=[f"RemoteStopTransaction is sent to {tx.charge_box_id}: the car on connector {tx.connector_id} "
                      f"({tx.id_tag}) stops charging when the station accepts."])


@bp.get("/<int:transaction_id>/meter-values.csv")
def export_meter_values(transaction_id: int) -> ResponseReturnValue:
    found = sessions.transaction(context.engine(), transaction_id)
    if found is None:
        abort(404, description=f"No transaction {transaction_id} is known.")
    rows = (value.model_dump(mode="json") for value in found.meter_values)
    return csv_response(sessions.METER_VALUE_COLUMNS, rows, f"transaction-{transaction_id}-meter-values.csv")
