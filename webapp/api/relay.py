"""``/api/stations/{id}/relay``: a station's relay to the OCPP 1.6-J back office (see ``docs/relay.md``).

``GET`` shows it (also under ``relay`` in ``GET /api/stations/{id}``); ``PUT`` relays the station to its own URL
or the default one with its own password or none; ``DELETE`` stops relaying it, whatever the default says. The
password is encrypted here, before the command is written, and never comes back.
"""

from __future__ import annotations

from flask import Response
from pydantic import Field

from webapp import context, core
from webapp.readmodel import relay as rm
from webapp.readmodel import stations as stored_stations

from .blueprint import NOT_FOUND, STATION, Answer, route
from .routing import ApiError, not_found
from .schemas import ErrorAnswer, Input

ADMIN = core.Role.ADMIN


class RelaySetting(Input):
    url: str | None = Field(None, description="ws:// or wss:// base URL of the back office; null or absent: the "
                                              "default (OCPP_SOAP_RELAY_URL)")
    password: str | None = Field(None, min_length=1, max_length=core.RELAY_PASSWORD_MAX,
                                 description="HTTP Basic password toward the back office (security profiles 1 and "
                                             "2); absent: the stored one stays; null: none")


def _relay(charge_box_id: str) -> rm.StationRelay:
    if not stored_stations.station_exists(context.engine(), charge_box_id):
        raise not_found("station")
    return rm.station_relay(context.engine(), context.gateway().settings.relay.url, charge_box_id)


@route("GET", "/stations/<charge_box_id>/relay", summary="A station's relay to the OCPP 1.6-J back office",
       tag="Relay", params=(STATION,),
       answers=(Answer(200, "The station's relay", rm.StationRelay), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_relay(charge_box_id: str) -> rm.StationRelay:
    return _relay(charge_box_id)


@route("PUT", "/stations/<charge_box_id>/relay", summary="Relay the station to its own URL and password, or the "
       "default URL", tag="Relay", role=ADMIN, params=(STATION,), body=RelaySetting,
       answers=(Answer(200, "The station's relay as it is now", rm.StationRelay), Answer(404, NOT_FOUND, ErrorAnswer),
                Answer(409, "A password was given but no key is configured to store it (no-key)", ErrorAnswer)))
def put_relay(charge_box_id: str, body: RelaySetting) -> rm.StationRelay:
    keep = "password" not in body.model_fields_set
    sealed = None
    if body.password is not None:
        try:
            sealed = core.seal_relay_password(context.gateway().settings, body.password)
        except core.RelayPasswordsNotStorable as exc:
            raise ApiError(409, "no-key", str(exc), "password") from None
    context.write(core.RelayStation(charge_box_id, body.url, sealed, keep_password=keep))
    return _relay(charge_box_id)


@route("DELETE", "/stations/<charge_box_id>/relay", summary="Stop relaying the station (whatever the default URL)",
       tag="Relay", role=ADMIN, params=(STATION,),
       answers=(Answer(204, "Not relayed any more; its queued messages stay, unsent"),
                Answer(404, NOT_FOUND, ErrorAnswer)))
def stop_relay(charge_box_id: str) -> Response:
    context.write(core.StopRelayingStation(charge_box_id))
    return Response(status=204)
