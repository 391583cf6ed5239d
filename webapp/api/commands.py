"""``/api/commands``: the command log; ``/api/stations/<id>/commands/<Operation>``: send a command to a station.

The body holds the operation's fields under their OCPP names; ``operator_input`` turns them into the domain
command and the bus sends it. What came of it decides the status: 200 when the station answered (its answer may
still say Rejected), 409 when no address is known, 504 on a timeout, 502 when unreachable, a fault or nonsense.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.station_requests import StationCallResult
from ocpp_soap.json_values import to_jsonable
from ocpp_soap.operator_input import parse_station_request

from . import params, queries
from .context import dispatch, gateway
from .errors import CALL_FAILURES, ApiError

bp = Blueprint("commands", __name__)


@bp.get("/commands")
def list_commands() -> ResponseReturnValue:
    page = params.page()
    listing = queries.list_commands(gateway().engine, page, station=params.text("station"))
    return params.listed(listing, page)


@bp.post("/stations/<charge_box_id>/commands/<operation>")
def send_command(charge_box_id: str, operation: str) -> ResponseReturnValue:
    command = parse_station_request(charge_box_id, operation, params.json_object())
    result: StationCallResult = dispatch(command)
    summary = {
        "outcome": result.outcome.value,
        "answer": to_jsonable(result.answer),
        "added": to_jsonable(result.added),
        "remarks": to_jsonable(result.remarks),
        "durationMs": round(result.duration_ms, 1),
        "commandLogId": result.log_id,
    }
    status = CALL_FAILURES.get(result.outcome)
    if status is not None:
        raise ApiError(status, result.outcome.value, result.error or result.outcome.value, **summary)
    return jsonify(summary)
