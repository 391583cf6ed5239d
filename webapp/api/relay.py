"""``/api/stations/{id}/relay``: a station's relay to the OCPP 1.6-J back office (see ``docs/relay.md``).

``GET`` shows it (also part of ``GET /api/stations/{id}``); ``PUT {"url", "password"}`` relays the station to its
own URL (``url`` null or absent: the default ``OCPP_SOAP_RELAY_URL``) with its own HTTP Basic password
(``password`` absent: the stored one stays; null: none); ``DELETE`` stops relaying it, whatever the default says.
Passwords are stored encrypted and never shown.
"""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ocpp_soap.relay import admin
from ocpp_soap.relay.status import station_relay

from . import params, queries
from .context import gateway, online_since
from .errors import ApiError, not_found

bp = Blueprint("relay", __name__)


@bp.get("/stations/<charge_box_id>/relay")
def show_relay(charge_box_id: str) -> ResponseReturnValue:
    if queries.station(gateway().database, charge_box_id, online_since()) is None:
        raise not_found("station")
    return station_relay(gateway().database, gateway().settings.relay.url, charge_box_id)


@bp.put("/stations/<charge_box_id>/relay")
def put_relay(charge_box_id: str) -> ResponseReturnValue:
    body = params.json_object()
    params.only(body, ("url", "password"))
    url = body.get("url")
    if url is not None and not isinstance(url, str):
        raise ApiError(422, "invalid", "url: expected a ws:// or wss:// URL, or null", "url")
    try:
        admin.configure(gateway().uow_factory, gateway().settings, charge_box_id, url=url,
                        password=body["password"] if "password" in body else admin.KEEP)
    except admin.PasswordsNotStorable as exc:
        raise ApiError(409, "no-key", str(exc), "password") from None
    return show_relay(charge_box_id)


@bp.delete("/stations/<charge_box_id>/relay")
def delete_relay(charge_box_id: str) -> ResponseReturnValue:
    admin.turn_off(gateway().uow_factory, charge_box_id)
    return "", 204


# -- its part of the OpenAPI document (added to openapi.py's, so that the document stays the one description) -------

SCHEMAS = {
    "StationRelay": {
        "type": "object",
        "properties": {
            "relayed": {"type": "boolean", "description": "Whether the station is relayed to a back office"},
            "url": {"type": "string", "nullable": True, "description": "The back office's base URL (ws:// or wss://)"},
            "source": {"type": "string", "nullable": True, "enum": ["station", "default", "off", None],
                       "description": "Where the URL comes from: the station's own setting, OCPP_SOAP_RELAY_URL, "
                                      "or relaying turned off for the station"},
            "hasPassword": {"type": "boolean"},
            "connected": {"type": "boolean", "description": "The station's WebSocket to the back office is open"},
            "since": {"type": "string", "format": "date-time", "nullable": True,
                      "description": "When it connected or disconnected"},
            "owner": {"type": "string", "nullable": True, "description": "The relay process that holds the socket"},
            "registration": {"type": "string", "nullable": True,
                             "description": "The back office's answer to the station's last BootNotification"},
            "queueLength": {"type": "integer", "description": "Station messages waiting to be sent"},
            "failedMessages": {"type": "integer", "description": "Messages the back office refused (kept)"},
            "lastError": {"type": "string", "nullable": True},
            "lastErrorAt": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
    "StationRelayInput": {
        "type": "object",
        "properties": {
            "url": {"type": "string", "nullable": True,
                    "description": "ws:// or wss:// base URL; null or absent: the default (OCPP_SOAP_RELAY_URL)"},
            "password": {"type": "string", "nullable": True, "maxLength": admin.PASSWORD_MAX,
                         "description": "HTTP Basic password (security profiles 1 and 2); absent: keep the stored "
                                        "one; null: none"},
        },
    },
}


def _document() -> None:
    from . import openapi

    station = openapi._path("chargeBoxId", "The station's chargeBoxIdentity")
    shown = openapi._json(openapi._ref("StationRelay"), "The station's relay")
    openapi.SCHEMAS.update(SCHEMAS)
    openapi.SCHEMAS["StationDetail"]["allOf"][1]["properties"]["relay"] = openapi._ref("StationRelay")
    openapi.PATHS["/api/stations/{chargeBoxId}/relay"] = {
        "get": openapi._op("A station's relay to the OCPP 1.6-J back office",
                           {"200": shown, "404": openapi.NOT_FOUND}, parameters=[station]),
        "put": openapi._op("Relay the station to its own URL and password (or the default URL)",
                           {"200": shown, "404": openapi.NOT_FOUND, "409": openapi._error(
                               "A password was given but no key is configured to store it (no-key)"),
                            "422": openapi.INVALID}, parameters=[station], body="StationRelayInput"),
        "delete": openapi._op("Stop relaying the station", {"204": {"description": "Not relayed any more"},
                                                             "404": openapi.NOT_FOUND}, parameters=[station]),
    }


_document()
