"""``/api/commands``: the command log; ``/api/stations/<id>/commands/<Operation>``: send a command to a station.

The body holds the operation's fields under their OCPP names; the operation's spec turns them into the request
and the bus sends it. What came of it decides the status: 200 when the station answered (its answer may
still say Rejected), 409 when no address is known, 504 on a timeout, 502 when unreachable, a fault or nonsense.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.errors import DomainError
from ocpp_soap.domain.station_requests import StationCallResult
from ocpp_soap.operations import parse_request
from ocpp_soap.operations.results import call_report

from . import charging_queries, params, queries
from .context import dispatch, gateway
from .errors import CALL_FAILURES, ApiError, error_response, from_domain

bp = Blueprint("commands", __name__)


@bp.get("/commands")
def list_commands() -> ResponseReturnValue:
    page = params.page()
    engine = gateway().database
    listing = queries.list_commands(engine, page, station=params.text("station"))
    for item in listing.items:  # what each TriggerMessage made the station send (message-log ids)
        if item["operation"] == charging_queries.TRIGGER:
            item["triggeredMessages"] = [m["id"] for m in charging_queries.triggered_messages(engine, item["id"])]
    return params.listed(listing, page)


@bp.post("/stations/<charge_box_id>/commands/<operation>")
def send_command(charge_box_id: str, operation: str) -> ResponseReturnValue:
    request = parse_request(charge_box_id, operation, params.json_object())
    try:
        result: StationCallResult[Any] = dispatch(request)
    except DomainError as exc:
        return error_response(from_domain(exc, type(request)))
    summary = call_report(request, result)
    status = CALL_FAILURES.get(result.outcome)
    if status is not None:
        raise ApiError(status, result.outcome.value, result.error or result.outcome.value, **summary)
    return jsonify(summary)
