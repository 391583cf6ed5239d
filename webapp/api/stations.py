"""``/api/stations``: list and detail from the read model; register, accept, reject, delete through the bus."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ocpp_soap.domain import operator_commands as oc
from ocpp_soap.domain.errors import InvalidInput
from ocpp_soap.domain.model import Protocol, RegistrationStatus
from ocpp_soap.relay.status import station_relay

from . import params, queries
from .context import dispatch, gateway, online_since
from .errors import not_found

bp = Blueprint("stations", __name__)

VERSIONS = {"1.2": Protocol.OCPP12_SOAP, "1.5": Protocol.OCPP15_SOAP}


@bp.get("/stations")
def list_stations() -> ResponseReturnValue:
    page = params.page()
    status = params.text("status")
    version = params.text("version")
    protocol = None
    if version is not None:
        protocol = VERSIONS.get(version) or params.choice("version", version, Protocol)
    where = queries.StationFilter(
        search=params.text("search"),
        status=None if status is None else params.choice("status", status, RegistrationStatus).value,
        protocol=None if protocol is None else protocol.value,
        online=params.flag("online"),
    )
    listing = queries.list_stations(gateway().database, page, where, online_since())
    return params.listed(listing, page)


@bp.get("/stations/<charge_box_id>")
def show_station(charge_box_id: str) -> ResponseReturnValue:
    body = queries.station(gateway().database, charge_box_id, online_since())
    if body is None:
        raise not_found("station")
    body["relay"] = station_relay(gateway().database, gateway().settings.relay.url, charge_box_id)
    return body


@bp.post("/stations")
def register_station() -> ResponseReturnValue:
    body = params.json_object()
    params.only(body, ("chargeBoxId", "status"))
    charge_box_id = body.get("chargeBoxId")
    if not isinstance(charge_box_id, str) or not charge_box_id.strip():
        raise InvalidInput("chargeBoxId", "expected a non-empty text")
    status = params.choice("status", body.get("status", "Accepted"), RegistrationStatus)
    dispatch(oc.RegisterStation(charge_box_id, status))
    return _created(charge_box_id)


@bp.post("/stations/<charge_box_id>/accept")
def accept_station(charge_box_id: str) -> ResponseReturnValue:
    dispatch(oc.AcceptStation(charge_box_id))
    return show_station(charge_box_id)


@bp.post("/stations/<charge_box_id>/reject")
def reject_station(charge_box_id: str) -> ResponseReturnValue:
    dispatch(oc.RejectStation(charge_box_id))
    return show_station(charge_box_id)


@bp.delete("/stations/<charge_box_id>")
def delete_station(charge_box_id: str) -> ResponseReturnValue:
    dispatch(oc.DeleteStation(charge_box_id))
    return "", 204


def _created(charge_box_id: str) -> ResponseReturnValue:
    response = jsonify(queries.station(gateway().database, charge_box_id, online_since()))
    response.status_code = 201
    response.headers["Location"] = f"/api/stations/{charge_box_id}"
    return response
