"""``/api/stations/<id>/charging-profiles``: the charging profiles a station accepted (OCPP 1.6), as the gateway
keeps its copy, by connector, purpose and highest stack level first. They change through the commands
SetChargingProfile, RemoteStartTransaction (with a profile) and ClearChargingProfile, and when a transaction ends
(its TxProfiles end with it)."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from . import charging_queries, params, queries
from .context import gateway, online_since
from .errors import not_found

bp = Blueprint("charging", __name__)


@bp.get("/stations/<charge_box_id>/charging-profiles")
def list_charging_profiles(charge_box_id: str) -> ResponseReturnValue:
    page = params.page()
    engine = gateway().database
    if queries.station(engine, charge_box_id, online_since()) is None:
        raise not_found("station")
    return params.listed(charging_queries.list_profiles(engine, charge_box_id, page), page)
