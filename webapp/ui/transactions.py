"""``/transactions``: list with filters, detail with a chart of the energy register and its meter values, and
CSV exports made by the API's CSV code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from ocpp_soap.timestamps import InvalidTimestamp, parse_timestamp
from webapp.api import queries as api
from webapp.api.transactions import csv_response

from . import queries
from .chart import energy_chart
from .pages import engine, flag, page, pages, text

bp = Blueprint("transactions", __name__, url_prefix="/transactions")


def _time(name: str, problems: list[str]) -> datetime | None:
    """A date (``2025-01-31``, midnight UTC) or a date and time from the filter form; None when empty or wrong."""
    raw = text(name)
    if raw is None:
        return None
    try:
        return parse_timestamp(raw if "T" in raw else raw + "T00:00:00Z")
    except InvalidTimestamp:
        problems.append(f"{name}: {raw!r} is not a date (YYYY-MM-DD) or an ISO 8601 date and time")
        return None


def _filter(problems: list[str]) -> api.TransactionFilter:
    return api.TransactionFilter(
        station=text("station"), id_tag=text("idTag"), open=flag("open"),
        started_from=_time("from", problems), started_to=_time("to", problems),
    )


@bp.get("")
def index() -> ResponseReturnValue:
    problems: list[str] = []
    where = _filter(problems)
    current = page()
    listing = api.list_transactions(engine(), current, where)
    return render_template("ui/transactions.html", listing=listing, paging=pages(listing, current),
                           args=request.args, problems=problems)


@bp.get("/export.csv")
def export() -> ResponseReturnValue:
    """Every matching transaction, as the API's ``?format=csv`` exports them."""
    where = _filter([])
    return csv_response(api.TRANSACTION_COLUMNS, api.all_transactions(engine(), where), "transactions.csv")


@bp.get("/<int:transaction_id>")
def show(transaction_id: int) -> ResponseReturnValue:
    transaction = queries.transaction_row(engine(), transaction_id)
    if transaction is None:
        abort(404, description=f"No transaction {transaction_id} is known.")
    points, readings = queries.energy_series(engine(), transaction_id)
    so_far = points[-1].wh - transaction["meterStart"] if points and transaction["open"] else None
    points = _with_start_and_stop(transaction, points)
    current = page()
    values = queries.meter_values_page(engine(), transaction_id, current)
    return render_template("ui/transaction.html", tx=transaction, chart=energy_chart(points),
                           so_far=so_far,
                           readings=readings, values=values, paging=pages(values, current))


def _with_start_and_stop(transaction: dict[str, Any], points: list[queries.MeterPoint]) -> list[queries.MeterPoint]:
    """The readings framed by the meter start and stop the station reported with StartTransaction and
    StopTransaction, so that the line begins and ends where the session did."""
    start = queries.MeterPoint(parse_timestamp(transaction["startedAt"]), float(transaction["meterStart"]))
    framed = [start, *(p for p in points if p.at >= start.at)]
    if transaction["stoppedAt"] and transaction["meterStop"] is not None:
        stop = queries.MeterPoint(parse_timestamp(transaction["stoppedAt"]), float(transaction["meterStop"]))
        framed = [p for p in framed if p.at <= stop.at] + [stop]
    return framed


@bp.get("/<int:transaction_id>/meter-values.csv")
def export_meter_values(transaction_id: int) -> ResponseReturnValue:
    body = api.transaction(engine(), transaction_id)
    if body is None:
        abort(404, description=f"No transaction {transaction_id} is known.")
    return csv_response(api.METER_VALUE_COLUMNS, body["meterValues"], f"transaction-{transaction_id}-meter-values.csv")
